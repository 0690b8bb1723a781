// The report's Print button (kept apart from the offline scripts): opens the browser's print.
// Loaded with the report page; a boosted visit may load it again, so it listens only once.
if (!window.StepladderPrint) {
  window.StepladderPrint = true;
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });
}
