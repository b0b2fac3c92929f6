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
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
