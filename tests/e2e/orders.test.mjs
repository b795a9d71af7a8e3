// Use cases 4.1 and 4.2 in the page: load the Instacart sample, open each use case from its
// entry on the start screen, run it, and read the result: the same figures as the command line
// on the same files, the chart drawn, a customer looked up, the downloads; both languages. The
// files zipped, as the dataset is downloaded: the same figures. Then bad input: a message naming
// file, line and column, the loaded files kept.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ARTIFACTS, idle, launch, loadedNames, loadSample, TRAIN_TIMEOUT, upload, vitrine } from "./harness.mjs";

/** The page's Instacart sample: the generator's files at this scale and seed. */
const SAMPLE_SCALE = "0.005";
const SAMPLE_SEED = "42";

let env;
let sampleDir;
before(async () => {
  env = await launch();
  sampleDir = join(ARTIFACTS, "instacart-sample");
  vitrine(["sample", "instacart", "--out", sampleDir, "--scale", SAMPLE_SCALE, "--seed", SAMPLE_SEED]);
});
after(async () => {
  await env?.close();
});

const file = (name) => join(sampleDir, name);

/** The command line's report of `command` (next-order, reorder) on the page's sample files. */
function onSample(command) {
  return vitrine([
    command,
    "--orders",
    file("orders.csv"),
    "--prior",
    file("order_products__prior.csv"),
    "--train",
    file("order_products__train.csv"),
    "--products",
    file("products.csv"),
  ]);
}

/** The model's and the baseline's figure of a metric card. */
function metric(page, key) {
  return page.locator(`[data-metric='${key}']`).evaluate((card) => ({
    model: Number(card.querySelector(".metric-model .metric-value").dataset.value),
    baseline: Number(card.querySelector(".metric-baseline .metric-value").dataset.value),
  }));
}

/** Opens use case `id` from its entry on the start screen. */
async function openFromStart(page, id, view) {
  await page.locator("button.tab[data-view='start']").click();
  const entry = page.locator(`li.usecase[data-usecase='${id}']`);
  assert.match(await entry.locator(".badge").textContent(), /Ready/);
  await entry.click();
  await page.locator(`main[data-view='${view}']`).waitFor();
}

/** Pixels painted on the first canvas under `selector`. */
async function painted(page, selector) {
  const canvas = page.locator(`${selector} canvas`).first();
  await canvas.waitFor();
  return canvas.evaluate((c) => {
    const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n += 1;
    return n;
  });
}

async function saveDownload(page, key, name) {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator(`button[data-download='${key}']`).click(),
  ]);
  const path = join(ARTIFACTS, name);
  await download.saveAs(path);
  return readFileSync(path, "utf8").trimEnd().split("\n");
}

test("4.1 on the Instacart sample: the command line's figures, the 30-day cap said, a customer looked up", async () => {
  const page = await env.newPage();
  await loadSample(page, "instacart");
  await openFromStart(page, "4.1", "next-order");
  assert.match(await page.locator(".censoring-note").textContent(), /30 or more/);
  await page.locator("#no-train").click();
  await page.locator("[data-metric='mae']").waitFor({ timeout: TRAIN_TIMEOUT });
  await idle(page);

  const cli = onSample("next-order");
  const mae = await metric(page, "mae");
  assert.ok(Math.abs(mae.model - cli.metrics.mae) < 1e-9, `${mae.model} vs ${cli.metrics.mae}`);
  assert.ok(Math.abs(mae.baseline - cli.baseline.mae) < 1e-9);
  const uncensored = await metric(page, "mae_uncensored");
  assert.ok(Math.abs(uncensored.model - cli.metrics.mae_uncensored) < 1e-9);
  const rmse = await metric(page, "rmse");
  assert.ok(Math.abs(rmse.model - cli.metrics.rmse) < 1e-9);
  const facts = page.locator("#no-facts");
  assert.equal(Number(await facts.getAttribute("data-users")), cli.users);
  assert.match(await page.locator("#no-censoring").textContent(), /30 days or more/);
  // The three losses, the chosen one first.
  const objectives = await page
    .locator("table.objectives tbody tr")
    .evaluateAll((rows) => rows.map((r) => r.dataset.objective));
  assert.deepEqual(objectives, ["absolute_error", "squared_error", "poisson"]);

  // The histogram: every customer counted, drawn by uPlot.
  assert.equal(Number(await page.locator("#no-histogram").getAttribute("data-users")), cli.users);
  assert.ok((await painted(page, "#no-histogram")) > 1000);

  // The lookup shows the first held-out customer, then another one on a click.
  const answer = page.locator("#no-customer");
  await answer.waitFor();
  const chips = page.locator(".examples .chip");
  assert.equal(await answer.getAttribute("data-user"), await chips.first().getAttribute("data-user"));
  const second = await chips.nth(1).getAttribute("data-user");
  await chips.nth(1).click();
  await page.locator(`#no-customer[data-user='${second}']`).waitFor();
  const predicted = Number(await page.locator("#no-customer [data-fact='predicted']").getAttribute("data-value"));
  assert.ok(predicted >= 0 && predicted <= 30, String(predicted));
  assert.match(await answer.textContent(), /held out/);

  const lines = await saveDownload(page, "predictions", "next_order_predictions.csv");
  assert.equal(lines[0], "user_id,eval_set,predicted_days,baseline_days,actual_days,validation");
  assert.equal(lines.length, cli.users + 1);
  const mine = lines.find((l) => l.startsWith(`${second},`)).split(",");
  assert.equal(Number(mine[2]), predicted);

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, "next-order.png"), fullPage: true });
  await page.locator("button.lang-button[lang='fr']").click();
  await page.locator("h1", { hasText: "Jours avant la prochaine commande" }).waitFor();
  assert.match(await page.locator("#no-censoring").textContent(), /30 jours ou plus/);
  assert.deepEqual(page.errors, []);
});

