/* Stepladder's service worker: the app shell for use without signal, the worker's own
   caseload pages (network first, expiring), and replay of the outbox on Background Sync. */
"use strict";

importScripts("/static/js/outbox.js", "/static/js/sync.js");

// Bump VERSION when the shell list changes; activate then deletes the older shell caches.
var VERSION = "2";
var SHELL = "stepladder-shell-" + VERSION;
var PAGES = "stepladder-pages-";
var SHELL_FILES = [
  "/offline",
  "/manifest.webmanifest",
  "/static/css/app.css",
  "/static/js/app.js",
  "/static/js/outbox.js",
  "/static/js/sync.js",
  "/static/js/offline.js",
  "/static/js/going_back.js",
  "/static/vendor/htmx/htmx-2.0.11.min.js",
  "/static/icons/mark.svg",
  "/static/icons/icon-192.png",
  "/static/icons/icon-512.png",
  "/static/icons/apple-touch-icon.png"
];
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
  }
});

// Stale while revalidate: answer from the shell at once, refresh it for next time.
function fromShell(event, request) {
  return caches.open(SHELL).then(function (cache) {
    return cache.match(request, { ignoreSearch: true }).then(function (kept) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) return cache.put(request, response.clone()).then(function () { return response; });
        return response;
      });
      if (kept) {
        event.waitUntil(fresh.catch(function () { return null; }));
        return kept;
      }
      return fresh;
    });
  });
}

// Pages: always the network when there is one; a kept copy, or the offline page, when not.
function networkFirst(event, request, url) {
  return fetch(request).then(function (response) {
    if (response.ok && response.headers.get("X-Stepladder-Offline")) {
      event.waitUntil(keep(url.pathname, response.clone()));
    }
    return response;
  }, function () {
    return findKept(url.pathname === "/" ? "/people" : url.pathname).then(function (kept) {
      return kept || caches.match("/offline", { cacheName: SHELL }).then(function (page) {
        return page || Response.error();
      });
    });
  });
}

// Keep a page the server marked as the signed-in worker's own, with the time it was kept.
// Only one worker's pages stay on a phone: another worker's copies go first.
async function keep(path, response) {
  var user = response.headers.get("X-Stepladder-User");
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
async function findKept(path) {
  var names = (await caches.keys()).filter(function (name) { return name.indexOf(PAGES) === 0; });
  for (var i = 0; i < names.length; i++) {
    var cache = await caches.open(names[i]);
    var kept = await cache.match(path, { ignoreSearch: true, ignoreVary: true });
    if (!kept) continue;
    if (age(kept) > Number(kept.headers.get("X-Stepladder-Offline")) * 1000) {
      await cache.delete(path);
      continue;
    }
    return kept;
  }
  return null;
}

// My people asks for its person pages, so the whole caseload opens without signal, not only
// the pages opened so far. Marked as a prefetch, so that it is not mistaken for a person viewing.
async function warm(paths) {
  for (var i = 0; i < paths.length; i++) {
    var kept = await findKept(paths[i]);
    if (kept && age(kept) < REFRESH_AFTER) continue;
    try {
      var response = await fetch(paths[i], { credentials: "same-origin", headers: { "X-Stepladder-Prefetch": "1" } });
      if (response.ok && response.headers.get("X-Stepladder-Offline")) await keep(paths[i], response);
    } catch (error) {
      return;
    }
  }
}

async function forgetPages() {
  var names = await caches.keys();
  await Promise.all(names.filter(function (name) { return name.indexOf(PAGES) === 0; })
    .map(function (name) { return caches.delete(name); }));
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "wipe") event.waitUntil(forgetPages());
  else if (data.type === "warm" && Array.isArray(data.paths)) event.waitUntil(warm(data.paths));
});

// Background Sync: replay, and tell the browser to try again later if the signal is still gone.
self.addEventListener("sync", function (event) {
  if (event.tag !== "stepladder-outbox") return;
  event.waitUntil(self.StepladderSync.replay({ force: false }).then(function (tally) {
    if (tally && tally.offline) throw new Error("still no signal");
  }));
});
