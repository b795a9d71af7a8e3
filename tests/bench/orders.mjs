// Use cases 4.1 and 4.2 on Instacart-shaped files (issue 17: grocery orders). At the published
// size (ORDERS_PAGE_SCALE, default 1; 0 runs this part at ORDERS_SCALE and skips the page):
// feature building natively (the orders_bench example) beside pandas doing the same group-bys
// (peer_orders_features.py), each with its peak memory; what the page's up-front memory check
// estimates; both runs in the page (headless Chromium, the four files chosen in the file input)
// with 4.2 on fewer trees (the memory is the features' and the bins', not the trees'). At scale S
// (ORDERS_SCALE, default 0.1: a few minutes on 2 cores): both pipelines with their defaults
// natively (`vitrine next-order`, `vitrine reorder`) and in the page, with the page's wasm
// memory; our boosting against XGBoost (and LightGBM for 4.1) on the exported feature tables,
// same rows, same settings, one thread.
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { python, ratio, run as runCommand, runJson, sample, sharedBench, vitrine, writeSection } from "./lib.mjs";
import { measurePageOrders } from "./page.mjs";

const FILES = ["orders.csv", "order_products__prior.csv", "order_products__train.csv", "products.csv"];
const SCALE = Number(process.env.ORDERS_SCALE ?? 0.1);
const PAGE_SCALE = Number(process.env.ORDERS_PAGE_SCALE ?? 1);
/** 4.2's settings in the page at the published size: 20 trees, no per-product model. */
const LIGHT_REORDER = { trees: 20, perProduct: 0 };

function peakMb(stderr) {
  const line = stderr.split("\n").find((l) => l.includes("Maximum resident set size"));
  return line ? Number(line.split(":").pop()) / 1024 : Number.NaN;
}

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "–");
const gb = (bytes) => `${(bytes / 1e9).toFixed(2)} GB`;
const int = (n) => n.toLocaleString("en");
const RUNS = [
  { view: "next-order", prefix: "no", metric: "mae" },
  { view: "reorder", prefix: "re", metric: "f1" },
];

