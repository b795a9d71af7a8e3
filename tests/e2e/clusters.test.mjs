// Use case 1.2 in the page: load the Rossmann sample, open the clusters view, run with the
// defaults, then read the clusters back from the page (the store -> cluster download) and check
// them against the sample's planted store segments; move the k slider and check that everything
// follows; hover the map. Then the generic mode on the public store.csv (1,115 stores).

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { adjustedRandIndex } from "../metrics.mjs";
import { ARTIFACTS, count, FIXTURES, idle, launch, loadSample, ROOT, upload } from "./harness.mjs";

const RUN_TIMEOUT = 120_000;
const SEED = 42n;

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

// The planted segment of a sample store, as crates/samples/src/rossmann.rs draws it: the first
// draw of the store's SplitMix64 stream (seed, STREAM_STORE, store) picks a segment by share.
const MASK = (1n << 64n) - 1n;
const GOLDEN = 0x9e3779b97f4a7c15n;
function mix(value) {
  let z = (value + GOLDEN) & MASK;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
  return z ^ (z >> 31n);
}
const STREAM_STORE = 0x5701n;
const SEGMENT_SHARES = [0.4, 0.08, 0.22, 0.3];
const SEGMENT_STORE_TYPES = ["a", "b", "c", "d"];
function plantedSegment(store, seed = SEED) {
  const state = mix(mix(seed ^ mix(STREAM_STORE)) ^ ((BigInt(store) * 0xd6e8feb86659fd93n) & MASK));
  const unit = Number(mix(state) >> 11n) * 2 ** -53;
  let x = unit * SEGMENT_SHARES.reduce((a, b) => a + b, 0);
  for (const [i, share] of SEGMENT_SHARES.entries()) {
    if (x < share) return i;
    x -= share;
  }
  return SEGMENT_SHARES.length - 1;
}

async function openAndRun(page) {
  await page.locator("button.tab[data-view='clusters']").click();
  await page.locator("#cluster-run").click();
  await page.locator("[data-fact='seconds'] dd").waitFor({ timeout: RUN_TIMEOUT });
  await idle(page);
}

async function fact(page, key) {
  return page.locator(`[data-fact='${key}'] dd`).evaluate((dd) => ({ text: dd.textContent, ...dd.dataset }));
}

/** Moves the k slider with the keyboard, as a user would, and waits for the charts to follow. */
async function slideTo(page, k) {
  const slider = page.locator("#cl-slider");
  const now = Number(await slider.inputValue());
  await slider.focus();
  for (let i = 0; i < Math.abs(k - now); i++) await page.keyboard.press(k > now ? "ArrowRight" : "ArrowLeft");
  await page.locator(`.cl-cut[data-k='${k}']`).waitFor();
}

/** The store -> cluster download, parsed: {header, rows: [{id, cluster, distance, anomaly}]}. */
async function downloadAssignments(page, name) {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator("button[data-download='assignments']").click(),
  ]);
  const path = join(ARTIFACTS, name);
  await download.saveAs(path);
  const [header, ...lines] = readFileSync(path, "utf8").trimEnd().split("\n");
  const rows = lines.map((line) => {
    const [id, cluster, distance, score, anomaly] = line.split(",");
    return { id, cluster: Number(cluster), distance: Number(distance), score: Number(score), anomaly: anomaly === "1" };
  });
  return { header, rows };
}

/** Painted (non-transparent) pixels of a canvas. */
async function painted(locator) {
  return locator.evaluate((c) => {
    const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n += 1;
    return n;
  });
}

test("the planted port of the segments agrees with the sample's store types", async () => {
  // 90 % of a segment's stores carry its store type: the JS port of the draw must show that on
  // the store.csv the engine writes (the same wasm in Node, seed 42).
  const engine = await import(join(ROOT, "www", "pkg", "vitrine_wasm.js"));
  engine.initSync({ module: readFileSync(join(ROOT, "www", "pkg", "vitrine_wasm_bg.wasm")) });
  const text = new TextDecoder().decode(engine.generate_sample("rossmann", "store.csv", SEED, () => {}));
  const stores = text
    .trimEnd()
    .split("\n")
    .slice(1)
    .map((line) => line.split(","));
  const agree = stores.filter(([id, type]) => type === `"${SEGMENT_STORE_TYPES[plantedSegment(Number(id))]}"`);
  assert.ok(stores.length > 100, `${stores.length} stores`);
  assert.ok(agree.length / stores.length > 0.85, `${agree.length} of ${stores.length}`);
});

