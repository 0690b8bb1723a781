// The report's Print button (kept apart from the offline scripts): opens the browser's print.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
