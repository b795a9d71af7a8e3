// The module worker: the only code that touches the wasm. It receives jobs
// {type: "job", id, kind, args} and answers with progress, result, error or cancelled messages
// carrying the same id (protocol in web/jobs.js). Parsed tables stay here, in the facade's
// registry; the main thread gets profiles, row windows and exports.

import init, * as engine from "./pkg/vitrine_wasm.js";

/** Longest quiet spell between two progress messages of a running job. */
const PROGRESS_MS = 150;

const ready = init()
  .then(() => engine.init())
  .then(warmUp)
  .then(() => engine.forecast_warm_up());

/**
 * Parses and profiles a small generated file once at start-up. The browser first runs wasm
 * through its baseline compiler and optimises a function only after it has run for a while; the
 * profile of a file runs once per file, so without this the first real file is profiled by
 * unoptimised code (about a third slower end to end on a 1 M-row file). Costs ~40 ms. The
 * engine's forecast_warm_up does the same for the forecast (features, binning, boosting; ~0.15 s,
 * and the first 50 trees on the 1 M-row file train about 15% faster).
 */
function warmUp() {
  const name = "vitrine-warm-up.csv";
  const lines = ['"Store","Day","Date","Sales","Ratio","Open","Holiday"'];
  for (let i = 0; i < 20_000; i++) {
    const day = String((i % 28) + 1).padStart(2, "0");
    lines.push(
      `${i % 1115},${i % 7},2015-07-${day},${(i * 7919) % 20000},${(i % 997) / 7},${i % 2},"${"0abc"[i % 4]}"`,
    );
  }
  const bytes = new TextEncoder().encode(lines.join("\n"));
  const ingest = new engine.Ingest(name, bytes.length);
  try {
    ingest.push(bytes);
    ingest.finish();
    engine.remove_table(name);
  } finally {
    ingest.free();
  }
}
const cancelled = new Set();

/** Thrown inside a job when the page asked to cancel it. */
class Cancelled extends Error {}

function post(message, transfer = []) {
  self.postMessage(message, transfer);
}

/** Lets queued messages (a cancel) in, then throws if this job was cancelled. */
async function checkpoint(id) {
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (cancelled.has(id)) throw new Cancelled();
}

/**
 * Streams `file` into the engine chunk by chunk, posting progress at least every PROGRESS_MS,
 * and returns the profile of each CSV file it holds: itself, the text of a .gz, or each CSV of a
 * .zip (decompressed by the engine as the chunks come, never held whole). `columns`: keep only
 * these (the others are profiled as they stream past); `only`: read only these CSV files of an
 * archive. The tables stay in the registry under their names.
 */
async function ingest(id, file, { columns = null, only = null } = {}) {
  const total = file.size;
  const ingest = new engine.Ingest(file.name, total);
  if (columns) ingest.keep_columns(columns);
  if (only) ingest.only_files(only);
  const reader = file.stream().getReader();
  const started = performance.now();
  let last = 0;
  // What is being read: the file, or the archive's entry.
  const reading = () => ingest.entry() || file.name;
  const progress = (phase) => {
    const rows = ingest.rows();
    const seconds = (performance.now() - started) / 1000;
    post({
      type: "progress",
      id,
      progress: {
        phase,
        file: reading(),
        bytes: ingest.bytes(),
        total,
        textBytes: ingest.text_bytes(),
        rows,
        rowsPerSec: seconds > 0 ? rows / seconds : 0,
      },
    });
  };
  try {
    progress("read");
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      ingest.push(value);
      const now = performance.now();
      if (now - last >= PROGRESS_MS) {
        last = now;
        progress("read");
        await checkpoint(id);
      }
    }
    await checkpoint(id);
    progress("profile");
    // Inside finish() the Ingest object is borrowed by Rust: the callback must not call it.
    const rows = ingest.rows();
    const bytes = ingest.bytes();
    const textBytes = ingest.text_bytes();
    let lastProfile = performance.now();
    const profiles = ingest.finish((done, columns) => {
      const now = performance.now();
      if (now - lastProfile < PROGRESS_MS && done < columns) return;
      lastProfile = now;
      post({
        type: "progress",
        id,
        progress: { phase: "profile", file: file.name, bytes, total, textBytes, rows, rowsPerSec: 0, done, columns },
      });
    });
    // What the user waited for, from the first byte read to the profile: shown beside a file
    // read alone (an archive's files share one read).
    const seconds = (performance.now() - started) / 1000;
    if (profiles.length === 1) profiles[0].read_seconds = seconds;
    return profiles;
  } finally {
    reader.cancel().catch(() => {});
    try {
      ingest.free();
    } catch {
      // After a trap the instance is discarded anyway.
    }
  }
}

