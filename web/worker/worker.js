// The module worker: the only code that touches the wasm. It receives jobs
// {type: "job", id, kind, args} and answers with progress, result, error or cancelled messages
// carrying the same id (protocol in web/jobs.js). Parsed tables stay here, in the facade's
// registry; the main thread gets profiles, row windows and exports.

import { violationFields } from "../privacy.js";
import { chunksOf, describe, freeQuietly, panicMessage } from "./common.js";
import init, * as engine from "./pkg/vitrine_wasm.js";
import { ROWS_NAME, RowsWorker, serveRows } from "./rows.js";

/** Longest quiet spell between two progress messages of a running job. */
const PROGRESS_MS = 150;
/**
 * A stream's live report (latest risks, metrics over time, alerts: the charts' data) goes with
 * the progress at most this often: serialising it and redrawing the charts on the page's thread
 * took as much CPU as the stream itself at every 150 ms, on a machine of 2 cores.
 */
const LIVE_MS = 500;
/** How often a followed file is looked at for appended rows. */
const FOLLOW_MS = 500;

/**
 * This file also serves the pool of workers that fit a run's independent models (web/pool.js
 * starts them under this name): a worker of the pool loads the engine, not the warm-ups, and
 * answers the pool's messages, not jobs.
 */
const IN_POOL = self.name === "vitrine-pool";
/** It also serves the worker that parses a stream's rows apart (web/worker/rows.js). */
const IN_ROWS = self.name === ROWS_NAME;

function startEngine() {
  const started = init().then(() => engine.init());
  if (IN_POOL) return started;
  if (IN_ROWS) return started.then(() => engine.warm_up_row_parser());
  return started.then(warmUp).then(() => engine.warm_up());
}
const ready = startEngine();

/**
 * Parses and profiles a small generated file once at start-up. The browser first runs wasm
 * through its baseline compiler and optimises a function only after it has run for a while; the
 * profile of a file runs once per file, so without this the first real file is profiled by
 * unoptimised code (about a third slower end to end on a 1 M-row file). Costs ~40 ms. The
 * engine's warm_up does the same for the forecast (features, binning, boosting; ~0.15 s,
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
/**
 * Pause and pace of each running stream, by job id: {paused, speed (parts per second; 0: as
 * fast as it goes), wake (resolves a paused wait at once)}. Set by "control" messages.
 */
const controls = new Map();
/** Downloads each streamed use case wrote out as its last run went: {useCase: {key: Blob}}. */
const streamedDownloads = new Map();

/** Requests the Content-Security-Policy blocked here: the browser makes no timing entry for them. */
const violations = [];
self.addEventListener("securitypolicyviolation", (event) => {
  violations.push(violationFields(event, performance.now()));
});

/** The worker that parses a stream's rows apart (started by the engine worker once ready). */
let rowsWorker = null;
/** What the rows worker reported of its requests when it started. */
let rowsRequests = null;

/**
 * This worker's requests for the privacy panel: its resource timing (the wasm and its glue are
 * fetched here, so they are not in the page's) and the policy's blocks, with its clock's origin;
 * with those of the rows worker it started, on this worker's clock.
 */
function requests() {
  const entries = performance.getEntriesByType("resource").map((entry) => entry.toJSON());
  const blocked = [...violations];
  if (rowsRequests) {
    const shift = rowsRequests.timeOrigin - performance.timeOrigin;
    entries.push(...rowsRequests.entries.map((e) => ({ ...e, startTime: e.startTime + shift })));
    blocked.push(...rowsRequests.violations.map((v) => ({ ...v, time: v.time + shift })));
  }
  return { timeOrigin: performance.timeOrigin, entries, violations: blocked };
}

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
 * Pushes every chunk of `file` into `push`, calling `progress()` before the first and then at
 * least every PROGRESS_MS, a cancel honoured at each of those points and at the end.
 */
async function feed(id, file, push, progress) {
  let last = 0;
  progress();
  for await (const chunk of chunksOf(file)) {
    push(chunk);
    const now = performance.now();
    if (now - last >= PROGRESS_MS) {
      last = now;
      progress();
      await checkpoint(id);
    }
  }
  await checkpoint(id);
}

