// Keyboard keys of the team inbox, as in Gmail or Front. On a conversation: "e" closes it
// (the Close button's form), "r" goes to the reply, "n" to the internal note, "u" back to
// the inbox. In the inbox: "j" and "k" move between conversations, Enter (or "o") opens
// one. Keys typed into a field, or with a modifier, are the field's and the browser's.
(function () {
  "use strict";

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" ||
      (target && target.isContentEditable);
  }

  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) { return false; }
    field.focus();
    field.scrollIntoView({ block: "center" });
    return true;
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll(".conversation-row > a"));
  }

  function move(step) {
    var links = rows();
    if (!links.length) { return false; }
    var at = links.indexOf(document.activeElement);
    var next = at === -1 ? (step > 0 ? 0 : links.length - 1)
      : Math.min(links.length - 1, Math.max(0, at + step));
    links[next].focus();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey ||
        typing(event.target)) {
      return;
    }
    var handled = false;
    if (event.key === "e") {
      var close = document.querySelector("button[data-key='e']");
      if (close) { close.click(); handled = true; }
    } else if (event.key === "r") {
      handled = focusField("id_text");
    } else if (event.key === "n") {
      handled = focusField("id_note-text");
    } else if (event.key === "u") {
      var back = document.querySelector("a[data-key='u']");
      if (back) { window.location.href = back.href; handled = true; }
    } else if (event.key === "j") {
      handled = move(1);
    } else if (event.key === "k") {
      handled = move(-1);
    } else if (event.key === "o" && rows().indexOf(document.activeElement) !== -1) {
      document.activeElement.click();
      handled = true;
    }
    if (handled) { event.preventDefault(); }
  });
})();