test("the Rossmann sample's stores fall into the planted segments, and the k slider recuts live", async () => {
  const page = await env.newPage();
  await loadSample(page, "rossmann");
  await openAndRun(page);

  const n = Number((await fact(page, "entities")).value);
  const suggested = Number((await fact(page, "suggested")).value);
  assert.ok(n > 100, `${n} stores`);
  assert.ok(suggested >= 3 && suggested <= 10, `suggested ${suggested}`);
  const seconds = Number((await fact(page, "seconds")).seconds);
  assert.ok(seconds > 0 && seconds < 60, `${seconds} s`);
  // Run with k "suggested": the cut shown is the suggestion, in every part of the view.
  assert.equal(await page.locator(".cl-cut").getAttribute("data-k"), String(suggested));
  assert.equal(await page.locator("table.cl-profiles tbody tr").count(), suggested);
  assert.equal(await page.locator(".cl-legend li").count(), suggested);
  assert.equal(await page.locator(".cl-gains canvas").getAttribute("data-suggested"), String(suggested));
  const tree = page.locator(".cl-dendrogram canvas");
  assert.equal(await tree.getAttribute("data-leaves"), String(n));
  assert.ok((await painted(tree)) > 5000, "the dendrogram is drawn");
  assert.ok(Number(await page.locator("canvas[data-arrows]").getAttribute("data-arrows")) > 5);

  // The planted k: the stores' clusters, read from the download, match the planted segments.
  await slideTo(page, 4);
  assert.equal(await page.locator("table.cl-profiles tbody tr").count(), 4);
  assert.equal(await tree.getAttribute("data-cut-k"), "4");
  const four = await downloadAssignments(page, "clusters_k4.csv");
  assert.equal(four.header, "Store,cluster,distance_to_typical,anomaly_score,anomaly");
  assert.equal(four.rows.length, n);
  const truth = four.rows.map((r) => plantedSegment(Number(r.id)));
  const score = adjustedRandIndex(
    truth,
    four.rows.map((r) => r.cluster),
  );
  assert.ok(score >= 0.9, `ARI at k = 4: ${score}`);
  // Each cluster's typical store is one of its members, at distance 0 from itself.
  const byId = new Map(four.rows.map((r) => [r.id, r]));
  for (const row of await page.locator("table.cl-profiles tbody tr").all()) {
    const cluster = Number(await row.getAttribute("data-cluster"));
    const typical = byId.get(await row.locator("[data-typical]").getAttribute("data-typical"));
    assert.equal(typical.cluster, cluster);
    assert.equal(typical.distance, 0);
    // A segment differs in sales level, basket and promo uplift: each cluster lists variables.
    assert.ok((await row.locator(".cl-vars li").count()) >= 3);
  }
  // Anomalies: the flagged stores are the download's flagged ones.
  const flagged = await page
    .locator("table.cl-anomalies tbody tr")
    .evaluateAll((rows) => rows.map((r) => r.dataset.anomaly));
  assert.deepEqual(
    flagged.sort(),
    four.rows
      .filter((r) => r.anomaly)
      .map((r) => r.id)
      .sort(),
  );

  // Further: six clusters, the table, legend, tree and download follow.
  await slideTo(page, 6);
  assert.equal(await page.locator("table.cl-profiles tbody tr").count(), 6);
  assert.equal(await page.locator(".cl-legend li").count(), 6);
  assert.equal(await tree.getAttribute("data-cut-k"), "6");
  const six = await downloadAssignments(page, "clusters_k6.csv");
  assert.equal(new Set(six.rows.map((r) => r.cluster)).size, 6);
  // A cut lower in the same tree only splits clusters.
  const parent = new Map();
  for (const [i, r] of six.rows.entries()) {
    const seen = parent.get(r.cluster) ?? four.rows[i].cluster;
    assert.equal(four.rows[i].cluster, seen, `store ${r.id}`);
    parent.set(r.cluster, seen);
  }

  // Hovering a point of the map names its store and its cluster, as the download has it.
  const map = page.locator(".cl-map canvas");
  const spot = await map.evaluate((c) => {
    const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    const ratio = c.width / c.clientWidth;
    for (let i = 0; i < data.length; i += 4) {
      // A saturated pixel is a point (grid lines and text are grey).
      const [r, g, b, a] = data.slice(i, i + 4);
      if (a > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 80) {
        const p = i / 4;
        return { x: (p % c.width) / ratio, y: Math.floor(p / c.width) / ratio };
      }
    }
    return null;
  });
  assert.ok(spot, "a point is drawn on the map");
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  await page.mouse.move(box.x + spot.x + 1, box.y + spot.y + 1);
  const tooltip = page.locator(".cl-tooltip");
  await tooltip.waitFor({ state: "visible" });
  assert.match(await tooltip.textContent(), /^Store \d+ · cluster \d+$/);
  const id = await tooltip.getAttribute("data-id");
  assert.ok(byId.has(id), id);
  assert.equal(Number(await tooltip.getAttribute("data-cluster")), six.rows.find((r) => r.id === id).cluster);

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, "clusters.png"), fullPage: true });

  // In French, the same cut is shown in French words.
  await page.locator("button.lang-button[lang='fr']").click();
  await page.locator("main h1", { hasText: "Profils de magasins et groupes" }).waitFor();
  assert.equal(await page.locator("table.cl-profiles tbody tr").count(), 6);
  assert.match(await page.locator("table.cl-profiles tbody tr").first().textContent(), /Groupe 1/);
  await page.screenshot({ path: join(ARTIFACTS, "clusters-fr.png"), fullPage: true });
  assert.deepEqual(page.errors, []);
});

