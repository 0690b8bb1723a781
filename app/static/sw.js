/* Stepladder's service worker: the app shell for use without signal, the worker's own
   caseload pages (network first, bound to the live session, expiring), and replay of the
   outbox on Background Sync. */
"use strict";

// The server prepends this build's version and content-hashed URLs (app/static_files.py), so
// the worker's bytes, and with them its cache name, change whenever a shell file changes.
var BUILD = self.STEPLADDER_BUILD;
importScripts.apply(self, BUILD.scripts);

var SHELL = "stepladder-shell-" + BUILD.version;
var PAGES = "stepladder-pages-";
var SESSION = "stepladder-session";
var SESSION_KEY = "/__stepladder/session";
var SHELL_FILES = BUILD.shell;
// A kept page is refreshed at most this often when My people asks for its caseload.
var REFRESH_AFTER = 60 * 60 * 1000;

self.addEventListener("install", function (event) {
  // The shell is fetched without cookies: the offline page must hold nobody's data.
  event.waitUntil(
    caches.open(SHELL)
      .then(function (cache) {
        return cache.addAll(SHELL_FILES.map(function (url) { return new Request(url, { credentials: "omit" }); }));
      })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.filter(function (name) {
          return name.indexOf("stepladder-shell-") === 0 && name !== SHELL;
        }).map(function (name) { return caches.delete(name); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0 || url.pathname === "/manifest.webmanifest") {
    event.respondWith(fromShell(event, request));
  } else if (request.mode === "navigate" || request.headers.get("HX-Boosted")) {
    event.respondWith(networkFirst(event, request, url));
  } else if (url.pathname === "/session") {
    // The outbox's and the pages' session probe: it tells this worker the session's state too.
    var sentAt = Date.now();
    event.respondWith(fetch(request).then(function (response) {
      event.waitUntil(observe(response, sentAt));
      return response;
    }));
  }
});

// A content-hashed URL never changes, so a kept one is answered at once; the manifest (and
// the icons it names without a hash) are refreshed in the background for next time. Without
// signal, a page drawn by an older build still gets today's copy of its file.
function fromShell(event, request) {
  return caches.open(SHELL).then(function (cache) {
    return cache.match(request).then(function (kept) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok && SHELL_FILES.indexOf(new URL(request.url).pathname + new URL(request.url).search) !== -1) {
          return cache.put(request, response.clone()).then(function () { return response; });
        }
        return response;
      });
      if (kept) {
        if (!/[?&]v=/.test(request.url)) event.waitUntil(fresh.catch(function () { return null; }));
        return kept;
      }
      return fresh.catch(function () {
        return cache.match(request, { ignoreSearch: true }).then(function (older) { return older || Response.error(); });
      });
    });
  });
}

// ----- The session the kept pages belong to -----
// Every page the app answers says who is signed in (X-Stepladder-Live: a user id, or "none")
// and the idle timeout (X-Stepladder-Idle, seconds). Kept pages are shown offline only while
// that session may still be live: the same user, not seen to end, and heard from within the
// idle timeout. A 401, or an answer that nobody is signed in, deletes them.

async function readSession() {
  var kept = await (await caches.open(SESSION)).match(SESSION_KEY);
  return kept ? kept.json() : null;
}

async function writeSession(state) {
  var body = JSON.stringify(state);
  await (await caches.open(SESSION)).put(SESSION_KEY, new Response(body, { headers: { "Content-Type": "application/json" } }));
}

// Session changes and page keeping run one at a time, in the order they happen: otherwise
// the deletion for an ended session could land after the first page of the next one is kept.
var queue = Promise.resolve();
function inTurn(work) {
  var next = queue.then(work, work);
  queue = next.catch(function () { return null; });
  return next;
}

function sessionEnded() {
  return inTurn(endSession);
}

async function endSession() {
  await writeSession({ user: "", liveAt: 0, idle: 0, ended: true, endedAt: Date.now() });
  await forgetPages();
}

// Read what an answer says of the session. `sentAt`: when its request left, so that an answer
// to a request sent before the session was seen to end cannot bring it back to life.
function observe(response, sentAt) {
  return inTurn(function () { return readAnswer(response, sentAt); });
}

async function readAnswer(response, sentAt) {
  if (response.status === 401) return endSession();
  var live = response.headers.get("X-Stepladder-Live");
  if (live === null || response.status >= 500) return; // not the app's answer
  if (live === "none") return endSession();
  var state = await readSession();
  if (state && state.ended && sentAt < state.endedAt) return;
  await writeSession({
    user: live, liveAt: sentAt, idle: Number(response.headers.get("X-Stepladder-Idle") || 0), ended: false
  });
}

// May a kept page of `user` be shown without a fresh check?
async function sessionMayBeLive(user) {
  var state = await readSession();
  return Boolean(state && !state.ended && state.user === user && Date.now() - state.liveAt < state.idle * 1000);
}

