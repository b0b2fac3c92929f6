// psm field app service worker, release {{ release }} (cases/views/field.py renders it).
// Workbox from npm, vendored under static/vendor/workbox (scripts/vendor.js), no CDN.
/* global workbox */
importScripts({% for url in workbox %}"{{ url }}"{% if not forloop.last %}, {% endif %}{% endfor %});

const RELEASE = "{{ release }}";
const OFFLINE_URL = "{{ offline_url }}";

// Django marks pages "Vary: Cookie, Accept-Language"; the Cache API honours Vary, and a page
// opened later sends other headers than the install did, so the copy would never match.
// The copies are this user's own (outbox.js deletes every cache at logout): drop Vary.
// Precache fetches say so: the page then leaves the flash messages ("Kasus ... sudah
// dilaporkan") to the page the volunteer opens next instead of taking them into the cache
// (templates/base.html). A navigation the worker passes on carries no such header.
workbox.precaching.addPlugins([
  {
    requestWillFetch: async ({ request }) => {
      const headers = new Headers(request.headers);
      headers.set("X-PSM-Precache", "1");
      return new Request(request, { headers });
    },
    cacheWillUpdate: async ({ response }) => {
      if (!response || !response.headers.has("Vary")) return response;
      const headers = new Headers(response.headers);
      headers.delete("Vary");
      return new Response(await response.blob(), {
        status: response.status,
        statusText: response.statusText,
        headers,
      });
    },
  },
]);

// The pages and files a volunteer needs without a signal; each entry carries the release,
// so a new release fetches them again and drops what the old one cached.
workbox.precaching.precacheAndRoute({{ manifest|safe }}, {
  ignoreURLParametersMatching: [/.*/], // /cases/new/?outbox=<id> is the same page
  directoryIndex: null,
  cleanURLs: false,
});
workbox.precaching.cleanupOutdatedCaches();

// Every other page goes to the network and is never stored (case pages hold personal data);
// without a connection the offline home says what still works.
workbox.routing.registerRoute(
  ({ request }) => request.mode === "navigate",
  new workbox.strategies.NetworkOnly()
);
workbox.routing.setCatchHandler(async ({ request }) => {
  if (request.destination === "document") {
    const page = await workbox.precaching.matchPrecache(OFFLINE_URL);
    if (page) return page;
  }
  return Response.error();
});

self.addEventListener("message", (event) => {
  if (!event.data) return;
  if (event.data.type === "SKIP_WAITING") self.skipWaiting();
  if (event.data.type === "RELEASE" && event.ports[0]) event.ports[0].postMessage(RELEASE);
});
