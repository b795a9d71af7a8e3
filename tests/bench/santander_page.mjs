// Bench section "santander-page" (use cases 3.1 and 3.2 in the page): a generated Santander
// train_ver2.csv (`vitrine sample santander --scale S`, S from VITRINE_SANTANDER_SCALE, 0.1 by
// default) chosen in the real page in headless Chromium, then the propensity forests and the
// recommenders run with the views' default settings, as a user would. Read from the page: the
// load time, the run times the reports give, the engine worker's wasm memory after each step and
// the largest wasm memory of a worker of the pool (wasm memory never shrinks, so these are the
// peaks). The file is read into the compact months before the first run (its time and size from
// the view). The command line's release build runs the same two use cases on the same file
// beside (all cores, rayon), for scale.
//
// Full size (`VITRINE_SANTANDER_SCALE=1`: 13.6 M rows, 2.3 GB, above what a table holds): the
// file is profiled without being kept and the runs read it compactly. VITRINE_SANTANDER_TREES
// sets the forests' trees (the views' default otherwise) and VITRINE_SANTANDER_CLI=0 skips the
// command line, to keep a full-size run under an hour on 2 cores.
//
// `node tests/bench/santander_page.mjs` prints the section without writing BENCHMARKS.md.
import { statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { count, facts, idle, launch, upload } from "../e2e/harness.mjs";
import { machine, runJson, sample, vitrine, writeSection } from "./lib.mjs";

const SCALE = Number(process.env.VITRINE_SANTANDER_SCALE ?? "0.1");
/** Trees a forest, when not the views' default. */
const TREES = process.env.VITRINE_SANTANDER_TREES ?? null;
const WITH_CLI = process.env.VITRINE_SANTANDER_CLI !== "0";
/** A run of the page may take this long before the section gives up. */
const RUN_TIMEOUT = 30 * 60_000;

/** Rows of the published train_ver2.csv. */
const FULL_ROWS = 13_647_309;

const mb = (bytes) => (bytes / 2 ** 20).toFixed(0);

/** The pool's memory line under a result: engine worker, largest pool worker, workers. */
async function poolMemory(page) {
  const line = page.locator(".santander-memory");
  const read = async (name) => Number(await line.getAttribute(name));
  return {
    engine: await read("data-engine-memory"),
    worker: await read("data-worker-memory"),
    workers: await read("data-workers"),
  };
}

/** The compact read's line under a result: rows, bytes, seconds, and whether it was read before. */
async function compactRead(page) {
  const line = page.locator(".santander-compact");
  const read = async (name) => Number(await line.getAttribute(`data-${name}`));
  return {
    rows: await read("rows"),
    bytes: await read("bytes"),
    seconds: await read("seconds"),
    held: (await line.getAttribute("data-held")) === "true",
  };
}

/**
 * Runs the view `view`'s use case with its defaults (trees from `trees` when set) and returns the
 * figures its facts carry.
 */
async function runView(page, view, factsId, names, trees) {
  await page.locator(`button.tab[data-view='${view}']`).click();
  if (TREES) {
    await page.locator(trees).fill(TREES);
    await page.locator(trees).dispatchEvent("change");
  }
  const started = Date.now();
  await page.locator("#train").click();
  const box = page.locator(`#${factsId}`);
  await box.waitFor({ timeout: RUN_TIMEOUT });
  await idle(page);
  const wall = (Date.now() - started) / 1000;
  const figures = { wall };
  for (const name of names) figures[name] = await box.getAttribute(`data-${name}`);
  return { ...figures, memory: await poolMemory(page), compact: await compactRead(page) };
}

/** The command that reproduces the section. */
function command() {
  const env = [`VITRINE_SANTANDER_SCALE=${SCALE}`];
  if (TREES) env.push(`VITRINE_SANTANDER_TREES=${TREES}`);
  if (!WITH_CLI) env.push("VITRINE_SANTANDER_CLI=0");
  return `${env.join(" ")} npm run bench santander-page`;
}

export async function measure() {
  const dir = sample("santander", SCALE);
  const file = path.join(dir, "train_ver2.csv");
  const bytes = statSync(file).size;
  const session = await launch();
  let loaded;
  let propensity;
  let recommend;
  try {
    const page = await session.newPage();
    await page.locator("html[data-engine='ready']").waitFor({ timeout: 60_000 });
    const started = Date.now();
    await upload(page, [file]);
    await page.locator("main[data-view='profile'] .facts").waitFor({ timeout: RUN_TIMEOUT });
    await idle(page);
    const shown = await facts(page);
    const memory = await page.locator("main .facts .fact[data-fact='memory'] dd").getAttribute("data-bytes");
    loaded = { seconds: (Date.now() - started) / 1000, rows: count(shown.rows), memory: Number(memory) };
    propensity = await runView(
      page,
      "propensity",
      "propensity-facts",
      ["products", "trees", "seconds", "fit-seconds", "customers", "store-bytes"],
      "#pr-trees",
    );
    recommend = await runView(
      page,
      "recommend",
      "recommend-facts",
      [
        "method",
        "best",
        "map",
        "popularity-map",
        "forests-map",
        "customers",
        "customers-last",
        "knn-seconds",
        "seconds",
      ],
      "#rc-trees",
    );
    if (page.errors.length > 0) throw new Error(`page errors: ${page.errors.join("; ")}`);
  } finally {
    await session.close();
  }
  const n = (text, digits = 2) => Number(text).toFixed(digits);
  const bin = vitrine();
  const trees = TREES ? ["--trees", TREES] : [];
  const cliPropensity = WITH_CLI ? runJson(bin, ["propensity", "--input", file, ...trees]) : null;
  const cliRecommend = WITH_CLI ? runJson(bin, ["recommend", "--input", file, ...trees]) : null;
  const cliSeconds = (report) => (report ? n(report.seconds?.total ?? report.seconds, 1) : "not run");
  const compact = propensity.compact;
  const lines = [
    `## Santander in the page (use cases 3.1 and 3.2)`,
    ``,
    `\`${command()}\` — ${machine()}. A generated \`train_ver2.csv\``,
    `(\`vitrine sample santander --scale ${SCALE}\`: ${loaded.rows.toLocaleString("en")} rows, ${mb(bytes)} MB; synthetic, Santander's`,
    `columns and quirks) chosen in the page in headless Chromium, then each view run with its defaults`,
    `(${propensity.trees} trees a forest${TREES ? ", set for this run" : ""}). Wall seconds from the click to the result; memory is wasm memory`,
    `(never shrinks, so the peak): the engine worker's, and the largest of the ${propensity.memory.workers} pool workers'.`,
    ``,
    `| step | page wall s | report s | engine wasm MB | largest pool worker MB | command line s |`,
    `|---|---|---|---|---|---|`,
    `| load and profile the file | ${loaded.seconds.toFixed(1)} | | ${mb(loaded.memory)} | | |`,
    `| read it into the compact months (before the first run) | | ${n(compact.seconds, 1)} | | | |`,
    `| 3.1 propensity: ${propensity.products} forests, ${Number(propensity.customers).toLocaleString("en")} customers judged | ` +
      `${propensity.wall.toFixed(1)} | ${n(propensity.seconds, 1)} (fits ${n(propensity["fit-seconds"], 1)}) | ` +
      `${mb(propensity.memory.engine)} | ${mb(propensity.memory.worker)} | ${cliSeconds(cliPropensity)} |`,
    `| 3.2 recommend: 5 recommenders compared, every customer recommended | ${recommend.wall.toFixed(1)} | ` +
      `${n(recommend.seconds, 1)} (business k-NN, all customers: ${n(recommend["knn-seconds"], 2)}) | ` +
      `${mb(recommend.memory.engine)} | ${mb(recommend.memory.worker)} | ${cliSeconds(cliRecommend)} |`,
    ``,
    `Compact months: ${compact.rows.toLocaleString("en")} rows kept as ${mb(compact.bytes)} MB, read from the file as it streamed`,
    `(the 3.2 run read nothing again: ${recommend.compact.held ? "held" : "read again"}). Recommenders on the held-out month`,
    `(${Number(recommend.customers).toLocaleString("en")} customers with a take-up, out of ${Number(recommend["customers-last"]).toLocaleString("en")}):`,
    `default \`${recommend.method}\` MAP@3 ${n(recommend.map, 4)}, popularity ${n(recommend["popularity-map"], 4)},`,
    `forests ${n(recommend["forests-map"], 4)}; best on this file: \`${recommend.best}\`.`,
    ``,
    loaded.rows >= FULL_ROWS * 0.99
      ? `This is the published file's size: above what a table holds (1.5 GB of text), it is profiled without being kept, and the runs read it into the compact months.`
      : `Scaled by rows to the published file (x ${(FULL_ROWS / loaded.rows).toFixed(1)}), the compact months take about ${mb((compact.bytes * FULL_ROWS) / loaded.rows)} MB; \`VITRINE_SANTANDER_SCALE=1\` runs the full size.`,
  ];
  return lines.join("\n");
}

export async function run() {
  const markdown = await measure();
  writeSection("santander-page", markdown);
  console.log(markdown);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await measure());
}
