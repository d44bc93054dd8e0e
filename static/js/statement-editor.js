// Remissportalen: the statement editor, improved where JavaScript runs. The page works without it.
// - saves a draft of the form while the person writes (never a version);
// - keeps a copy in the browser if the server cannot be reached or the session has ended;
// - warns before leaving with unsaved text.
(function () {
  "use strict";

  var form = document.getElementById("statement-form");
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

})();
