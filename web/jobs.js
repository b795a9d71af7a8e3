// The one module that talks to the worker. A job is {id, kind, args}; the worker answers with
// progress, file (a generated sample), result, error, cancelled or crashed messages.
//
// The worker holds the parsed tables, so this module also holds the File objects they came
// from: when the worker dies (a Rust panic, or a cancel it could not honour in time) a fresh one
// is started and every held file is sent again, so nothing the user loaded is lost. A table
// read from an archive (.zip, .gz) is held as its archive and its entry, and a table read
// keeping some columns as its file and those columns: the reload reads each archive once, for
// the entries still held, keeping the same columns.

/** How long a cancelled job may take to stop before its worker is replaced. */
const CANCEL_GRACE_MS = 1500;

let worker = null;
let nextId = 1;
/** Running jobs by id: {kind, resolve, reject, onProgress, onFile, cancelTimer}. */
const running = new Map();
/** What the worker holds, by table name, in load order: {file, entry, columns}. `entry`: the
 * table is one CSV file of the archive `file`; `columns`: only these were kept. */
const held = new Map();
/** Of them, the names of documents (model files), reloaded as documents rather than tables. */
const documents = new Set();
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
        held.set(message.file.name, { file: message.file, entry: false, columns: null });
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
    case "requests":
      // The engine worker's second worker (for a stream's rows) started, with requests of its own.
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

/** The held tables as reads to make: one per file and kept columns, with its entries. */
function reloads() {
  const reads = [];
  for (const [name, source] of held) {
    const same = reads.find((r) => r.file === source.file && r.columns === source.columns);
    if (same && source.entry) same.only?.push(name);
    else reads.push({ file: source.file, columns: source.columns, only: source.entry ? [name] : null });
  }
  return reads;
}

async function restore() {
  const reads = reloads();
  if (reads.length === 0) return;
  onRestore(true);
  try {
    for (const { file, columns, only } of reads) {
      try {
        if (documents.has(file.name)) await send("document", { file }).promise;
        else await send("ingest", { file, columns, only, textLimit }).promise;
      } catch {
        for (const [name, source] of [...held]) {
          if (source.file !== file) continue;
          held.delete(name);
          documents.delete(name);
        }
      }
    }
  } finally {
    onRestore(false);
  }
}

function send(kind, args, { onProgress, onFile, transfer = [] } = {}) {
  const id = nextId++;
  const promise = new Promise((resolve, reject) => {
    running.set(id, { kind, resolve, reject, onProgress, onFile, cancelTimer: null, cancelling: false });
  });
  worker.postMessage({ type: "job", id, kind, args }, transfer);
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
 * Runs a job. Returns {id, promise, cancel, control}: the promise resolves with the result or
 * rejects with a JobError; `cancel()` asks the worker to stop, and replaces it if it does not
 * within CANCEL_GRACE_MS (a job busy in one long wasm call cannot read messages);
 * `control(settings)` sends a running stream its pause and pace ({paused, speed}).
 * `callbacks.transfer` lists buffers of `args` handed to the worker rather than copied.
 */
export function startJob(kind, args = {}, callbacks = {}) {
  let handle = null;
  const cancelRequested = { value: false };
  let controlled = null;
  const promise = restoring.then(() => {
    if (!worker) throw new JobError({ kind: "crash", message: "the engine is not running" });
    handle = send(kind, args, callbacks);
    if (controlled) control(controlled);
    if (cancelRequested.value) cancel();
    return handle.promise;
  });
  function control(settings) {
    controlled = { ...controlled, ...settings };
    if (handle && running.has(handle.id)) worker.postMessage({ type: "control", id: handle.id, control: controlled });
  }
  function cancel() {
    cancelRequested.value = true;
    if (!handle) return;
    const job = running.get(handle.id);
    if (!job) return;
    job.cancelling = true;
    worker.postMessage({ type: "cancel", id: handle.id });
    job.cancelTimer = setTimeout(() => crashed(handle.id, "cancelled"), CANCEL_GRACE_MS);
  }
  return { promise, cancel, control };
}

/** The most text a whole table may hold in the engine (its MAX_FILE_BYTES). */
const ENGINE_TEXT_LIMIT = 1_500_000_000;

/**
 * The most text a whole table may hold: the engine's, or less when the page's address asks
 * (`?textLimit=BYTES`), so that the over-limit path can be tried, and tested, with a small file.
 */
let textLimit = ENGINE_TEXT_LIMIT;

/** Lowers the text limit of the tables read from now on (see `textLimit`). */
export function setTextLimit(bytes) {
  textLimit = Number.isFinite(bytes) && bytes > 0 ? Math.min(bytes, ENGINE_TEXT_LIMIT) : ENGINE_TEXT_LIMIT;
}

/** The most text a whole table may hold, in bytes. */
export function tableTextLimit() {
  return textLimit;
}

/**
 * Reads a file into the engine and remembers it for restarts. `columns`: keep only these;
 * `only`: read only these CSV files of an archive. Resolves {profiles, summary}: one profile per
 * CSV file read (an archive holds several).
 */
export function ingestFile(file, callbacks, { columns = null, only = null } = {}) {
  const job = startJob("ingest", { file, columns, only, textLimit }, callbacks);
  job.promise = job.promise.then((result) => {
    for (const p of result.profiles) {
      held.set(p.file, { file, entry: p.file !== file.name, columns });
    }
    return result;
  });
  return job;
}

/**
 * Hands a text file that is not a table (a model file in JSON) to the engine, which keeps it
 * for the use cases whose parameters name it, and remembers it for restarts. Resolves {summary}.
 */
export function loadDocument(file, callbacks) {
  const job = startJob("document", { file }, callbacks);
  job.promise = job.promise.then((result) => {
    held.set(file.name, { file, entry: false, columns: null });
    documents.add(file.name);
    return result;
  });
  return job;
}

/** The file a loaded table came from: {file, entry, columns}, or undefined. */
export function heldSource(name) {
  return held.get(name);
}

/** Forgets a loaded file (a table or a document), in the worker and here. */
export function removeFile(name) {
  const kind = documents.has(name) ? "removeDocument" : "remove";
  held.delete(name);
  documents.delete(name);
  return startJob(kind, { name }).promise;
}
