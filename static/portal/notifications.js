// The bell of the top bar, and browser notifications (notifications/views.py bell_poll).
//
// - The bell's count follows the member's notifications without a reload: it polls with
//   the ETag of its last answer, and the server answers 304 at one indexed read while
//   nothing changed. It keeps polling, more slowly, while the tab is in the background:
//   that is when a browser notification is worth showing.
// - On a conversation's page (data-seen), a poll made while the page shows marks that
//   conversation's notifications read: the member is looking at it.
// - Browser notifications are opt-in per browser (a button on the notifications and
//   preferences pages; remembered in this browser's storage, besides its permission).
//   When the count rises while the tab is hidden, the newest one shows; clicking it
//   brings the tab forward and opens it.
//
// Without JavaScript the bell is a link with the count of the page's rendering.
(function () {
  "use strict";
  var VISIBLE_MS = 5000;
  var HIDDEN_MS = 15000;
  var OPT_IN_KEY = "axion-browser-notifications";

  function supported() { return "Notification" in window; }

  function optedIn() {
    try { return window.localStorage.getItem(OPT_IN_KEY) === "on"; } catch (e) { return false; }
  }

  function remember(on) {
    try { window.localStorage.setItem(OPT_IN_KEY, on ? "on" : "off"); } catch (e) { /* private mode */ }
  }

  function showsBrowserNotifications() {
    return supported() && optedIn() && Notification.permission === "granted";
  }

  // The opt-in box of the notifications and preferences pages.
  function setUpOptIn(box) {
    if (!box || !supported()) { return; }  // stays hidden: nothing to offer
    var state = box.querySelector("[data-browser-state]");
    var button = box.querySelector("[data-browser-enable]");
    function describe() {
      if (Notification.permission === "denied") {
        state.textContent = "Browser notifications: this browser blocks them for the portal. " +
          "Allow them in the browser's settings for this site to turn them on.";
        button.hidden = true;
      } else if (showsBrowserNotifications()) {
        state.textContent = "Browser notifications are on: while a portal tab is open in the " +
          "background, new notifications show on your screen.";
        button.textContent = "Turn off browser notifications";
        button.hidden = false;
      } else {
        state.textContent = "Browser notifications: while a portal tab is open in the " +
          "background, this browser can show new notifications on your screen.";
        button.textContent = "Turn on browser notifications";
        button.hidden = false;
      }
    }
    button.addEventListener("click", function () {
      if (showsBrowserNotifications()) { remember(false); describe(); return; }
      remember(true);
      Promise.resolve(Notification.requestPermission()).then(describe, describe);
    });
    box.hidden = false;
    describe();
  }

  function followBell(bell) {
    var count = bell.querySelector("[data-bell-count]");
    var seen = bell.getAttribute("data-seen");
    var etag = null;
    var lastCount = parseInt(count.textContent, 10) || 0;
    var lastNewest = bell.getAttribute("data-newest") || "";
    var timer = null;
    var busy = false;

    function show(answer) {
      count.textContent = answer.label;
      count.hidden = !answer.count;
      bell.classList.toggle("has-unread", answer.count > 0);
      bell.setAttribute("aria-label", answer.count ?
        "Notifications, " + answer.label + " unread" : "Notifications");
    }

    function announce(answer) {
      var newest = answer.newest;
      if (!newest || String(newest.id) === lastNewest || answer.count <= lastCount) { return; }
      if (!document.hidden || !showsBrowserNotifications()) { return; }
      var shown = new Notification(newest.title, { tag: "axion-notification-" + newest.id });
      shown.addEventListener("click", function () {
        window.focus();
        window.location.href = newest.url;
        shown.close();
      });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(poll, document.hidden ? HIDDEN_MS : VISIBLE_MS);
    }

    function poll() {
      if (busy) { return; }
      busy = true;
      var url = bell.getAttribute("data-bell");
      if (seen && !document.hidden) { url += "?seen=" + encodeURIComponent(seen); }
      var headers = { "X-Requested-With": "fetch" };
      if (etag) { headers["If-None-Match"] = etag; }
      // no-store: the 304 comes to this script instead of being answered from the cache.
      fetch(url, { credentials: "same-origin", cache: "no-store", headers: headers })
        .then(function (response) {
          if (response.status !== 200) { return null; }  // 304: nothing new
          etag = response.headers.get("ETag");
          return response.json();
        })
        .then(function (answer) {
          if (!answer) { return; }
          announce(answer);
          show(answer);
          lastCount = answer.count;
          lastNewest = answer.newest ? String(answer.newest.id) : "";
        })
        .catch(function () { /* offline for a moment: try again at the next tick */ })
        .then(function () { busy = false; schedule(); });
    }

    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) { poll(); } else { schedule(); }
    });
    // On a conversation's page, at once: what the member now reads leaves the count.
    if (seen && !document.hidden) { poll(); } else { schedule(); }
  }

  document.querySelectorAll("[data-browser-notifications]").forEach(setUpOptIn);
  var bell = document.querySelector("[data-bell]");
  if (bell) { followBell(bell); }
})();
