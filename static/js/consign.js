// Consign: confirmations for buttons that change state (data-confirm="…").
document.addEventListener("click", function (event) {
  const el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);
