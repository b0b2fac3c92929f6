// A search that may hold an NIK or a phone number is sent by POST, never in a URL (browser
// history, proxy logs): the server answers with a redirect to the list whose address carries
// only a sealed token (psm/search.py). Eight digits or more is deliberately generous; the
// server decides what to seal. Names keep their plain GET (bookmarkable) searches.
(function () {
  "use strict";
  var MANY_DIGITS = /\d{8,}/;

  function mayBePersonal(value) {
    return MANY_DIGITS.test(String(value).replace(/[\s.()+-]/g, ""));
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    if (detail.verb !== "get" || !detail.elt.closest("[data-private-search]")) return;
    var q = detail.parameters.q;
    var values = q == null ? [] : Array.isArray(q) ? Array.from(q) : [q];
    if (!values.some(mayBePersonal)) return;
    detail.verb = "post";
    detail.useUrlParams = false;
    detail.headers["Content-Type"] = "application/x-www-form-urlencoded";
  });
})();
