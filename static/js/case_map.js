// The case page's small map (templates/cases/_case_map.html): one marker at the case's
// GPS point. Tiles only when MAP_TILE_URL is set; without it the marker stands alone and
// the links below the map open the point in a maps app.
(function () {
  "use strict";
  var el = document.getElementById("case-map");
  if (!el || typeof L === "undefined") return;
  var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
  if (isNaN(lat) || isNaN(lon)) return;
  L.Icon.Default.imagePath = el.dataset.icons;
  var map = L.map(el, { scrollWheelZoom: false, zoomControl: false }).setView([lat, lon], 16);
  L.control.zoom({ zoomInTitle: el.dataset.zoomIn, zoomOutTitle: el.dataset.zoomOut }).addTo(map);
  map.attributionControl.setPrefix(false);
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  }
  L.marker([lat, lon], { alt: el.dataset.markerAlt, keyboard: false }).addTo(map);
  el.classList.add("psm-map-ready");
})();
