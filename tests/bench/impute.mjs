// Bench section "impute" (use case 2.1): `vitrine impute` (bootstrap EM, M = 5) against R's Amelia
// on the same CSVs in the same run: n x 20 multivariate normal tables with 20% of cells missing at
// random, and the Bosch station L3_S29 of a generated sample. Reports both times (excluding CSV
// reading on both sides), their ratio, EM iterations, and the largest relative difference
// between the two EM mean estimates (both converged to tolerance 1e-8 for that comparison). The
// same CSVs are then uploaded into the page in headless Chromium and imputed there with the same
// M and seed: the worker-measured seconds of the wasm run are reported beside native and Amelia.
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dataDir, machine, ratio, runJson, sample, sharedBench, vitrine, writeSection } from "./lib.mjs";
import { measurePageImpute } from "./page.mjs";

const M = 5;
const P = 20;

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

/** Writes n rows of a correlated 20-dimensional normal, 20% of cells blanked, once. */
async function table(n) {
  const file = path.join(dataDir, `impute_${n}x${P}.csv`);
  if (existsSync(file)) return file;
  mkdirSync(dataDir, { recursive: true });
  const u = rng(7);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const l = Array.from({ length: P }, (_, i) =>
    Array.from({ length: P }, (_, j) => (j === i ? 1 : j < i ? 0.5 * normal() : 0)),
  );
  const out = createWriteStream(file);
  out.write(`${Array.from({ length: P }, (_, j) => `x${j + 1}`).join(",")}\n`);
  const z = new Array(P);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < P; j++) z[j] = normal();
    const cells = [];
    for (let a = 0; a < P; a++) {
      let x = 2 * a - 10;
      for (let b = 0; b <= a; b++) x += l[a][b] * z[b];
      cells.push(u() < 0.2 ? "" : x.toFixed(6));
    }
    if (!out.write(`${cells.join(",")}\n`)) await new Promise((ok) => out.once("drain", ok));
  }
  await new Promise((ok) => out.end(ok));
  return file;
}

/** The L3_S29 columns of the rows that passed the station, as a CSV Amelia can take. */
function station(numericCsv, prefix) {
  const file = path.join(dataDir, `bosch_${prefix}.csv`);
  if (existsSync(file)) return file;
  const lines = readFileSync(numericCsv, "utf8").split("\n");
  const header = lines[0].split(",");
  const keep = header.flatMap((name, i) => (name.startsWith(`${prefix}_`) ? [i] : []));
  const rows = [keep.map((i) => header[i]).join(",")];
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const cells = line.split(",");
    const picked = keep.map((i) => cells[i]);
    if (picked.some((c) => c !== "")) rows.push(picked.join(","));
  }
  writeFileSync(file, `${rows.join("\n")}\n`);
  return file;
}

/** Largest |ours - theirs| / max(|theirs|, sd) over the columns. */
function meanDiff(ours, theirs) {
  let worst = 0;
  ours.em.mean.forEach((m, j) => {
    const sd = Math.sqrt(ours.em.cov[j][j]);
    worst = Math.max(worst, Math.abs(m - theirs.em_mean[j]) / Math.max(Math.abs(theirs.em_mean[j]), sd));
  });
  return worst;
}

async function compare(bin, label, csv, args) {
  console.log(`${label}: vitrine`);
  const ours = runJson(bin, ["impute", "--input", csv, "--m", String(M), "--seed", "1", ...args]);
  const tight = runJson(bin, ["impute", "--input", csv, "--m", "1", "--tolerance", "1e-8", ...args]);
  console.log(`${label}: amelia`);
  const amelia = runJson("Rscript", [path.join(sharedBench, "peer_amelia.R"), csv, String(M), "1"]);
  const names = tight.columns.join(",");
  if (names !== amelia.columns.join(",")) throw new Error(`${label}: column order differs`);
  console.log(`${label}: the page (wasm in headless Chromium)`);
  const page = await measurePageImpute(csv, { m: M, seed: 1 });
  if (page.columns !== ours.columns.length || page.rows !== ours.rows_used) {
    throw new Error(
      `${label}: the page imputed ${page.columns} x ${page.rows}, the CLI ${ours.columns.length} x ${ours.rows_used}`,
    );
  }
  const row = {
    page: page.seconds,
    pageCoverage: page.coverage,
    label,
    rows: ours.rows_used,
    cols: ours.columns.length,
    ours: ours.seconds,
    theirs: amelia.seconds,
    oursIter: ours.bootstrap_iterations.join("/"),
    theirIter: amelia.em_iterations.join("/"),
    diff: meanDiff(tight, amelia),
    coverage: ours.coverage,
  };
  console.log(JSON.stringify(row));
  return row;
}

export async function run() {
  const bin = vitrine();
  const rows = [];
  for (const n of [10_000, 100_000]) {
    rows.push(await compare(bin, `normal ${n} x ${P}, 20% missing`, await table(n), []));
  }
  const bosch = path.join(sample("bosch", 0.05), "train_numeric.csv");
  const s29 = station(bosch, "L3_S29");
  rows.push(await compare(bin, "Bosch L3_S29 (sample 0.05)", s29, []));

  const lines = [
    "## Multiple imputation (use case 2.1): `vitrine impute` and the page vs R Amelia, M = 5",
    "",
    `Command: \`npm run bench impute\` — ${machine()}. Times exclude reading the CSV on all sides;`,
    "ours include the diagnostics (histograms, overimputation on 500 rows, Rubin pooling), serial",
    '(one thread), like Amelia. EM means are compared at tolerance 1e-8 on both sides. "wasm" is',
    "the page itself: the CSV uploaded in headless Chromium, imputed in its worker with the same M",
    "and seed, timed by the worker (the figure the view shows).",
    "",
    "| data | rows | cols | native s | wasm (page) s | Amelia s | native/Amelia | wasm/Amelia | wasm/native | bootstrap EM iterations (ours; Amelia) | max rel. diff EM mean | overimputation coverage (90%, native; page) |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.label} | ${r.rows} | ${r.cols} | ${r.ours.toFixed(2)} | ${r.page.toFixed(2)} | ${r.theirs.toFixed(2)} | ${ratio(r.ours, r.theirs)} | ${ratio(r.page, r.theirs)} | ${ratio(r.page, r.ours)} | ${r.oursIter}; ${r.theirIter} | ${r.diff.toExponential(1)} | ${r.coverage.toFixed(3)}; ${r.pageCoverage.toFixed(3)} |`,
    ),
  ];
  writeSection("impute", lines.join("\n"));
  console.log(lines.join("\n"));
}
