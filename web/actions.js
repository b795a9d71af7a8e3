// What the user can do, as functions the views call: they run jobs and update the store.

import { heldSource, ingestFile, JobError, loadDocument, removeFile, startJob } from "./jobs.js";
import { startPooledRun } from "./pool.js";
import { state, update } from "./store.js";
import { t } from "./strings.js";

/** Seed of the built-in samples: the same files every time, as on the command line. */
export const SAMPLE_SEED = 42;

export { tableTextLimit } from "./jobs.js";

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
    return {
      tables,
      documents: summary.documents ?? [],
      useCases: summary.useCases,
      engineMemory: summary.engineMemoryBytes,
      profiles,
      selected,
    };
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

/** Asks the engine for its catalogue of use cases (with their parameters and defaults). */
export async function loadCatalogue() {
  try {
    update({ catalogue: await startJob("catalogue").promise });
  } catch (error) {
    update({ error: error instanceof JobError ? error.details : { kind: "internal", message: String(error) } });
  }
}

/** A model file (JSON) rather than a table: kept as a document. */
export function isModelFile(file) {
  return /\.json$/i.test(file.name);
}

/**
 * Hands a model file (XGBoost's JSON or ours) to the engine; returns whether it was kept. A use
 * case's parameter then names it (the forecast's `model`).
 */
export async function loadModelFile(file) {
  const result = await withProgress(t("job.readingModel", { file: file.name }), (onProgress) =>
    loadDocument(file, { onProgress }),
  );
  if (result) applySummary(result.summary);
  return result !== null;
}

/**
 * Reads dropped or chosen files one after the other (a .zip gives a table per CSV file it
 * holds); shows the profile of the first table of the last file read. Model files (JSON) are
 * kept as documents and open the forecast.
 */