// Pages: always the network when there is one; a kept copy, or the offline page, when not.
function networkFirst(event, request, url) {
  var sentAt = Date.now();
  return fetch(request).then(function (response) {
    // Cloned now: by the time the session is read, the page has taken the body.
    var copy = response.ok && response.headers.get("X-Stepladder-Offline") ? response.clone() : null;
    event.waitUntil(observe(response, sentAt).then(function () {
      if (copy) return keep(url.pathname, copy);
    }));
    return response;
  }, function () {
    return findKept(url.pathname === "/" ? "/people" : url.pathname, true).then(function (kept) {
      return kept || caches.match("/offline", { cacheName: SHELL }).then(function (page) {
        return page || Response.error();
      });
    });
  });
}

// Keep a page the server marked as the signed-in worker's own, with the time it was kept.
// Only one worker's pages stay on a phone: another worker's copies go first.
function keep(path, response) {
  return inTurn(function () { return keepNow(path, response); });
}

async function keepNow(path, response) {
  var user = response.headers.get("X-Stepladder-User");
  if (!(await sessionMayBeLive(user))) return; // the session ended while the page was on its way
  var name = PAGES + user;
  var names = await caches.keys();
  await Promise.all(names.filter(function (other) {
    return other.indexOf(PAGES) === 0 && other !== name;
  }).map(function (other) { return caches.delete(other); }));
  var headers = new Headers(response.headers);
  headers.set("X-Stepladder-Kept-At", String(Date.now()));
  headers.delete("Vary");
  var copy = new Response(await response.blob(), { status: 200, headers: headers });
  await (await caches.open(name)).put(path, copy);
}

function age(response) {
  return Date.now() - Number(response.headers.get("X-Stepladder-Kept-At") || 0);
}

// A kept page, unless it is older than the server allowed (then it is deleted, not shown).
// To be shown in place of the network (`toShow`), its session must also still be live: once
// the session has ended or gone quiet past the idle timeout, every kept page is deleted.
async function findKept(path, toShow) {
  var names = (await caches.keys()).filter(function (name) { return name.indexOf(PAGES) === 0; });
  for (var i = 0; i < names.length; i++) {
    var cache = await caches.open(names[i]);
    var kept = await cache.match(path, { ignoreSearch: true, ignoreVary: true });
    if (!kept) continue;
    if (age(kept) > Number(kept.headers.get("X-Stepladder-Offline")) * 1000) {
      await cache.delete(path);
      continue;
    }
    if (toShow && !(await sessionMayBeLive(kept.headers.get("X-Stepladder-User")))) {
      await forgetPages();
      return null;
    }
    return kept;
  }
  return null;
}

// My people asks for its person pages, so the whole caseload opens without signal, not only
// the pages opened so far. Marked as a prefetch, so that it is not mistaken for a person viewing.
async function warm(paths, again) {
  for (var i = 0; i < paths.length; i++) {
    var kept = await findKept(paths[i]);
    if (!again && kept && age(kept) < REFRESH_AFTER) continue;
    try {
      var sentAt = Date.now();
      var response = await fetch(paths[i], { credentials: "same-origin", headers: { "X-Stepladder-Prefetch": "1" } });
      await observe(response, sentAt);
      if (response.status === 401) return;
      if (response.ok && response.headers.get("X-Stepladder-Offline")) await keep(paths[i], response);
    } catch (error) {
      return;
    }
  }
}

// One pass at a time. My people asks more than once as it opens (the worker taking control,
// the page settling): a second pass run alongside the first would ask the server for every
// person again; run after it, it finds the copies fresh and asks for none.
var warming = Promise.resolve();
function warmInTurn(paths, again) {
  var next = warming.then(function () { return warm(paths, again); });
  warming = next.catch(function () { return null; });
  return next;
}

async function forgetPages() {
  var names = await caches.keys();
  await Promise.all(names.filter(function (name) { return name.indexOf(PAGES) === 0; })
    .map(function (name) { return caches.delete(name); }));
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  // Sign-out, or a page that heard the session end (a 401 to an entry): the copies go.
  if (data.type === "wipe" || data.type === "session-ended") event.waitUntil(sessionEnded());
  else if (data.type === "warm" && Array.isArray(data.paths)) event.waitUntil(warmInTurn(data.paths));
  // A page the server has just changed (a tap it took): kept again however fresh the copy.
  else if (data.type === "refresh" && Array.isArray(data.paths)) event.waitUntil(warmInTurn(data.paths, true));
});

// Background Sync: replay, and tell the browser to try again later if the signal is still gone.
self.addEventListener("sync", function (event) {
  if (event.tag !== "stepladder-outbox") return;
  event.waitUntil(self.StepladderSync.replay({ force: false }).then(function (tally) {
    if (tally && tally.offline) throw new Error("still no signal");
  }));
});
