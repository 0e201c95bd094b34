// "/" anywhere but in a field goes to the top bar's search box, as on GitHub or Gmail. In a
// text box "/" is the field's (the composer's template picker uses it there).
(function () {
  "use strict";

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.defaultPrevented || event.altKey || event.ctrlKey ||
        event.metaKey) {
      return;
    }
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" ||
        (target && target.isContentEditable)) {
      return;
    }
    var box = document.getElementById("topbar-search");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
})();
