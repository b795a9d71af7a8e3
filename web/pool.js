// A pool of workers, one wasm instance each, for the independent fits of a run (one forest per
// product): the engine worker plans the run and hands over the bytes every fit shares and one
// job per fit; each worker of the pool reads the shared bytes once and fits the jobs it is
// given, one at a time, until none is left; the results go back to the engine worker, in job
// order, which finishes the run. Sized from navigator.hardwareConcurrency. Cancel terminates
// the workers at once (a fit is one long wasm call, which no message can interrupt).

import { JobError, startJob } from "./jobs.js";

/** The workers' name: worker.js serves the pool, not the engine, under it. */
export const POOL_NAME = "vitrine-pool";

/**
 * Workers at most: each holds the shared bytes and one fit's training table (about 250 MB for a
 * product of the full-size Santander file), and two cores already keep a pool busy.
 */
const MAX_WORKERS = 4;

/** The pool's size on this machine. */
export function poolSize() {
  return Math.max(1, Math.min(navigator.hardwareConcurrency || 2, MAX_WORKERS));
}

/**
 * Runs the fits of `plan` ({kind, shared, jobs, labels}) on a pool of `size` workers. `onDone(done,
 * total, label)` hears each fit finished. Returns {promise, cancel}: the promise resolves with
 * {results (one Uint8Array per job, in job order), memory (the largest wasm memory of a worker),
 * workers} or rejects with a JobError.
 */
export function runOnPool(plan, { size = poolSize(), onDone = () => {} } = {}) {
  const total = plan.jobs.length;
  const results = new Array(total);
  const workers = [];
  let next = 0;
  let done = 0;
  let memory = 0;
  let settled = false;
  let finish = null;
  const promise = new Promise((resolve, reject) => {
    finish = (error) => {
      if (settled) return;
      settled = true;
      for (const w of workers) w.terminate();
      if (error) reject(error);
      else resolve({ results, memory, workers: workers.length });
    };
    if (total === 0) {
      finish(null);
      return;
    }
    const give = (worker) => {
      if (next >= total) return;
      const index = next++;
      worker.postMessage({ type: "fit", index, kind: plan.kind, job: plan.jobs[index] });
    };
    for (let i = 0; i < Math.min(size, total); i++) {
      const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: POOL_NAME });
      workers.push(worker);
      worker.onmessage = ({ data }) => {
        if (settled) return;
        if (data.type === "loaded") give(worker);
        else if (data.type === "fitted") {
          results[data.index] = data.bytes;
          memory = Math.max(memory, data.memory);
          done += 1;
          onDone(done, total, plan.labels[data.index]);
          if (done === total) finish(null);
          else give(worker);
        } else if (data.type === "error") {
          finish(new JobError(data.error));
        }
      };
      worker.onerror = (event) => {
        event.preventDefault();
        finish(new JobError({ kind: "crash", message: event.message || "a worker of the pool stopped" }));
      };
      // Each worker gets its own copy of the shared bytes (a transfer would hand them to one).
      worker.postMessage({ type: "load", kind: plan.kind, shared: plan.shared });
    }
  });
  return {
    promise,
    cancel: () => finish?.(new JobError({ kind: "cancelled", message: "cancelled" })),
  };
}

/**
 * Runs use case `useCase` (whose catalogue entry says `pooled`) with `params`: the engine worker
 * reads the file the use case keeps compactly (`compact`: {name, file}, the loaded table and its
 * File; skipped when the engine holds its form already), plans the run, the pool fits its jobs,
 * the engine worker finishes it. Returns {promise, cancel} like startJob; the result is
 * {report, downloads, pool: {workers, memory, engineMemory}, compact: what the compact read kept
 * ({table, rows, bytes, seconds, held: read by an earlier run})}. Progress: the compact read's
 * bytes, the plan's and finish's own stages, and `fit` with {done} of {total} from the pool.
 */
export function startPooledRun(useCase, params, { onProgress = () => {}, compact = null } = {}) {
  let current = null;
  let cancelled = false;
  const cancel = () => {
    cancelled = true;
    current?.cancel();
  };
  const step = (job) => {
    current = job;
    if (cancelled) job.cancel();
    return job.promise;
  };
  const promise = (async () => {
    const kept = compact ? await step(startJob("compact", compact, { onProgress })) : null;
    const plan = await step(startJob("plan", { useCase, params }, { onProgress }));
    const size = poolSize();
    const fitting = (done, total) =>
      onProgress({
        phase: "usecase",
        useCase,
        stage: "fit",
        done,
        total,
        fraction: 0.05 + (0.9 * done) / Math.max(1, total),
        value: null,
      });
    fitting(0, plan.jobs.length);
    let pooled;
    try {
      pooled = await step(runOnPool(plan, { size, onDone: fitting }));
    } catch (error) {
      // The engine keeps the plan for the results that will not come.
      startJob("dropPlan", { useCase }).promise.catch(() => {});
      throw error;
    }
    const transfer = pooled.results.map((bytes) => bytes.buffer);
    const result = await step(startJob("finish", { useCase, results: pooled.results }, { onProgress, transfer }));
    return {
      ...result,
      pool: { workers: pooled.workers, memory: pooled.memory, engineMemory: result.engineMemoryBytes },
      compact: kept,
    };
  })();
  return { promise, cancel };
}