export async function run() {
  const loadAtStart = os.loadavg()[0];
  const bin = vitrine();
  runCommand("cargo", ["build", "--release", "-p", "usecases", "--example", "orders_bench"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const benchBin = path.resolve("target/release/examples/orders_bench");
  const dir = sample("instacart", SCALE);
  const files = FILES.map((f) => path.join(dir, f));
  const fileArgs = ["--orders", files[0], "--prior", files[1], "--train", files[2], "--products", files[3]];
  const featureScale = PAGE_SCALE > 0 ? PAGE_SCALE : SCALE;
  const featureDir = sample("instacart", featureScale);

  // Feature building, native and pandas, one after the other.
  const timed = (command, args) => {
    const started = performance.now();
    const r = spawnSync("/usr/bin/time", ["-v", command, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`${command} failed:\n${r.stderr}`);
    const lines = r.stdout.trim().split("\n");
    return {
      json: JSON.parse(lines[lines.length - 1]),
      wall: (performance.now() - started) / 1000,
      peak: peakMb(r.stderr),
    };
  };
  const ours = timed(benchBin, [featureDir]);
  const pandas = timed(python(), [path.resolve("tests/bench/peer_orders_features.py"), featureDir]);

  // Both pipelines natively, then in the page, with their defaults.
  const nextNative = timed(bin, ["next-order", ...fileArgs]);
  const reorderNative = timed(bin, ["reorder", ...fileArgs]);
  const page = await measurePageOrders(files, RUNS);
  const [nextPage, reorderPage] = page.results;

  // Models against the peers on the exported tables.
  const exported = path.join(dir, "features");
  const oursFit = runJson(benchBin, [dir, "--export", exported, "--train"]);
  const peer = (table, extra) =>
    runJson(python(), [path.join(sharedBench, "peer_gbdt.py"), path.join(exported, table), ...extra, "--threads", "1"]);
  const peerReg = peer("next_order_features.csv", ["--target", "days", "--drop", "user_id", "--objective", "reg"]);
  const peerBin = peer("reorder_features.csv", [
    "--target",
    "reordered",
    "--drop",
    "user_id,product_id",
    "--objective",
    "binary",
    "--peers",
    "xgboost",
  ]);

  // The page at the published size: the up-front estimate, then both runs.
  const full = PAGE_SCALE > 0 ? await fullSize(featureDir, ours.json) : null;

  const o = ours.json;
  const p = pandas.json;
  const featureRows = [
    `| read the 4 CSVs | ${fmt(o.seconds.read_csv)} | ${fmt(p.seconds.read_csv)} | ${ratio(o.seconds.read_csv, p.seconds.read_csv)} |`,
    `| typed columns, lines joined to orders, checks, histories | ${fmt(o.seconds.typed_and_checked)} | ${fmt(p.seconds.join)} (the merge) | ${ratio(o.seconds.typed_and_checked, p.seconds.join)} |`,
    `| 4.1 user features (${o.user_features}) | ${fmt(o.seconds.user_features)} | ${fmt(p.seconds.user_features)} | ${ratio(o.seconds.user_features, p.seconds.user_features)} |`,
    `| 4.2 candidate pairs (${o.pair_features} features) | ${fmt(o.seconds.candidates)} | ${fmt(p.seconds.pairs)} | ${ratio(o.seconds.candidates, p.seconds.pairs)} |`,
    `| whole process, wall | ${fmt(ours.wall)} | ${fmt(pandas.wall)} | ${ratio(ours.wall, pandas.wall)} |`,
    `| peak resident memory | ${fmt(ours.peak / 1024)} GB | ${fmt(pandas.peak / 1024)} GB | ${ratio(ours.peak, pandas.peak)} |`,
  ];
  const n = nextNative.json;
  const r = reorderNative.json;
  const pipelineRows = [
    `| 4.1 native (\`vitrine next-order\`) | ${fmt(n.seconds.read)} | ${fmt(n.seconds.features)} | ${fmt(n.seconds.train)} | ${fmt(n.seconds.total)} | ${fmt(nextNative.peak / 1024)} GB process | MAE ${fmt(n.metrics.mae, 4)} |`,
    pageRow("4.1 in the page", nextPage, `MAE ${fmt(nextPage.mae, 4)}`),
    `| 4.2 native (\`vitrine reorder\`) | ${fmt(r.seconds.read)} | ${fmt(r.seconds.features)} | ${fmt(r.seconds.train)} | ${fmt(r.seconds.total)} | ${fmt(reorderNative.peak / 1024)} GB process | F1 ${fmt(r.metrics.f1, 4)} |`,
    pageRow("4.2 in the page", reorderPage, `F1 ${fmt(reorderPage.f1, 4)}`),
  ];
  const xgbReg = peerReg.peers.find((x) => x.peer === "xgboost");
  const lgbReg = peerReg.peers.find((x) => x.peer === "lightgbm");
  const xgbBin = peerBin.peers.find((x) => x.peer === "xgboost");
  const modelRows = [
    `| 4.1 (squared error) | vitrine | ${fmt(oursFit.next_order.seconds_fit)} | | MAE ${fmt(oursFit.next_order.mae, 4)}, RMSE ${fmt(oursFit.next_order.rmse, 4)} |`,
    `| | xgboost ${xgbReg.version} | ${fmt(xgbReg.fit_s)} | ${ratio(oursFit.next_order.seconds_fit, xgbReg.fit_s)} | MAE ${fmt(xgbReg.mae, 4)} (ours / xgb ${ratio(oursFit.next_order.mae, xgbReg.mae)}), RMSE ${fmt(xgbReg.rmse, 4)} |`,
    `| | lightgbm ${lgbReg.version} | ${fmt(lgbReg.fit_s)} | ${ratio(oursFit.next_order.seconds_fit, lgbReg.fit_s)} | MAE ${fmt(lgbReg.mae, 4)} |`,
    `| 4.2 (logistic) | vitrine | ${fmt(oursFit.reorder.seconds_fit)} | | best F1 ${fmt(oursFit.reorder.best_f1, 5)}, AUC ${fmt(oursFit.reorder.auc, 5)} |`,
    `| | xgboost ${xgbBin.version} | ${fmt(xgbBin.fit_s)} | ${ratio(oursFit.reorder.seconds_fit, xgbBin.fit_s)} | best F1 ${fmt(xgbBin.best_f1, 5)} (ours / xgb ${(oursFit.reorder.best_f1 / xgbBin.best_f1).toFixed(4)}), AUC ${fmt(xgbBin.auc, 5)} |`,
  ];
  const lines = [
    `## Instacart: features and models of use cases 4.1 and 4.2`,
    ``,
    `\`npm run bench orders\` (\`ORDERS_SCALE=${SCALE}\`, \`ORDERS_PAGE_SCALE=${PAGE_SCALE}\`). Synthetic data only:`,
    `\`vitrine sample instacart --scale S --seed 42\` (no real Instacart files here; the published files`,
    `are about scale 1). Scale ${featureScale}: ${int(o.users)} customers, ${int(o.orders)} orders, ${int(o.prior_lines)} prior order`,
    `lines, ${int(o.pairs)} candidate (customer, product) pairs; both sides find the same ${int(p.pairs)} pairs.`,
    `Load during the run: 2 cores shared with other engineers' builds and benchmarks (load average`,
    `${fmt(loadAtStart, 1)} at the start, ${fmt(os.loadavg()[0], 1)} at the end): read the ratios, not the seconds.`,
    ``,
    `**Feature building, scale ${featureScale}**: ours = \`examples/orders_bench.rs\` (the pipelines' own code:`,
    `typed columns, histories, 4.1 user features, 4.2 candidate pairs); pandas ${p.version} =`,
    `\`tests/bench/peer_orders_features.py\` (the same group-bys on compact dtypes). Peak memory by`,
    `\`/usr/bin/time -v\`.`,
    ``,
    `| stage | vitrine native, s | pandas, s | ours / pandas |`,
    `|---|---|---|---|`,
    ...featureRows,
    ``,
    `**Both pipelines, scale ${SCALE}**, with their defaults, natively and in the page (headless`,
    `Chromium; the four files chosen in the file input, read in ${fmt(page.loadSeconds, 1)} s, ${gb(page.engineBytesLoaded)}`,
    `of wasm memory once loaded). Seconds as the engine times them; 4.2's training is the pooled model`,
    `(per-product models apart). Wasm memory never shrinks: the figure after a run is the page's peak`,
    `so far (4.2 runs after 4.1 in the same page).`,
    ``,
    `| run | read, s | features, s | training, s | whole run, s | peak memory | quality |`,
    `|---|---|---|---|---|---|---|`,
    ...pipelineRows,
    ``,
    `4.1 baseline (the customer's median gap): MAE ${fmt(n.baseline.mae, 4)}; on the ${int(n.metrics.users_uncensored)} customers whose`,
    `true gap is under 30 (30 means "30 or more"), model ${fmt(n.metrics.mae_uncensored, 4)} vs baseline ${fmt(n.baseline.mae_uncensored, 4)}.`,
    `Losses on the same customers: ${n.objectives.map((x) => `${x.objective} MAE ${fmt(x.metrics.mae, 4)} / RMSE ${fmt(x.metrics.rmse, 4)}`).join("; ")}.`,
    `4.2 baseline (products reordered in the last order): F1 ${fmt(r.baseline.f1, 4)}, mean user F1 ${fmt(r.baseline.mean_user_f1, 4)};`,
    `model: mean user F1 ${fmt(r.metrics.mean_user_f1, 4)}, AUC ${fmt(r.metrics.auc, 4)}, threshold ${fmt(r.threshold, 3)}; default`,
    `model ${r.default_model} (pooled F1 ${fmt(r.pooled.f1, 4)}, ${r.per_product ? `${r.per_product.products.length} per-product models + pooled ${fmt(r.per_product.combined.f1, 4)}` : "no per-product model"}).`,
    ``,
    `**Ours against the peers on the exported tables, scale ${SCALE}** (\`orders_bench DIR --export OUT`,
    `--train\`, then \`peer_gbdt.py\`): 4.1 ${int(oursFit.next_order.rows_train)} training and`,
    `${int(oursFit.next_order.rows_valid)} validation customers; 4.2 ${int(oursFit.reorder.rows_train)} training and`,
    `${int(oursFit.reorder.rows_valid)} validation pairs. Both sides: 200 trees, depth 8, learning rate 0.1,`,
    `256 bins, every feature numeric, 1 thread.`,
    ``,
    `| table | engine | fit s | ours / peer | quality on the validation customers |`,
    `|---|---|---|---|---|`,
    ...modelRows,
    ...(full ? fullSizeLines(full) : []),
  ];
  writeSection("orders", lines.join("\n"));
  console.log(lines.join("\n"));
}

function pageRow(name, m, quality) {
  return `| ${name} | ${fmt(m.readSeconds)} | ${fmt(m.featuresSeconds)} | ${fmt(m.trainSeconds)} | ${fmt(m.seconds)} | ${gb(m.engineBytes)} wasm | ${quality} |`;
}

/** Both runs in the page at the published size (4.2 lighter), beside the up-front estimate. */
async function fullSize(dir, need) {
  const files = FILES.map((f) => path.join(dir, f));
  const started = performance.now();
  const page = await measurePageOrders(files, [RUNS[0], { ...RUNS[1], params: LIGHT_REORDER }]);
  return { need, page, wall: (performance.now() - started) / 1000 };
}

function fullSizeLines({ need, page, wall }) {
  const [next, reorder] = page.results;
  const estimate = (x) =>
    `${gb(x.loaded_bytes + x.run_bytes)} (${gb(x.loaded_bytes)} loaded + ${gb(x.run_bytes)} the run), ${x.fits ? "let run" : "refused"}`;
  return [
    ``,
    `**The page at scale ${PAGE_SCALE}** (${int(need.prior_lines)} prior order lines; the published files hold`,
    `32.4 M): the four files read in ${fmt(page.loadSeconds, 1)} s, ${gb(page.engineBytesLoaded)} of wasm memory once loaded.`,
    `The up-front memory check (\`usecases::orders::memory\`, 4 GiB page, 92 % usable) estimated 4.1 at`,
    `${estimate(need.page_need.next_order)}; 4.2 at ${estimate(need.page_need.reorder)}. Then 4.1 with its`,
    `defaults and 4.2 with ${LIGHT_REORDER.trees} trees and no per-product model (the memory is the typed`,
    `columns', the candidate pairs' and their bins', not the trees'; the per-product models train on`,
    `subsets of the same pairs), ${fmt(wall / 60, 1)} min in all:`,
    ``,
    `| run | read, s | features, s | training, s | whole run, s | peak memory | quality |`,
    `|---|---|---|---|---|---|---|`,
    pageRow("4.1 in the page", next, `MAE ${fmt(next.mae, 4)}`),
    pageRow(`4.2 in the page (${LIGHT_REORDER.trees} trees)`, reorder, `F1 ${fmt(reorder.f1, 4)}`),
  ];
}
