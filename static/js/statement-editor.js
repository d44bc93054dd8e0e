// Remissportalen: the statement editor, improved where JavaScript runs. The page works without it.
// - saves a draft of the form while the person writes (never a version);
// - keeps a copy in the browser if the server cannot be reached or the session has ended;
// - adds rows to the lists and moves proposals up and down;
// - moves focus to the error summary, and warns before leaving with unsaved text.
(function () {
  "use strict";

  var form = document.getElementById("statement-form");
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
  if (!form) return;

  var status = document.getElementById("autosave-status");
  var storageKey = form.dataset.storageKey;
  var dirty = false;
  var timer = null;
  var DELAY = 3000;

  function say(text) {
    if (status) status.textContent = text;
  }

  function fields() {
    var data = new FormData(form);
    data.delete("file");
    return data;
  }

  function keepLocally(data) {
    try {
      var copy = {};
      data.forEach(function (value, key) {
        (copy[key] = copy[key] || []).push(value);
      });
      window.localStorage.setItem(storageKey, JSON.stringify({ saved: Date.now(), data: copy }));
    } catch (e) {
      /* storage full or blocked: the server copy is the one that counts */
    }
  }

  function autosave() {
    timer = null;
    var data = fields();
    keepLocally(data);
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) {
            say(body.message || "Utkast sparat");
          } else {
            say((body && body.error) || "Utkastet kunde inte sparas; texten finns kvar i webbläsaren.");
          }
        });
      })
      .catch(function () {
        say("Ingen kontakt med servern. Texten finns kvar i webbläsaren; spara när kontakten är tillbaka.");
      });
  }

  form.addEventListener("input", function () {
    dirty = true;
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(autosave, DELAY);
  });
  form.addEventListener("submit", function () {
    dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Rows: "Lägg till" clones the formset's empty row; proposals get up and down buttons.
  function renumber(container) {
    var rows = container.querySelectorAll("[data-rows] > [data-row]");
    rows.forEach(function (row, index) {
      var number = row.querySelector("[data-number]");
      if (number) number.textContent = String(index + 1);
      var order = row.querySelector("input[name$='-ORDER']");
      if (order) order.value = String(index + 1);
    });
  }

  function addMoveButtons(row, container) {
    if (container.dataset.formset !== "proposals" || row.querySelector("[data-move]")) return;
    var controls = row.querySelector(".row-controls");
    [["upp", -1], ["ned", 1]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--secondary button--small";
      button.dataset.move = pair[0];
      button.textContent = "Flytta " + pair[0];
      button.addEventListener("click", function () {
        var sibling = pair[1] < 0 ? row.previousElementSibling : row.nextElementSibling;
        if (!sibling) return;
        if (pair[1] < 0) sibling.before(row);
        else sibling.after(row);
        renumber(container);
        dirty = true;
        button.focus();
      });
      controls.appendChild(button);
    });
  }

  document.querySelectorAll("[data-formset]").forEach(function (container) {
    var prefix = container.dataset.formset;
    var template = container.querySelector("template[data-empty-row]");
    var rows = container.querySelector("[data-rows]");
    var total = container.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    rows.querySelectorAll("[data-row]").forEach(function (row) {
      addMoveButtons(row, container);
    });
    if (!template || !total) return;
    var add = document.createElement("button");
    add.type = "button";
    add.className = "button button--secondary";
    add.textContent = { proposals: "Lägg till förslag", steps: "Lägg till steg", focusviews: "Lägg till fokusområde" }[prefix] || "Lägg till rad";
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var row = rows.lastElementChild;
      addMoveButtons(row, container);
      renumber(container);
      var first = row.querySelector("textarea, input:not([type=hidden]), select");
      if (first) first.focus();
    });
    rows.after(add);
  });
})();
