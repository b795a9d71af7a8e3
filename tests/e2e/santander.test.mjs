// Use cases 3.1 and 3.2 in the page: load the Santander sample, train the propensity forests on
// the pool of workers and read them (beside the segment baseline, with rules and a campaign
// list that downloads), compare the recommenders and open a customer; the command line fits
// the same forests; a cancel stops the pool and keeps the files; a bad product flag is named
// by file, line and column and the file stays loaded.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ARTIFACTS, idle, launch, loadedNames, loadSample, TRAIN_TIMEOUT, upload, vitrine } from "./harness.mjs";

/** Trees per forest in these runs: enough to rank, few enough for the debug command line. */
const TREES = "30";

let env;
let page;
/** The first test's forests: {product, auc, baseline, evaluated}, per product. */
let sampleRows = null;
before(async () => {
  env = await launch();
  page = await env.newPage();
  await loadSample(page, "santander");
});
after(async () => {
  await env?.close();
});

async function setField(id, value) {
  await page.locator(id).fill(value);
  await page.locator(id).dispatchEvent("change");
}

async function painted(selector) {
  const canvas = page.locator(`${selector} canvas`);
  await canvas.waitFor();
  return canvas.evaluate((c) => {
    const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n += 1;
    return n;
  });
}

test("the propensity forests train on the pool, beat the segment baseline and match the command line", async () => {
  await page.locator("button.tab[data-view='propensity']").click();
  await setField("#pr-trees", TREES);
  await page.locator("#train").click();
  await page
    .locator("section.job")
    .getByText(/product \d+ of \d+/)
    .waitFor({ timeout: TRAIN_TIMEOUT });
  const facts = page.locator("#propensity-facts");
  await facts.waitFor({ timeout: TRAIN_TIMEOUT });
  await idle(page);
  const products = Number(await facts.getAttribute("data-products"));
  assert.ok(products >= 3, `${products} forests`);
  const rows = await page.locator("table.product-metrics tbody tr").evaluateAll((trs) =>
    trs.map((tr) => ({
      product: tr.dataset.product,
      auc: Number(tr.dataset.auc),
      baseline: Number(tr.dataset.baselineAuc),
      evaluated: tr.dataset.evaluated === "true",
    })),
  );
  assert.equal(rows.length, products);
  sampleRows = rows;
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const judged = rows.filter((r) => r.evaluated);
  assert.ok(judged.length >= 2, JSON.stringify(rows));
  assert.ok(
    judged.every((r) => r.auc > 0.6),
    JSON.stringify(rows),
  );
  assert.ok(mean(judged.map((r) => r.auc)) > mean(judged.map((r) => r.baseline)), JSON.stringify(rows));
  const workers = Number(await page.locator(".santander-memory").getAttribute("data-workers"));
  assert.ok(workers >= 1 && workers <= 4, `${workers} workers`);
  assert.ok(Number(await page.locator(".santander-memory").getAttribute("data-worker-memory")) > 0);
  assert.ok((await painted("#propensity-chart")) > 1000);

  // The command line, on the same file and settings, fits the same forests.
  const dir = join(ARTIFACTS, "santander-sample");
  vitrine(["sample", "santander", "--out", dir, "--scale", "0.01", "--seed", "42"]);
  const cli = vitrine(["propensity", "--input", join(dir, "train_ver2.csv"), "--trees", TREES, "--threads", "1"]);
  assert.deepEqual(
    cli.products.map((p) => p.product),
    rows.map((r) => r.product),
  );
  for (const [i, p] of cli.products.entries()) {
    assert.ok(Math.abs(p.auc - rows[i].auc) < 1e-12, `${p.product}: ${p.auc} vs ${rows[i].auc}`);
  }

  // A product's rules, and its campaign list, shown and downloaded.
  const first = rows.find((r) => r.evaluated).product;
  await page.locator(`table.product-metrics tr[data-product='${first}']`).click();
  await page.locator(`#product-facts[data-product='${first}']`).waitFor();
  const lifts = await page.locator("ol.rules li").evaluateAll((lis) => lis.map((li) => Number(li.dataset.lift)));
  assert.ok(lifts.length > 0 && lifts[0] > 1, JSON.stringify(lifts));
  await page.locator("#campaign-show").click();
  const summary = page.locator(`#campaign-summary[data-product='${first}']`);
  await summary.waitFor();
  const customers = Number(await summary.getAttribute("data-customers"));
  assert.ok(customers > 0);
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#campaign-download").click()]);
  const path = join(ARTIFACTS, "campaign.csv");
  await download.saveAs(path);
  const lines = readFileSync(path, "utf8").trim().split("\n");
  assert.equal(lines[0], "rank,ncodpers,product,probability");
  assert.equal(lines.length, customers + 1);
  assert.ok(lines.slice(1).every((l) => l.split(",")[2] === first));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, "propensity.png"), fullPage: true });
  assert.deepEqual(page.errors, []);
});

