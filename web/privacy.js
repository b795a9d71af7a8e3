// Every request the page has made since it opened, from the browser's own records: the page's
// resource timing (and its navigation), the engine worker's resource timing (its wasm is fetched
// there, not here: jobs.js asks it), the service worker's fetches (it posts each one: offline.js
// hands them over), and the attempts the Content-Security-Policy blocked (no timing entry is
// made for most of those, so they are taken from the `securitypolicyviolation` events and
// counted as requests, outside the origin when they aimed outside). The privacy panel lists them and
// the footer shows the count; `tally` does the counting and has no DOM dependency.

/**
 * One request as the panel lists it: `url`; `source` "page" | "engine" | "serviceWorker";
 * `type` (the initiator: navigation, script, link, fetch, css, other, precache, …); `bytes`
 * (encoded body size, or null when the browser does not say); `time` (milliseconds since the
 * page opened); `blocked` (true for an attempt the policy stopped); `servedBy` "network" |
 * "offline" (answered by the service worker from its cache) | "cache" | null when unknown.
 */

/** "self" (this origin), "local" (data:, about:, a blob: of this origin: no network) or "outside". */
export function classify(url, origin) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    // What cannot be read is not assumed harmless.
    return "outside";
  }
  if (parsed.protocol === "data:" || parsed.protocol === "about:") return "local";
  if (parsed.protocol === "blob:") return parsed.origin === origin ? "local" : "outside";
  return parsed.origin === origin ? "self" : "outside";
}

/**
 * Counts `entries` (as above) for a page of `origin`: `{total, outside, blocked}`, where `total`
 * counts every entry, `outside` those aimed at another origin (sent or blocked), `blocked` those
 * the policy stopped.
 */
export function tally(entries, origin) {
  let outside = 0;
  let blocked = 0;
  for (const entry of entries) {
    if (classify(entry.url, origin) === "outside") outside += 1;
    if (entry.blocked) blocked += 1;
  }
  return { total: entries.length, outside, blocked };
}

/**
 * A resource timing entry (a PerformanceResourceTiming or its toJSON()) of a context whose
 * clock started at `timeOrigin`, as an entry of the list, timed from the page's own origin.
 */
export function fromTiming(timing, source, timeOrigin, pageOrigin) {
  const size = timing.encodedBodySize || timing.transferSize || 0;
  return {
    url: timing.name,
    source,
    type: timing.initiatorType ?? timing.entryType,
    bytes: size > 0 ? size : null,
    time: timeOrigin + timing.startTime - pageOrigin,
    blocked: false,
    servedBy: servedBy(timing),
  };
}

/**
 * Where the browser says a response came from: "offline" (the service worker's cache), "cache"
 * (the browser's HTTP cache), "network" (bytes crossed it), or null when it does not say (an
 * other origin's response tells nothing without its consent).
 */
function servedBy(timing) {
  if (timing.deliveryType === "cache-storage") return "offline";
  if (timing.deliveryType === "cache") return "cache";
  return timing.transferSize > 0 ? "network" : null;
}

/** Reports of one attempt: the same URL, directive and line of code within this many milliseconds. */
const SAME_ATTEMPT_MS = 5;

/**
 * One report per attempt from `violations` (`securitypolicyviolation` fields plus `time`, in
 * time order). The browser reports an attempt once per policy that refuses it, and the page may
 * carry the same policy twice (the server's header and the meta tag, for hosts that set no
 * header): nothing tells those reports apart but a fraction of a millisecond. A burst of
 * identical attempts from one line may so count fewer than it made, never none.
 */
export function distinctAttempts(violations) {
  const last = new Map();
  return violations.filter((v) => {
    const key = [v.blockedURI, v.effectiveDirective, v.sourceFile, v.lineNumber, v.columnNumber].join(" ");
    const previous = last.get(key);
    last.set(key, v.time);
    return previous === undefined || v.time - previous > SAME_ATTEMPT_MS;
  });
}

/** The fields of a `securitypolicyviolation` event that say what was refused, and when. */
export function violationFields(event, time) {
  const { blockedURI, effectiveDirective, sourceFile, lineNumber, columnNumber } = event;
  return { blockedURI, effectiveDirective, sourceFile, lineNumber, columnNumber, time };
}

