// Bench section "forest" (use case 3.1): our random forest (crates/learn/examples/forest_bench.rs)
// against scikit-learn's RandomForestClassifier (../shared/bench/peer_forest.py, n_jobs=1) on the
// same Santander take-up table in the same run. The table: a generated Santander sample (scale
// 0.05), one row per customer and month t not holding ind_recibo_ult1, features of month t (12
// profile columns, the other 23 product flags, their count), label "held in t + 1"; month pairs
// from month 10 on, the last pair held out (valid = 1). Rows are identical on both sides; all
// features are numeric for both (the peer fills missing values with -1, ours bins them apart).
// Pairs: each side's rare-event setting (ours: balanced bootstrap; scikit-learn:
// class_weight="balanced_subsample"), the same with leaves of 20 rows, and the plain bootstrap
// on both (like for like). Fit seconds are wall time around the fit on both sides, and CPU time
// too (the machine is shared: wall time counts the other jobs' share): ours from its thread's
// schedstat, the peer's from time.process_time() at the perf_counter() calls around its fit
// (tests/bench/cpu.mjs; the peer's script is unchanged).
//
// In wasm, beside them: the same example built for wasm32-wasip1 and run in Node's WASI
// (tests/bench/wasi.mjs: our forest on V8, the same file and arguments), and YDF-JS's random
// forest (tests/bench/peer_ydf_forest.mjs: Yggdrasil compiled to wasm, the in-browser peer, with
// its defaults, which its JS learner does not let a caller change), on the rare-event rows.
//
// `node tests/bench/forest.mjs` prints the section without writing BENCHMARKS.md.
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { runPeerWithCpu } from "./cpu.mjs";
import { dataDir, machine, ratio, run as runCommand, runJson, sharedBench, writeSection } from "./lib.mjs";
import { runWasiJson, wasiExample } from "./wasi.mjs";

const SCALE = 0.05;
const PRODUCT = "ind_recibo_ult1";

/** The take-up table, generated once under bench-data/. */
function table() {
  const file = path.join(dataDir, `santander-takeup-${SCALE}`, `${PRODUCT}.csv`);
  if (!existsSync(file)) {
    runCommand("cargo", [
      "run",
      "--release",
      "-p",
      "learn",
      "--example",
      "forest_bench",
      "--",
      "--write-table",
      file,
      "--scale",
      String(SCALE),
      "--product",
      PRODUCT,
    ]);
  }
  return file;
}

const CONFIGS = [
  { name: "rare-event setting, leaves of 1", ours: [], peer: [] },
  { name: "rare-event setting, leaves of 20", ours: ["--min-samples-leaf", "20"], peer: ["--min-samples-leaf", "20"] },
  { name: "plain bootstrap, leaves of 1", ours: ["--sampling", "bootstrap"], peer: ["--class-weight", "none"] },
];

export async function measure() {
  const file = table();
  runCommand("cargo", ["build", "--release", "-p", "learn", "--example", "forest_bench"]);
  const bin = "target/release/examples/forest_bench";
  const rows = [];
  for (const config of CONFIGS) {
    const ours = runJson(bin, [file, "--target", "y", ...config.ours]);
    const peer = runPeerWithCpu(path.join(sharedBench, "peer_forest.py"), [file, "--target", "y", ...config.peer]);
    peer.fit_cpu_s = peer.cpu[0];
    rows.push({ config, ours, peer });
  }
  const first = rows[0].ours;
  const wasm = runWasiJson(wasiExample("learn", "forest_bench"), path.dirname(file), [
    `/data/${path.basename(file)}`,
    "--target",
    "y",
  ]);
  const ydf = runJson(process.execPath, [path.join("tests", "bench", "peer_ydf_forest.mjs"), file, "--target", "y"]);
  const lines = [
    `## Random forest, Santander take-up of ${PRODUCT} (use case 3.1)`,
    ``,
    `\`node tests/bench/forest.mjs\` — ${machine()}. Table from \`vitrine sample santander --scale ${SCALE}\``,
    `(generated in memory by \`forest_bench --write-table\`): ${first.rows_train.toLocaleString("en")} training rows,`,
    `${first.rows_valid.toLocaleString("en")} validation rows (the last month pair), ${first.features} numeric features,`,
    `take-up ${(100 * first.base_rate_valid).toFixed(2)} % in validation. 100 trees, sqrt(features) per node, full depth, one thread.`,
    ``,
    `| setting | fit s ours (CPU) | fit s scikit-learn (CPU) | ours / peer, wall (CPU) | AUC ours | AUC peer | best F1 ours | best F1 peer |`,
    `|---|---|---|---|---|---|---|---|`,
    ...rows.map(
      ({ config, ours, peer }) =>
        `| ${config.name} | ${ours.fit_s.toFixed(2)} (${ours.fit_cpu_s.toFixed(2)}) | ${peer.fit_s.toFixed(1)} (${peer.fit_cpu_s.toFixed(1)}) | ` +
        `${ratio(ours.fit_s, peer.fit_s)} (${ratio(ours.fit_cpu_s, peer.fit_cpu_s)}) | ` +
        `${ours.auc.toFixed(4)} | ${peer.auc.toFixed(4)} | ${ours.best_f1.toFixed(4)} | ${peer.best_f1.toFixed(4)} |`,
    ),
    ``,
    `In wasm (one thread each; wall seconds: the wasm runtimes give no thread CPU time):`,
    ``,
    `| engine | fit s | this / ours native, wall | AUC | best F1 |`,
    `|---|---|---|---|---|`,
    `| ours native, rare-event setting (first row above) | ${first.fit_s.toFixed(2)} | 1 | ${first.auc.toFixed(4)} | ${first.best_f1.toFixed(4)} |`,
    `| ours in wasm (forest_bench for wasm32-wasip1, Node ${process.version} WASI) | ${wasm.fit_s.toFixed(2)} | ${ratio(wasm.fit_s, first.fit_s)} | ${wasm.auc.toFixed(4)} | ${wasm.best_f1.toFixed(4)} |`,
    `| YDF-JS random forest (ydf-training, wasm in Node; its defaults: 300 trees, depth 16, no class weights) | ${ydf.fit_s.toFixed(1)} | ${ratio(ydf.fit_s, first.fit_s)} | ${ydf.auc.toFixed(4)} | ${ydf.best_f1.toFixed(4)} |`,
    ``,
    `Ours in wasm grows the same forest as native (same AUC to the last digit: the same seeded code); YDF-JS scores the`,
    `validation rows with mean probability ${(100 * ydf.mean_p).toFixed(2)} % (plain bootstrap, majority votes of trees that rarely see a take-up).`,
    ``,
    `Ours, rare-event setting: out-of-bag AUC ${first.oob_auc.toFixed(4)}, precision in the top 5 % ${(100 * first.precision_at_5pct).toFixed(1)} %,`,
    `mean calibrated probability ${(100 * first.mean_p).toFixed(2)} % against a validation take-up of ${(100 * first.base_rate_valid).toFixed(2)} %.`,
  ];
  return lines.join("\n");
}

export async function run() {
  const markdown = await measure();
  writeSection("forest", markdown);
  console.log(markdown);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await measure());
}