test("a file larger than a table can hold runs from its compact months, with the same forests", async () => {
  // The sample file the command line wrote in the first test (the page's own sample), in a page
  // whose tables hold at most 5 MB of text: it is profiled, not kept, and the run reads it again
  // as it streams into the compact months.
  assert.ok(sampleRows, "the first test ran");
  const big = await env.newPage({ query: "?textLimit=5000000" });
  await upload(big, join(ARTIFACTS, "santander-sample", "train_ver2.csv"));
  await big.locator(".not-kept").waitFor({ timeout: TRAIN_TIMEOUT });
  await idle(big);
  await big.locator("button.tab[data-view='propensity']").click();
  await big.locator("#pr-trees").fill(TREES);
  await big.locator("#pr-trees").dispatchEvent("change");
  const train = async () => {
    await big.locator("#train").click();
    await big.locator("#propensity-facts").waitFor({ timeout: TRAIN_TIMEOUT });
    await idle(big);
    const compact = big.locator(".santander-compact");
    return {
      rows: Number(await compact.getAttribute("data-rows")),
      bytes: Number(await compact.getAttribute("data-bytes")),
      held: await compact.getAttribute("data-held"),
      aucs: await big
        .locator("table.product-metrics tbody tr")
        .evaluateAll((trs) => trs.map((tr) => [tr.dataset.product, Number(tr.dataset.auc)])),
    };
  };
  const first = await train();
  assert.equal(first.held, "false");
  const lines = readFileSync(join(ARTIFACTS, "santander-sample", "train_ver2.csv"), "utf8")
    .trim()
    .split("\n");
  assert.equal(first.rows, lines.length - 1);
  assert.ok(first.bytes > 0 && first.bytes < 30 * first.rows, `${first.bytes} bytes`);
  assert.deepEqual(
    first.aucs,
    sampleRows.map((r) => [r.product, r.auc]),
  );
  assert.match(await big.locator(".santander-compact").textContent(), /rows kept as .* of monthly snapshots/);
  await big.evaluate(() => window.scrollTo(0, 0));
  await big.screenshot({ path: join(ARTIFACTS, "propensity-compact.png"), fullPage: true });
  // A second run reads nothing again.
  const second = await train();
  assert.equal(second.held, "true");
  assert.deepEqual(second.aucs, first.aucs);
  assert.deepEqual(big.errors, []);
  await big.context().close();
});

