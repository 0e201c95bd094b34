// The composer: a character and segment counter (GSM-7: 160, or 153 per part; UCS-2: 70,
// or 67 per part), a Send button that cannot send twice and that says "Schedule" once a
// "Send later" date and time are filled in. The server also refuses a
// second send of the same form (its one-time send token), so this is only for comfort.
//
// Recipients (a form with data-contact-search): "To" becomes chips and a combobox that
// suggests contacts as one types (their name or number, from the contact search); choosing
// one adds its number as a chip. The textarea stays the form's field, hidden and kept in
// step with the chips and what is still typed: the server reads numbers and contacts' full
// names from it, exactly as it does without JavaScript.
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

  var SEPARATORS = /[,;\n\r]+/;

  function entries(text) {
    return text.split(SEPARATORS).map(function (e) { return e.trim(); })
      .filter(function (e) { return e !== ""; });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function setUpRecipients(form) {
    var field = form.querySelector("textarea[name=to]");
    var searchUrl = form.getAttribute("data-contact-search");
    if (!field || !searchUrl) { return; }
    var names = {};
    var namesData = document.getElementById("recipient-names");
    if (namesData) {
      try { names = JSON.parse(namesData.textContent) || {}; } catch (e) { names = {}; }
    }

    var recipients = [];  // {value: what the server reads, label: what the chip says}
    var options = [];     // the suggestions shown: {value, name, display}
    var active = -1;
    var searchTimer = null;
    var searchSerial = 0;

    var box = element("div", "recipients");
    var chips = element("ul", "recipient-chips");
    chips.setAttribute("aria-label", "Recipients");
    var input = element("input", "recipient-input");
    input.type = "text";
    input.id = field.id + "_search";
    input.autocomplete = "off";
    input.placeholder = "Name or number";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    var list = element("ul", "recipient-suggestions");
    list.id = field.id + "_suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Contacts");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    var status = element("p", "visually-hidden");
    status.setAttribute("aria-live", "polite");
    box.appendChild(chips);
    box.appendChild(input);
    box.appendChild(list);
    box.appendChild(status);

    // The label and the help now describe the combobox; the textarea is hidden, and not
    // "required" (a hidden required field would block the form): the server checks it.
    var label = form.querySelector('label[for="' + field.id + '"]');
    if (label) { label.htmlFor = input.id; }
    var help = field.parentNode.querySelector(".help");
    if (help) {
      help.id = help.id || field.id + "_help";
      input.setAttribute("aria-describedby", help.id);
    }
    field.required = false;
    field.hidden = true;
    field.parentNode.insertBefore(box, field.nextSibling);

    function sync() {
      var values = recipients.map(function (r) { return r.value; });
      var pending = input.value.trim();
      if (pending) { values.push(pending); }
      field.value = values.join(", ");
    }

    function renderChips() {
      chips.textContent = "";
      recipients.forEach(function (recipient, index) {
        var chip = element("li", "chip");
        chip.appendChild(element("span", "chip-label", recipient.label));
        var remove = element("button", "chip-remove", "×");
        remove.type = "button";
        remove.setAttribute("aria-label", "Remove " + recipient.label);
        remove.addEventListener("click", function () {
          recipients.splice(index, 1);
          renderChips();
          sync();
          input.focus();
        });
        chip.appendChild(remove);
        chips.appendChild(chip);
      });
      chips.hidden = recipients.length === 0;
    }

    function add(value, label) {
      var known = recipients.some(function (r) { return r.value === value; });
      if (!known) { recipients.push({ value: value, label: label }); }
      renderChips();
    }

    function addTyped(text) {
      entries(text).forEach(function (entry) {
        var named = names[entry];
        add(entry, named ? named.name + " " + named.display : entry);
      });
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
        item.classList.toggle("active", i === active);
      });
      input.setAttribute("aria-activedescendant", items[active].id);
      if (items[active].scrollIntoView) { items[active].scrollIntoView({ block: "nearest" }); }
    }

    function choose(index) {
      var option = options[index];
      if (!option) { return; }
      add(option.value, option.name + " " + option.display);
      input.value = "";
      close();
      sync();
      input.focus();
      status.textContent = option.name + " added.";
    }

    function show(results) {
      options = [];
      results.forEach(function (contact) {
        (contact.numbers || []).forEach(function (number) {
          options.push({ value: number.number, name: contact.name, display: number.display });
        });
      });
      list.textContent = "";
      options.forEach(function (option, index) {
        var item = element("li", "suggestion");
        item.id = list.id + "-" + index;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        item.appendChild(element("span", "suggestion-name", option.name));
        item.appendChild(document.createTextNode(" "));
        item.appendChild(element("span", "suggestion-number muted", option.display));
        // mousedown, not click: the input keeps its focus, so the list is still there.
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        list.appendChild(item);
      });
      if (!options.length) {
        close();
        status.textContent = "No contact matches.";
        return;
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
      status.textContent = options.length + (options.length === 1 ? " contact number" :
        " contact numbers") + " found: use the arrow keys to choose.";
    }

    function search() {
      var text = input.value.trim();
      var serial = ++searchSerial;
      if (text.length < 2) { close(); return; }
      fetch(searchUrl + "?q=" + encodeURIComponent(text),
            { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (body) {
          // An older answer that arrives late must not replace a newer one.
          if (serial === searchSerial) { show(body.results || []); }
        })
        .catch(function () { if (serial === searchSerial) { close(); } });
    }

    input.addEventListener("input", function () {
      // A separator typed (or pasted) ends the entries before it: they become chips.
      var parts = input.value.split(SEPARATORS);
      if (parts.length > 1) {
        addTyped(parts.slice(0, -1).join(","));
        input.value = parts[parts.length - 1].replace(/^\s+/, "");
      }
      sync();
      window.clearTimeout(searchTimer);
      searchTimer = window.setTimeout(search, 150);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!options.length) { return; }
        event.preventDefault();
        if (!open) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          choose(active);
        } else if (input.value.trim()) {
          // Enter ends what was typed (a number, a name): it becomes a chip, not a send.
          event.preventDefault();
          addTyped(input.value);
          input.value = "";
          close();
          sync();
        }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
      } else if (event.key === "Backspace" && !input.value && recipients.length) {
        recipients.pop();
        renderChips();
        sync();
      }
    });

    input.addEventListener("blur", close);
    box.addEventListener("click", function (event) {
      if (event.target === box || event.target === chips) { input.focus(); }
    });

    addTyped(field.value);
    sync();
  }

  document.querySelectorAll("form[data-contact-search]").forEach(setUpRecipients);

  // "Send later": with a date and a time filled in, the form's button says what it does.
  document.querySelectorAll("[data-send-later]").forEach(function (later) {
    var form = later.closest("form");
    var button = form && form.querySelector("button.primary[type=submit]");
    var fields = later.querySelectorAll("input");
    if (!button) { return; }
    var label = button.textContent;
    function update() {
      var filled = Array.prototype.every.call(fields, function (f) { return f.value !== ""; });
      button.textContent = filled ? "Schedule" : label;
    }
    fields.forEach(function (f) { f.addEventListener("input", update); });
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
