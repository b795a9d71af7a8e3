// Use case 2.1 in the page: load the Bosch sample, look at where the holes are, pick a station,
// impute it, and read the result against what the generator planted (crates/samples/src/bosch.rs:
// inside a visited station, features are a one-factor Gaussian with means in [-0.2, 0.2] and
// standard deviations in [0.02, 0.12], and 5 % of visited cells are blanked completely at random;
// every route passes L3_S29). Then the generic mode on an uploaded numeric CSV with planted
// correlated columns, and a cancel that keeps the loaded files.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ARTIFACTS, FIXTURES, idle, launch, loadedNames, loadSample, upload } from "./harness.mjs";

/** Imputing on a busy 2-core machine. */
const RUN_TIMEOUT = 120_000;

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

/** Rows of a CSV without quoted fields: {header, rows: Map(first cell -> cells)}. */
function parseCsv(text, key = 0) {
  const lines = text.trimEnd().split("\n");
  const header = lines[0].split(",");
  const rows = lines.slice(1).map((l) => l.split(","));
  return { header, rows, byKey: new Map(rows.map((r) => [r[key], r])) };
}

async function save(page, locator, name) {
  const [download] = await Promise.all([page.waitForEvent("download"), locator.click()]);
  const path = join(ARTIFACTS, name);
  await download.saveAs(path);
  return readFileSync(path, "utf8");
}

async function openImpute(page) {
  await page.locator("button.tab[data-view='impute']").click();
  await page.locator("section.impute-form").waitFor({ timeout: RUN_TIMEOUT });
  await idle(page);
}

/** Waits until the plan shows its figures, and returns them. */
async function plan(page) {
  const facts = page.locator(".plan-facts");
  await facts.waitFor();
  return {
    columns: Number(await facts.getAttribute("data-columns")),
    rows: Number(await facts.getAttribute("data-rows")),
    bytes: Number(await facts.getAttribute("data-bytes")),
  };
}

async function run(page) {
  await page.locator("#impute-run:not([disabled])").click();
  await page.locator("#impute-facts").waitFor({ timeout: RUN_TIMEOUT });
  await idle(page);
}

async function painted(canvas) {
  return canvas.evaluate((c) => {
    const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n += 1;
    return n;
  });
}

/** Checks a completed dataset against the original file: no empty cell, observed cells kept. */
function checkCompleted(original, completed, columns) {
  const source = columns.map((name) => original.header.indexOf(name));
  assert.ok(
    source.every((i) => i >= 0),
    "every imputed column is in the original file",
  );
  let holes = 0;
  for (const row of completed) {
    const before = original.byKey.get(row[0]);
    assert.ok(before, `row ${row[0]} is in the original file`);
    columns.forEach((name, j) => {
      const cell = row[j + 1];
      assert.notEqual(cell, "", `row ${row[0]}, ${name}: empty after imputation`);
      assert.ok(Number.isFinite(Number(cell)), `row ${row[0]}, ${name}: ${cell}`);
      const was = before[source[j]];
      if (was === "") holes += 1;
      else assert.equal(Number(cell), Number(was), `row ${row[0]}, ${name}: observed ${was} changed to ${cell}`);
    });
  }
  return holes;
}

