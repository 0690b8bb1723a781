// The Print button of the report and of the My journey certificate: the browser's own print
// dialog (a file of its own: the Content-Security-Policy allows no inline script). Loaded by
// those pages only; a boosted visit may load it again, so it listens only once.
if (!window.StepladderPrint) {
  window.StepladderPrint = true;
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });
}
