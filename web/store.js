// The single store of application state. Views read `state()` and call `update()`; every update
// notifies the subscribers (main.js re-renders the shell and the current view).

const initial = {
  /** "en" | "fr". */
  lang: "en",
  /** Id of the view shown (see router.js). */
  view: "start",
  /** Loaded tables by file name: {name, rows, columns, bytes, dataset, source: "upload"|"sample"}. */
  tables: [],
  /** Profiles by file name (tabular::profile::TableProfile). */
  profiles: {},
  /** Use-case statuses from the worker (usecases::catalogue::statuses). */
  useCases: [],
  /** Every use case with its files and parameters (with defaults), from the engine at start. */
  catalogue: [],
  /** Bytes of wasm memory the engine holds for all loaded files (from the worker's summary). */
  engineMemory: 0,
  /** File whose profile is shown. */
  selected: null,
  /** The running job: {id, label, progress: {phase, file, bytes, total, rows, rowsPerSec}} or null. */
  job: null,
  /** The last error to show: {message, file, line, column, columnName, kind} or null. */
  error: null,
  /**
   * The last result of each use case, by name (`forecast`, `cluster`, `impute`, …):
   * {report, downloads, params} plus what its view asked since (the clustering's `cut`). The
   * engine keeps the fitted model for follow-up questions; a restarted engine has lost them all,
   * and this is emptied.
   */
  results: {},
  /** Answers to questions asked before a run, by use case name and question (`impute.summary`). */
  previews: {},
  /** A short status line ("Cancelled…"), or null. */
  notice: null,
  /**
   * The copy kept for use offline (offline.js): `status` "unsupported" | "installing" | "ready" |
   * "failed"; once ready, the service worker's `version`, `files` and `bytes`; `updateReady`
   * when a newer build waits for the user's reload.
   */
  offline: { status: "installing", updateReady: false },
  /** Requests since the page opened (privacy.js): {total, outside, blocked}. */
  requests: { total: 0, outside: 0, blocked: 0 },
};

let current = { ...initial };
const listeners = new Set();

/** The current state (treat as read-only). */
export function state() {
  return current;
}

/** Merges `patch` (an object, or a function of the state returning one) and notifies. */
export function update(patch) {
  const changes = typeof patch === "function" ? patch(current) : patch;
  current = { ...current, ...changes };
  for (const listener of listeners) listener(current);
}

/** Calls `listener(state)` after every update; returns the unsubscribe function. */
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
