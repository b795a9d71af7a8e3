// CSV ingest of a full-size (1,017,209-row) Rossmann train.csv: our parser natively and as wasm in
// headless Chromium (through the real page: file input -> worker -> profile), beside pandas'
// read_csv C engine on the same file in the same run. Also the page's wasm memory after the load.
import { statSync } from "node:fs";
import path from "node:path";
import { python, ratio, runJson, sample, run as sh, sharedBench, writeSection } from "./lib.mjs";
import { measurePageIngest } from "./page.mjs";
import { ingestFile, nodeEngine } from "./wasm.mjs";

/** Best of three reads of `file` by the wasm engine in Node (parse + profile, as in the page). */
async function wasmInNode(file) {
  const engine = await nodeEngine();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    best = Math.min(best, await ingestFile(engine, file));
    engine.remove_table(path.basename(file));
  }
  return best;
}

export async function run() {
  const file = path.join(sample("rossmann", 1), "train.csv");
  const mb = statSync(file).size / 1e6;
  sh("cargo", ["build", "--release", "-p", "tabular", "--example", "ingest_bench"]);
  const native = runJson("target/release/examples/ingest_bench", [file]);
  const pandas = runJson(python(), [path.join(sharedBench, "peer_csv.py"), file]);
  const page = await measurePageIngest(file);
  const nodeMbs = mb / (await wasmInNode(file));
  const nativeMbs = native.mb_per_s;
  const wasmMbs = mb / page.seconds;
  const lines = [
    `## CSV ingest (issue 2)`,
    ``,
    `\`npm run bench ingest\` — Rossmann-shaped \`train.csv\` from \`vitrine sample rossmann --scale 1\``,
    `(${page.rows.toLocaleString("en")} rows, ${mb.toFixed(1)} MB), same file, same run.`,
    ``,
    `| engine | MB/s | ratio to pandas |`,
    `|---|---|---|`,
    `| pandas ${pandas.version} read_csv (C engine) | ${pandas.mb_per_s.toFixed(1)} | 1.00 |`,
    `| vitrine native (tabular, 1 thread) | ${nativeMbs.toFixed(1)} | ${ratio(nativeMbs, pandas.mb_per_s)} |`,
    `| vitrine wasm in headless Chromium (worker: file.stream() -> parser -> profile) | ${wasmMbs.toFixed(1)} | ${ratio(wasmMbs, pandas.mb_per_s)} |`,
    `| vitrine wasm in Node ${process.version} (file read in 1 MiB chunks -> parser -> profile, best of 3) | ${nodeMbs.toFixed(1)} | ${ratio(nodeMbs, pandas.mb_per_s)} |`,
    `| the page end to end (file chosen -> profile drawn) | ${(mb / page.wallSeconds).toFixed(1)} | ${ratio(mb / page.wallSeconds, pandas.mb_per_s)} |`,
    ``,
    `Targets: wasm >= 1.0x pandas, native >= 3x pandas. The wasm figure is timed by the worker from`,
    `the first byte read to the profile computed; it includes \`file.stream()\` and progress messages.`,
    `Wasm memory after loading: ${(page.wasmBytes / 1e6).toFixed(0)} MB, ${(page.wasmBytes / (mb * 1e6)).toFixed(2)}x the file (target < 3x).`,
  ];
  writeSection("ingest", lines.join("\n"));
  console.log(lines.join("\n"));
}
