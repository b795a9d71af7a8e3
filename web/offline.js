// Registers the service worker (sw.js, built by scripts/build.mjs) that keeps the app's files for
// use offline, keeps `state().offline` up to date for the page, and applies an update only when
// the user asks: a new build installs beside the running one and waits; the page says so, and
// its "reload" button (disabled while a job runs) lets the new worker take over and reloads.

import { update } from "./store.js";

let registration = null;
/** Set when the user asked for the update: the next change of controller reloads the page. */
let reloading = false;

function setOffline(patch) {
  update((s) => ({ offline: { ...s.offline, ...patch } }));
}

/** Asks the worker serving the page for its version: `{version, cache, files, bytes}`. */
function askVersion(worker) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), 5000);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      resolve(event.data);
    };
    worker.postMessage({ type: "version" }, [channel.port2]);
  });
}

/** The page is kept for offline use once a worker is active: say which version. */
async function describeActive() {
  const active = registration?.active;
  if (!active) return;
  const answer = await askVersion(active);
  if (answer) setOffline({ status: "ready", ...answer });
}

function updateFound() {
  setOffline({ updateReady: true });
}

/** Follows a worker being installed: an update once installed beside a running one, or the first. */
function follow(worker) {
  worker.addEventListener("statechange", () => {
    if (worker.state === "installed" && navigator.serviceWorker.controller) updateFound();
    else if (worker.state === "activated") describeActive();
    else if (worker.state === "redundant" && !registration.active) setOffline({ status: "failed" });
  });
}

/**
 * Registers the service worker. `onRequest(entry)` hears each request the service worker sends
 * to the network (privacy.js). Without service workers (an insecure origin, a browser that
 * blocks them) the page works as before, online only.
 */
export function startOffline(onRequest) {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) {
    setOffline({ status: "unsupported" });
    return;
  }
  const container = navigator.serviceWorker;
  container.addEventListener("message", (event) => {
    if (event.data?.type === "vitrine-sw-request") onRequest(event.data.entry);
  });
  // Messages sent before this point (the first files kept) were queued until now.
  container.startMessages();
  let controlled = Boolean(container.controller);
  container.addEventListener("controllerchange", () => {
    if (reloading) {
      location.reload();
      return;
    }
    // Another tab applied an update: this page's code is now older than the files served.
    if (controlled) updateFound();
    controlled = true;
    describeActive();
  });
  setOffline({ status: "installing" });
  container
    .register("sw.js", { scope: "./" })
    .then((reg) => {
      registration = reg;
      if (reg.waiting && container.controller) updateFound();
      if (reg.installing) follow(reg.installing);
      reg.addEventListener("updatefound", () => follow(reg.installing));
      return describeActive();
    })
    .catch(() => setOffline({ status: "failed" }));
}

/**
 * Lets the waiting worker take over and reloads the page with the new build. The caller makes
 * sure no job runs: the reload ends the session (loaded files are read again by the user).
 */
export function applyUpdate() {
  const waiting = registration?.waiting;
  reloading = true;
  if (waiting) waiting.postMessage({ type: "skipWaiting" });
  else location.reload();
}
