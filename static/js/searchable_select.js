// Consign: <select data-searchable> becomes a type-to-search list (Tom Select, from static/vendor).
// Forms mark such selects with core.forms.searchable(); htmx-loaded fragments are handled too.
(function () {
  function enhance(root) {
    if (typeof window.TomSelect === "undefined") { return; }
    root.querySelectorAll("select[data-searchable]:not(.tomselected)").forEach(function (select) {
      new window.TomSelect(select, {
        plugins: select.multiple ? ["remove_button"] : [],
        maxOptions: null,
        allowEmptyOption: true,
        create: false,
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
