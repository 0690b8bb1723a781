/* Going back down a ladder asks first, online and offline alike (kept apart from the offline
   scripts; its click runs before their submit). A rung below the current one is recorded, once
   confirmed, as going back ("goback:<rung>", a setback), never as a step up. Without
   JavaScript the server asks instead (the button's "back:<rung>" leads to a confirm step). */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-rung]");
    if (!button) return;
    var list = button.closest(".rungs");
    var buttons = Array.prototype.slice.call(list.querySelectorAll("button[data-rung]"));
    var current = list.querySelector("button.rung.current");
    // Rungs are listed top first: a button after the current one is below it.
    var lower = current && buttons.indexOf(button) > buttons.indexOf(current);
    if (!lower) {
      button.value = "step:" + button.getAttribute("data-rung");
      return;
    }
    var text = button.querySelector(".rung-text").textContent.trim();
    if (!window.confirm("Back to \u2018" + text + "\u2019?")) {
      event.preventDefault();
      return;
    }
    button.value = "goback:" + button.getAttribute("data-rung");
  }, true);
})();
