// Our wasm build outside the browser: the very module the page's worker loads (www/pkg, built by
// scripts/build.mjs), instantiated in Node, so that a section can time the wasm engine on V8
// without a page around it. Same calls as web/worker/worker.js makes.
import { createReadStream, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { root } from "./lib.mjs";

let engine;

/** The facade module of the page's build (run.mjs builds it first), instantiated once. */
export async function nodeEngine() {
  if (!engine) {
    const pkg = path.join(root, "www", "pkg");
    engine = await import(path.join(pkg, "vitrine_wasm.js"));
    engine.initSync({ module: readFileSync(path.join(pkg, "vitrine_wasm_bg.wasm")) });
    engine.init();
    engine.warm_up();
  }
  return engine;
}

/**
 * Reads `file` into the engine's table registry in 1 MiB chunks, as the worker does with
 * file.stream(); returns the seconds it took.
 */
export async function ingestFile(engine, file) {
  const started = performance.now();
  const ingest = new engine.Ingest(path.basename(file), statSync(file).size);
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) ingest.push(chunk);
    ingest.finish();
  } finally {
    ingest.free();
  }
  return (performance.now() - started) / 1000;
}

/** Runs use case `name` with `params` in the engine, as the worker does; returns its report. */
export function runUseCase(engine, name, params, onProgress = () => true) {
  return engine.usecase_run(name, JSON.stringify(params), onProgress).report;
}
