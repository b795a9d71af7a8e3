// Gradient boosting on the full-size Rossmann sample (issue 3): the forecast pipeline exports its
// exact training and validation rows as a feature CSV; our engine (native, 1 thread) and XGBoost /
// LightGBM (1 thread) fit 200 trees of depth 8, learning rate 0.1, 256 bins on it in the same run.
import path from "node:path";
import { python, ratio, runJson, sample, run as sh, sharedBench, vitrine, writeSection } from "./lib.mjs";

export async function run() {
  const dir = sample("rossmann", 1);
  const features = path.join(dir, "features.csv");
  const bin = vitrine();
  sh(bin, [
    "forecast",
    "--train",
    path.join(dir, "train.csv"),
    "--store",
    path.join(dir, "store.csv"),
    "--features-out",
    features,
    "--trees",
    "1",
    "--no-compare",
  ]);
  sh("cargo", ["build", "--release", "-p", "learn", "--example", "gbdt_bench"]);
  const ours = runJson("target/release/examples/gbdt_bench", [features, "--target", "Sales"]);
  const peers = runJson(python(), [
    path.join(sharedBench, "peer_gbdt.py"),
    features,
    "--target",
    "Sales",
    "--threads",
    "1",
  ]);
  const pipeline = runJson(bin, [
    "forecast",
    "--train",
    path.join(dir, "train.csv"),
    "--store",
    path.join(dir, "store.csv"),
    "--threads",
    "1",
    "--no-compare",
  ]);
  const xgb = peers.peers.find((p) => p.peer === "xgboost");
  const rows = [
    `| vitrine native, 1 thread | ${ours.seconds_fit.toFixed(2)} | 1.00 | ${ours.mae_valid.toFixed(1)} |`,
    ...peers.peers.map(
      (p) =>
        `| ${p.peer} ${p.version}, 1 thread | ${p.fit_s.toFixed(2)} | ${ratio(ours.seconds_fit, p.fit_s)} | ${p.mae.toFixed(1)} |`,
    ),
  ];
  const lines = [
    `## Gradient boosting, Rossmann 1 M rows (issue 3)`,
    ``,
    `\`npm run bench gbdt\` — \`vitrine sample rossmann --scale 1\`, features of the \`full\` set exported by`,
    `\`vitrine forecast --features-out\` (${ours.rows_train.toLocaleString("en")} training rows,`,
    `${ours.rows_valid.toLocaleString("en")} validation rows = the last 42 days, ${ours.features} features),`,
    `200 trees, depth 8, learning rate 0.1, 256 bins, squared error, all features numeric on both sides.`,
    ``,
    `| engine | fit seconds | ours / peer | validation MAE |`,
    `|---|---|---|---|`,
    ...rows,
    ``,
    `Ratio ours/XGBoost: ${ratio(ours.seconds_fit, xgb.fit_s)} (target <= 0.7); MAE ours/XGBoost: ${ratio(ours.mae_valid, xgb.mae)} (target <= 1.01).`,
    `The whole pipeline (\`vitrine forecast\`, categorical StoreType/Assortment/StateHoliday, closed days = 0):`,
    `validation MAE ${pipeline.metrics.mae.toFixed(1)}, RMSPE ${pipeline.metrics.rmspe.toFixed(3)}; baseline (store x weekday x promo mean)`,
    `MAE ${pipeline.baseline.mae.toFixed(1)}, RMSPE ${pipeline.baseline.rmspe.toFixed(3)}; training ${pipeline.seconds.train.toFixed(1)} s.`,
    `Not yet measured: the wasm build in Chromium and Node, and the page end to end.`,
  ];
  writeSection("gbdt", lines.join("\n"));
  console.log(lines.join("\n"));
}