/** A `securitypolicyviolation` event (or its fields) as an entry, or null when no URL was asked for. */
export function fromViolation(violation, source, time) {
  const url = violation.blockedURI;
  // "inline", "eval", "wasm-eval": code the policy refused to run, not a request.
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url ?? "")) return null;
  return { url, source, type: violation.effectiveDirective, bytes: null, time, blocked: true, servedBy: null };
}

/** A request the service worker sent (its message's `entry`) as an entry. */
export function fromServiceWorker(entry, pageOrigin) {
  return {
    url: entry.url,
    source: "serviceWorker",
    type: entry.kind,
    bytes: entry.bytes,
    time: entry.time - pageOrigin,
    blocked: false,
    servedBy: entry.kind === "script" ? null : "network",
  };
}

const pageEntries = [];
/** The page's violation reports (violationFields), before distinctAttempts. */
const pageViolations = [];
const serviceWorkerEntries = [];
/** The engine worker's entries, replaced whenever jobs.js hears them again. */
let engineEntries = [];
const listeners = new Set();
let scheduled = false;

function changed() {
  if (scheduled) return;
  scheduled = true;
  // One notification for a burst of entries (the page's own files arrive together).
  setTimeout(() => {
    scheduled = false;
    const summary = requestSummary();
    for (const listener of listeners) listener(summary);
  }, 50);
}

/** Starts recording the page's requests and the policy's blocks; `listener(summary)` hears changes. */
export function startPrivacy(listener) {
  listeners.add(listener);
  const origin = performance.timeOrigin;
  for (const nav of performance.getEntriesByType("navigation")) {
    pageEntries.push({ ...fromTiming(nav, "page", origin, origin), type: "navigation" });
  }
  // An observer, unlike getEntriesByType, sees every entry even past the timing buffer's size.
  new PerformanceObserver((list) => {
    for (const timing of list.getEntries()) pageEntries.push(fromTiming(timing, "page", origin, origin));
    changed();
  }).observe({ type: "resource", buffered: true });
  document.addEventListener("securitypolicyviolation", (event) => {
    pageViolations.push(violationFields(event, performance.now()));
    changed();
  });
  changed();
}

/** Records a request the service worker reports (offline.js). */
export function recordServiceWorkerRequest(entry) {
  serviceWorkerEntries.push(fromServiceWorker(entry, performance.timeOrigin));
  changed();
}

/**
 * Records what the engine worker(s) reported (jobs.js): a list of `{timeOrigin, entries,
 * violations}`, one per worker started since the page opened.
 */
export function recordEngineRequests(reports) {
  const origin = performance.timeOrigin;
  engineEntries = reports.flatMap((report) => [
    ...report.entries.map((timing) => fromTiming(timing, "engine", report.timeOrigin, origin)),
    ...distinctAttempts(report.violations)
      .map((v) => fromViolation(v, "engine", report.timeOrigin + v.time - origin))
      .filter((entry) => entry !== null),
  ]);
  changed();
}

/**
 * Counts each blocked attempt once: the browser may also have made a timing entry for it
 * (Chromium does for a refused image, not for a refused fetch), with no response. Each blocked
 * entry takes the place of one such entry of the same source and URL, or stands alone. An
 * attempt whose reported URL differs from its timing entry's (the browser strips some) is
 * counted twice: over, never under.
 */
export function mergeBlocked(entries) {
  const out = entries.filter((e) => !e.blocked);
  for (const attempt of entries.filter((e) => e.blocked)) {
    const i = out.findIndex(
      (e) => !e.blocked && e.source === attempt.source && e.url === attempt.url && e.bytes === null,
    );
    if (i >= 0) out[i] = { ...out[i], blocked: true, servedBy: null };
    else out.push(attempt);
  }
  return out;
}

/** Every request recorded so far, in time order. */
export function requestsSeen() {
  const refused = distinctAttempts(pageViolations)
    .map((v) => fromViolation(v, "page", v.time))
    .filter((entry) => entry !== null);
  return mergeBlocked([...pageEntries, ...refused, ...engineEntries, ...serviceWorkerEntries]).sort(
    (a, b) => a.time - b.time,
  );
}

/** `tally` of every request recorded so far, for this page's origin. */
export function requestSummary() {
  return tally(requestsSeen(), location.origin);
}
