// Live refresh without a build step: every element with data-live-url is fetched again
// every few seconds and replaced when the server's fragment changed. Pauses while the tab
// is hidden; a failed fetch is simply tried again at the next tick.
(function () {
  "use strict";
  var INTERVAL_MS = 3000;

  function follow(element) {
    var last = null;
    function refresh() {
      if (document.hidden) { return; }
      fetch(element.getAttribute("data-live-url"), {
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        if (html === null) { return; }
        html = html.trim();
        if (last !== null && html !== last) {
          var nearBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
          element.innerHTML = html;
          if (nearBottom && element.id === "message-list") { window.scrollTo(0, document.body.scrollHeight); }
        }
        last = html;
      }).catch(function () { /* offline for a moment: try again next tick */ });
    }
    refresh();
    window.setInterval(refresh, INTERVAL_MS);
  }

  document.querySelectorAll("[data-live-url]").forEach(follow);
  var messages = document.getElementById("message-list");
  if (messages && messages.lastElementChild) {
    var bubbles = messages.querySelectorAll(".bubble");
    if (bubbles.length) { bubbles[bubbles.length - 1].scrollIntoView({ block: "end" }); }
  }
})();
