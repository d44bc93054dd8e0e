// Remissportalen, on every page. Pages work without this; it only makes them easier:
// - focus moves to an error summary, so screen readers and keyboard users land on what to fix;
// - lists of rows (formsets) get a "Lägg till" button, and proposals can be moved up and down;
// - a preview PDF being prepared is fetched when it is ready, without reloading the page.
(function () {
  "use strict";
  // Earlier versions of the editor kept drafts (and the CSRF token) in localStorage under
  // "utlatande-<id>", never cleared. Remove any such copy, on every page, the login page too.
  try {
    for (var i = window.localStorage.length - 1; i >= 0; i--) {
      var key = window.localStorage.key(i);
      if (key && key.indexOf("utlatande-") === 0) window.localStorage.removeItem(key);
    }
  } catch (e) {
    /* storage blocked: then nothing can have been kept there either */
  }

  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();

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
        button.form.dispatchEvent(new Event("input", { bubbles: true }));
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
    add.textContent = {
      proposals: "Lägg till förslag",
      steps: "Lägg till steg",
      focusviews: "Lägg till fokusområde",
      yrkanden: "Lägg till yrkande",
      reservationer: "Lägg till reservation",
      uttalanden: "Lägg till särskilt uttalande",
      anteckningar: "Lägg till protokollsanteckning",
    }[prefix] || "Lägg till rad";
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

  // A preview being prepared (remiss/previews.py): ask its address again every few seconds,
  // quietly (a HEAD: the page is not reloaded under a screen reader), and fetch the PDF once
  // it is ready. When its state changes otherwise (it failed, or is being tried again) the page
  // is loaded anew to say so. Without scripts a meta refresh inside <noscript> reloads the page.
  var waiting = document.querySelector("[data-preview-wait]");
  if (waiting && window.fetch) {
    var address = waiting.dataset.previewWait;
    var every = 1000 * parseInt(waiting.dataset.previewEvery, 10);
    var ask = function () {
      fetch(address, { method: "HEAD", credentials: "same-origin" }).then(
        function (response) {
          if (response.status === 200) {
            var status = waiting.querySelector("[data-preview-status]");
            if (status) status.textContent = waiting.dataset.previewReady;
            window.location.assign(address);
          } else if (response.headers.get("X-Preview-State") === waiting.dataset.previewState) {
            window.setTimeout(ask, every);
          } else {
            window.location.reload();
          }
        },
        function () {
          window.setTimeout(ask, every); // offline for a moment: ask again later
        }
      );
    };
    window.setTimeout(ask, every);
  }
})();
