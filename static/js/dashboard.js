// Draws the dashboard's charts from data-chart attributes (numbers also in the tables).
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  function data(el) { return JSON.parse(el.getAttribute("data-chart")); }
  document.querySelectorAll("canvas[data-chart-kind='bar']").forEach(function (el) {
    var d = data(el);
    new Chart(el, {
      type: "bar",
      data: { labels: d.labels, datasets: [{ data: d.values, backgroundColor: "#0d6efd" }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } }, animation: false,
                 maintainAspectRatio: false },
    });
  });
  document.querySelectorAll("canvas[data-chart-kind='trend']").forEach(function (el) {
    var d = data(el);
    new Chart(el, {
      type: "line",
      data: { labels: d.labels, datasets: [
        { label: d.filed_label, data: d.filed, borderColor: "#0d6efd", pointRadius: 0 },
        { label: d.closed_label, data: d.closed, borderColor: "#198754", pointRadius: 0 },
      ] },
      options: { animation: false, maintainAspectRatio: false },
    });
  });
})();
