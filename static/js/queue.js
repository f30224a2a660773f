// The warehouse queue: a header checkbox with data-check-all="<class>" ticks every row checkbox of that class.
document.addEventListener("change", function (event) {
  const all = event.target.closest("[data-check-all]");
  if (!all) return;
  document.querySelectorAll("input." + all.dataset.checkAll).forEach(function (box) {
    box.checked = all.checked;
  });
});
