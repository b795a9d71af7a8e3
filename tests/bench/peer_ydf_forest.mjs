// YDF-JS's random forest (npm `ydf-training`, Yggdrasil Decision Forests compiled to wasm, run
// in Node: the in-browser peer) on a take-up table of tests/bench/forest.mjs: trains on the rows
// with valid = 0, scores those with valid = 1, prints {fit_s, predict_s, auc, best_f1, mean_p}
// as JSON. Its JS learner takes only the label and the task, so the forest is YDF's default (300
// trees, depth 16, 5 rows a leaf, no class weighting). The `valid` column is dropped before YDF
// sees the rows. ../shared/bench/peer_ydf.js reports no AUC for a classifier, hence this script.
//
//   node tests/bench/peer_ydf_forest.mjs TABLE.csv --target y
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { auc, bestF1 } from "./ranking.mjs";

const [file, , target = "y"] = process.argv.slice(2);
const dir = process.env.PEERS_NODE || path.join(os.homedir(), ".cache", "vitrine-peers", "node");
const require = createRequire(import.meta.url);
const ydf = await require(path.join(dir, "node_modules", "ydf-training"))();

const lines = readFileSync(file, "utf8").trim().split("\n");
const header = lines[0].split(",");
const validAt = header.indexOf("valid");
const targetAt = header.indexOf(target);
// YDF reads a 0/1 column as a boolean, which its classifier refuses as a label: the label goes
// in as the words "no" and "yes" (a categorical column whose rarer value, "yes", is the class
// whose probability it predicts).
const keep = (line, header = false) =>
  line
    .split(",")
    .map((cell, i) => (i === targetAt && !header ? (cell === "1" ? "yes" : "no") : cell))
    .filter((_, i) => i !== validAt)
    .join(",");
const train = [keep(lines[0], true)];
const valid = [keep(lines[0], true)];
const labels = [];
for (const line of lines.slice(1)) {
  const cells = line.split(",");
  if (cells[validAt] === "1") {
    valid.push(keep(line));
    labels.push(Number(cells[targetAt]));
  } else train.push(keep(line));
}
let started = performance.now();
const model = new ydf.RandomForestLearner(target, "CLASSIFICATION").train(train.join("\n"));
const fit = (performance.now() - started) / 1000;
started = performance.now();
const scores = Array.from(model.predict(valid.join("\n")));
const predict = (performance.now() - started) / 1000;
model.unload();
console.log(
  JSON.stringify({
    peer: "ydf-training random forest (wasm, Node)",
    fit_s: fit,
    predict_s: predict,
    rows_train: train.length - 1,
    rows_valid: labels.length,
    auc: auc(scores, labels),
    best_f1: bestF1(scores, labels),
    mean_p: scores.reduce((a, b) => a + b, 0) / scores.length,
  }),
);
