// The template picker of a message box: "/" at the start of the box (or after a space)
// and a few letters list the organization's templates whose names match; arrows, Enter and
// Escape, or the mouse, pick one. The server fills it for this conversation's contact (or
// the composer's one recipient) and the member, and the "/name" typed becomes the text.
// When a placeholder has no value, the box is left as it was and the picker says which.
// The form's hidden "template" field carries the template, whose attachment the server
// sends when no file is chosen.
(function () {
  "use strict";
  var TOKEN = /(^|\s)\/([\w-]+)$/;

  function setUp(picker) {
    var form = picker.closest("form");
    var box = form && form.querySelector("textarea[name=text]");
    if (!box) { return; }
    var list = picker.querySelector("[role=listbox]");
    var status = picker.querySelector(".template-status");
    var attachmentNote = picker.querySelector(".template-attachment");
    var attachmentName = picker.querySelector(".template-attachment-name");
    var hidden = form.querySelector("input[name=template]");
    var fileInput = form.querySelector("input[type=file]");
    var options = [];
    var active = -1;
    var serial = 0;
    var timer = null;
    var token = null;  // {start, end, query}: the "/name" being typed

    // The list goes right under the message box.
    box.parentNode.insertBefore(picker, box.nextSibling);
    box.setAttribute("role", "combobox");
    box.setAttribute("aria-multiline", "true");
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", list.id);
    box.setAttribute("aria-expanded", "false");

    function say(text, problem) {
      status.textContent = text;
      status.classList.toggle("error", !!problem);
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      options = [];
      active = -1;
      box.setAttribute("aria-expanded", "false");
      box.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
        item.classList.toggle("active", i === active);
      });
      box.setAttribute("aria-activedescendant", items[active].id);
    }

    function currentToken() {
      var caret = box.selectionStart;
      if (caret !== box.selectionEnd) { return null; }
      var match = TOKEN.exec(box.value.slice(0, caret));
      if (!match) { return null; }
      return { start: caret - match[2].length - 1, end: caret, query: match[2] };
    }

    function show(results) {
      close();
      options = results;
      if (!options.length) {
        say("No template is named like “" + token.query + "”.");
        return;
      }
      options.forEach(function (option, index) {
        var item = document.createElement("li");
        item.id = list.id + "-" + index;
        item.className = "suggestion";
        item.setAttribute("role", "option");
        var name = document.createElement("span");
        name.className = "suggestion-name";
        name.textContent = "/" + option.name;
        var text = document.createElement("span");
        text.className = "suggestion-number muted";
        text.textContent = option.text + (option.attachment ? " · " + option.attachment.name : "");
        item.appendChild(name);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(text);
        // mousedown, not click: the box keeps its focus and caret.
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          pick(index);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      box.setAttribute("aria-expanded", "true");
      highlight(0);
      say(options.length + (options.length === 1 ? " template" : " templates") +
          " found: arrows to choose, Enter to insert, Escape to close.");
    }

    function suggest() {
      token = currentToken();
      var mine = ++serial;
      if (!token) { close(); return; }
      fetch(picker.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(token.query),
            { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (body) { if (mine === serial && token) { show(body.results || []); } })
        .catch(function () { if (mine === serial) { close(); } });
    }

    function fillUrl(id) {
      var url = picker.getAttribute("data-fill-url").replace("/0/", "/" + id + "/");
      var conversation = picker.getAttribute("data-conversation");
      if (conversation) { return url + "?conversation=" + encodeURIComponent(conversation); }
      var to = form.querySelector("[name=to]");
      return url + "?to=" + encodeURIComponent(to ? to.value : "");
    }

    function showAttachment(template) {
      if (hidden) { hidden.value = template.attachment ? template.id : ""; }
      if (!template.attachment) { attachmentNote.hidden = true; return; }
      attachmentName.textContent = "Sends with it: " + template.attachment.name +
        " (from the template “" + template.name + "”" +
        (fileInput && fileInput.files.length ? "; the file you chose goes instead" : "") + ").";
      attachmentNote.hidden = false;
    }

    function pick(index) {
      var option = options[index];
      // What is typed now: a letter may have come after the last suggestions.
      var at = currentToken() || token;
      if (!option || !at) { return; }
      var typed = box.value;
      close();
      say("Filling “" + option.name + "”…");
      fetch(fillUrl(option.id), { credentials: "same-origin",
                                  headers: { "Accept": "application/json" } })
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        })
        .then(function (answer) {
          if (!answer.ok) {
            say(answer.body.message || "The template could not be inserted.", true);
            return;
          }
          if (box.value !== typed) {
            say("The message changed meanwhile: type /" + at.query + " again.", true);
            return;
          }
          var text = answer.body.text;
          box.value = typed.slice(0, at.start) + text + typed.slice(at.end);
          var caret = at.start + text.length;
          box.setSelectionRange(caret, caret);
          box.dispatchEvent(new Event("input", { bubbles: true }));  // the counter
          close();
          showAttachment(answer.body);
          say("Inserted the template “" + answer.body.name + "”.");
          box.focus();
        })
        .catch(function () { say("The template could not be loaded: try again.", true); });
    }

    box.addEventListener("input", function (event) {
      if (!event.isTrusted) { return; }  // our own insertion
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 120);
    });

    box.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        pick(active);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
        say("");
      } else if (event.key === "Tab") {
        close();
      }
    });

    box.addEventListener("blur", close);
    picker.querySelector(".template-attachment-remove").addEventListener("click", function () {
      if (hidden) { hidden.value = ""; }
      attachmentNote.hidden = true;
      say("The template's attachment will not be sent.");
      box.focus();
    });
    if (fileInput) {
      fileInput.addEventListener("change", function () {
        if (hidden && hidden.value && fileInput.files.length) {
          attachmentName.textContent = "The file you chose goes instead of the template's.";
        }
      });
    }

    // A form shown again (an error) still carries the template: say which file goes.
    if (hidden && hidden.value) {
      fetch(fillUrl(hidden.value), { credentials: "same-origin",
                                     headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (template) {
          if (template) { showAttachment(template); } else { hidden.value = ""; }
        })
        .catch(function () { hidden.value = ""; });
    }
  }

  document.querySelectorAll("[data-template-picker]").forEach(setUp);
})();