/** Posts a file read's progress: `bytes` of `total` read, `rows` and their rate over `seconds`. */
function postRead(id, phase, file, { bytes, total, textBytes, rows, seconds }) {
  post({
    type: "progress",
    id,
    progress: { phase, file, bytes, total, textBytes, rows, rowsPerSec: seconds > 0 ? rows / seconds : 0 },
  });
}

/**
 * Streams `file` into the engine chunk by chunk, posting progress at least every PROGRESS_MS,
 * and returns the profile of each CSV file it holds: itself, the text of a .gz, or each CSV of a
 * .zip (decompressed by the engine as the chunks come, never held whole). `columns`: keep only
 * these (the others are profiled as they stream past); `only`: read only these CSV files of an
 * archive. The tables stay in the registry under their names.
 */
async function ingest(id, file, { columns = null, only = null, textLimit = null } = {}) {
  const total = file.size;
  const ingest = new engine.Ingest(file.name, total);
  if (textLimit) ingest.limit_text(textLimit);
  if (columns) ingest.keep_columns(columns);
  if (only) ingest.only_files(only);
  // What is being read: the file, or the archive's entry.
  const progress = (phase) =>
    postRead(id, phase, ingest.entry() || file.name, {
      bytes: ingest.bytes(),
      total,
      textBytes: ingest.text_bytes(),
      rows: ingest.rows(),
      seconds: ingest.seconds(),
    });
  try {
    await feed(
      id,
      file,
      (chunk) => ingest.push(chunk),
      () => progress("read"),
    );
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
    const seconds = ingest.seconds();
    if (profiles.length === 1) profiles[0].read_seconds = seconds;
    return profiles;
  } finally {
    freeQuietly(ingest);
  }
}

/**
 * Reads loaded table `name`'s file (`file`: an archive's errors then name both) into the
 * compact form a use case keeps of it, chunk by chunk, posting progress at least every
 * PROGRESS_MS and honouring a cancel: Santander's months, 24 bytes a customer-month, so that a
 * file too large to hold as a table still runs (a table holding the whole file gives it without
 * reading the file again). The engine keeps the form beside the table; a form already held is
 * not read again. Returns {table, rows, bytes (the form's), seconds, held}.
 */
