// What the user can do, as functions the views call: they run jobs and update the store.

import { heldSource, ingestFile, JobError, removeFile, startJob } from "./jobs.js";
import { state, update } from "./store.js";
import { t } from "./strings.js";

/** Seed of the built-in samples: the same files every time, as on the command line. */
export const SAMPLE_SEED = 42;

/**
 * Most text a whole table holds, as the engine's MAX_FILE_BYTES (shown on the drop zone): a
 * larger file is profiled without being kept, and the user picks the columns to keep.
 */
export const MAX_FILE_BYTES = 1_500_000_000;

let cancelCurrent = null;
let stopQueue = false;

/** Cancels the running job, and the files queued after it. */
export function cancelJob() {
  stopQueue = true;
  cancelCurrent?.();
}

function applySummary(summary, extra = {}) {
  update((s) => {
    const sources = Object.fromEntries(s.tables.map((tb) => [tb.name, tb.source]));
    const tables = summary.tables.map((tb) => ({ ...tb, source: extra.sources?.[tb.name] ?? sources[tb.name] }));
    const names = new Set(tables.map((tb) => tb.name));
    const profiles = Object.fromEntries(
      Object.entries({ ...s.profiles, ...extra.profiles }).filter(([n]) => names.has(n)),
    );
    const selected = extra.selected ?? (names.has(s.selected) ? s.selected : (tables[0]?.name ?? null));
    return { tables, useCases: summary.useCases, engineMemory: summary.engineMemoryBytes, profiles, selected };
  });
}

/**
 * Runs one job with the progress bar; returns its result, or null when it failed or was cancelled.
 * A failure shows in the banner under `errorTitle` (a strings key) naming what could not be done.
 */
async function withProgress(label, run, errorTitle = "error.title") {
  const job = run((progress) => update({ job: { label, progress } }));
  cancelCurrent = job.cancel;
  update({ job: { label, progress: null }, error: null, notice: null });
  try {
    return await job.promise;
  } catch (error) {
    if (error instanceof JobError && error.details.kind === "cancelled") {
      update({ notice: t("job.cancelled") });
    } else if (error instanceof JobError && error.details.kind === "crash") {
      update({
        error: { kind: "crash", title: errorTitle, message: t("error.crash", { message: error.details.message }) },
      });
    } else {
      const details = error instanceof JobError ? error.details : { kind: "internal", message: String(error) };
      update({ error: { ...details, title: errorTitle } });
    }
    stopQueue = true;
    // After a cancel or a crash the worker may have been replaced: ask what it holds.
    refresh();
    return null;
  } finally {
    cancelCurrent = null;
    update({ job: null });
  }
}

/** Asks the worker which tables it holds and what they enable. */
export async function refresh() {
  try {
    applySummary(await startJob("summary").promise);
  } catch {
    // A summary fails only while the worker restarts; the next job refreshes it.
  }
}

/**
 * Reads dropped or chosen files one after the other (a .zip gives a table per CSV file it
 * holds); shows the profile of the first table of the last file read.
 */
export async function loadFiles(files) {
  stopQueue = false;
  for (const file of files) {
    if (stopQueue) break;
    const result = await withProgress(t("job.reading", { file: file.name }), (onProgress) =>
      ingestFile(file, { onProgress }),
    );
    if (result) showRead(result);
  }
}

/** Shows the tables a read gave: their profiles, the first one selected. */
function showRead(result) {
  const names = result.profiles.map((p) => p.file);
  applySummary(result.summary, {
    profiles: Object.fromEntries(result.profiles.map((p) => [p.file, p])),
    sources: Object.fromEntries(names.map((n) => [n, "upload"])),
    selected: names[0],
  });
  update({ view: "profile" });
}

/**
 * Reads loaded table `name` again from its file, keeping only `columns` (the others are
 * profiled as they stream past): how a file too large to hold whole is kept in part.
 */
export async function keepColumns(name, columns) {
  const source = heldSource(name);
  if (!source) return;
  stopQueue = false;
  const result = await withProgress(t("job.reading", { file: name }), (onProgress) =>
    ingestFile(source.file, { onProgress }, { columns, only: source.entry ? [name] : null }),
  );
  if (result) showRead(result);
}

/** Generates and reads the sample files of `dataset`, then shows the first file's profile. */
export async function loadSample(dataset) {
  stopQueue = false;
  const result = await withProgress(t("start.trySample"), (onProgress) =>
    startJob("sample", { dataset, seed: SAMPLE_SEED }, { onProgress }),
  );
  if (result) {
    const profiles = Object.fromEntries(result.profiles.map((p) => [p.file, p]));
    const sources = Object.fromEntries(result.profiles.map((p) => [p.file, "sample"]));
    applySummary(result.summary, { profiles, sources, selected: result.profiles[0]?.file });
    update({ view: "profile" });
  }
}

/** The profile of a loaded file, fetched from the worker when not held yet (after a restart). */
export async function ensureProfile(name) {
  if (state().profiles[name]) return;
  try {
    const profile = await startJob("profile", { name }).promise;
    update((s) => ({ profiles: { ...s.profiles, [name]: profile } }));
  } catch (error) {
    update({ error: error instanceof JobError ? error.details : { kind: "internal", message: String(error) } });
  }
}

