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
  /** Use-case statuses from the worker (tabular::dataset::use_cases). */
  useCases: [],
  /** Bytes of wasm memory the engine holds for all loaded files (from the worker's summary). */
  engineMemory: 0,
  /** File whose profile is shown. */
  selected: null,
  /** The running job: {id, label, progress: {phase, file, bytes, total, rows, rowsPerSec}} or null. */
  job: null,
  /** The last error to show: {message, file, line, column, columnName, kind} or null. */
  error: null,
  /** The last trained forecast (use case 1.1): {report, params} or null. */
  forecast: null,
  /** The last clustering (use case 1.2): {result, params, cut} (cut: the k shown) or null. */
  clusters: null,
  /** The missingness summary of the file to impute (use case 2.1): {name, summary} or null. */
  imputeSummary: null,
  /** The last imputation run (use case 2.1): {report, params} or null. */
  impute: null,
  /** A short status line ("Cancelled…"), or null. */
  notice: null,
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
