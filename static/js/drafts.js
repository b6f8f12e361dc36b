// What a person types in a workspace form (form[data-draft]) is kept in this browser tab
// (sessionStorage: gone when the tab closes, never sent anywhere) until the server says it was
// saved. If the session ended, the page went stale (the site's "form could not be sent" page)
// or the browser left the page, opening the page again puts the text back, with a note and a
// way to discard it. A page that shows a success or information message after a form was sent
// from it has been saved: that form's draft is forgotten.
(function () {
  var PREFIX = "mirps-draft:";
  var storage;
  try {
    storage = window.sessionStorage;
    storage.setItem(PREFIX + "probe", "1");
    storage.removeItem(PREFIX + "probe");
  } catch (e) {
    return; // storage refused (private mode, quota): the forms work as before
  }
  var pageKey = PREFIX + location.pathname + location.search;

  function read() {
    try {
      return JSON.parse(storage.getItem(pageKey)) || { forms: {} };
    } catch (e) {
      return { forms: {} };
    }
  }
  function write(draft) {
    try {
      if (Object.keys(draft.forms).length || draft.sent) {
        storage.setItem(pageKey, JSON.stringify(draft));
      } else {
        storage.removeItem(pageKey);
      }
    } catch (e) {
      /* full: nothing kept, nothing broken */
    }
  }
  function formKey(form) {
    return form.getAttribute("data-draft") || form.getAttribute("action") || "form";
  }
  function kept(field) {
    if (!field.name || field.disabled || field.name === "csrfmiddlewaretoken") return false;
    var type = (field.type || "").toLowerCase();
    return ["hidden", "file", "password", "submit", "button", "reset"].indexOf(type) < 0;
  }
  function fieldKey(field) {
    return field.type === "radio" || field.type === "checkbox"
      ? field.name + "=" + field.value
      : field.name;
  }
  function valueOf(field) {
    return field.type === "radio" || field.type === "checkbox" ? field.checked : field.value;
  }
  function setValue(field, value) {
    if (field.type === "radio" || field.type === "checkbox") field.checked = value;
    else field.value = value;
  }
  function fields(form) {
    return Array.prototype.filter.call(form.elements, kept);
  }
  function snapshot(form) {
    var values = {};
    fields(form).forEach(function (field) {
      values[fieldKey(field)] = valueOf(field);
    });
    return values;
  }

  function forgetAll() {
    Object.keys(storage).forEach(function (key) {
      if (key.indexOf(PREFIX) === 0) storage.removeItem(key);
    });
  }
  // Signing out forgets every draft of the tab (a shared computer), and a draft is only ever
  // put back for the account that typed it.
  document.addEventListener("submit", function (event) {
    var action = event.target.getAttribute("action") || "";
    if (/\/accounts\/logout\/$/.test(action)) forgetAll();
  });
  var owner = document.body.getAttribute("data-draft-owner") || "";

  var forms = document.querySelectorAll("form[data-draft]");
  if (!forms.length) return;
  var draft = read();
  if (draft.owner && draft.owner !== owner) draft = { forms: {} };
  draft.owner = owner;
  var saved = document.querySelector(".messages .success, .messages .info");
  if (draft.sent && saved) {
    delete draft.forms[draft.sent]; // the server said it was saved
  }
  delete draft.sent;
  write(draft);

  forms.forEach(function (form) {
    var key = formKey(form);
    var original = snapshot(form); // what the server put in the form
    var values = draft.forms[key];
    if (values) {
      var restored = false;
      fields(form).forEach(function (field) {
        var k = fieldKey(field);
        if (k in values && values[k] !== original[k]) {
          setValue(field, values[k]);
          restored = true;
        }
      });
      if (restored) {
        note(form, original);
        document.dispatchEvent(new CustomEvent("mirps:restored"));
      } else {
        delete draft.forms[key]; // the page holds it already
        write(draft);
      }
    }
    function remember() {
      var now = read();
      now.owner = owner;
      var current = snapshot(form);
      var changed = Object.keys(current).some(function (k) {
        return current[k] !== original[k];
      });
      if (changed) now.forms[key] = current;
      else delete now.forms[key];
      write(now);
    }
    form.addEventListener("input", remember);
    form.addEventListener("change", remember);
    form.addEventListener("submit", function () {
      remember();
      var now = read();
      if (now.forms[key]) {
        now.sent = key;
        write(now);
      }
    });
  });

  function note(form, original) {
    var box = document.createElement("div");
    box.className = "alert warning draft-note";
    box.setAttribute("role", "status");
    var text = document.createElement("p");
    text.textContent = document.body.getAttribute("data-draft-restored") || "";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "small-btn";
    discard.textContent = document.body.getAttribute("data-draft-discard") || "×";
    discard.addEventListener("click", function () {
      fields(form).forEach(function (field) {
        var k = fieldKey(field);
        if (k in original) setValue(field, original[k]);
      });
      var now = read();
      delete now.forms[formKey(form)];
      write(now);
      box.remove();
      document.dispatchEvent(new CustomEvent("mirps:restored"));
    });
    text.appendChild(document.createTextNode(" "));
    text.appendChild(discard);
    box.appendChild(text);
    form.parentNode.insertBefore(box, form);
    var folded = form.closest("details"); // e.g. a period's deadlines: open it to be seen
    if (folded) folded.open = true;
  }
})();
