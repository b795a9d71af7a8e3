// The service worker: keeps the app's own files, and nothing else, in a versioned cache so that
// the page opens and every use case runs with the network off.
//
// The build (scripts/build.mjs) stamps this file with the list of files to keep, each with the
// SHA-256 of its content, and a version derived from them: a build that changes any file is a
// new worker with a new cache, fetched and verified (subresource integrity) while the old worker
// keeps serving the old files; the old cache is deleted when the new worker takes over, which
// happens only when the page asks for it (the user's "reload", web/offline.js) or once no tab
// uses the old one. Anything outside the list (and every POST, blob: and data: URL) passes
// through untouched and is never stored: the user's files are File objects that never go
// through fetch at all.

/** {version, files: [{path, integrity, bytes}]}, from the build. */
const BUILD = self.VITRINE_BUILD;
const PREFIX = "vitrine-";
const CACHE = `${PREFIX}${BUILD.version}`;
const SCOPE = new URL(self.registration.scope);

/** The file each URL of the app is kept under: the page itself is the scope's own URL. */
function urlOf(file) {
  return file.path === "index.html" ? SCOPE.href : new URL(file.path, SCOPE).href;
}

const FILES = new Map(BUILD.files.map((file) => [urlOf(file), file]));

/** Tells every tab of the app about a request this worker sent to the network (privacy panel). */
async function report(url, kind, response) {
  const length = response?.headers.get("Content-Length");
  const entry = {
    url,
    kind,
    status: response?.status ?? 0,
    bytes: length ? Number(length) : null,
    time: Date.now(),
  };
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) client.postMessage({ type: "vitrine-sw-request", entry });
}

/** Fetches one file of the list from the network, checked against the build's hash. */
async function fetchVerified(url, file, kind) {
  let response;
  try {
    response = await fetch(url, { cache: "reload", integrity: file.integrity, credentials: "same-origin" });
  } catch (error) {
    report(url, kind, null);
    throw error;
  }
  report(url, kind, response);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  // A host that redirects index.html to its folder: a redirected response cannot answer a
  // navigation, so the body is kept under the URL asked for.
  if (response.redirected) {
    return new Response(await response.blob(), { status: response.status, headers: response.headers });
  }
  return response;
}

async function precache() {
  const cache = await caches.open(CACHE);
  try {
    await Promise.all(
      [...FILES].map(async ([url, file]) => cache.put(url, await fetchVerified(url, file, "precache"))),
    );
  } catch (error) {
    // Half a version is no version: the browser tries again at the next visit.
    await caches.delete(CACHE);
    throw error;
  }
}

self.addEventListener("install", (event) => {
  // The browser has just fetched this script: listed with the worker's own requests.
  report(self.location.href, "script", null);
  event.waitUntil(precache());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      // Serve the tab that installed this worker too, so that a fresh engine worker (after a
      // crash) still finds its files once the network is gone.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const message = event.data ?? {};
  if (message.type === "skipWaiting") {
    self.skipWaiting();
  } else if (message.type === "version") {
    const bytes = BUILD.files.reduce((sum, file) => sum + file.bytes, 0);
    event.ports[0]?.postMessage({ version: BUILD.version, cache: CACHE, files: BUILD.files.length, bytes });
  }
});

/** The key of the app's file a request asks for, or null when it is not one of them. */
function keyOf(request) {
  if (request.method !== "GET") return null;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin) return null;
  if (request.mode === "navigate") {
    // The page, whatever its query (?debug): its one document.
    return url.pathname === SCOPE.pathname || url.pathname === `${SCOPE.pathname}index.html` ? SCOPE.href : null;
  }
  if (url.search) return null;
  url.hash = "";
  return FILES.has(url.href) ? url.href : null;
}

async function answer(key) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(key);
  if (kept) return kept;
  // The browser evicted the cache: fetch the file again (verified) and keep it.
  const response = await fetchVerified(key, FILES.get(key), "refill");
  await cache.put(key, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const key = keyOf(event.request);
  if (key) event.respondWith(answer(key));
});
