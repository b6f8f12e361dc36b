// On a phone the site's menu folds behind a button, so the page starts near the top of the
// screen. Run as soon as the header is parsed (not deferred), so the menu never flashes open.
// Without scripts, or on a wide screen, the menu is always shown.
(function () {
  var button = document.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  if (!button || !menu) return;
  var phone = window.matchMedia("(max-width: 640px)");
  function fold(folded) {
    button.setAttribute("aria-expanded", folded ? "false" : "true");
    menu.classList.toggle("folded", folded);
  }
  function apply() {
    button.hidden = !phone.matches;
    fold(phone.matches);
  }
  button.addEventListener("click", function () {
    fold(button.getAttribute("aria-expanded") === "true");
  });
  if (phone.addEventListener) phone.addEventListener("change", apply);
  apply();
})();
