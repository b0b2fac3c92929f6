// Intake form: optional GPS into hidden fields, no Enter-submit from the search box,
// and a submit button that disables itself (the idempotency key is the real guard).
(function () {
  "use strict";
  function init() {
    var form = document.getElementById("intake-form");
    if (!form) return;
    var button = document.getElementById("gps-button");
    var status = document.getElementById("gps-status");
    var lat = form.querySelector("input[name=latitude]");
    var lon = form.querySelector("input[name=longitude]");
    if (button && navigator.geolocation) {
      button.hidden = false;
      button.addEventListener("click", function () {
        button.disabled = true;
        navigator.geolocation.getCurrentPosition(
          function (pos) {
            lat.value = pos.coords.latitude.toFixed(6);
            lon.value = pos.coords.longitude.toFixed(6);
            status.textContent = status.dataset.ok;
            button.disabled = false;
          },
          function () {
            status.textContent = status.dataset.fail;
            button.disabled = false;
          },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
        );
      });
    }
    // Over the NIK-lookup limit the search answers 429 with a message: show it.
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      if (event.detail.xhr.status === 429) {
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      }
    });
    var search = document.getElementById("beneficiary-q");
    if (search) {
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    }
    var uploads = form.querySelector("input[type=file][name=uploads]");
    var keyInput = form.querySelector("input[name=idempotency_key]");
    var key = keyInput ? keyInput.value : "";
    restoreFiles(uploads, key);
    var storing = false;
    form.addEventListener("submit", function (event) {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      // A browser never sends chosen files back with a redisplayed form. Keep them in this
      // browser's IndexedDB, under the form's key, until the page comes back (then they are
      // attached again and removed) or the next intake page clears them.
      if (storing || !uploads || !uploads.files.length || !window.indexedDB) return;
      // The field outbox (static/js/outbox.js) sends this form itself and shows the server's
      // errors on the page as it is, photos kept: a native submit here would send it twice.
      if (form.dataset.outboxForm && window.psmOutbox && !form.dataset.outboxNative) return;
      event.preventDefault();
      storing = true;
      var files = Array.prototype.slice.call(uploads.files);
      withStore("readwrite", function (store) {
        store.put({ key: key, files: files, at: Date.now() });
      }, function () { form.submit(); });
    });
  }

  function withStore(mode, work, done) {
    var finished = false;
    function finish() { if (!finished) { finished = true; if (done) done(); } }
    try {
      var open = window.indexedDB.open("psm-intake", 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("files", { keyPath: "key" }); };
      open.onerror = finish;
      open.onsuccess = function () {
        var db = open.result;
        var tx = db.transaction("files", mode);
        tx.oncomplete = function () { db.close(); finish(); };
        tx.onerror = tx.onabort = function () { db.close(); finish(); };
        work(tx.objectStore("files"));
      };
    } catch (e) { finish(); }
    window.setTimeout(finish, 3000);  // never keep the form from being sent
  }

  function restoreFiles(input, key) {
    if (!input || !window.indexedDB || typeof DataTransfer === "undefined") return;
    var note = document.getElementById("files-lost");
    withStore("readwrite", function (store) {
      var all = store.getAll();
      all.onsuccess = function () {
        all.result.forEach(function (entry) {
          if (entry.key === key && note && entry.files.length) {
            var transfer = new DataTransfer();
            entry.files.forEach(function (file) { transfer.items.add(file); });
            input.files = transfer.files;
            note.textContent = note.dataset.restored;
            note.classList.remove("text-warning-emphasis");
            note.classList.add("text-success-emphasis");
          }
          store.delete(entry.key);  // stored photos never outlive one visit to this page
        });
      };
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