async function compact(id, { name, file }) {
  const kept = engine.compact_kept(name);
  if (kept) return { ...kept, held: true };
  // A table holding the whole file gives the form without a second read of the file.
  const made = engine.compact_from_table(name);
  if (made) return { ...made, held: false };
  const read = new engine.CompactRead(name, file.name);
  const started = performance.now();
  const progress = () =>
    postRead(id, "compact", name, {
      bytes: read.bytes(),
      total: file.size,
      rows: read.rows(),
      seconds: (performance.now() - started) / 1000,
    });
  try {
    await feed(id, file, (chunk) => read.push(chunk), progress);
    return { ...read.finish(), held: false };
  } finally {
    freeQuietly(read);
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
 * Runs use case `useCase` (`forecast`, `cluster`, `impute`, …) with `params` on the loaded
 * tables and returns `{report, downloads}`. A run is one synchronous wasm call, so a cancel
 * message cannot be read until it returns: a cancel is honoured at the checkpoint before it,
 * and during it the page replaces this worker (jobs.js, after its grace period) and reloads the
 * files. Progress is posted from the engine's callback, at most every PROGRESS_MS and at the end
 * of each stage. The engine times its own stages (its reports carry `seconds`).
 */
async function runUseCase(id, useCase, params) {
  await checkpoint(id);
  return engine.usecase_run(useCase, JSON.stringify(params ?? {}), useCaseProgress(id, useCase));
}

/** The engine's progress callback for use case `useCase`'s job `id`, posting at most every PROGRESS_MS. */
function useCaseProgress(id, useCase) {
  let last = -Infinity;
  let stage = null;
  return (p) => {
    const now = performance.now();
    if (now - last >= PROGRESS_MS || p.stage !== stage || p.done === p.total) {
      last = now;
      stage = p.stage;
      post({ type: "progress", id, progress: { ...p, phase: "usecase", useCase } });
    }
    return true;
  };
}

/**
 * Plans use case `useCase`'s run for the pool (web/pool.js): {kind, shared, jobs, labels}, the
 * shared bytes transferred to the page.
 */
async function planUseCase(id, useCase, params) {
  await checkpoint(id);
  return engine.usecase_plan(useCase, JSON.stringify(params ?? {}), useCaseProgress(id, useCase));
}

/** Finishes the planned run with the pool's results. */
async function finishUseCase(id, useCase, results) {
  await checkpoint(id);
  return engine.usecase_finish(useCase, results, useCaseProgress(id, useCase));
}

/** A stream's control settings (running at full speed until told otherwise). */
function controlOf(id) {
  if (!controls.has(id)) controls.set(id, { paused: false, speed: 0, wake: null });
  return controls.get(id);
}

/** Waits `ms`, or less if the page sends a control message (resume, another speed). */
function rest(id, ms) {
  const control = controlOf(id);
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    control.wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

/** Bytes fed at a time to a stream held to a pace: a few Bosch parts. */
const PACED_PIECE = 4096;

/** `chunk` cut into pieces small enough to keep to the pace (whole when running at full speed). */
function* pieces(chunk, speed) {
  if (speed <= 0 || chunk.length <= PACED_PIECE) {
    yield chunk;
    return;
  }
  for (let at = 0; at < chunk.length; at += PACED_PIECE) yield chunk.subarray(at, at + PACED_PIECE);
}

/**
 * Runs streamed use case `useCase` (`stream`) on `files` ({role: File}; `entries`: {role: the
 * CSV file to read in an archive}; a .gz or .zip is unpacked by the engine) through the engine's
 * generic StreamSession: reads each file the session asks for with file.stream(), chunk by
 * chunk, and does the work it asks for in steps. Between two calls it posts progress with the
 * live report (at least every PROGRESS_MS), keeps the streamed downloads it writes out (as
 * Blobs, outside wasm memory), honours a cancel, a pause and a pace in parts per second (the
 * "control" messages). `follow`: the FileSystemFileHandle of the numeric file, which keeps
 * growing: after its end, the rows appended to it are read every FOLLOW_MS until a control
 * message says {stop: true}. Returns {report, downloads}; the engine keeps the fitted result.
 */
async function streamUseCase(id, { useCase, params, files, entries = {}, follow = null }) {
  const entry = engine.catalogue().find((u) => u.name === useCase);
  const outputs = (entry?.streamed_outputs ?? []).map((d) => d.key);
  const inputs = Object.entries(files).map(([role, file]) => ({
    role,
    name: file.name,
    bytes: file.size,
    entry: entries[role] ?? null,
  }));
  streamedDownloads.delete(useCase);
  const session = new engine.StreamSession(
    useCase,
    JSON.stringify(params ?? {}),
    JSON.stringify(inputs),
    JSON.stringify(outputs),
  );
  const written = Object.fromEntries(outputs.map((key) => [key, []]));
  const drain = () => {
    for (const key of outputs) {
      const bytes = session.take_output(key);
      if (bytes.length > 0) written[key].push(new Blob([bytes]));
    }
  };
  const control = controlOf(id);
  let lastPost = -Infinity;
  let lastLive = -Infinity;
  // The pace is kept from the moment it was set: parts scored since then over the time.
  let pace = { speed: control.speed, at: performance.now(), parts: 0 };
  const report = (paused) => {
    lastPost = performance.now();
    drain();
    const progress = session.progress();
    const withLive = paused || lastPost - lastLive >= LIVE_MS;
    if (withLive) lastLive = lastPost;
    post({
      type: "progress",
      id,
      progress: { ...progress, phase: "usecase", useCase, paused, live: withLive ? withParsing(session.live()) : null },
    });
  };
  /** After each call: progress, pause, pace and cancel. */
  const tick = async (force = false) => {
    if (force || performance.now() - lastPost >= PROGRESS_MS) {
      report(false);
      await checkpoint(id);
    }
    while (control.paused) {
      report(true);
      await rest(id, 250);
      await checkpoint(id);
      pace = { speed: control.speed, at: performance.now(), parts: session.progress().done };
    }
    if (control.speed !== pace.speed) {
      pace = { speed: control.speed, at: performance.now(), parts: session.progress().done };
    }
    if (control.speed > 0) {
      const ahead = (session.progress().done - pace.parts) / control.speed - (performance.now() - pace.at) / 1000;
      if (ahead > 0) {
        await rest(id, Math.min(ahead * 1000, PROGRESS_MS));
        await checkpoint(id);
      }
    }
  };
  /** Pushes `blob`'s bytes into the session as they are read. */
  const readInto = async (blob) => {
    for await (const value of chunksOf(blob)) {
      for (const piece of pieces(value, control.speed)) {
        session.push(piece);
        await tick();
      }
    }
  };
  /** Does the work the session asks for until it asks for the next input. */
  const work = async () => {
    while (session.next().kind === "work") {
      session.step(control.speed > 0 ? Math.max(1, control.speed / 20) : 2000);
      await tick();
    }
  };
  /** Pushes the batches of `blob`'s rows, parsed in the rows worker as `reading` says, into the session. */
  const rowsInto = async (blob, reading) => {
    for await (const batch of rowsWorker.batches(blob, reading)) {
      session.push_rows(batch);
      await work();
    }
    parsing.passesApart += 1;
  };
  /** How the passes were parsed, beside the engine's report: {passesApart, memoryBytes}. */
  const parsing = { passesApart: 0, memoryBytes: 0 };
  const withParsing = (report) => {
    parsing.memoryBytes = rowsWorker?.memoryBytes ?? 0;
    return { ...report, parsing: { ...parsing } };
  };
  try {
    report(false);
    for (;;) {
      const next = session.next();
      if (next.kind === "done") break;
      if (next.kind === "work") {
        await work();
        continue;
      }
      // A followed file grows after its end: its text is read here, as it comes.
      const reading = follow && next.role === "numeric" ? null : session.reading();
      if (reading && (await rowsWorker?.available())) await rowsInto(files[next.role], reading);
      else await readInto(files[next.role]);
      if (follow && next.role === "numeric") {
        // A growing file: its appended bytes, from where the last snapshot ended, until the
        // page says stop. A line cut by a snapshot waits in the engine for its end.
        let offset = files[next.role].size;
        while (!control.stop) {
          await rest(id, FOLLOW_MS);
          await checkpoint(id);
          if (control.stop) break;
          const grown = await follow.getFile();
          // A file rewritten shorter is no longer the one followed.
          if (grown.size < offset) break;
          if (grown.size > offset) {
            await readInto(grown.slice(offset));
            offset = grown.size;
          }
          await tick(true);
        }
      }
      session.end_pass();
      await tick(true);
    }
    drain();
    const result = session.finish();
    result.report = withParsing(result.report);
    streamedDownloads.set(
      useCase,
      Object.fromEntries(outputs.map((key) => [key, new Blob(written[key], { type: "text/csv" })])),
    );
    return result;
  } finally {
    controls.delete(id);
    freeQuietly(session);
  }
}

/**
 * Writes the stream sample of use case 2.2 (`parts` Bosch parts in time order, the defect rule
 * changing at `change` of the stream) as a File the page holds, in chunks: neither the engine
 * nor this worker keeps it in wasm memory. Returns {files: {numeric}, parts, changeRow}.
 */
async function streamSample(id, { parts, seed, change }) {
  await checkpoint(id);
  const name = "train_numeric.csv";
  const chunks = [];
  let bytes = 0;
  const info = engine.generate_stream_sample(name, parts, BigInt(seed), change, (chunk) => {
    chunks.push(chunk);
    bytes += chunk.length;
    post({
      type: "progress",
      id,
      progress: { phase: "generate", file: name, bytes, total: 0, rows: 0, rowsPerSec: 0 },
    });
  });
  const numeric = new File(chunks, name, { type: "text/csv" });
  return { files: { numeric }, parts: info.parts, changeRow: info.changeRow };
}

const jobs = {
  async ingest(id, { file, columns, only, textLimit }) {
    const profiles = await ingest(id, file, { columns, only, textLimit });
    return { profiles, summary: summary() };
  },
  async sample(id, args) {
    const { profiles } = await sample(id, args);
    return { profiles, summary: summary() };
  },
  compact(id, args) {
    return compact(id, args);
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
  /** A model file: kept as text beside the tables, for a use case's parameter to name. */
  async document(id, { file }) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    await checkpoint(id);
    engine.load_document(file.name, bytes);
    return { summary: summary() };
  },
  removeDocument(_id, { name }) {
    engine.remove_document(name);
    return summary();
  },
  export(_id, { name }) {
    const bytes = engine.export_csv(name);
    return { bytes };
  },
  catalogue() {
    return engine.catalogue();
  },
  run(id, { useCase, params }) {
    return runUseCase(id, useCase, params);
  },
  plan(id, { useCase, params }) {
    return planUseCase(id, useCase, params);
  },
  finish(id, { useCase, results }) {
    return finishUseCase(id, useCase, results);
  },
  dropPlan(_id, { useCase }) {
    return engine.usecase_drop_plan(useCase);
  },
  preview(_id, { useCase, question, args }) {
    return engine.usecase_preview(useCase, question, JSON.stringify(args ?? {}));
  },
  ask(_id, { useCase, question, args }) {
    return engine.usecase_ask(useCase, question, JSON.stringify(args ?? {}));
  },
  stream(id, args) {
    return streamUseCase(id, args);
  },
  streamSample(id, args) {
    return streamSample(id, args);
  },
  download(_id, { useCase, key }) {
    // A streamed download was kept here as the stream ran; the others are the engine's.
    const blob = streamedDownloads.get(useCase)?.[key];
    if (blob) return { blob };
    return { bytes: engine.usecase_download(useCase, key) };
  },
  requests() {
    return requests();
  },
  /** Proves in tests that a Rust panic becomes an error and a fresh worker. */
  panic(_id, { message }) {
    engine.panic_for_test(message);
  },
};

async function run({ id, kind, args }) {
  try {
    await ready;
    const job = jobs[kind];
    if (!job) throw { kind: "internal", message: `unknown job ${kind}` };
    const result = await job(id, args ?? {});
    const transfer = [result?.bytes, result?.shared].filter((b) => b instanceof Uint8Array).map((b) => b.buffer);
    post({ type: "result", id, result }, transfer);
  } catch (error) {
    if (error instanceof Cancelled) {
      post({ type: "cancelled", id });
    } else if (error instanceof WebAssembly.RuntimeError) {
      // A Rust panic: the instance may hold half-updated state. Report the message the
      // panic hook kept; the page replaces this worker.
      post({ type: "crashed", id, message: panicMessage(error) });
    } else {
      post({ type: "error", id, error: describe(error) });
    }
  } finally {
    cancelled.delete(id);
  }
}

/** The pool's messages: `load` the fits' shared bytes once, then `fit` one job at a time. */
async function poolMessage({ type, kind, shared, index, job }) {
  try {
    await ready;
    if (type === "load") {
      engine.fit_load(kind, shared);
      post({ type: "loaded" });
    } else if (type === "fit") {
      const bytes = engine.fit_run(kind, job);
      post({ type: "fitted", index, bytes, memory: engine.memory_bytes() }, [bytes.buffer]);
    }
  } catch (error) {
    let details = describe(error);
    if (error instanceof WebAssembly.RuntimeError) {
      details = { kind: "crash", message: panicMessage(error) };
    }
    post({ type: "error", error: details });
  }
}

if (IN_POOL) {
  self.onmessage = (event) => poolMessage(event.data);
} else if (IN_ROWS) {
  serveRows(ready);
  ready.then(
    () => post({ type: "ready", requests: requests() }),
    (error) => post({ type: "crashed", message: `the engine did not start: ${error}` }),
  );
} else {
  self.onmessage = (event) => {
    const message = event.data;
    if (message.type === "cancel") {
      cancelled.add(message.id);
      controls.get(message.id)?.wake?.();
    } else if (message.type === "control") {
      const control = controlOf(message.id);
      Object.assign(control, message.control);
      control.wake?.();
    } else if (message.type === "job") run(message);
  };
  ready.then(
    () => {
      // Started once this worker is warm, so that the two warm-ups do not share its core.
      rowsWorker = new RowsWorker((report) => {
        rowsRequests = report;
        post({ type: "requests", requests: requests() });
      });
      post({ type: "ready", requests: requests() });
    },
    (error) => post({ type: "crashed", id: null, message: `the engine did not start: ${error}` }),
  );
}