test("the generic mode clusters the 1,115 rows of the public store.csv by its Store column", async () => {
  const page = await env.newPage();
  await upload(page, [join(FIXTURES, "rossmann_store.csv")]);
  await page.locator("main[data-view='profile'] .facts").waitFor();
  await idle(page);
  await page.locator("button.tab[data-view='clusters']").click();
  // No train.csv: the stores' profiles are not offered, the table's rows are.
  assert.equal(await page.locator("input[name='cl-source'][value='rossmann']").isDisabled(), true);
  assert.equal(await page.locator("input[name='cl-source'][value='table']").isChecked(), true);
  assert.equal(await page.locator("#cl-table").inputValue(), "rossmann_store.csv");
  assert.equal(await page.locator("#cl-id").inputValue(), "Store");

  // An id column that does not name one row each is refused with a message; the file stays.
  await page.locator("#cl-id").selectOption("StoreType");
  await page.locator("#cluster-run").click();
  await page.locator(".banner .error-message").waitFor({ timeout: RUN_TIMEOUT });
  assert.match(await page.locator(".banner .error-message").textContent(), /StoreType/);
  assert.match(await page.locator(".banner").textContent(), /Could not compute the clusters/);
  assert.equal(await page.locator(".cl-cut").count(), 0);

  await page.locator("#cl-id").selectOption("Store");
  await page.locator("#cluster-run").click();
  await page.locator("[data-fact='seconds'] dd").waitFor({ timeout: RUN_TIMEOUT });
  await idle(page);
  assert.equal(count((await fact(page, "entities")).text), 1115);
  const tree = page.locator(".cl-dendrogram canvas");
  assert.equal(await tree.getAttribute("data-leaves"), "1115");
  assert.ok((await painted(tree)) > 5000, "the dendrogram is drawn");
  const k = Number(await page.locator(".cl-cut").getAttribute("data-k"));
  assert.equal(await page.locator("table.cl-profiles tbody tr").count(), k);
  const assignments = await downloadAssignments(page, "clusters_store.csv");
  assert.ok(assignments.header.startsWith("Store,cluster,"), assignments.header);
  assert.equal(assignments.rows.length, 1115);
  assert.deepEqual(
    assignments.rows.slice(0, 3).map((r) => r.id),
    ["1", "2", "3"],
  );
  await page.screenshot({ path: join(ARTIFACTS, "clusters_store.png"), fullPage: true });
  assert.deepEqual(page.errors, []);
});

/** A table of `n` entities with three planted groups and six mixed columns. */
function entitiesCsv(n) {
  const lines = ["Id,Size,Price,Staff,Region,Rating,Open"];
  for (let i = 1; i <= n; i++) {
    const g = i % 3;
    const jitter = ((i * 7919) % 1000) / 1000;
    lines.push(
      `E${i},${100 + 400 * g + 50 * jitter},${(5 + 3 * g + jitter).toFixed(2)},${3 + 4 * g},${["north", "south", "east"][g]},${(1 + g + jitter).toFixed(1)},${g === 1 ? "true" : "false"}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

test("a long clustering shows the distance filling and can be cancelled, keeping the loaded files", async () => {
  const page = await env.newPage();
  const path = join(ARTIFACTS, "entities_10000.csv");
  writeFileSync(path, entitiesCsv(10_000));
  await upload(page, [path]);
  await page.locator("main[data-view='profile'] .facts").waitFor();
  await idle(page);
  await page.locator("button.tab[data-view='clusters']").click();
  assert.equal(await page.locator("#cl-id").inputValue(), "Id");
  await page.locator("#cluster-run").click();
  const job = page.locator("section.job");
  await job.getByText("Computing the Gower distance").waitFor({ timeout: RUN_TIMEOUT });
  const bar = job.locator("progress");
  const first = Number(await bar.getAttribute("value"));
  await page.waitForFunction(
    (before) => Number(document.querySelector("section.job progress")?.value ?? 1) > before,
    first,
    { timeout: RUN_TIMEOUT },
  );
  await page.locator("#cancel").click();
  await idle(page);
  await page
    .locator(".notice")
    .getByText(/cancelled/i)
    .waitFor({ timeout: RUN_TIMEOUT });
  assert.equal(await page.locator(".cl-cut").count(), 0, "no result from a cancelled run");
  await page.locator("button.tab[data-view='start']").click();
  const files = await page.locator(".loaded-file").evaluateAll((els) => els.map((e) => e.dataset.file));
  assert.deepEqual(files, ["entities_10000.csv"]);
  assert.deepEqual(page.errors, []);
});