/** Writes each file of a sample dataset, hands it to the page as a File, then ingests it. */
async function sample(id, { dataset, seed }) {
  const profiles = [];
  for (const name of engine.sample_files(dataset)) {
    await checkpoint(id);
    post({
      type: "progress",
      id,
      progress: { phase: "generate", file: name, bytes: 0, total: 0, rows: 0, rowsPerSec: 0 },
    });
    const bytes = engine.generate_sample(dataset, name, BigInt(seed), (done) => {
      post({
        type: "progress",
        id,
        progress: { phase: "generate", file: name, bytes: done, total: 0, rows: 0, rowsPerSec: 0 },
      });
    });
    const file = new File([bytes], name, { type: "text/csv" });
    profiles.push(...(await ingest(id, file)));
    // Only once it is loaded: the page holds it like an upload, to reload after a restart.
    post({ type: "file", id, file, dataset });
  }
  return { profiles };
}

function summary() {
  return engine.summary();
}

/**
 * Trains the forecast (use case 1.1) on the loaded Rossmann files. The training is one
 * synchronous wasm call, so a cancel message cannot be read until it returns: the page
 * replaces this worker instead (jobs.js, after its grace period) and reloads the files.
 * Progress is posted from the per-tree callback, at most every PROGRESS_MS.
 */
async function forecast(id, params) {
  await checkpoint(id);
  const started = performance.now();
  let last = -Infinity;
  const report = engine.forecast_run(params, (p) => {
    const now = performance.now();
    if (now - last >= PROGRESS_MS || p.trees === p.nTrees) {
      last = now;
      post({ type: "progress", id, progress: { ...p, phase: "train", model: p.phase } });
    }
    return true;
  });
  // The wasm build has no clock: the stages are timed here, as the user waited for them.
  report.elapsed_seconds = (performance.now() - started) / 1000;
  return report;
}

/** A forecast download as bytes: the validation predictions, the test.csv forecast or the model. */
function forecastDownload(kind) {
  if (kind === "predictions") return { bytes: engine.forecast_predictions_csv(), name: "forecast_validation.csv" };
  if (kind === "test") {
    const bytes = engine.forecast_test_csv();
    if (!bytes) throw { kind: "noTest", message: "test.csv was not loaded (or the model uses Customers)" };
    return { bytes, name: "forecast_test.csv" };
  }
  if (kind === "model") {
    return { bytes: new TextEncoder().encode(engine.forecast_model_json()), name: "forecast_model.json" };
  }
  throw { kind: "internal", message: `unknown download ${kind}` };
}

/**
 * Clusters the loaded stores or a table's rows (use case 1.2). Like the forecast, the run is one
 * synchronous wasm call: a cancel is honoured at the checkpoint before it, and during it the page
 * replaces this worker. Each stage is posted as it starts, the distance matrix as it fills (at
 * most every PROGRESS_MS), and each stage is timed here, since the wasm build has no clock: `seconds` is the
 * whole run, `stageSeconds` each stage, `distance + tree` being Gower + the hierarchy.
 */
async function cluster(id, params) {
  await checkpoint(id);
  const started = performance.now();
  const marks = [];
  let last = -Infinity;
  const result = engine.cluster_run(params, (p) => {
    const now = performance.now();
    // share 0 opens a stage; the distance stage then reports as its matrix fills.
    if (p.share === 0) marks.push([p.stage, now]);
    if (p.share === 0 || now - last >= PROGRESS_MS) {
      last = now;
      post({ type: "progress", id, progress: { ...p, phase: "cluster" } });
    }
    return true;
  });
  const finished = performance.now();
  result.seconds = (finished - started) / 1000;
  result.stageSeconds = Object.fromEntries(
    marks.map(([stage, at], i) => [stage, ((marks[i + 1]?.[1] ?? finished) - at) / 1000]),
  );
  return result;
}

