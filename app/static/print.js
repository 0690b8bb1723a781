// The "Print" button of a certificate page (My journey): the browser's own print dialog.
// A file of its own, because the Content-Security-Policy allows no inline script.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