test("4.2 on the Instacart sample: beats the last order, pooled against per-product, a basket and the products to stock", async () => {
  const page = await env.newPage();
  await loadSample(page, "instacart");
  await openFromStart(page, "4.2", "reorder");
  await page.locator("#re-train").click();
  await page.locator("[data-metric='f1']").waitFor({ timeout: TRAIN_TIMEOUT });
  await idle(page);

  const cli = onSample("reorder");
  const f1 = await metric(page, "f1");
  assert.ok(Math.abs(f1.model - cli.metrics.f1) < 1e-9, `${f1.model} vs ${cli.metrics.f1}`);
  assert.ok(Math.abs(f1.baseline - cli.baseline.f1) < 1e-9);
  assert.ok(f1.model > f1.baseline, JSON.stringify(f1));
  const userF1 = await metric(page, "mean_user_f1");
  assert.ok(Math.abs(userF1.model - cli.metrics.mean_user_f1) < 1e-9);
  assert.ok(userF1.model > userF1.baseline, JSON.stringify(userF1));
  const facts = page.locator("#re-facts");
  assert.equal(Number(await facts.getAttribute("data-pairs")), cli.pairs);
  assert.ok(Math.abs(Number(await facts.getAttribute("data-threshold")) - cli.threshold) < 1e-9);

  // Pooled against per-product, the one in use marked.
  const models = page.locator("#re-models");
  assert.equal(await models.getAttribute("data-default"), cli.default_model);
  assert.equal(await models.locator("tr.chosen").getAttribute("data-model"), cli.default_model);
  assert.ok((await painted(page, "#re-threshold")) > 1000);

  // A held-out customer's basket: predicted against actual, products by name.
  const basket = page.locator("#re-basket");
  await basket.waitFor();
  const predicted = Number(await basket.getAttribute("data-predicted"));
  const hits = Number(await basket.getAttribute("data-hits"));
  assert.ok(hits <= predicted);
  const firstItem = await page.locator("table.basket-items tbody th").first().textContent();
  assert.doesNotMatch(firstItem, /^Product \d+$/, "names come from products.csv");

  // The products to stock, by name, in the command line's order.
  const stock = await page
    .locator("#re-stock tbody tr")
    .evaluateAll((rows) => rows.map((r) => Number(r.dataset.product)));
  assert.deepEqual(
    stock,
    cli.top_products.slice(0, stock.length).map((p) => p.product_id),
  );

  const baskets = await saveDownload(page, "baskets", "reorder_baskets.csv");
  assert.equal(baskets[0], "user_id,order_id,eval_set,validation,products,actual");
  assert.equal(baskets.length - 1, cli.users_valid + cli.users_test);
  const user = await basket.getAttribute("data-user");
  const row = baskets.find((l) => l.startsWith(`${user},`)).split(",");
  const count = row[4] === "None" ? 0 : row[4].split(" ").length;
  assert.equal(count, predicted);
  const downloads = await page.locator("button[data-download]").evaluateAll((b) => b.map((x) => x.dataset.download));
  assert.deepEqual(downloads, ["baskets", "validation", "stock", "submission", "per_product", "importance", "model"]);

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, "reorder.png"), fullPage: true });
  assert.deepEqual(page.errors, []);
});

