// Deleting a review cannot be undone: forms marked data-confirm ask first (a file of its own: the CSP allows no
// inline handler).
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});
