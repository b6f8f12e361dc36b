// Ask for confirmation before a button with data-confirm submits its form (no inline script,
// so the Content Security Policy can forbid inline scripts).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// Long work: a form with data-busy says so and cannot be sent twice while the server reads it.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var busy = form.getAttribute("data-busy");
  if (!busy || event.defaultPrevented) return;
  form.querySelectorAll("button[type=submit]").forEach(function (button) {
    button.disabled = true;
    button.textContent = busy;
  });
  form.setAttribute("aria-busy", "true");
});
