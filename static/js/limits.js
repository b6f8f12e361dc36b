// Texts with a limit (mirps/forms.py: LimitedTextarea): the count beside the box follows what
// is typed, and says how many characters are too many. The browser never cuts the text (no
// maxlength): the server refuses a longer one with a message and keeps it in the form.
(function () {
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return key in values ? String(values[key]) : match;
    });
  }

  function update(box) {
    var counter = document.getElementById(box.id + "-count");
    if (!counter) return;
    var limit = parseInt(box.getAttribute("data-limit"), 10);
    // as the server counts: a line break is one character (the browser sends it as two)
    var length = box.value.replace(/\r\n/g, "\n").length;
    var over = length - limit;
    var template = counter.getAttribute(over > 0 ? "data-over-text" : "data-count-text");
    counter.textContent = fill(template, { n: length, max: limit, over: over });
    counter.classList.toggle("over", over > 0);
    box.classList.toggle("over-limit", over > 0);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-limit]")) update(event.target);
  });
  function all() {
    document.querySelectorAll("textarea[data-limit]").forEach(update);
  }
  document.addEventListener("DOMContentLoaded", all);
  // drafts.js puts typed text back into boxes: count it too
  document.addEventListener("mirps:restored", all);
})();
