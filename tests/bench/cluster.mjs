// Bench section "cluster" (use case 1.2): Gower distance + Ward (ward.D2) hierarchical clustering,
// `vitrine cluster --table` against R's cluster::daisy + hclust (../shared/bench/peer_hclust.R) on
// the same CSVs in the same run: the real Rossmann store.csv (1,115 stores), the store profiles of
// a generated Rossmann sample (1,115 stores, 17 behaviour and attribute columns), and store.csv-
// shaped tables of 5,000 and 20,000 entities (real store rows drawn with replacement, competition
// distance jittered). Times exclude reading the CSV on both sides: ours is distance + tree (one
// thread, as R), R's is daisy + hclust. Heights are compared merge by merge; labels at k = 4 by
// adjusted Rand index. Then the same Gower + Ward in the page: wasm in headless Chromium, through
// the clusters view's generic mode (upload, cluster the rows by Store), timed by the worker.
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { adjustedRandIndex } from "../metrics.mjs";
import {
  dataDir,
  machine,
  median,
  ratio,
  root,
  run as runCommand,
  runJson,
  sample,
  sharedBench,
  vitrine,
  writeSection,
} from "./lib.mjs";
import { measurePageCluster } from "./page.mjs";
import { ingestFile, nodeEngine, runUseCase } from "./wasm.mjs";

const K = 4;
const REAL_STORE = path.resolve(root, "../shared/data/real/rossmann_store.csv");

/** Seeded uniform generator (mulberry32): the same tables on every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Splits one line of store.csv (quoted fields may hold commas). */
function fields(line) {
  const out = [];
  let cell = "";
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === "," && !quoted) {
      out.push(cell);
      cell = "";
    } else cell += ch;
  }
  out.push(cell);
  return out;
}

/** n store.csv-shaped rows: real rows drawn with replacement, CompetitionDistance jittered. */
async function storeLike(n) {
  const file = path.join(dataDir, `cluster_stores_${n}.csv`);
  if (existsSync(file)) return file;
  const lines = readFileSync(REAL_STORE, "utf8").trim().split("\n");
  const header = fields(lines[0]);
  const rows = lines.slice(1).map(fields);
  const distance = header.indexOf("CompetitionDistance");
  const u = rng(11);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const quote = (c) => (/^-?[0-9.]*$/.test(c) ? c : `"${c}"`);
  const out = createWriteStream(file);
  out.write(`${header.map((h) => `"${h}"`).join(",")}\n`);
  for (let r = 1; r <= n; r++) {
    const cells = [...rows[Math.floor(u() * rows.length)]];
    cells[0] = String(r);
    if (cells[distance] !== "") {
      cells[distance] = String(Math.round((Number(cells[distance]) * Math.exp(0.3 * normal())) / 10) * 10);
    }
    if (!out.write(`${cells.map(quote).join(",")}\n`)) await new Promise((ok) => out.once("drain", ok));
  }
  await new Promise((ok) => out.end(ok));
  return file;
}

/** The store profiles of a generated Rossmann sample, written by `vitrine cluster --save-profiles`. */
function sampleProfiles(bin) {
  const file = path.join(dataDir, "cluster_profiles_rossmann-1-42.csv");
  if (existsSync(file)) return file;
  const dir = sample("rossmann", 1, 42);
  runCommand(bin, [
    "cluster",
    "--train",
    path.join(dir, "train.csv"),
    "--store",
    path.join(dir, "store.csv"),
    "--save-profiles",
    file,
  ]);
  return file;
}

/** Largest |ours - R| over the merges relative to the largest height, and how many merges
 * differ by more than 1e-6 of it (tied distances let both sides pick different, equally valid
 * merges; the heights after such a pick can differ). */
function heightDiff(ours, theirs) {
  if (ours.length !== theirs.length) return { max: Number.POSITIVE_INFINITY, differ: Number.NaN };
  const top = Math.max(...theirs.map(Math.abs));
  const diffs = ours.map((h, i) => Math.abs(h - theirs[i]) / top);
  return { max: Math.max(0, ...diffs), differ: diffs.filter((d) => d > 1e-6).length };
}

