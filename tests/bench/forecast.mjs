// The sales forecast on the REAL Rossmann rows (issue 13): 2013-2014 of the public train.csv
// (../shared/data/real/rossmann_train_2013_2014.csv.gz) with the public store.csv. Two holdouts,
// each the last 42 days of the file given to the forecast: Christmas (2014-11-20 .. 2014-12-31,
// the whole file) and a quiet one (2014-05-20 .. 2014-06-30, the file cut after 2014-06-30).
// On each, `vitrine forecast` with its defaults (early stopping finds the number of trees, then
// the refit) on one thread, the same model with that number of trees fixed (the fit alone), and
// XGBoost and LightGBM on the exported feature table (`--features-out`) with the same recipe and
// trees (tests/bench/peer_forecast.py), which also scores our XGBoost export in XGBoost. On the
// Christmas holdout, the same defaults in wasm: in Node and in the page (files chosen to chart).
import { createReadStream, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { copyFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { dataDir, python, ratio, runJson, sharedBench, vitrine, writeSection } from "./lib.mjs";
import { measurePageForecast } from "./page.mjs";
import { forecastInNode } from "./wasm.mjs";

const REAL = path.resolve(sharedBench, "../data/real");
const QUIET_END = "2014-06-30";

/**
 * Unpacks the real rows once under bench-data/rossmann-real: train.csv (2013-2014), store.csv,
 * and quiet/train.csv, the rows up to QUIET_END (as if the file ended there).
 */
async function realFiles() {
  const dir = path.join(dataDir, "rossmann-real");
  const quiet = path.join(dir, "quiet");
  const done = path.join(dir, ".complete");
  if (!existsSync(done)) {
    mkdirSync(quiet, { recursive: true });
    const full = [];
    const cut = [];
    const lines = createInterface({
      input: createReadStream(path.join(REAL, "rossmann_train_2013_2014.csv.gz")).pipe(createGunzip()),
    });
    for await (const line of lines) {
      full.push(line);
      // The header, then rows whose third cell is the date (unquoted in the public file).
      if (cut.length === 0 || line.split(",", 3)[2] <= QUIET_END) cut.push(line);
    }
    writeFileSync(path.join(dir, "train.csv"), `${full.join("\n")}\n`);
    writeFileSync(path.join(quiet, "train.csv"), `${cut.join("\n")}\n`);
    await copyFile(path.join(REAL, "rossmann_store.csv"), path.join(dir, "store.csv"));
    writeFileSync(done, "");
  }
  return { dir, store: path.join(dir, "store.csv"), christmas: path.join(dir, "train.csv"), quiet };
}

/** Our defaults, one thread, then the same trees fixed, then the peers on the exported features. */
function holdout(bin, train, store, out) {
  const files = ["forecast", "--train", train, "--store", store, "--no-compare", "--threads", "1"];
  const features = path.join(out, "features.csv");
  const exported = path.join(out, "ours_xgboost.json");
  const ours = runJson(bin, [...files, "--features-out", features, "--xgboost-model-out", exported]);
  const fixed = runJson(bin, [...files, "--early-stopping-days", "0", "--trees", String(ours.trees)]);
  const peers = runJson(python(), [
    path.join(import.meta.dirname, "peer_forecast.py"),
    features,
    "--trees",
    String(ours.trees),
    "--threads",
    "1",
    "--ours-model",
    exported,
  ]);
  return { ours, fixed, peers };
}

const f1 = (x) => x.toLocaleString("en", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const f4 = (x) => x.toFixed(4);

/** The rows of one holdout's table: baseline, ours, ours fixed, each peer, ours read by XGBoost. */
function holdoutRows(name, { ours, fixed, peers }) {
  const base = ours.baseline;
  const row = (who, m, seconds, note) =>
    `| ${name} | ${who} | ${f1(m.mae)} | ${ratio(m.mae, base.mae)} | ${f4(m.rmspe)} | ${seconds} | ${note} |`;
  const train = ours.seconds.train;
  const fit = fixed.seconds.train;
  const rows = [
    row("baseline (store x weekday x promo mean)", base, "", ""),
    row(
      `vitrine native, defaults (${ours.early_stopping.trees_tried} + ${ours.trees} trees)`,
      ours.metrics,
      `${train.toFixed(2)} (+ ${ours.seconds.features.toFixed(2)} features)`,
      `early stopping then refit; / LightGBM ${ratio(train, peers.peers.find((p) => p.peer === "lightgbm").fit_s)}`,
    ),
    row(`vitrine native, ${fixed.trees} trees fixed`, fixed.metrics, fit.toFixed(2), "1.00"),
    ...peers.peers.map((p) =>
      row(
        `${p.peer} ${p.version}, ${peers.trees} trees`,
        p,
        p.fit_s.toFixed(2),
        `ours / ${p.peer} ${ratio(fit, p.fit_s)}`,
      ),
    ),
  ];
  const travelled = peers.ours_in_xgboost;
  rows.push(row("our export scored by XGBoost", travelled, "", `${travelled.trees} trees, ${travelled.target}`));
  return rows;
}

export async function run() {
  const files = await realFiles();
  const bin = vitrine();
  const load = os.loadavg().map((x) => x.toFixed(1));
  const christmas = holdout(bin, files.christmas, files.store, files.dir);
  const quiet = holdout(bin, path.join(files.quiet, "train.csv"), files.store, files.quiet);
  const threads = os.availableParallelism();
  const allThreads = runJson(bin, ["forecast", "--train", files.christmas, "--store", files.store, "--no-compare"]);
  const node = await forecastInNode(files.christmas, files.store);
  const page = await measurePageForecast([files.christmas, files.store], {});
  const c = christmas.ours;
  const q = quiet.ours;
  const wasm = node.report;

  const lines = [
    `## Sales forecast on the real Rossmann rows (issue 13)`,
    ``,
    `\`npm run bench forecast\` — REAL data: the public train.csv's 2013-2014 rows`,
    `(\`../shared/data/real/rossmann_train_2013_2014.csv.gz\`, 780,829 rows) and store.csv. Each holdout is`,
    `the last 42 days of the file given to the forecast: Christmas ${c.valid_from} .. ${c.valid_to} (the whole`,
    `file), quiet ${q.valid_from} .. ${q.valid_to} (the rows up to ${QUIET_END} only). Rows, exclusions and`,
    `baseline are the forecast's own (its report's \`holdout\`): training on the open days with sales before`,
    `the holdout (Christmas ${c.rows_train.toLocaleString("en")}, quiet ${q.rows_train.toLocaleString("en")}), scoring the open days (${c.rows_valid.toLocaleString("en")}, ${q.rows_valid.toLocaleString("en")}).`,
    `Ours: \`vitrine forecast --no-compare --threads 1\` with its defaults (${c.features.length} features: the 16 known in advance and the`,
    `store's history, log1p target, leaf-wise 255 leaves, depth 8, min_child_weight 20, learning rate 0.2,`,
    `a feature fraction of 0.7 per tree, early stopping on the last 42 training days after 10 trees without`,
    `gain, then a refit on every training day with the count found).`,
    `Peers (\`tests/bench/peer_forecast.py\`, one thread): the same exported columns (\`--features-out\`), the`,
    `same recipe (log1p target, leaf-wise 255 leaves, depth 8, min_child_weight 20, learning rate 0.2,`,
    `feature fraction 0.7 drawn with their own generators, 256 bins) and the number of trees our early stopping found. Seconds: fit only (ours: the training,`,
    `features apart). Load average when the section started: ${load.join(", ")} (2 cores, shared machine).`,
    ``,
    `| holdout | model | MAE | / baseline MAE | RMSPE | seconds | note |`,
    `|---|---|---|---|---|---|---|`,
    ...holdoutRows("Christmas", christmas),
    ...holdoutRows("quiet", quiet),
    ``,
    `Sum of absolute errors, ours / baseline: Christmas ${f1(c.metrics.abs_error_sum)} / ${f1(c.baseline.abs_error_sum)},`,
    `quiet ${f1(q.metrics.abs_error_sum)} / ${f1(q.baseline.abs_error_sum)}. The Christmas RMSPE is decided by a few days (store 652`,
    `sold 46 on 2014-11-22 against a baseline of 4,672; see tests/bench/FORECAST_RESEARCH.md); the quiet`,
    `holdout is the one the issue's RMSPE target (0.125, aim 0.11) reads on. Issue's targets on the quiet holdout:`,
    `MAE <= 0.80 of the baseline's (${ratio(q.metrics.mae, q.baseline.mae)}), RMSPE <= 0.125 (${f4(q.metrics.rmspe)}).`,
    ``,
    `The same defaults on the Christmas holdout in every build (seconds of the features and of the`,
    `training, early stopping and refit included, as each engine timed them):`,
    ``,
    `| build | trees | features s | training s | / native 1 thread | MAE | RMSPE |`,
    `|---|---|---|---|---|---|---|`,
    `| native, 1 thread | ${c.trees} | ${c.seconds.features.toFixed(2)} | ${c.seconds.train.toFixed(2)} | 1.00 | ${f1(c.metrics.mae)} | ${f4(c.metrics.rmspe)} |`,
    `| native, ${threads} threads (the refit beside early stopping) | ${allThreads.trees} | ${allThreads.seconds.features.toFixed(2)} | ${allThreads.seconds.train.toFixed(2)} | ${ratio(allThreads.seconds.train, c.seconds.train)} | ${f1(allThreads.metrics.mae)} | ${f4(allThreads.metrics.rmspe)} |`,
    `| wasm in Node ${process.version} | ${wasm.trees} | ${wasm.seconds.features.toFixed(2)} | ${wasm.seconds.train.toFixed(2)} | ${ratio(wasm.seconds.train, c.seconds.train)} | ${f1(wasm.metrics.mae)} | ${f4(wasm.metrics.rmspe)} |`,
    `| wasm in the page, headless Chromium | ${page.trees} | ${page.featuresSeconds.toFixed(2)} | ${page.trainSeconds.toFixed(2)} | ${ratio(page.trainSeconds, c.seconds.train)} | ${f1(page.mae)} | ${f4(page.rmspe)} |`,
    ``,
    `In the page end to end (both files chosen -> read, profiled, features, early stopping, refit, chart`,
    `drawn): ${page.wallSeconds.toFixed(1)} s, of which the forecast job took ${page.seconds.toFixed(1)} s (worker-timed); wasm in Node, the`,
    `whole run: ${node.seconds.toFixed(1)} s. Issue's aim: under 30 s in the page.`,
  ];
  writeSection("forecast", lines.join("\n"));
  console.log(lines.join("\n"));
}
