// Copies the browser files we serve from node_modules into static/vendor/.
// Field phones on slow links and a strict CSP rule out CDNs.
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const files = {
  "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
  "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
  "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
  "chart.js/dist/chart.umd.min.js": "chartjs/chart.umd.min.js",
  // The case page's map; its stylesheet points at images/ next to it.
  "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
  "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
  "leaflet/dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
  "leaflet/dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
  "leaflet/dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
  "leaflet/dist/images/layers.png": "leaflet/images/layers.png",
  "leaflet/dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
  // The field app: IndexedDB outbox and the service worker (importScripts, in this order).
  "idb/build/umd.js": "idb/idb.umd.js",
  "workbox-core/build/workbox-core.prod.js": "workbox/workbox-core.prod.js",
  "workbox-routing/build/workbox-routing.prod.js": "workbox/workbox-routing.prod.js",
  "workbox-strategies/build/workbox-strategies.prod.js": "workbox/workbox-strategies.prod.js",
  "workbox-precaching/build/workbox-precaching.prod.js": "workbox/workbox-precaching.prod.js",
  "axe-core/axe.min.js": "../../tests/vendor/axe.min.js", // used by the accessibility tests only
};
for (const [src, dst] of Object.entries(files)) {
  const from = path.join(root, "node_modules", src);
  const to = path.join(root, "static", "vendor", dst);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  if (!/\.(js|css)$/.test(src)) {
    fs.copyFileSync(from, to); // images: bytes as they are
    console.log(`${src} -> static/vendor/${dst}`);
    continue;
  }
  // Drop the source-map comment: the .map files are not vendored, and production's
  // manifest storage refuses a reference to a missing file.
  const text = fs.readFileSync(from, "utf8").replace(/\n?\/[/*][#@] sourceMappingURL=[^\n]*\s*$/, "\n");
  fs.writeFileSync(to, text);
  console.log(`${src} -> static/vendor/${dst}`);
}