function compare(bin, label, csv) {
  console.log(`${label}: vitrine`);
  const started = process.hrtime.bigint();
  const ours = runJson(bin, ["cluster", "--table", csv, "--id", "Store", "--k", String(K), "--threads", "1"]);
  const oursWall = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${label}: R daisy + hclust`);
  const rStarted = process.hrtime.bigint();
  const r = runJson("Rscript", [path.join(sharedBench, "peer_hclust.R"), csv, "ward.D2", String(K), "Store"]);
  const rWall = Number(process.hrtime.bigint() - rStarted) / 1e9;
  const row = {
    label,
    n: ours.n,
    cols: ours.variables.length,
    ours: ours.seconds.distance + ours.seconds.tree,
    oursWall,
    theirs: r.seconds,
    rWall,
    heights: heightDiff(ours.heights, r.heights),
    ari: adjustedRandIndex(ours.labels, r.labels),
    suggested: ours.suggested_k,
  };
  console.log(JSON.stringify(row));
  return row;
}

/**
 * Gower + Ward on the rows of `csv` by the wasm engine in Node, timed as the page's worker times
 * it (from the distance stage opening to the stage after the tree opening): the median of `runs`.
 */
async function wasmInNode(csv, runs) {
  const engine = await nodeEngine();
  await ingestFile(engine, csv);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const opened = {};
    const params = { source: "table", table: path.basename(csv), id: "Store", linkage: "ward", k: K };
    runUseCase(engine, "cluster", params, (p) => {
      if (p.total === 0) opened[p.stage] = performance.now();
      return true;
    });
    const stages = Object.entries(opened).sort((a, b) => a[1] - b[1]);
    const after = stages.findIndex(([stage]) => stage === "tree") + 1;
    times.push((stages[after][1] - opened.distance) / 1000);
  }
  engine.remove_table(path.basename(csv));
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

export async function run() {
  const bin = vitrine();
  const rows = [];
  rows.push(compare(bin, "Rossmann store.csv (real)", REAL_STORE));
  rows.push(compare(bin, "Rossmann sample store profiles (scale 1, seed 42)", sampleProfiles(bin)));
  for (const n of [5_000, 20_000]) {
    rows.push(compare(bin, `store.csv-shaped, ${n}`, await storeLike(n)));
  }
  const node = [];
  for (const [label, csv] of [
    ["Rossmann store.csv (real)", REAL_STORE],
    ["Rossmann sample store profiles (scale 1, seed 42)", sampleProfiles(bin)],
    ["store.csv-shaped, 5000", await storeLike(5_000)],
    ["store.csv-shaped, 20000", await storeLike(20_000)],
  ]) {
    console.log(`${label}: wasm in Node`);
    const peer = rows.find((r) => r.label === label);
    node.push({
      label,
      n: peer.n,
      wasm: await wasmInNode(csv, peer.n > 10_000 ? 1 : 3),
      native: peer.ours,
      r: peer.theirs,
    });
  }
  const browser = [];
  for (const [label, csv] of [
    ["Rossmann store.csv (real)", REAL_STORE],
    ["Rossmann sample store profiles (scale 1, seed 42)", sampleProfiles(bin)],
    ["store.csv-shaped, 5000", await storeLike(5_000)],
  ]) {
    console.log(`${label}: the page in headless Chromium`);
    const page = await measurePageCluster(csv, { k: K });
    const peer = rows.find((r) => r.label === label);
    const row = {
      label,
      n: page.n,
      wasm: median(page.runs.map((r) => r.distanceTree)),
      first: page.runs[0].distanceTree,
      whole: median(page.runs.map((r) => r.seconds)),
      native: peer.ours,
      r: peer.theirs,
    };
    console.log(JSON.stringify(row));
    browser.push(row);
  }
  const ms = (s) => (s * 1000).toFixed(0);
  const lines = [
    "## Store clustering (use case 1.2): `vitrine cluster --table` vs R cluster::daisy + hclust, Gower + Ward (ward.D2)",
    "",
    `Command: \`npm run bench cluster\` — ${machine()}. Times exclude reading the CSV on both sides:`,
    "ours is Gower distance + tree (`--threads 1`, as R is serial), R's is `daisy` + `hclust`. Wall",
    "times are whole processes (ours also reads, draws the map and describes the clusters; R also",
    "starts up and reads). Heights: largest |ours - R| over the n - 1 merges, over the largest",
    "height (our CSV reader keeps decimals as f32), and the number of merges differing by more than",
    "1e-6 of it: Gower distances on categories and integers tie often, and tied pairs may merge in",
    "either order, after which heights can differ (both trees are valid Ward trees). Labels:",
    "adjusted Rand index of the two cuts at k = 4.",
    "",
    "| data | entities | columns | vitrine s | R s | ratio (ours/R) | vitrine wall s | R wall s | max height diff | merges differing | ARI labels k = 4 | suggested k |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.label} | ${r.n} | ${r.cols} | ${r.ours.toFixed(3)} | ${r.theirs.toFixed(3)} | ${ratio(r.ours, r.theirs)} | ${r.oursWall.toFixed(2)} | ${r.rWall.toFixed(2)} | ${r.heights.max.toExponential(1)} | ${r.heights.differ} | ${r.ari.toFixed(4)} | ${r.suggested} |`,
    ),
    "",
    "In the browser: the same Gower + Ward as wasm in headless Chromium, through the page (upload the",
    "CSV, clusters view, rows of the table by `Store`, Ward, k = 4), timed by the worker: distance +",
    "tree is the median of 3 runs in the same page (the first run, before the engine's code is",
    "optimised, in brackets); the whole run adds building the entity table, the PCA/FAMD map and the",
    "cluster description. Native and R figures are the rows above, from the same run.",
    "",
    "| data | entities | wasm in Chromium, distance + tree ms (first run) | whole run in the page ms | native ms | R daisy + hclust ms | wasm / native | wasm / R |",
    "|---|---|---|---|---|---|---|---|",
    ...browser.map(
      (b) =>
        `| ${b.label} | ${b.n} | ${ms(b.wasm)} (${ms(b.first)}) | ${ms(b.whole)} | ${ms(b.native)} | ${ms(b.r)} | ${ratio(b.wasm, b.native)} | ${ratio(b.wasm, b.r)} |`,
    ),
  ];
  lines.push(
    "",
    `The wasm engine in Node ${process.version} (the module the page loads, same calls as the worker; median of 3 runs,`,
    "1 run at 20,000), distance + tree, beside native and R from the same run:",
    "",
    "| data | entities | wasm in Node s | native s | R s | wasm / native | wasm / R |",
    "|---|---|---|---|---|---|---|",
    ...node.map(
      (b) =>
        `| ${b.label} | ${b.n} | ${b.wasm.toFixed(3)} | ${b.native.toFixed(3)} | ${b.r.toFixed(3)} | ${ratio(b.wasm, b.native)} | ${ratio(b.wasm, b.r)} |`,
    ),
  );
  writeSection("cluster", lines.join("\n"));
  console.log(lines.join("\n"));
}
