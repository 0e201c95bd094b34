// Live refresh without a build step, cheap when nothing happens (messaging/live.py).
//
// - An element with data-live-url (the inbox's rows) is polled with the ETag of its last
//   answer in If-None-Match: the server answers 304 without rendering while nothing
//   changed, or the new rows with a new ETag.
// - An element with data-live-poll (a conversation's messages) is polled for a small JSON
//   answer that also says who else has the conversation open and who is typing; it carries
//   the messages only when they changed since the marker the page holds.
// - Typing in the reply box pings the server (at most every few seconds), so that the
//   others see "… is typing a reply".
//
// Polls pause while the tab is hidden and start again, at once, when it shows; a failed
// poll is simply tried again at the next tick. Without JavaScript the pages work as they
// are, without live refresh.
(function () {
  "use strict";
  var INTERVAL_MS = 3000;  // messaging/presence.py POLL_SECONDS
  var TYPING_PING_MS = 3000;  // under presence.TYPING_SECONDS: typing shows without a gap

  // Compare as the browser serializes both: the server's markup and the live DOM differ in
  // quoting and entities even when they say the same.
  function sameContent(element, html) {
    var parsed = document.createElement("template");
    parsed.innerHTML = html;
    return parsed.innerHTML.trim() === element.innerHTML.trim();
  }

  function replace(element, html) {
    if (sameContent(element, html)) { return; }
    var nearBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
    element.innerHTML = html;
    if (nearBottom && element.id === "message-list") { window.scrollTo(0, document.body.scrollHeight); }
  }

  // Runs `poll` every INTERVAL_MS while the tab shows, never two at once.
  function every(poll, startNow) {
    var busy = false;
    function tick() {
      if (document.hidden || busy) { return; }
      busy = true;
      poll().catch(function () { /* offline for a moment: try again next tick */ })
        .then(function () { busy = false; });
    }
    if (startNow) { tick(); }
    window.setInterval(tick, INTERVAL_MS);
    document.addEventListener("visibilitychange", tick);
  }

  function followFragment(element) {
    var etag = null;
    every(function () {
      var headers = { "X-Requested-With": "fetch" };
      if (etag) { headers["If-None-Match"] = etag; }
      // no-store: the 304 comes to this script instead of being answered from the cache.
      return fetch(element.getAttribute("data-live-url"), {
        credentials: "same-origin", cache: "no-store", headers: headers
      }).then(function (response) {
        if (response.status !== 200) { return; }  // 304: nothing new
        etag = response.headers.get("ETag");
        return response.text().then(function (html) { replace(element, html); });
      });
    }, false);  // the page was just rendered: the first poll can wait a tick
  }

  function followConversation(element) {
    var marker = "";
    var presence = document.querySelector("[data-presence]");
    var url = element.getAttribute("data-live-poll");
    every(function () {
      var query = url + (url.indexOf("?") < 0 ? "?" : "&") + "marker=" + encodeURIComponent(marker);
      return fetch(query, {
        credentials: "same-origin", cache: "no-store", headers: { "X-Requested-With": "fetch" }
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (answer) {
        if (!answer) { return; }
        if (answer.changed) {
          marker = answer.marker;
          replace(element, answer.html);
        }
        if (presence) {
          presence.textContent = answer.presence_text;
          presence.hidden = !answer.presence_text;
        }
      });
    }, true);  // at once: the others see this member arrive, and this member them
  }

  function pingWhileTyping(presence) {
    var url = presence && presence.getAttribute("data-typing-url");
    var form = document.querySelector('form[action$="/reply/"]');
    var box = form && form.querySelector("[name=text]");
    var token = form && form.querySelector("[name=csrfmiddlewaretoken]");
    if (!url || !box || !token) { return; }
    var last = 0;
    box.addEventListener("input", function () {
      var now = Date.now();
      if (now - last < TYPING_PING_MS) { return; }
      last = now;
      fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": token.value, "X-Requested-With": "fetch" }
      }).catch(function () { last = 0; });
    });
  }

  document.querySelectorAll("[data-live-url]").forEach(followFragment);
  document.querySelectorAll("[data-live-poll]").forEach(followConversation);
  pingWhileTyping(document.querySelector("[data-presence]"));

  var messages = document.getElementById("message-list");
  if (messages && messages.lastElementChild) {
    var bubbles = messages.querySelectorAll(".bubble");
    if (bubbles.length) { bubbles[bubbles.length - 1].scrollIntoView({ block: "end" }); }
  }
})();
