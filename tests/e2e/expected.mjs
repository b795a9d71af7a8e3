// What the page should show for each sample, computed outside the page: the same wasm in Node
// writes the files, and their rows are counted here by line ends, without the CSV parser.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./harness.mjs";

const SEED = 42n;

let engine = null;
async function load() {
  if (!engine) {
    engine = await import(join(ROOT, "www", "pkg", "vitrine_wasm.js"));
    engine.initSync({ module: readFileSync(join(ROOT, "www", "pkg", "vitrine_wasm_bg.wasm")) });
  }
  return engine;
}

/** Data rows of a CSV whose fields hold no line breaks: line ends, minus the header. */
export function countRows(bytes) {
  let lines = 0;
  for (const b of bytes) if (b === 10) lines++;
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 10) lines++;
  return lines - 1;
}

/** {file name: data rows} of `dataset`'s sample as the page generates it (seed 42). */
export async function sampleRows(dataset) {
  const e = await load();
  const out = {};
  for (const file of e.sample_files(dataset)) {
    out[file] = countRows(e.generate_sample(dataset, file, SEED, () => {}));
  }
  return out;
}