/**
 * Imputes (use case 2.1) with `params`. Like the forecast, one synchronous wasm call: a cancel
 * replaces this worker (jobs.js) and the loaded files are read again. Progress comes from the
 * per-EM-iteration callback, at most every PROGRESS_MS, and at every drawn dataset.
 */
async function impute(id, params) {
  await checkpoint(id);
  const started = performance.now();
  let last = -Infinity;
  const report = engine.impute_run(params, (p) => {
    const now = performance.now();
    if (now - last >= PROGRESS_MS || p.stage === "draw") {
      last = now;
      post({ type: "progress", id, progress: { ...p, phase: "impute" } });
    }
    return true;
  });
  // The wasm build has no clock: the run is timed here, as the user waited for it.
  report.seconds = (performance.now() - started) / 1000;
  return report;
}

/** One imputed dataset `k` (1-based) as CSV bytes, or all of them as one long CSV when k is 0. */
function imputeDownload(k) {
  if (k > 0) return { bytes: engine.impute_dataset_csv(k), name: `imputed_${k}.csv` };
  return { bytes: engine.impute_long_csv(), name: "imputed_long.csv" };
}

const jobs = {
  async ingest(id, { file, columns, only }) {
    const profiles = await ingest(id, file, { columns, only });
    return { profiles, summary: summary() };
  },
  async sample(id, args) {
    const { profiles } = await sample(id, args);
    return { profiles, summary: summary() };
  },
  rows(_id, { name, start, count }) {
    return engine.table_rows(name, start, count);
  },
  profile(_id, { name }) {
    return engine.table_profile(name);
  },
  summary() {
    return summary();
  },
  remove(_id, { name }) {
    engine.remove_table(name);
    return summary();
  },
  export(_id, { name }) {
    const bytes = engine.export_csv(name);
    return { bytes };
  },
  forecast(id, { params }) {
    return forecast(id, params);
  },
  forecastSeries(_id, { store, historyDays }) {
    return engine.forecast_store_series(store, historyDays);
  },
  forecastDownload(_id, { kind }) {
    return forecastDownload(kind);
  },
  cluster(id, { params }) {
    return cluster(id, params);
  },
  clusterRecut(_id, { k }) {
    return engine.cluster_recut(k);
  },
  clusterDownload() {
    return { bytes: engine.cluster_assignments_csv(), name: "clusters.csv" };
  },
  imputeSummary(_id, { name }) {
    return engine.impute_summary(name);
  },
  imputePlan(_id, { params }) {
    return engine.impute_plan(params);
  },
  impute(id, { params }) {
    return impute(id, params);
  },
  imputeDownload(_id, { k }) {
    return imputeDownload(k);
  },
  /** Proves in tests that a Rust panic becomes an error and a fresh worker. */
  panic(_id, { message }) {
    engine.panic_for_test(message);
  },
};

/** An error as the page shows it: structured when it comes from the engine. */
function describe(error) {
  if (error && typeof error === "object" && typeof error.message === "string" && "kind" in error) {
    return error;
  }
  return { kind: "internal", message: String(error?.message ?? error) };
}

async function run({ id, kind, args }) {
  try {
    await ready;
    const job = jobs[kind];
    if (!job) throw { kind: "internal", message: `unknown job ${kind}` };
    const result = await job(id, args ?? {});
    const transfer = result?.bytes instanceof Uint8Array ? [result.bytes.buffer] : [];
    post({ type: "result", id, result }, transfer);
  } catch (error) {
    if (error instanceof Cancelled) {
      post({ type: "cancelled", id });
    } else if (error instanceof WebAssembly.RuntimeError) {
      // A Rust panic: the instance may hold half-updated state. Report the message the
      // panic hook kept; the page replaces this worker.
      let message = error.message;
      try {
        message = engine.take_panic() ?? message;
      } catch {
        // Keep the trap's own message.
      }
      post({ type: "crashed", id, message });
    } else {
      post({ type: "error", id, error: describe(error) });
    }
  } finally {
    cancelled.delete(id);
  }
}

self.onmessage = (event) => {
  const message = event.data;
  if (message.type === "cancel") cancelled.add(message.id);
  else if (message.type === "job") run(message);
};

ready.then(
  () => post({ type: "ready" }),
  (error) => post({ type: "crashed", id: null, message: `the engine did not start: ${error}` }),
);
