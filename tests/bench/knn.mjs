// Bench section "knn" (use case 3.2): our user-based k-NN recommender (crates/learn/examples/
// knn_bench.rs) against scikit-surprise's KNNBasic, user-based cosine, k = 40
// (../shared/bench/peer_knn.py), on the same customers in the same run: a generated Santander
// sample (scale 0.05), holdings of the last month but one, truth = products added in the last
// month, 10,000 customers drawn at random (the peer holds a dense user x user similarity matrix,
// so a sample both can hold). Precision@3 over the customers who added a product, as the peer
// computes it. Then ours alone on every customer of a full-size sample (scale 1, about 925,000
// customers): the business's formula (holdings as r_vi, cosine and Jaccard), the same with
// recent take-ups as r_vi, and the popularity baseline, all on the same truth.
//
// `node tests/bench/knn.mjs` prints the section without writing BENCHMARKS.md.
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { runPeerWithCpu } from "./cpu.mjs";
import { dataDir, machine, run as runCommand, runJson, sharedBench, writeSection } from "./lib.mjs";

const SAMPLE_USERS = 10_000;

/** Writes the peer's user,item files once under bench-data/. */
function peerFiles(scale, users) {
  const dir = path.join(dataDir, `santander-knn-${scale}-${users}`);
  if (!existsSync(path.join(dir, "recent.csv"))) {
    runCommand("target/release/examples/knn_bench", [
      "--write-peer",
      dir,
      "--users",
      String(users),
      "--scale",
      String(scale),
    ]);
  }
  return dir;
}

export async function measure() {
  runCommand("cargo", ["build", "--release", "-p", "learn", "--example", "knn_bench"]);
  const bin = "target/release/examples/knn_bench";
  const sample = peerFiles(0.05, SAMPLE_USERS);
  const files = ["--holdings", path.join(sample, "holdings.csv"), "--added", path.join(sample, "added.csv")];
  const ours = runJson(bin, files);
  const peer = runPeerWithCpu(path.join(sharedBench, "peer_knn.py"), files);
  const [peerFitCpu, peerRecommendCpu] = peer.cpu;
  const full = runJson(bin, ["--full", "--scale", "1"]);
  const oursTotal = ours.fit_s + ours.recommend_s;
  const peerTotal = peer.fit_s + peer.recommend_s;
  const oursCpu = ours.fit_cpu_s + ours.recommend_cpu_s;
  const peerCpu = peerFitCpu + peerRecommendCpu;
  const lines = [
    `## k-NN recommendations, Santander (use case 3.2)`,
    ``,
    `\`node tests/bench/knn.mjs\` — ${machine()}. ${ours.users.toLocaleString("en")} customers holding at least one of`,
    `${ours.items} products (a random sample of \`vitrine sample santander --scale 0.05\`), ${ours.users_scored} of whom`,
    `added a product the next month; user-based cosine, k = 40, top 3.`,
    ``,
    `| engine | fit s (CPU) | recommend s (CPU) | peer / ours, wall (CPU) | precision@3 | recall@3 |`,
    `|---|---|---|---|---|---|`,
    `| vitrine, 1 thread | ${ours.fit_s.toFixed(3)} (${ours.fit_cpu_s.toFixed(3)}) | ${ours.recommend_s.toFixed(4)} (${ours.recommend_cpu_s.toFixed(4)}) | ` +
      `${Math.round(peerTotal / oursTotal)} (${Math.round(peerCpu / oursCpu)}) | ${ours["precision@3"].toFixed(4)} | ${ours["recall@3"].toFixed(4)} |`,
    `| vitrine, ties by item name | | ${ours.ties_by_item_name.recommend_s.toFixed(4)} | | ${ours.ties_by_item_name["precision@3"].toFixed(4)} | ${ours.ties_by_item_name["recall@3"].toFixed(4)} |`,
    `| ${peer.peer} ${peer.version} | ${peer.fit_s.toFixed(1)} (${peerFitCpu.toFixed(1)}) | ${peer.recommend_s.toFixed(1)} (${peerRecommendCpu.toFixed(1)}) | 1 | ` +
      `${peer["precision@3"].toFixed(4)} | ${peer["recall@3"].toFixed(4)} |`,
    ``,
    `Our scores equal an all-pairs k-NN's (property test); where the k-th neighbour is tied we share`,
    `the place among the tied customers, and items of equal score go by popularity. Broken by item`,
    `name instead, as the peer's stable sort does, ours lands on the peer's precision: the gap is`,
    `the tie order, not the formula.`,
    ``,
    `Every customer of \`vitrine sample santander --scale 1\` (${full.customers.toLocaleString("en")} customers present in the last`,
    `three months, ${full.customers_adding.toLocaleString("en")} adding a product), one thread:`,
    ``,
    `| method | patterns | fit s (CPU s) | recommend s | precision@3 | recall@3 | MAP@3 |`,
    `|---|---|---|---|---|---|---|`,
    ...full.runs.map(
      (r) =>
        `| ${r.method} | ${r.patterns ?? ""} | ${r.fit_s.toFixed(2)}${r.fit_cpu_s === undefined ? "" : ` (${r.fit_cpu_s.toFixed(2)})`} | ` +
        `${r.recommend_s === undefined ? "" : r.recommend_s.toFixed(3)} | ${r["precision@3"].toFixed(4)} | ${r["recall@3"].toFixed(4)} | ${r["map@3"].toFixed(4)} |`,
    ),
  ];
  return lines.join("\n");
}

export async function run() {
  const markdown = await measure();
  writeSection("knn", markdown);
  console.log(markdown);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await measure());
}
