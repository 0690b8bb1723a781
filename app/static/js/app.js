/* Stepladder's page script: fresh entry ids at the moment of the tap, confirmations,
   and the service worker. Everything here is an enhancement: every form works without it. */
(function () {
  "use strict";

  function newUuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // Every entry gets a new UUID when it is made, never the one the page was drawn with:
  // a page shown again from a cache would otherwise send a genuinely new step as a repeat.
  // Capture phase, so this runs before htmx reads the form.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-confirm") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    if (!form.hasAttribute("data-entry-form")) return;
    form.elements.id.value = newUuid();
    if (form.elements.recorded_at) form.elements.recorded_at.value = new Date().toISOString();
  }, true);

  window.Stepladder = { newUuid: newUuid };
})();
