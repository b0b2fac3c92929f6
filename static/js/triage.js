// Triage queue: the ticked cases are one selection that survives choosing an action, typing an
// assignee, filtering and paging (htmx swaps #case-table); it is kept in sessionStorage, counted
// ("N dipilih") and sent whole: ticks of other pages ride along as hidden inputs. The bulk form
// shows once something is ticked. Without JavaScript the form sends the ticks of the page.
(function () {
  "use strict";
  var KEY = "psm:triage:selected";

  function load() {
    try {
      var ids = JSON.parse(window.sessionStorage.getItem(KEY) || "[]");
      return Array.isArray(ids) ? ids.map(String) : [];
    } catch (e) {
      return [];
    }
  }

  function init() {
    var form = document.getElementById("bulk-form");
    if (!form) return;
    var bar = document.getElementById("selection-bar");
    var bound = form.dataset.bound === "true";
    // A form shown again with its errors holds what was sent: that is the selection now.
    var selected = new Set(
      bound ? (form.dataset.selected || "").split(" ").filter(Boolean) : load()
    );
    var action = form.querySelector("select[name=action]");

    function save() {
      try {
        window.sessionStorage.setItem(KEY, JSON.stringify(Array.from(selected)));
      } catch (e) {
        /* private mode: the selection lives as long as the page */
      }
    }

    function boxes() {
      return document.querySelectorAll('input[type=checkbox][name=cases][form="bulk-form"]');
    }

    function showFieldsFor(value) {
      form.querySelectorAll("[data-for-action]").forEach(function (el) {
        el.hidden = el.dataset.forAction !== value;
      });
    }

    function sync() {
      var onPage = boxes();
      var ticked = 0;
      onPage.forEach(function (box) {
        box.checked = selected.has(box.value);
        if (box.checked) ticked += 1;
      });
      document.querySelectorAll("[data-js-only]").forEach(function (el) {
        el.hidden = false;
      });
      var all = document.querySelector("[data-select-page]");
      if (all) {
        all.checked = onPage.length > 0 && ticked === onPage.length;
        all.indeterminate = ticked > 0 && ticked < onPage.length;
      }
      document.querySelectorAll("[data-selected-count]").forEach(function (el) {
        el.textContent = String(selected.size);
      });
      // An error (even "select at least one case") stays in sight.
      form.hidden = selected.size === 0 && !bound;
      if (bar) bar.hidden = selected.size === 0;
      save();
    }

    function followLocation() {
      // htmx pushes the list's address: a successful action returns there, page and filters.
      var next = form.querySelector("input[name=next]");
      var list = document.getElementById("filters");
      if (next && list && window.location.pathname === list.getAttribute("action")) {
        next.value = window.location.pathname + window.location.search;
      }
    }

    document.addEventListener("change", function (event) {
      var el = event.target;
      if (el.matches && el.matches('input[type=checkbox][name=cases][form="bulk-form"]')) {
        if (el.checked) selected.add(el.value);
        else selected.delete(el.value);
        sync();
      } else if (el.matches && el.matches("[data-select-page]")) {
        boxes().forEach(function (box) {
          if (el.checked) selected.add(box.value);
          else selected.delete(box.value);
        });
        sync();
      }
    });

    document.addEventListener("click", function (event) {
      var el = event.target.closest && event.target.closest("[data-clear-selection]");
      if (el) {
        selected.clear();
        bound = false;
        sync();
        return;
      }
      if (event.target.closest && event.target.closest("[data-go-to-action]")) {
        event.preventDefault();
        form.scrollIntoView({ block: "start" });
        if (action) action.focus({ preventScroll: true });
      }
    });

    if (action) {
      showFieldsFor(action.value);
      action.addEventListener("change", function () {
        showFieldsFor(action.value);
      });
    }

    form.addEventListener("submit", function () {
      form.querySelectorAll("input[data-carried]").forEach(function (el) {
        el.remove();
      });
      var here = new Set();
      boxes().forEach(function (box) {
        if (box.checked) here.add(box.value);
      });
      selected.forEach(function (id) {
        if (here.has(id)) return;
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "cases";
        input.value = id;
        input.dataset.carried = "";
        form.appendChild(input);
      });
      // Done after this: a refused action draws the form again with what was sent.
      try {
        window.sessionStorage.removeItem(KEY);
      } catch (e) {
        /* nothing kept */
      }
    });

    document.body.addEventListener("htmx:afterSettle", function (event) {
      if (event.detail && event.detail.target && event.detail.target.id === "case-table") {
        sync();
        followLocation();
      }
    });
    document.body.addEventListener("htmx:pushedIntoHistory", followLocation);
    document.body.addEventListener("htmx:historyRestore", sync);
    sync();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