/** Forgets a loaded file. */
export async function removeTable(name) {
  applySummary(await removeFile(name));
}

/** A window of rows of a loaded table: {start, rows}. */
export function fetchRows(name, start, count) {
  return startJob("rows", { name, start, count }).promise;
}

/** Hands `bytes` to the browser as a download named `name`. */
function save(bytes, name, type) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves a loaded table as CSV (formulas neutralised by the engine). */
export async function downloadCsv(name) {
  const result = await withProgress(
    t("job.exporting", { file: name }),
    () => startJob("export", { name }),
    "error.downloadTitle",
  );
  if (!result) return;
  save(result.bytes, name, "text/csv");
}

/**
 * Trains the forecast (use case 1.1) with `params` and keeps the report in the store. A cancel
 * replaces the worker (training is one long call) and the loaded files are sent again.
 */
export async function trainForecast(params) {
  const report = await runUseCase("forecast", "forecast", params);
  if (report) update({ forecast: { report, params } });
}

/**
 * Runs the use case job `kind` with `params` under the progress bar, its store entry `key`
 * emptied meanwhile; returns the result, or null after an error or a cancel (said in a notice
 * with the use case's own strings: `KEY.running`, `error.KEYTitle`, `KEY.cancelled`).
 */
async function runUseCase(key, kind, params) {
  stopQueue = false;
  update({ [key]: null });
  const result = await withProgress(
    t(`${key}.running`),
    (onProgress) => startJob(kind, { params }, { onProgress }),
    `error.${key}Title`,
  );
  if (!result && state().notice === t("job.cancelled")) update({ notice: t(`${key}.cancelled`) });
  return result;
}

/** One store's actual, predicted and baseline sales around the validation period. */
export function forecastSeries(store, historyDays) {
  return startJob("forecastSeries", { store, historyDays }).promise;
}

/** Saves a forecast output: "predictions", "test" or "model". */
export async function downloadForecast(kind) {
  const result = await withProgress(
    t("forecast.preparing"),
    () => startJob("forecastDownload", { kind }),
    "error.downloadTitle",
  );
  if (!result) return;
  save(result.bytes, result.name, kind === "model" ? "application/json" : "text/csv");
}

/**
 * Clusters the loaded stores, or a loaded table's rows (use case 1.2), with `params`
 * ({source, table, id, linkage, k}) and keeps the result in the store. The cut shown is
 * `clusters.cut`; `recutClusters` replaces it.
 */
export async function runClusters(params) {
  const result = await runUseCase("clusters", "cluster", params);
  if (result) {
    const { k, labels, clusters, anomalies } = result;
    update({ clusters: { result, params, cut: { k, labels, clusters, anomalies } } });
  }
}

let recutWanted = null;
let recutRunning = false;

/**
 * Cuts the kept tree at `k` (the slider): no new distance or tree, a few milliseconds. While a
 * cut is computed, later requests collapse into the last one, so dragging stays smooth.
 */
export async function recutClusters(k) {
  recutWanted = k;
  if (recutRunning) return;
  recutRunning = true;
  try {
    while (recutWanted !== null) {
      const wanted = recutWanted;
      recutWanted = null;
      try {
        const cut = await startJob("clusterRecut", { k: wanted }).promise;
        update((s) => (s.clusters ? { clusters: { ...s.clusters, cut } } : {}));
      } catch (error) {
        // A restarted engine no longer holds the tree: ask for a new run.
        const details = error instanceof JobError ? error.details : { kind: "internal", message: String(error) };
        update({ clusters: null, error: { ...details, title: "error.clustersTitle" } });
        recutWanted = null;
      }
    }
  } finally {
    recutRunning = false;
  }
}

/** Saves entity -> cluster (with the distance to the cluster's typical entity) as CSV. */
export async function downloadClusters() {
  const result = await withProgress(t("clusters.preparing"), () => startJob("clusterDownload"), "error.downloadTitle");
  if (!result) return;
  save(result.bytes, result.name, "text/csv");
}

/**
 * The missingness summary of loaded file `name` (use case 2.1), kept in the store. Reading a
 * large file's holes takes a moment: it runs with the job bar (and its cancel).
 */
export async function loadImputeSummary(name) {
  const summary = await withProgress(
    t("impute.summarising", { file: name }),
    () => startJob("imputeSummary", { name }),
    "error.imputeTitle",
  );
  if (summary) update({ imputeSummary: { name, summary } });
}

/** What a run with `params` would impute, or a JobError saying why it cannot (memory, columns). */
export function imputePlan(params) {
  return startJob("imputePlan", { params }).promise;
}

/** Imputes with `params` (use case 2.1) and keeps the report in the store. */
export async function runImpute(params) {
  const report = await runUseCase("impute", "impute", params);
  if (report) update({ impute: { report, params } });
}

/** Saves imputed dataset `k` (1-based), or the long CSV of all M when `k` is 0. */
export async function downloadImputed(k) {
  const result = await withProgress(
    t("impute.preparing"),
    () => startJob("imputeDownload", { k }),
    "error.downloadTitle",
  );
  if (!result) return;
  save(result.bytes, result.name, "text/csv");
}
