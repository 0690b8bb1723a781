/* The phone side of working without signal: the service worker, entries kept on the phone
   when they cannot be sent, the sync indicator, the replay triggers, the sign-out warning
   and wipe, and the iPhone install hint. Every form still works without any of this. */
(function () {
  "use strict";

  var Outbox = window.StepladderOutbox;
  var Sync = window.StepladderSync;
  var TIMER = 30000;
  if (!Outbox || !window.indexedDB) return;

  var wipePage = document.querySelector("[data-wipe-phone]");
  if (wipePage) {
    wipe(wipePage);
    return;
  }

  // The signed-in user, from markup that htmx swaps with each page (body attributes are not).
  function me() {
    var box = document.querySelector("[data-outbox]");
    return box ? box.getAttribute("data-user") || "" : "";
  }

  // ----- Keeping entries on the phone -----

  var sending = null; // the entry htmx is posting now, kept on the phone if the post fails

  function summaryOf(submitter) {
    if (!submitter) return "Entry";
    var rung = submitter.querySelector(".rung-text");
    var text = (rung || submitter).textContent.replace(/\s+/g, " ").trim();
    var heading = document.querySelector("main h1");
    if (submitter.form && submitter.form.hasAttribute("data-next-visit")) text = "Next visit: " + text;
    return heading ? text + " · " + heading.textContent.trim() : text;
  }

  function entryFrom(form, submitter) {
    var data;
    try {
      data = new FormData(form, submitter);
    } catch (error) {
      data = new FormData(form);
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    }
    var body = new URLSearchParams();
    data.forEach(function (value, key) { if (typeof value === "string") body.append(key, value); });
    // getAttribute: the form's "action" buttons shadow the form.action property.
    var url = new URL(form.getAttribute("action") || location.pathname, location.href);
    var person = /\/people\/(\d+)\//.exec(url.pathname);
    return {
      id: body.get("id"), user: me(), url: url.pathname, person: person ? person[1] : "",
      body: body.toString(), summary: summaryOf(submitter), madeAt: new Date().toISOString(),
      state: "waiting", message: "", attempts: 0, retryAt: 0
    };
  }

  function say(strong, rest, undoId) {
    var status = document.getElementById("status");
    if (!status) return;
    var p = document.createElement("p");
    var b = document.createElement("strong");
    b.textContent = strong;
    p.appendChild(b);
    if (rest) p.appendChild(document.createTextNode(" · " + rest));
    var parts = [p];
    if (undoId) {
      var undo = document.createElement("button");
      undo.type = "button";
      undo.className = "button small";
      undo.setAttribute("data-outbox-undo", undoId);
      undo.textContent = "Undo";
      parts.push(undo);
    }
    status.replaceChildren.apply(status, parts);
  }

  // ----- The ladder moves at once, offline -----

  // Offline the server cannot draw the new ladder, so the page does: the tapped rung becomes
  // the current step and the one above it the next step. Returns how to put it back (Undo).
  var RUNG_STATES = { current: "Current step", next: "Next step", reached: "Reached" };

  function setRungState(button, state) {
    button.classList.remove("current", "next", "reached");
    var old = button.querySelector(".rung-state");
    if (old) old.remove();
    if (!state) return;
    button.classList.add(state);
    var span = document.createElement("span");
    span.className = "rung-state";
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " — ";
    span.append(hidden, RUNG_STATES[state]);
    button.appendChild(span);
  }

  function rungState(button) {
    for (var state in RUNG_STATES) if (button.classList.contains(state)) return state;
    return "";
  }

  function moveLadder(submitter) {
    var ladder = submitter && submitter.closest ? submitter.closest(".rungs") : null;
    // A step up or, once confirmed, going back down: either way the tapped rung is current.
    if (!ladder || !/^(step|goback):/.test(submitter.value || "")) return null;
    var buttons = Array.prototype.slice.call(ladder.querySelectorAll("button.rung"));
    var before = buttons.map(rungState);
    var tapped = buttons.indexOf(submitter);
    buttons.forEach(function (button, i) {
      // Rungs are listed top first: the one above the tapped rung comes just before it.
      if (i === tapped) setRungState(button, "current");
      else if (i === tapped - 1) setRungState(button, "next");
      else if (before[i] === "current" || before[i] === "next") setRungState(button, i > tapped ? "reached" : "");
    });
    return function () {
      buttons.forEach(function (button, i) { setRungState(button, before[i]); });
    };
  }

  var undoable = {}; // entry id -> how to put its ladder back
  var lastKept = {}; // entry id -> the entry as kept, for an Undo after it has been sent

  function keepOnPhone(entry, state, message) {
    entry.state = state || "waiting";
    entry.message = message || "";
    return Outbox.add(entry).then(function () {
      lastKept[entry.id] = entry;
      say("Saved on this phone", entry.summary, entry.id);
      render();
      askForBackgroundSync();
    }, function () {
      // Already kept (a double tap, or the same failure reported twice): nothing to add.
      render();
    });
  }

  // After app.js has given the entry a fresh id (both listen in the capture phase; app.js first).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute("data-entry-form")) return;
    var entry = entryFrom(form, event.submitter);
    if (navigator.onLine) {
      sending = entry;
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    var putBack = moveLadder(event.submitter);
    if (putBack) undoable[entry.id] = putBack;
    keepOnPhone(entry);
  }, true);

  // Undo of an entry saved on this phone: while it is still waiting it simply leaves the
  // phone, never sent. If it has been sent meanwhile, an undo of it is queued like any entry
  // (the server removes it; the void points at it).
  function undo(id) {
    return Outbox.all().then(function (entries) {
      var entry = entries.find(function (e) { return e.id === id; });
      var putBack = undoable[id];
      delete undoable[id];
      if (putBack) putBack();
      if (entry && entry.state !== "sending") {
        return Outbox.remove(id).then(function () {
          say("Removed from this phone", entry.summary + " will not be sent");
          return render();
        });
      }
      var original = lastKept[id];
      if (!original) return render();
      var body = new URLSearchParams(original.body);
      var voidId = window.Stepladder.newUuid();
      ["note", "shareable", "activity"].forEach(function (key) { body.delete(key); });
      body.set("id", voidId);
      body.set("recorded_at", new Date().toISOString());
      body.set("action", "void:" + id);
      body.set("reason", "Undone straight away");
      var voiding = {
        id: voidId, user: original.user, url: original.url, person: original.person,
        body: body.toString(), summary: "Undo: " + original.summary, madeAt: new Date().toISOString(),
        state: "waiting", message: "", attempts: 0, retryAt: 0
      };
      return Outbox.add(voiding).then(function () {
        say("Removed", original.summary);
        render();
        askForBackgroundSync();
        return replay(true);
      });
    });
  }

  function sentEntry(detail) {
    var form = detail && detail.elt && detail.elt.closest && detail.elt.closest("form[data-entry-form]");
    if (!sending || !form || !form.elements.id || form.elements.id.value !== sending.id) return null;
    var entry = sending;
    sending = null;
    return entry;
  }

  // The network failed under htmx's post: the entry may or may not have arrived. Keep it;
  // replaying its UUID is safe either way (the server answers 200 for a repeat).
  document.addEventListener("htmx:sendError", function (event) {
    var entry = sentEntry(event.detail);
    if (entry) keepOnPhone(entry);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 0) return; // a network error: htmx:sendError keeps it
    var config = event.detail.requestConfig;
    if (status < 300 && sending && config && config.verb === "post") {
      // Taken (the answer has already been swapped in, with the form's next id).
      sending = null;
      return keepFresh();
    }
    var entry = sentEntry(event.detail);
    if (!entry) return;
    if (status === 401) {
      sessionEnded();
      keepOnPhone(entry, "sign-in", "Sign in again to send it.");
      say("Saved on this phone", "sign in again to send it");
    } else if (status === 403 || status === 429 || status >= 500) {
      keepOnPhone(entry, "waiting", "The server could not take it just now. It will try again.");
    }
  });

  // The server took a tap, so this page has changed: the copy kept for offline use is drawn
  // again, and a reload with no signal shows the ladder as it now is.
  function keepFresh() {
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker) worker.postMessage({ type: "refresh", paths: [location.pathname] });
  }

  // ----- The sync indicator -----

  function stateText(entry) {
    if (entry.state === "set-aside") return "Set aside, not sent: " + entry.message;
    if (entry.state === "sending") return "Sending";
    if (entry.message) return entry.message;
    return navigator.onLine ? "Waiting to send" : "Waiting for signal";
  }

  function item(entry) {
    var li = document.createElement("li");
    li.className = "outbox-item state-" + entry.state;
    var what = document.createElement("span");
    what.className = "what";
    what.textContent = entry.summary;
    var state = document.createElement("span");
    state.className = "state";
    state.textContent = stateText(entry);
    li.append(what, state);
    // Any entry not on its way can leave the phone unsent (a duplicate tap, a wrong person).
    if (entry.state !== "sending") {
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "button small";
      remove.setAttribute("data-outbox-remove", entry.id);
      remove.textContent = "Remove from this phone";
      var which = document.createElement("span");
      which.className = "visually-hidden";
      which.textContent = ": " + entry.summary;
      remove.append(which);
      li.append(remove);
    }
    return li;
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  // ----- Next visits set without signal, on the kept copy of My people -----
  // The copy was drawn before the tap, so the page marks the person from the outbox itself
  // ("Visit today", first in the list, or "Next visit <day>") until the server draws it.
  var QUICK_DAYS = { today: 0, tomorrow: 1, week: 7 };

  function dayOf(date) {
    return date.getFullYear() + "-" + String(date.getMonth() + 1).padStart(2, "0") + "-" + String(date.getDate()).padStart(2, "0");
  }

  function showQueuedVisits(entries) {
    var list = document.getElementById("people-list");
    if (!list) return;
    entries.forEach(function (entry) {
      if (!/\/next-visit$/.test(entry.url) || entry.state === "set-aside") return;
      var body = new URLSearchParams(entry.body);
      var when = body.get("when");
      var due = new Date(body.get("recorded_at") || entry.madeAt);
      if (when in QUICK_DAYS) due.setDate(due.getDate() + QUICK_DAYS[when]);
      else if (when === "date" && body.get("due_on")) due = new Date(body.get("due_on") + "T12:00");
      else return;
      var link = list.querySelector("a[href='/people/" + entry.person + "']");
      var meta = link && link.querySelector(".meta");
      if (!meta) return;
      var today = dayOf(due) === dayOf(new Date());
      var tag = document.createElement("span");
      tag.className = "tag " + (today ? "visit-today" : "visit-next");
      tag.textContent = today ? "Visit today" : "Next visit " +
        due.toLocaleDateString("en-GB", { weekday: "short", day: "numeric", month: "short" }).replace(",", "");
      var old = meta.querySelector(".tag.visit-today, .tag.visit-overdue, .tag.visit-next");
      if (old) old.replaceWith(tag);
      else meta.append(" · ", tag);
      // Among today's visits as the server orders them: those with a time first.
      if (today) {
        var row = link.closest("li");
        var due = Array.prototype.filter.call(list.children, function (li) {
          return li !== row && li.querySelector(".visit-today");
        });
        if (due.length) due[due.length - 1].after(row);
        else list.prepend(row);
      }
    });
  }

  function render() {
    var box = document.querySelector("[data-outbox]");
    if (!box) return Promise.resolve();
    return Outbox.all().then(function (entries) {
      showQueuedVisits(entries.filter(function (e) { return e.user === me(); }));
      var user = me();
      var mine = entries.filter(function (e) { return user && e.user === user; });
      var others = entries.filter(function (e) { return !user || e.user !== user; });
      var waiting = entries.filter(function (e) { return e.state !== "set-aside"; }).length;
      var aside = entries.length - waiting;
      var parts = [];
      if (waiting) parts.push(waiting + " waiting to send");
      if (aside) parts.push(aside + " set aside");
      box.querySelector("[data-outbox-count]").textContent = parts.join(" · ") || "Nothing waiting to send";
      var notes = [];
      if (aside && mine.some(function (e) { return e.state === "set-aside"; })) {
        notes.push("The server refused what is set aside; it will not be sent again. Read why, then record it again if needed.");
      }
      if (mine.some(function (e) { return e.state === "sign-in"; })) notes.push("Your session has ended: sign in again to send.");
      if (others.length) {
        notes.push(user
          ? plural(others.length, "entry was", "entries were") + " recorded on this phone by another worker. They will be sent when that worker signs in."
          : plural(others.length, "entry is", "entries are") + " waiting on this phone. Sign in as the worker who recorded them to send them.");
      }
      box.querySelector("[data-outbox-note]").textContent = notes.join(" ");
      // Only the worker who recorded an entry sees what it says.
      box.querySelector("[data-outbox-list]").replaceChildren.apply(
        box.querySelector("[data-outbox-list]"), mine.map(item)
      );
      box.querySelector("[data-outbox-send]").hidden = !mine.some(function (e) { return e.state !== "set-aside"; });
      box.hidden = entries.length === 0;
      var signOut = document.querySelector("form[data-sign-out]");
      if (signOut) {
        if (entries.length) {
          signOut.setAttribute("data-confirm", plural(entries.length, "entry is", "entries are") +
            " still on this phone and not sent. Signing out deletes them. Sign out anyway?");
        } else {
          signOut.removeAttribute("data-confirm");
        }
      }
    });
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-outbox-send], [data-outbox-remove], [data-outbox-undo]") : null;
    if (!target) return;
    if (target.hasAttribute("data-outbox-send")) replay(true);
    else if (target.hasAttribute("data-outbox-undo")) undo(target.getAttribute("data-outbox-undo"));
    else {
      var id = target.getAttribute("data-outbox-remove");
      if (undoable[id]) { undoable[id](); delete undoable[id]; }
      Outbox.remove(id).then(render);
    }
  });

  // ----- The session the kept pages belong to -----

  // The session has ended (a 401): the service worker deletes the pages it kept; the outbox
  // stays, to be sent after sign-in.
  function sessionEnded() {
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker) worker.postMessage({ type: "session-ended" });
  }

  // Back on screen or back online: ask whether the session is still live. The service worker
  // reads the answer on its way past and deletes its copies if it is not.
  function checkSession() {
    if (!navigator.onLine || !me() || !(navigator.serviceWorker && navigator.serviceWorker.controller)) return;
    fetch("/session", { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .catch(function () { /* no signal after all: the copies stay bound to the idle timeout */ });
  }

  // ----- Replay triggers (each goes through the one lock in sync.js) -----

  function replay(force) {
    if (!me()) return render();
    return Sync.replay({ force: force }).then(render, render);
  }

  function askForBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register("stepladder-outbox");
    }).catch(function () { /* no Background Sync here: the other triggers cover it */ });
  }

  if (typeof BroadcastChannel === "function") {
    new BroadcastChannel("stepladder-outbox").onmessage = function () { render(); };
  }
  // Say plainly when there is no signal, and that the page is as it was when last drawn.
  function showConnection() {
    var line = document.querySelector("[data-connection]");
    if (!line) return;
    line.hidden = navigator.onLine;
    // A copy drawn on an earlier day says which day.
    var time = line.querySelector("time");
    var today = new Date();
    var day = today.getFullYear() + "-" + String(today.getMonth() + 1).padStart(2, "0") + "-" + String(today.getDate()).padStart(2, "0");
    if (time && time.getAttribute("data-day") !== day) time.textContent = time.getAttribute("data-long");
  }

  window.addEventListener("online", function () { showConnection(); checkSession(); replay(true); });
  window.addEventListener("offline", function () { showConnection(); render(); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { checkSession(); replay(true); }
  });
  // A boosted sign-in swaps the page without loading it: treat a new user as a page load.
  var lastUser = me();
  document.addEventListener("htmx:afterSettle", function () {
    showConnection();
    if (me() === lastUser) return render();
    lastUser = me();
    replay(true);
  });
  setInterval(function () { replay(false); }, TIMER);

  // ----- Service worker, caseload kept for offline use, iPhone hint -----

  function warmCaseload() {
    var list = document.getElementById("people-list");
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (!list || !worker || !me()) return;
    var paths = Array.prototype.map.call(list.querySelectorAll("a[href^='/people/']"), function (a) {
      return a.getAttribute("href");
    });
    worker.postMessage({ type: "warm", paths: paths });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/", updateViaCache: "none" }).catch(function () { /* the app works without it */ });
    navigator.serviceWorker.addEventListener("controllerchange", warmCaseload);
    document.addEventListener("htmx:afterSettle", warmCaseload);
  }

  function showInstallHint() {
    var hint = document.querySelector("[data-ios-install]");
    if (!hint) return;
    var ua = navigator.userAgent;
    var ios = /iPhone|iPad|iPod/.test(ua) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
    var safari = /Safari/.test(ua) && !/CriOS|FxiOS|EdgiOS/.test(ua);
    var installed = navigator.standalone === true || matchMedia("(display-mode: standalone)").matches;
    var dismissed = localStorage.getItem("stepladder-install-hint") === "dismissed";
    hint.hidden = !(ios && safari && !installed && me() && !dismissed);
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("[data-ios-install-close]")) return;
    localStorage.setItem("stepladder-install-hint", "dismissed");
    showInstallHint();
  });
  document.addEventListener("htmx:afterSettle", showInstallHint);

  // ----- Sign-out: every copy of personal data leaves the phone -----

  function wipe(section) {
    try { sessionStorage.clear(); } catch (error) { /* storage disabled: nothing kept there */ }
    try { localStorage.clear(); } catch (error) { /* as above */ }
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "wipe" });
    }
    var pages = window.caches ? caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf("stepladder-pages-") === 0; })
        .map(function (name) { return caches.delete(name); }));
    }) : Promise.resolve();
    Promise.all([pages, Outbox.wipe()]).then(function () {
      section.setAttribute("data-wiped", "");
    });
  }

  showInstallHint();
  showConnection();
  render();
  replay(true);
  warmCaseload();
})();