test("the four files as .zip archives run 4.2 as the command line does on them", async () => {
  const names = ["orders", "order_products__prior", "order_products__train", "products"];
  const zips = names.map((n) => join(ARTIFACTS, `${n}.csv.zip`));
  // Each archive holds its CSV under the published name, deflated (Python's zipfile, as the
  // reader's fixtures are made).
  execFileSync("python3", [
    "-c",
    "import sys, zipfile\nfor src, dst in zip(sys.argv[1::2], sys.argv[2::2]):\n" +
      "    with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as z: z.write(src, src.split('/')[-1])",
    ...names.flatMap((n, i) => [file(`${n}.csv`), zips[i]]),
  ]);
  const page = await env.newPage();
  await upload(page, zips);
  await page.locator("main[data-view='profile'] .facts").waitFor();
  await idle(page);
  assert.deepEqual((await loadedNames(page)).sort(), names.map((n) => `${n}.csv`).sort());
  await openFromStart(page, "4.2", "reorder");
  for (const [key, value] of [
    ["trees", 10],
    ["perProduct", 0],
  ]) {
    const field = page.locator(`#re-${key}`);
    await field.fill(String(value));
    await field.dispatchEvent("change");
  }
  await page.locator("#re-train").click();
  await page.locator("[data-metric='f1']").waitFor({ timeout: TRAIN_TIMEOUT });
  await idle(page);
  const cli = vitrine([
    "reorder",
    "--orders",
    zips[0],
    "--prior",
    zips[1],
    "--train",
    zips[2],
    "--products",
    zips[3],
    "--trees",
    "10",
    "--per-product",
    "0",
  ]);
  const f1 = await metric(page, "f1");
  assert.ok(Math.abs(f1.model - cli.metrics.f1) < 1e-9, `${f1.model} vs ${cli.metrics.f1}`);
  assert.equal(Number(await page.locator("#re-facts").getAttribute("data-pairs")), cli.pairs);
  assert.deepEqual(page.errors, []);
});

const ORDERS = `order_id,user_id,eval_set,order_number,order_dow,order_hour_of_day,days_since_prior_order
10,1,prior,1,2,08,
11,1,prior,2,3,07,15.0
12,1,train,3,3,12,21.0
20,2,prior,1,1,09,
21,2,test,2,4,10,30.0
`;

test("bad input names file, line and column, and the loaded files stay loaded", async () => {
  const page = await env.newPage();
  const dir = ARTIFACTS;
  const orders = join(dir, "orders.csv");
  const prior = join(dir, "order_products__prior.csv");
  writeFileSync(orders, ORDERS);
  // Line 4: an order that orders.csv does not list.
  writeFileSync(prior, "order_id,product_id,add_to_cart_order,reordered\n10,5,1,0\n11,5,1,1\n99,6,2,0\n");
  await upload(page, [orders, prior]);
  await page.locator("main[data-view='profile'] .facts").waitFor();
  await idle(page);
  await openFromStart(page, "4.1", "next-order");
  await page.locator("#no-train").click();
  const banner = page.locator(".banner");
  await banner.waitFor({ state: "visible", timeout: TRAIN_TIMEOUT });
  assert.match(await banner.textContent(), /Could not predict the next orders/);
  assert.match(
    await banner.textContent(),
    /order_products__prior\.csv, line 4, column 1 \(order_id\): order 99 is not in orders\.csv/,
  );
  assert.deepEqual((await loadedNames(page)).sort(), ["order_products__prior.csv", "orders.csv"]);

  // The prior lines fixed, and a customer with a single order (line 7 of orders.csv).
  writeFileSync(prior, "order_id,product_id,add_to_cart_order,reordered\n10,5,1,0\n11,5,1,1\n20,6,2,0\n");
  writeFileSync(orders, `${ORDERS}30,3,prior,1,1,09,\n`);
  await upload(page, [orders, prior]);
  await page.locator("main[data-view='profile'] .facts").waitFor();
  await idle(page);
  await page.locator("button.tab[data-view='next-order']").click();
  await page.locator("#no-train").click();
  await page
    .locator(".banner", { hasText: "orders.csv, line 7, column 2 (user_id): user 3 has a single order" })
    .waitFor({ timeout: TRAIN_TIMEOUT });
  assert.deepEqual((await loadedNames(page)).sort(), ["order_products__prior.csv", "orders.csv"]);
  assert.deepEqual(page.errors, []);
});