test("the Bosch sample: holes by line and station, one station imputed and checked", async () => {
  const page = await env.newPage();
  await loadSample(page, "bosch");
  // The original file, to check that observed cells come back unchanged.
  await page.locator("button.file-tab[data-file='train_numeric.csv']").click();
  const original = parseCsv(await save(page, page.locator("#download"), "bosch_train_numeric.csv"));
  await idle(page);

  await openImpute(page);
  // The missingness view: four lines, the stations as bars, the dominant routes.
  const lines = await page.locator(".share-bars.lines li").evaluateAll((els) => els.map((e) => e.dataset.line));
  assert.deepEqual(lines, ["0", "1", "2", "3"]);
  const stations = await page
    .locator(".station-bar")
    .evaluateAll((els) => Object.fromEntries(els.map((e) => [e.dataset.station, Number(e.dataset.share)])));
  assert.ok(Object.keys(stations).length > 40, `${Object.keys(stations).length} stations`);
  // Every route passes L3_S29: its holes are the 5 % blanked at random. Stations off most
  // routes are mostly empty.
  assert.ok(Math.abs(stations.L3_S29 - 0.05) < 0.01, `L3_S29 missing ${stations.L3_S29}`);
  assert.ok(stations.L0_S0 > 0.5, `L0_S0 missing ${stations.L0_S0}`);
  assert.ok((await painted(page.locator("canvas.pattern-map"))) > 5000);
  const patternRows = page.locator("table.patterns tbody tr");
  assert.ok((await patternRows.count()) >= 4);
  assert.match(await patternRows.first().textContent(), /L0_S0 .*L3_S29/);

  // The picker: L3_S29 (visited by every part) is chosen first; adding a station adds its
  // columns to the plan, and an invalid pattern is refused with its reason.
  const s29 = page.locator("input[data-station='L3_S29']");
  assert.equal(await s29.isChecked(), true);
  const s29Columns = Number((await s29.locator("xpath=..").textContent()).match(/\((\d+) columns\)/)[1]);
  const first = await plan(page);
  assert.equal(first.columns, s29Columns);
  assert.equal(first.rows, original.rows.length);
  assert.ok(first.bytes > 0);
  const s0 = page.locator("input[data-station='L0_S0']");
  const s0Columns = Number((await s0.locator("xpath=..").textContent()).match(/\((\d+) columns\)/)[1]);
  await s0.check();
  await page.locator(`.plan-facts[data-columns='${s29Columns + s0Columns}']`).waitFor();
  await s0.uncheck();
  await page.locator("#impute-pattern").fill("L3_S29_F(");
  await page.locator(".plan-error", { hasText: "not valid" }).waitFor();
  assert.equal(await page.locator("#impute-run").isDisabled(), true);
  await page.locator("#impute-pattern").fill("");
  assert.equal((await plan(page)).columns, s29Columns);

  await run(page);
  const seconds = Number(await page.locator(".fact[data-fact='seconds'] dd").getAttribute("data-seconds"));
  assert.ok(seconds > 0 && seconds < RUN_TIMEOUT / 1000, `${seconds} s`);
  const coverage = Number(await page.locator(".fact[data-fact='coverage'] dd").getAttribute("data-coverage"));
  assert.ok(coverage >= 0.8 && coverage <= 0.97, `overimputation coverage ${coverage}`);

  // Rubin's pooled means: within the planted range, and beside the observed means (the holes
  // of L3_S29 are completely at random); the total SE matches the planted spread.
  const pooled = await page.locator("table.impute-pooled tbody tr").evaluateAll((els) =>
    els.map((e) => ({
      column: e.dataset.column,
      estimate: Number(e.dataset.estimate),
      se: Number(e.dataset.se),
      observed: Number(e.dataset.observedMean),
    })),
  );
  assert.equal(pooled.length, s29Columns);
  const n = original.rows.length;
  for (const p of pooled) {
    assert.ok(p.column.startsWith("L3_S29_"), p.column);
    assert.ok(Math.abs(p.estimate) <= 0.21, `${p.column}: pooled mean ${p.estimate}`);
    assert.ok(Math.abs(p.estimate - p.observed) < 2 * p.se, JSON.stringify(p));
    const sd = p.se * Math.sqrt(n);
    assert.ok(sd > 0.015 && sd < 0.13, `${p.column}: implied sd ${sd}`);
  }
  // The spread between datasets: one row per column, the imputed means differ.
  const spreads = await page
    .locator("table.impute-spread tbody tr")
    .evaluateAll((els) => els.map((e) => Number(e.dataset.betweenSd)));
  assert.equal(spreads.length, s29Columns);
  assert.ok(spreads.every((sd) => sd > 0));
  // The charts are drawn.
  assert.ok((await painted(page.locator(".impute-chart canvas").first())) > 1000);
  assert.ok((await painted(page.locator("canvas.overimpute"))) > 500);
  const columnCoverage = Number(await page.locator(".coverage-line").getAttribute("data-coverage"));
  assert.ok(columnCoverage > 0.5, `column coverage ${columnCoverage}`);

  // Dataset 1 and the long file: no empty cell, observed cells unchanged, holes filled.
  const holes = Number(await page.locator(".fact[data-fact='holes'] dd").getAttribute("data-holes"));
  const one = parseCsv(await save(page, page.locator("button[data-download='1']"), "imputed_1.csv"));
  await idle(page);
  assert.equal(one.header[0], "Id");
  assert.equal(one.header.length - 1, s29Columns);
  assert.equal(one.rows.length, n);
  assert.equal(checkCompleted(original, one.rows, one.header.slice(1)), holes);
  const long = parseCsv(await save(page, page.locator("button[data-download='0']"), "imputed_long.csv"), 1);
  await idle(page);
  assert.deepEqual(long.header.slice(0, 2), [".imp", "Id"]);
  assert.equal(long.rows.length, 5 * n);
  const imps = new Set(long.rows.map((r) => r[0]));
  assert.deepEqual([...imps], ["1", "2", "3", "4", "5"]);
  checkCompleted(
    original,
    long.rows.map((r) => r.slice(1)),
    long.header.slice(2),
  );
  // The first block of the long file is dataset 1; dataset 2 differs in the holes.
  assert.deepEqual(
    long.rows.slice(0, n).map((r) => r.slice(1).join(",")),
    one.rows.map((r) => r.join(",")),
  );
  const second = long.rows.slice(n, 2 * n);
  const differing = second.filter((r, i) => r.slice(1).join(",") !== one.rows[i].join(",")).length;
  assert.ok(differing > 0.5 * Math.min(n, holes), `${differing} rows of dataset 2 differ`);

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, "impute.png"), fullPage: true });
  assert.deepEqual(page.errors, []);
});

