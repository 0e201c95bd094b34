// The composer: a character and segment counter (GSM-7: 160, or 153 per part; UCS-2: 70,
// or 67 per part), and a Send button that cannot send twice. The server also refuses a
// second send of the same form (its one-time send token), so this is only for comfort.
(function () {
  "use strict";
  var GSM7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var GSM7_EXTENDED = "^{}\\[~]|€\f";

  function count(text) {
    var septets = 0;
    for (var i = 0; i < text.length; i++) {
      var ch = text.charAt(i);
      if (GSM7.indexOf(ch) !== -1) { septets += 1; }
      else if (GSM7_EXTENDED.indexOf(ch) !== -1) { septets += 2; }
      else { return { encoding: "UCS-2", length: text.length, single: 70, part: 67 }; }
    }
    return { encoding: "GSM-7", length: septets, single: 160, part: 153 };
  }

  document.querySelectorAll("[data-counter-for]").forEach(function (counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!field) { return; }
    function update() {
      var c = count(field.value);
      var parts = c.length <= c.single ? 1 : Math.ceil(c.length / c.part);
      counter.textContent = c.length + " characters · " + parts + " SMS part" +
        (parts === 1 ? "" : "s") + " (" + c.encoding + ")";
    }
    field.addEventListener("input", update);
    update();
  });

  document.querySelectorAll("form.send-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sending") === "1") { event.preventDefault(); return; }
      form.setAttribute("data-sending", "1");
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; button.textContent = "Sending…"; }
    });
  });
})();
