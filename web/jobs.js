// The one module that talks to the worker. A job is {id, kind, args}; the worker answers with
// progress, file (a generated sample), result, error, cancelled or crashed messages.
//
// The worker holds the parsed tables, so this module also holds the File objects they came
// from: when the worker dies (a Rust panic, or a cancel it could not honour in time) a fresh one
// is started and every held file is sent again, so nothing the user loaded is lost.

/** How long a cancelled job may take to stop before its worker is replaced. */
const CANCEL_GRACE_MS = 1500;

let worker = null;
let nextId = 1;
/** Running jobs by id: {kind, resolve, reject, onProgress, onFile, cancelTimer}. */
const running = new Map();
/** Files the worker holds, by name, in load order. */
const held = new Map();
/** Resolves when a fresh worker has reloaded the held files; jobs wait for it. */
let restoring = Promise.resolve();
/** Called with true/false around a restore, so the page can say what is happening. */
let onRestore = () => {};
/** Called when the engine cannot be started at all. */
let onFatal = () => {};
/** Called with what every engine worker started so far reported of its requests (privacy.js). */
let onRequests = () => {};
/** The running worker's report of its requests ({timeOrigin, entries, violations}), once heard. */
let requestReport = null;
/** Reports of the workers replaced since: their timelines died with them. */
const pastRequestReports = [];

/** An error the page can show; `kind` is the engine's (ragged, tooLarge, …) or cancelled/crash. */
export class JobError extends Error {
  constructor(details) {
    super(details.message);
    this.details = details;
  }
}

function spawn() {
  if (requestReport) pastRequestReports.push(requestReport);
  requestReport = null;
  document.documentElement.dataset.engine = "starting";
  worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "vitrine-engine" });
  worker.onmessage = (event) => receive(event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    crashed(null, event.message || "the worker stopped");
  };
}

function receive(message) {
  const job = running.get(message.id);
  switch (message.type) {
    case "progress":
      job?.onProgress?.(message.progress);
      break;
    case "file":
      if (job) {
        held.set(message.file.name, message.file);
        job.onFile?.(message.file, message.dataset);
      }
      break;
    case "result":
      settle(message.id)?.resolve(message.result);
      break;
    case "error":
      settle(message.id)?.reject(new JobError(message.error));
      break;
    case "cancelled":
      settle(message.id)?.reject(new JobError({ kind: "cancelled", message: "cancelled" }));
      break;
    case "crashed":
      crashed(message.id, message.message);
      break;
    case "ready":
      // Observable state: the engine has started and warmed up (tests and benches wait on it).
      document.documentElement.dataset.engine = "ready";
      heardRequests(message.requests);
      break;
    default:
      break;
  }
}

function settle(id) {
  const job = running.get(id);
  if (!job) return null;
  clearTimeout(job.cancelTimer);
  running.delete(id);
  return job;
}

/** Restarts in the last minute: past MAX_RESTARTS the engine cannot start (a missing file). */
const restarts = [];
const MAX_RESTARTS = 5;

/** Replaces a dead worker: fails its jobs, starts a fresh one and reloads the held files. */
function crashed(id, message) {
  worker?.terminate();
  const now = Date.now();
  while (restarts.length > 0 && now - restarts[0] > 60_000) restarts.shift();
  restarts.push(now);
  if (restarts.length > MAX_RESTARTS) {
    for (const [jobId, job] of [...running]) {
      settle(jobId);
      job.reject(new JobError({ kind: "crash", message }));
    }
    worker = null;
    onFatal(message);
    return;
  }
  for (const [jobId, job] of [...running]) {
    settle(jobId);
    const kind = job.cancelling ? "cancelled" : "crash";
    job.reject(new JobError({ kind, message: jobId === id || id === null ? message : "the engine restarted" }));
  }
  spawn();
  restoring = restore();
}

async function restore() {
  const files = [...held.values()];
  if (files.length === 0) return;
  onRestore(true);
  try {
    for (const file of files) {
      try {
        await send("ingest", { file }).promise;
      } catch {
        held.delete(file.name);
      }
    }
  } finally {
    onRestore(false);
  }
}

function send(kind, args, { onProgress, onFile } = {}) {
  const id = nextId++;
  const promise = new Promise((resolve, reject) => {
    running.set(id, { kind, resolve, reject, onProgress, onFile, cancelTimer: null, cancelling: false });
  });
  worker.postMessage({ type: "job", id, kind, args });
  return { id, promise };
}

function heardRequests(report) {
  if (!report) return;
  requestReport = report;
  onRequests([...pastRequestReports, requestReport]);
}

/**
 * Starts the worker. `restoreListener(busy)` hears when held files are being reloaded,
 * `fatalListener(message)` when the engine keeps failing to start, `requestsListener(reports)`
 * what each engine worker started since the page opened says of its requests (a list of
 * `{timeOrigin, entries, violations}`), on start and after `refreshEngineRequests`.
 */
export function startEngine(restoreListener = () => {}, fatalListener = () => {}, requestsListener = () => {}) {
  onRestore = restoreListener;
  onFatal = fatalListener;
  onRequests = requestsListener;
  if (!worker) spawn();
}

/** Asks the running engine worker for its requests now (the "requests" job); the listener hears them. */
export async function refreshEngineRequests() {
  heardRequests(await startJob("requests").promise);
}

/**
 * Runs a job. Returns {id, promise, cancel}: the promise resolves with the result or rejects with
 * a JobError; `cancel()` asks the worker to stop, and replaces it if it does not within
 * CANCEL_GRACE_MS (a job busy in one long wasm call cannot read messages).
 */
export function startJob(kind, args = {}, callbacks = {}) {
  let handle = null;
  const cancelRequested = { value: false };
  const promise = restoring.then(() => {
    if (!worker) throw new JobError({ kind: "crash", message: "the engine is not running" });
    handle = send(kind, args, callbacks);
    if (cancelRequested.value) cancel();
    return handle.promise;
  });
  function cancel() {
    cancelRequested.value = true;
    if (!handle) return;
    const job = running.get(handle.id);
    if (!job) return;
    job.cancelling = true;
    worker.postMessage({ type: "cancel", id: handle.id });
    job.cancelTimer = setTimeout(() => crashed(handle.id, "cancelled"), CANCEL_GRACE_MS);
  }
  return { promise, cancel };
}

/** Reads a file into the engine and remembers it for restarts. Resolves {profile, summary}. */
export function ingestFile(file, callbacks) {
  const job = startJob("ingest", { file }, callbacks);
  job.promise = job.promise.then((result) => {
    held.set(file.name, file);
    return result;
  });
  return job;
}

/** Forgets a loaded file, in the worker and here. */
export function removeFile(name) {
  held.delete(name);
  return startJob("remove", { name }).promise;
}
