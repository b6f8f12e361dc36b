// A table wider than its box scrolls inside the box (.table-scroll), never the page: say so
// above it while it is wider (the hint is the .scroll-hint just before the box).
(function () {
  function update() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      var hint = box.previousElementSibling;
      if (!hint || !hint.classList.contains("scroll-hint")) return;
      hint.hidden = box.scrollWidth <= box.clientWidth + 1;
    });
  }
  document.addEventListener("DOMContentLoaded", update);
  window.addEventListener("resize", update);
})();
