/* The outbox: entries kept on this phone until the server confirms them. Plain IndexedDB,
   shared by the pages and the service worker (which loads this file with importScripts). */
(function (scope) {
  "use strict";

  var DB = "stepladder";
  var ENTRIES = "outbox";
  var LEASES = "lease";
  var channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("stepladder-outbox") : null;

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(ENTRIES, { keyPath: "id" });
        request.result.createObjectStore(LEASES, { keyPath: "name" });
      };
      request.onsuccess = function () {
        var db = request.result;
        // Sign-out deletes the database: let go at once rather than block it.
        db.onversionchange = function () { db.close(); };
        resolve(db);
      };
      request.onerror = function () { reject(request.error); };
    });
  }

  // One short connection per operation, closed when its transaction ends, so that no tab
  // or worker holds the database open when sign-out deletes it.
  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var out = {};
        work(tx.objectStore(store), out);
        tx.oncomplete = function () { db.close(); resolve(out.value); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function result(request, out) {
    request.onsuccess = function () { out.value = request.result; };
  }

  function changed(value) {
    if (channel) channel.postMessage("changed");
    return value;
  }

  function byTime(a, b) {
    return a.madeAt < b.madeAt ? -1 : a.madeAt > b.madeAt ? 1 : 0;
  }

  scope.StepladderOutbox = {
    // `add` refuses an id already there, so a double tap can never queue one entry twice.
    add: function (entry) {
      return run(ENTRIES, "readwrite", function (s) { s.add(entry); }).then(changed);
    },
    put: function (entry) {
      return run(ENTRIES, "readwrite", function (s) { s.put(entry); }).then(changed);
    },
    remove: function (id) {
      return run(ENTRIES, "readwrite", function (s) { s.delete(id); }).then(changed);
    },
    all: function () {
      return run(ENTRIES, "readonly", function (s, out) { result(s.getAll(), out); })
        .then(function (entries) { return (entries || []).sort(byTime); });
    },
    // A lease for browsers without the Web Locks API: taken in one readwrite transaction,
    // so two contexts cannot both take it; it expires if its holder is killed mid-replay.
    takeLease: function (owner, ms) {
      return run(LEASES, "readwrite", function (s, out) {
        var request = s.get("replay");
        request.onsuccess = function () {
          var now = Date.now();
          var lease = request.result;
          out.value = !lease || lease.until < now || lease.owner === owner;
          if (out.value) s.put({ name: "replay", owner: owner, until: now + ms });
        };
      });
    },
    releaseLease: function (owner) {
      return run(LEASES, "readwrite", function (s) {
        var request = s.get("replay");
        request.onsuccess = function () {
          if (request.result && request.result.owner === owner) s.delete("replay");
        };
      });
    },
    // Sign-out: the whole database goes, not just its records.
    wipe: function () {
      return new Promise(function (resolve, reject) {
        var request = indexedDB.deleteDatabase(DB);
        request.onsuccess = function () { resolve(changed()); };
        request.onerror = function () { reject(request.error); };
      });
    }
  };
})(self);
