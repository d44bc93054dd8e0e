// Remissportalen: the statement editor, improved where JavaScript runs. The page works without it.
// - saves a draft of the form on the server while the person writes (never a version);
// - warns before leaving with unsaved text.
// Nothing is kept in the browser's storage: a copy there (draft text and the CSRF token, in
// clear) outlived the logout and was there for the next person on the same computer. The
// server's autosave and the kept form (remiss/kept_forms.py) are where text survives; copies
// that earlier versions left in localStorage are removed by portal.js on every page.
(function () {
  "use strict";

  var form = document.getElementById("statement-form");
  if (!form) return;

  var status = document.getElementById("autosave-status");
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

  function autosave() {
    timer = null;
    var data = fields();
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
            say((body && body.error) || "Utkastet kunde inte sparas; texten finns kvar här på sidan.");
          }
        });
      })
      .catch(function () {
        say("Ingen kontakt med servern. Texten finns kvar här på sidan; spara när kontakten är tillbaka.");
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

})();