test("the recommenders are compared on the last month and a customer's recommendations are explained", async () => {
  await page.locator("button.tab[data-view='recommend']").click();
  await setField("#rc-trees", TREES);
  await page.locator("#train").click();
  const facts = page.locator("#recommend-facts");
  await facts.waitFor({ timeout: TRAIN_TIMEOUT });
  await idle(page);
  const methods = await page
    .locator("table.methods tbody tr")
    .evaluateAll((trs) => Object.fromEntries(trs.map((tr) => [tr.dataset.method, Number(tr.dataset.map)])));
  assert.deepEqual(Object.keys(methods), ["knn_holdings", "knn_recent", "popularity", "forests", "blend"]);
  for (const [m, map] of Object.entries(methods)) assert.ok(map > 0.2 && map < 1, `${m}: ${map}`);
  // By default customers get the recommender of highest MAP@3 on the held-out month.
  const method = await facts.getAttribute("data-method");
  assert.equal(method, await facts.getAttribute("data-best"));
  assert.equal(methods[method], Math.max(...Object.values(methods)));
  assert.equal(Number(await facts.getAttribute("data-map")), methods[method]);
  assert.equal(Number(await facts.getAttribute("data-popularity-map")), methods.popularity);
  // The verdict says plainly whether the chosen recommender beats popularity on this file.
  const verdict = await page.locator("#recommend-verdict").textContent();
  const expected =
    method === "popularity"
      ? /popularity is the best/
      : methods[method] > methods.popularity
        ? /better than popularity/
        : /not better/;
  assert.match(verdict, expected);
  assert.ok((await painted("#recommend-chart")) > 500);

  // The first example customer opens by itself: holdings, three recommendations, explained.
  const view = page.locator("#customer-view ol.recommendations li");
  await view.first().waitFor({ timeout: TRAIN_TIMEOUT });
  assert.equal(await view.count(), 3);
  assert.match(await view.first().textContent(), /of customers like them hold it/);
  const id = await page.locator("#customer-view").getAttribute("data-id");
  assert.ok(Number(id) > 0);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator("button[data-download='recommendations']").click(),
  ]);
  const path = join(ARTIFACTS, "recommendations.csv");
  await download.saveAs(path);
  const lines = readFileSync(path, "utf8").trim().split("\n");
  assert.equal(lines[0], "ncodpers,rank,product,label");
  const mine = lines.filter((l) => l.startsWith(`${id},`));
  assert.equal(mine.length, 3);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, "recommend.png"), fullPage: true });
  // The other language.
  await page.locator("button.lang-button[lang='fr']").click();
  await page.locator("h1", { hasText: "Quels trois produits recommander" }).waitFor();
  await page.locator("button.lang-button[lang='en']").click();
  assert.deepEqual(page.errors, []);
});

test("a cancel stops the pool and keeps the file; the next run works", async () => {
  await page.locator("button.tab[data-view='propensity']").click();
  await setField("#pr-trees", "2000");
  await page.locator("#train").click();
  await page
    .locator("section.job")
    .getByText(/product 0 of \d+/)
    .waitFor({ timeout: TRAIN_TIMEOUT });
  await page.locator("#cancel").click();
  await idle(page);
  await page
    .locator(".notice")
    .getByText(/cancelled/i)
    .waitFor({ timeout: TRAIN_TIMEOUT });
  assert.equal(await page.locator("#propensity-facts").count(), 0, "no result from a cancelled run");
  assert.deepEqual(await loadedNames(page), ["train_ver2.csv"]);
  await page.locator("button.tab[data-view='propensity']").click();
  await setField("#pr-trees", "5");
  await page.locator("#train").click();
  await page.locator("#propensity-facts").waitFor({ timeout: TRAIN_TIMEOUT });
  await idle(page);
  assert.deepEqual(page.errors, []);
});

test("a product flag that is neither 0, 1 nor empty is named by file, line and column", async () => {
  const fresh = await env.newPage();
  const dir = join(ARTIFACTS, "santander-bad");
  vitrine(["sample", "santander", "--out", dir, "--scale", "0.002", "--seed", "3"]);
  const lines = readFileSync(join(dir, "train_ver2.csv"), "utf8").split("\n");
  // Line 12: ind_cco_fin_ult1 (column 27) becomes 7.
  const cells = lines[11].split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  cells[26] = "7";
  lines[11] = cells.join(",");
  const path = join(ARTIFACTS, "train_ver2.csv");
  writeFileSync(path, lines.join("\n"));
  await upload(fresh, [path]);
  await fresh.locator("main[data-view='profile'] .facts").waitFor();
  await idle(fresh);
  await fresh.locator("button.tab[data-view='propensity']").click();
  await fresh.locator("#train").click();
  const banner = fresh.locator(".banner");
  await banner.waitFor({ state: "visible", timeout: TRAIN_TIMEOUT });
  const text = await banner.textContent();
  assert.match(text, /Could not train the propensity forests/);
  assert.match(text, /train_ver2\.csv, line 12, column 27 \(ind_cco_fin_ult1\)/);
  assert.match(text, /0, 1 or empty, found 7/);
  assert.deepEqual(await loadedNames(fresh), ["train_ver2.csv"]);
  await fresh.screenshot({ path: join(ARTIFACTS, "propensity-error.png") });
  assert.deepEqual(fresh.errors, []);
});