test("an uploaded numeric CSV is imputed from its correlated columns", async () => {
  const page = await env.newPage();
  const fixture = join(FIXTURES, "correlated_holes.csv");
  await upload(page, [fixture]);
  await page.locator("main[data-view='profile'] .facts").waitFor();
  await idle(page);
  await openImpute(page);
  // No station names: the patterns are sets of observed columns, one checkbox per column.
  assert.equal(await page.locator(".station-bar").count(), 0);
  const boxes = await page.locator("input[data-column]").evaluateAll((els) => els.map((e) => [e.value, e.checked]));
  assert.deepEqual(boxes, [
    ["width", true],
    ["height", true],
    ["depth", true],
    ["weight", true],
  ]);
  assert.equal((await plan(page)).columns, 4);
  await page.locator("#impute-boundToObserved").check();
  await run(page);
  await page.locator("p[data-option='bounds']").waitFor();
  const coverage = Number(await page.locator(".fact[data-fact='coverage'] dd").getAttribute("data-coverage"));
  assert.ok(coverage >= 0.8 && coverage <= 0.97, `overimputation coverage ${coverage}`);

  // Planted: height = 3 + 0.5 width + N(0, 0.3²), weight = 1.5 width + N(0, 0.4²). An imputed
  // height follows the row's width (or, where width is missing too, depth and weight).
  const original = parseCsv(readFileSync(fixture, "utf8"));
  const one = parseCsv(await save(page, page.locator("button[data-download='1']"), "correlated_imputed_1.csv"));
  assert.deepEqual(one.header, ["Id", "width", "height", "depth", "weight"]);
  assert.equal(checkCompleted(original, one.rows, one.header.slice(1)) > 0, true);
  let filled = 0;
  let close = 0;
  for (const row of one.rows) {
    const before = original.byKey.get(row[0]);
    if (before[2] !== "" || before[1] === "") continue;
    filled += 1;
    if (Math.abs(Number(row[2]) - (3 + 0.5 * Number(row[1]))) < 0.9) close += 1;
  }
  // Bounded to the observed range, as ticked.
  for (const [j, name] of one.header.entries()) {
    if (j === 0) continue;
    const observed = original.rows
      .map((r) => r[j])
      .filter((c) => c !== "")
      .map(Number);
    const [lo, hi] = [Math.min(...observed), Math.max(...observed)];
    const outside = one.rows.filter((r) => Number(r[j]) < lo || Number(r[j]) > hi);
    assert.deepEqual(outside, [], `${name} outside [${lo}, ${hi}]`);
  }
  assert.ok(filled >= 50, `${filled} heights imputed`);
  assert.ok(close >= 0.95 * filled, `${close} of ${filled} imputed heights within 3 sd of 3 + 0.5 width`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, "impute_generic.png"), fullPage: true });
  // Every string of the view exists in both languages (a missing one would show its key).
  assert.ok(!(await page.locator("main").textContent()).includes("impute."));
  await page.locator("button.lang-button[lang='fr']").click();
  await page.locator("main h1", { hasText: "Combler les trous" }).waitFor();
  await page.locator("table.impute-pooled th", { hasText: "Moyenne combinée" }).waitFor();
  assert.ok(!(await page.locator("main").textContent()).includes("impute."));
  assert.deepEqual(page.errors, []);
});

test("imputing reports each bootstrap and can be cancelled, keeping the loaded files", async () => {
  const page = await env.newPage();
  await loadSample(page, "bosch");
  await openImpute(page);
  await page.locator("input[data-station='L0_S0']").check();
  await page.locator("#impute-m").fill("100");
  await page.locator("#impute-m").dispatchEvent("change");
  await plan(page);
  await page.locator("#impute-run:not([disabled])").click();
  const job = page.locator("section.job");
  const running = /(?:Bootstrap|Dataset) (\d+) of 100/;
  await job.getByText(running).waitFor({ timeout: RUN_TIMEOUT });
  const first = Number((await job.textContent()).match(running)[1]);
  await page.waitForTimeout(1000);
  const later = Number((await job.textContent()).match(running)[1]);
  assert.ok(later > first, `progress moves: bootstrap ${first} then ${later}`);
  await page.locator("#cancel").click();
  await idle(page);
  await page.locator(".notice", { hasText: "cancelled" }).waitFor();
  assert.equal(await page.locator("#impute-facts").count(), 0);
  assert.deepEqual(await loadedNames(page), ["train_date.csv", "train_numeric.csv"]);
  assert.deepEqual(page.errors, []);
});
