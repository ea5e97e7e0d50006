// Small enhancements only: every page works without JavaScript.
document.addEventListener("click", function (event) {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// A space's tabs scroll sideways on a phone: bring the current one into view.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".space-tabs .tabs").forEach(function (list) {
    const current = list.querySelector("[aria-current='page']");
    if (current && list.scrollWidth > list.clientWidth) {
      const item = current.closest("li");
      list.scrollLeft = Math.max(0, item.offsetLeft - list.offsetLeft - (list.clientWidth - item.offsetWidth) / 2);
    }
  });
});
