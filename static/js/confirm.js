// Ask for confirmation before a button with data-confirm submits its form (no inline script,
// so the Content Security Policy can forbid inline scripts).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
