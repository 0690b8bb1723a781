/* Replay of the outbox, shared by the pages and the service worker. Every trigger comes
   through here and through one lock, so two triggers never send the same entry at once;
   an entry leaves the phone only when the server confirms it with a 2xx. */
(function (scope) {
  "use strict";

  var Outbox = scope.StepladderOutbox;
  var LOCK = "stepladder-replay";
  var FIRST_WAIT = 5000;
  var LONGEST_WAIT = 5 * 60 * 1000;

  function withLock(work) {
    if (scope.navigator && navigator.locks && navigator.locks.request) {
      return navigator.locks.request(LOCK, work);
    }
    var owner = Math.random().toString(36).slice(2) + Date.now();
    return Outbox.takeLease(owner, 60000).then(function (taken) {
      if (!taken) return { busy: true };
      return Promise.resolve().then(work).then(
        function (value) { return Outbox.releaseLease(owner).then(function () { return value; }); },
        function (error) { return Outbox.releaseLease(owner).then(function () { throw error; }); }
      );
    });
  }

  // Who is signed in now, and a CSRF token of their live session: a token from the page
  // the entry was made on may belong to a session that has since ended.
  async function currentSession() {
    var response = await fetch("/session", {
      headers: { Accept: "application/json" }, credentials: "same-origin",
      redirect: "manual", cache: "no-store"
    });
    if (response.status === 200) return response.json();
    if (response.status === 401 || response.type === "opaqueredirect") return null;
    throw new Error("session check answered " + response.status);
  }

  function wait(attempts) {
    return Math.min(LONGEST_WAIT, FIRST_WAIT * Math.pow(2, Math.max(0, attempts - 1)));
  }

  function keep(entry, state, message) {
    entry.attempts = (entry.attempts || 0) + 1;
    entry.state = state;
    entry.message = message;
    entry.retryAt = state === "retry" ? Date.now() + wait(entry.attempts) : 0;
    return Outbox.put(entry);
  }

  async function refusal(response) {
    try {
      var body = await response.json();
      if (body && body.error) return body.error;
    } catch (ignored) { /* not JSON: say what the server answered instead */ }
    return "The server refused this entry (" + response.status + ").";
  }

  // Send one entry; answer what happened: "sent", "kept", "set-aside", "offline" or "signed-out".
  async function send(entry, session) {
    var body = new URLSearchParams(entry.body);
    body.set("csrf_token", session.csrf_token);
    var response;
    try {
      response = await fetch(entry.url, {
        method: "POST", body: body, credentials: "same-origin", cache: "no-store",
        // A redirect (to sign-in, say) must never pass for success.
        redirect: "manual",
        headers: { "X-Stepladder-Replay": "1", "X-CSRFToken": session.csrf_token, Accept: "application/json" }
      });
    } catch (error) {
      await keep(entry, "retry", "No signal yet. It will be sent when there is.");
      return "offline";
    }
    var status = response.status;
    if (response.type !== "opaqueredirect" && status >= 200 && status < 300) {
      await Outbox.remove(entry.id);
      return "sent";
    }
    if (status === 401) {
      await keep(entry, "sign-in", "Sign in again to send it.");
      return "signed-out";
    }
    if (response.type === "opaqueredirect" || status < 400 || status === 403 || status === 429 || status >= 500) {
      await keep(entry, "retry", "The server could not take it just now (" + (status || "redirect") + "). It will try again.");
      return "kept";
    }
    entry.state = "set-aside";
    entry.message = await refusal(response);
    await Outbox.put(entry);
    return "set-aside";
  }

  async function sendAll(session, force) {
    var tally = { sent: 0, kept: 0, setAside: 0, offline: false, signedOut: false };
    var tried = {};
    var user = String(session.user_id);
    for (;;) {
      // Read the outbox again before each send: another trigger may have changed it.
      var entries = await Outbox.all();
      var next = entries.find(function (e) {
        return !tried[e.id] && e.state !== "set-aside" && e.user === user &&
          (force || !e.retryAt || e.retryAt <= Date.now());
      });
      if (!next) return tally;
      tried[next.id] = true;
      var outcome = await send(next, session);
      if (outcome === "sent") tally.sent += 1;
      else if (outcome === "set-aside") tally.setAside += 1;
      else tally.kept += 1;
      if (outcome === "offline") { tally.offline = true; return tally; }
      if (outcome === "signed-out") { tally.signedOut = true; return tally; }
    }
  }

  async function markSignedOut() {
    var entries = await Outbox.all();
    for (var i = 0; i < entries.length; i++) {
      if (entries[i].state !== "set-aside" && entries[i].state !== "sign-in") {
        entries[i].state = "sign-in";
        entries[i].message = "Sign in again to send it.";
        await Outbox.put(entries[i]);
      }
    }
    return { signedOut: true };
  }

  // Replay everything due. `force` ignores the back-off: an explicit trigger (back online,
  // page opened, "Send now") is worth a try; the timer and Background Sync respect it.
  function replay(options) {
    var force = Boolean(options && options.force);
    return withLock(async function () {
      if ((await Outbox.all()).length === 0) return { sent: 0 };
      var session;
      try {
        session = await currentSession();
      } catch (error) {
        // No signal, or the server is not answering: everything stays queued.
        return { offline: true };
      }
      return session ? sendAll(session, force) : markSignedOut();
    });
  }

  scope.StepladderSync = { replay: replay };
})(self);