export async function loadFiles(files) {
  stopQueue = false;
  for (const file of files) {
    if (stopQueue) break;
    if (isModelFile(file)) {
      if (await loadModelFile(file)) update({ view: "forecast" });
      continue;
    }
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

/**
 * The file a loaded table was read from ({file, entry, columns}), for a use case that reads it
 * again as a stream; undefined when the page no longer holds it.
 */
export function loadedFile(name) {
  return heldSource(name);
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

/** The parameters of use case `name` (`forecast`) with their defaults, as the engine declares them. */
export function useCaseParams(name) {
  return state().catalogue.find((u) => u.name === name)?.params ?? [];
}

/** `{param: default}` for use case `name`: the forms start from the engine's defaults. */
export function defaultParams(name) {
  return Object.fromEntries(useCaseParams(name).map((p) => [p.name, p.default]));
}

/** Keeps `patch` in use case `name`'s result (a view's follow-up answer, such as the cut shown). */
export function updateResult(name, patch) {
  update((s) => (s.results[name] ? { results: { ...s.results, [name]: { ...s.results[name], ...patch } } } : {}));
}

/** Sends the running stream its pause and pace; null when no stream runs. */
let controlCurrent = null;

/**
 * Runs the job `start(onProgress)` of use case `name` under the progress bar, its result emptied
 * meanwhile, and keeps `{report, downloads, params, ...extra}` in `results[name]`. Returns the
 * entry, or null after an error or a cancel (said with the view's strings: `KEY.running`,
 * `error.KEYTitle`, `KEY.cancelled`, KEY being the view's strings prefix).
 */
async function runJob(name, key, params, start, extra = {}) {
  stopQueue = false;
  update((s) => ({ results: { ...s.results, [name]: undefined } }));
  const result = await withProgress(t(`${key}.running`), start, `error.${key}Title`);
  if (!result) {
    if (state().notice === t("job.cancelled")) update({ notice: t(`${key}.cancelled`) });
    return null;
  }
  const entry = { ...result, params, ...extra };
  update((s) => ({ results: { ...s.results, [name]: entry } }));
  return entry;
}

/**
 * Runs use case `name` with `params` on the loaded tables (see runJob); a run of independent fits
 * (one forest per product) goes to a pool of workers, after the file it keeps compactly is read.
 */
export function runUseCase(name, key, params) {
  const entry = state().catalogue.find((u) => u.name === name);
  return runJob(name, key, params, (onProgress) =>
    entry?.pooled
      ? startPooledRun(name, params, { onProgress, compact: compactSource(entry) })
      : startJob("run", { useCase: name, params }, { onProgress }),
  );
}

/**
 * The loaded file use case `entry` reads into a compact form ({name, file}: the table and the
 * File it came from), or null: Santander's months are read from the file itself, so that a file
 * too large to hold as a table runs.
 */
function compactSource(entry) {
  for (const dataset of entry.compact ?? []) {
    const table = state().tables.find((tb) => tb.dataset === dataset);
    const source = table && heldSource(table.name);
    if (source) return { name: table.name, file: source.file };
  }
  return null;
}

/**
 * Runs streamed use case `name` with `params` on `files` ({role: File}; `entries`: {role: the CSV
 * file to read in an archive}, the first one otherwise): the worker reads them
 * chunk by chunk, posting progress with a live report (`job.progress.live`); `controlStream`
 * pauses it or sets its pace meanwhile. `extra` is kept with the result (what the view needs to
 * draw it, such as a sample's planted change). `follow`: the FileSystemFileHandle of a growing
 * numeric file, whose appended rows are read until `controlStream({stop: true})`. See runJob.
 */
export async function runStream(name, key, params, files, extra = {}, entries = {}, follow = null) {
  try {
    return await runJob(
      name,
      key,
      params,
      (onProgress) => {
        const job = startJob("stream", { useCase: name, params, files, entries, follow }, { onProgress });
        controlCurrent = job.control;
        return job;
      },
      extra,
    );
  } finally {
    controlCurrent = null;
  }
}

/**
 * Pauses, resumes or paces the running stream: {paused, speed (parts per second, 0: full), stop
 * (a followed file: read no more appended rows and finish)}.
 */
export function controlStream(settings) {
  controlCurrent?.(settings);
}

/**
 * Generates use case 2.2's stream sample in the worker: {files: {numeric: File}, parts,
 * changeRow}, or null after an error or a cancel.
 */
export function makeStreamSample({ parts, seed, change }) {
  return withProgress(
    t("stream.generating"),
    (onProgress) => startJob("streamSample", { parts, seed, change }, { onProgress }),
    "error.streamTitle",
  );
}

/**
 * Asks use case `name`'s last result `question` (another store's series, another cut). When the
 * engine no longer holds the result (it restarted), the result is dropped with a notice, and
 * the promise resolves to null.
 */
export async function askResult(name, question, args) {
  try {
    return await startJob("ask", { useCase: name, question, args }).promise;
  } catch (error) {
    const details = error instanceof JobError ? error.details : { kind: "internal", message: String(error) };
    if (details.kind === "noResult") {
      update((s) => ({ results: { ...s.results, [name]: undefined }, notice: t("usecase.lost") }));
    } else {
      update({ error: details });
    }
    return null;
  }
}

/** Asks use case `name` `question` before a run; rejects with a JobError saying why it cannot. */
export function preview(name, question, args) {
  return startJob("preview", { useCase: name, question, args }).promise;
}

/**
 * As `preview`, under the progress bar (a large file's summary takes a moment); the answer is
 * kept in `previews["NAME.QUESTION"]`.
 */
export async function previewWithProgress(name, question, args, label, errorTitle) {
  const answer = await withProgress(label, () => startJob("preview", { useCase: name, question, args }), errorTitle);
  if (answer) update((s) => ({ previews: { ...s.previews, [`${name}.${question}`]: { args, answer } } }));
  return answer;
}

/** Saves `download` ({key, file_name, media_type}) of use case `name`'s last result. */
export async function downloadResult(name, download) {
  const result = await withProgress(
    t("job.preparing"),
    () => startJob("download", { useCase: name, key: download.key }),
    "error.downloadTitle",
  );
  if (!result) return;
  // A streamed download comes as the Blob the worker kept, the others as bytes.
  save(result.blob ?? result.bytes, download.file_name, download.media_type);
}
