/* A measure one question per screen: "Next" moves on, the last screen has "Save answers".
   Without this file the form is one page of questions with one "Save answers" button.
   A risk answer (e.g. PHQ-9 item 9 above 0) shows the safeguarding prompt at once, offline too. */
(function () {
  "use strict";

  function setUp(form) {
    if (form.hasAttribute("data-stepped")) return;
    form.setAttribute("data-stepped", "");
    var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset.question"));
    var save = form.querySelector("[data-save]");
    var prompt = form.querySelector("[data-risk-prompt]");
    if (questions.length < 2) return;

    function show(index) {
      questions.forEach(function (q, n) { q.hidden = n !== index; });
      save.hidden = index !== questions.length - 1;
      var legend = questions[index].querySelector("legend");
      if (legend) {
        legend.setAttribute("tabindex", "-1");
        legend.focus();
      }
    }

    questions.forEach(function (q, n) {
      var next = q.querySelector("[data-next]");
      if (!next) return;
      next.hidden = false;
      next.addEventListener("click", function () { show(n + 1); });
    });
    show(0);
    questions[0].querySelector("legend").removeAttribute("tabindex");
  }

  function risky(form) {
    return Array.prototype.some.call(form.querySelectorAll("fieldset[data-risk-above]"), function (q) {
      var chosen = q.querySelector("input:checked");
      return chosen && Number(chosen.value) > Number(q.getAttribute("data-risk-above"));
    });
  }

  // The prompt must not wait for the server: the phone may be offline.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-measure-form")) return;
    var prompt = form.querySelector("[data-risk-prompt]");
    if (prompt && risky(form)) prompt.hidden = false;
  }, true);

  function setUpAll() {
    document.querySelectorAll("form[data-measure-form]").forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", setUpAll);
  document.addEventListener("htmx:load", setUpAll);
})();
