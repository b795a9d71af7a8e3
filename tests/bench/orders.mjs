// Use cases 4.1 and 4.2 on Instacart-shaped files (issue: grocery orders). At scale 1 (206,209
// customers, 3.4 M orders, 33 M prior lines): feature building natively (the orders_bench
// example) beside pandas doing the same group-bys (peer_orders_features.py), each with its peak
// memory; both pipelines natively (`vitrine next-order`, `vitrine reorder`) and in the page
// (headless Chromium, the four files chosen in the file input), with the page's wasm memory. At
// scale 0.25: our boosting against XGBoost (and LightGBM for 4.1) on the exported feature tables,
// same rows, same settings, one thread.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { python, ratio, run as runCommand, runJson, sample, sharedBench, vitrine, writeSection } from "./lib.mjs";
import { measurePageOrders } from "./page.mjs";

const FILES = ["orders.csv", "order_products__prior.csv", "order_products__train.csv", "products.csv"];

function peakMb(stderr) {
  const line = stderr.split("\n").find((l) => l.includes("Maximum resident set size"));
  return line ? Number(line.split(":").pop()) / 1024 : Number.NaN;
}

const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "–");
const gb = (bytes) => `${(bytes / 1e9).toFixed(2)} GB`;
const int = (n) => n.toLocaleString("en");

export async function run() {
  const bin = vitrine();
  runCommand("cargo", ["build", "--release", "-p", "usecases", "--example", "orders_bench"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const benchBin = path.resolve("target/release/examples/orders_bench");
  const full = sample("instacart", 1);
  const files = FILES.map((f) => path.join(full, f));
  const fileArgs = ["--orders", files[0], "--prior", files[1], "--train", files[2], "--products", files[3]];

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
  const ours = timed(benchBin, [full]);
  const pandas = timed(python(), [path.resolve("tests/bench/peer_orders_features.py"), full]);

  // Both pipelines natively, then in the page.
  const nextNative = timed(bin, ["next-order", ...fileArgs]);
  const reorderNative = timed(bin, ["reorder", ...fileArgs]);
  const page = await measurePageOrders(files, [
    { view: "next-order", prefix: "no", metric: "mae" },
    { view: "reorder", prefix: "re", metric: "f1" },
  ]);
  const [nextPage, reorderPage] = page.results;

  // Models against the peers on the exported tables (scale 0.25).
  const quarter = sample("instacart", 0.25);
  const exported = path.join(quarter, "features");
  const oursFit = runJson(benchBin, [quarter, "--export", exported, "--train"]);
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
    `| 4.1 in the page | ${fmt(nextPage.readSeconds)} | ${fmt(nextPage.featuresSeconds)} | ${fmt(nextPage.trainSeconds)} | ${fmt(nextPage.seconds)} | ${gb(nextPage.engineBytes)} wasm | MAE ${fmt(nextPage.mae, 4)} |`,
    `| 4.2 native (\`vitrine reorder\`) | ${fmt(r.seconds.read)} | ${fmt(r.seconds.features)} | ${fmt(r.seconds.train)} | ${fmt(r.seconds.total)} | ${fmt(reorderNative.peak / 1024)} GB process | F1 ${fmt(r.metrics.f1, 4)} |`,
    `| 4.2 in the page | ${fmt(reorderPage.readSeconds)} | ${fmt(reorderPage.featuresSeconds)} | ${fmt(reorderPage.trainSeconds)} | ${fmt(reorderPage.seconds)} | ${gb(reorderPage.engineBytes)} wasm | F1 ${fmt(reorderPage.f1, 4)} |`,
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
    `\`npm run bench orders\`. Synthetic data: \`vitrine sample instacart --scale S --seed 42\` (no real`,
    `Instacart files here). Scale 1: ${int(o.users)} customers, ${int(o.orders)} orders, ${int(o.prior_lines)}`,
    `prior order lines, ${int(o.pairs)} candidate (customer, product) pairs; both sides find the same`,
    `${int(p.pairs)} pairs. Load during the run: see the machine line printed by the harness (2 cores, other`,
    `engineers building): read the ratios, not the seconds.`,
    ``,
    `**Feature building at scale 1**: ours = \`examples/orders_bench.rs\` (the pipelines' own code:`,
    `typed columns, histories, 4.1 user features, 4.2 candidate pairs); pandas ${p.version} =`,
    `\`tests/bench/peer_orders_features.py\` (the same group-bys on compact dtypes). Peak memory by`,
    `\`/usr/bin/time -v\`.`,
    ``,
    `| stage | vitrine native, s | pandas, s | ours / pandas |`,
    `|---|---|---|---|`,
    ...featureRows,
    ``,
    `**Both pipelines at scale 1** with their defaults, natively and in the page (headless`,
    `Chromium; the four files chosen in the file input, read in ${fmt(page.loadSeconds, 1)} s, ${gb(page.engineBytesLoaded)}`,
    `of wasm memory once loaded). Seconds as the engine times them; 4.2's training is the pooled model`,
    `(per-product models apart). Wasm memory never shrinks: the figure after a run is the page's peak.`,
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
    `**Ours against the peers on the exported tables, scale 0.25** (\`orders_bench DIR --export OUT`,
    `--train\`, then \`peer_gbdt.py\`): 4.1 ${int(oursFit.next_order.rows_train)} training and`,
    `${int(oursFit.next_order.rows_valid)} validation customers; 4.2 ${int(oursFit.reorder.rows_train)} training and`,
    `${int(oursFit.reorder.rows_valid)} validation pairs. Both sides: 200 trees, depth 8, learning rate 0.1,`,
    `256 bins, every feature numeric, 1 thread.`,
    ``,
    `| table | engine | fit s | ours / peer | quality on the validation customers |`,
    `|---|---|---|---|---|`,
    ...modelRows,
  ];
  writeSection("orders", lines.join("\n"));
  console.log(lines.join("\n"));
}
