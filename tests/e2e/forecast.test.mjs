// Use case 1.1 in the page: load Rossmann files, open the Forecast view, train, and read the
// result: the model beats the naive baseline, the page says where it loses to it and how it was
// judged, the chart is drawn, the store table and the predictions download are filled; the
// model's XGBoost download, loaded back as a model file, scores the same days the same way, in
// the page and on the command line. Then the same on an uploaded file with the public file's
// quirks (quoted header and cells, a StateHoliday whose first "a" comes late, closed days).

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  ARTIFACTS,
  FIXTURES,
  forecastMetric,
  idle,
  launch,
  loadedNames,
  loadSample,
  TRAIN_TIMEOUT,
  trainForecast,
  upload,
  vitrine,
} from "./harness.mjs";

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

test("the Rossmann sample trains a forecast that beats the baseline", async () => {
  const page = await env.newPage();
  await loadSample(page, "rossmann");
  await trainForecast(page);

  const mae = await forecastMetric(page, "mae");
  // With their defaults, the page and the command line train the same model on the same files
  // (the page's sample is the generator's at scale 0.1, seed 42).
  const dir = join(ARTIFACTS, "rossmann-sample");
  vitrine(["sample", "rossmann", "--out", dir, "--scale", "0.1", "--seed", "42"]);
  const files = [
    "--train",
    join(dir, "train.csv"),
    "--store",
    join(dir, "store.csv"),
    "--predict",
    join(dir, "test.csv"),
  ];
  const cli = vitrine(["forecast", ...files]);
  const trees = Number(await page.locator("#forecast-facts").getAttribute("data-trees"));
  assert.equal(trees, cli.trees, "trees");
  assert.ok(
    Math.abs(cli.metrics.mae - mae.model.value) < 1e-6 * cli.metrics.mae,
    `${cli.metrics.mae} vs ${mae.model.value}`,
  );
  assert.ok(Math.abs(cli.baseline.mae - mae.baseline.value) < 1e-9 * cli.baseline.mae);
  // The figures shown are the figures kept: "1,234" on the page is 1234 ± 0.5.
  assert.ok(Math.abs(Number(mae.model.text.replace(/[^0-9.]/g, "")) - mae.model.value) <= 0.5, mae.model.text);
  assert.ok(mae.model.value > 0, JSON.stringify(mae));
  assert.ok(mae.model.value < mae.baseline.value, JSON.stringify(mae));
  // The comparison with Customers is shown with the sentence on the leak.
  assert.match(await page.locator("[data-metric='comparison']").textContent(), /Customers/);
  // Where it loses to the baseline, and how it was judged: early stopping, then the refit.
  assert.equal(await page.locator(".loss-verdict").getAttribute("data-worse"), "false");
  assert.match(await page.locator(".loss-verdict").textContent(), /beats the baseline overall/);
  assert.equal(await page.locator("table.day-errors tbody tr").count(), 42);
  assert.equal(
    Number(await page.locator(".holdout-facts").getAttribute("data-closed")),
    cli.holdout.rows_closed,
    "closed days left out",
  );
  assert.match(
    await page.locator("#forecast-trees").textContent(),
    new RegExp(`lowest at ${cli.early_stopping.best_trees} trees.*trained again`),
  );

  // The chart: a uPlot canvas with something drawn on it.
  const canvas = page.locator(".forecast-chart canvas");
  await canvas.waitFor();
  await page.locator(".chart-status", { hasText: "Drag" }).waitFor();
  const painted = await canvas.evaluate((c) => {
    const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n += 1;
    return n;
  });
  assert.ok(painted > 2000, `${painted} painted pixels`);
  // The chart follows the window's width.
  const wide = await canvas.evaluate((c) => c.getBoundingClientRect().width);
  await page.setViewportSize({ width: 900, height: 800 });
  await page.waitForFunction(
    (before) => document.querySelector(".forecast-chart canvas").getBoundingClientRect().width < before - 200,
    wide,
  );
  await page.setViewportSize({ width: 1280, height: 800 });

  // The store table: one row per store, sortable.
  const rows = page.locator("table.store-errors tbody tr");
  assert.ok((await rows.count()) > 10);
  await page.locator("button.sort[data-sort='store']").click();
  const first = await rows.first().getAttribute("data-store");
  const second = await rows.nth(1).getAttribute("data-store");
  assert.ok(Number(first) < Number(second), `${first} then ${second}`);
  assert.ok((await page.locator(".importance li").count()) >= 3);

  // The predictions download.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator("button[data-download='predictions']").click(),
  ]);
  const path = join(ARTIFACTS, "forecast_validation.csv");
  await download.saveAs(path);
  const lines = readFileSync(path, "utf8").trimEnd().split("\n");
  assert.equal(lines[0], "Store,Date,Sales,Predicted,Baseline");
  assert.ok(lines.length > 1000, `${lines.length} lines`);
  assert.equal(await page.locator("button[data-download='test']").count(), 1);

  // The model for XGBoost, loaded back as a model file, scores the same days the same way.
  const [xgbDownload] = await Promise.all([
    page.waitForEvent("download"),
    page.locator("button[data-download='xgboost']").click(),
  ]);
  const xgbPath = join(ARTIFACTS, "forecast_model_xgboost.json");
  await xgbDownload.saveAs(xgbPath);
  assert.equal(JSON.parse(readFileSync(xgbPath, "utf8")).learner.attributes.vitrine_target, "log1p");
  await page.locator("#fc-model-file").setInputFiles(xgbPath);
  await page.locator(".model-file[data-document='forecast_model_xgboost.json']").waitFor();
  await idle(page);
  assert.equal(await page.locator("#train").textContent(), "Score with the model file");
  await page.locator("#train").click();
  await page.locator("#forecast-trees", { hasText: "forecast_model_xgboost.json" }).waitFor({ timeout: TRAIN_TIMEOUT });
  await idle(page);
  const scored = await forecastMetric(page, "mae");
  assert.ok(Math.abs(scored.model.value - mae.model.value) < 1e-6 * mae.model.value, JSON.stringify(scored));
  assert.equal(await page.locator("button[data-download='model']").count(), 0, "nothing trained to download");
  const cliScored = vitrine(["forecast", ...files, "--model-in", xgbPath]);
  assert.equal(cliScored.model.source, "loaded");
  assert.ok(Math.abs(cliScored.metrics.mae - scored.model.value) < 1e-6 * scored.model.value);
  // Back to training: the page's default run again.
  await page.locator("input[name='fc-source'][value='']").check();
  assert.equal(await page.locator("#train").textContent(), "Train the forecast");

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, "forecast.png"), fullPage: true });

  assert.deepEqual(page.errors, []);
});

/** A train.csv with the public file's quirks: 20 stores x 400 days, newest day first. */
function quirkyTrain() {
  const lines = ['"Store","DayOfWeek","Date","Sales","Customers","Open","Promo","StateHoliday","SchoolHoliday"'];
  const first = Date.UTC(2014, 0, 1);
  for (let d = 399; d >= 0; d--) {
    const date = new Date(first + d * 86_400_000);
    const iso = date.toISOString().slice(0, 10);
    const weekday = ((date.getUTCDay() + 6) % 7) + 1;
    // Public holidays only in the first weeks: the first "a" is far down the file.
    const holiday = d === 5 || d === 100 ? "a" : "0";
    for (let store = 1; store <= 20; store++) {
      const open = weekday !== 7 && holiday === "0" ? 1 : 0;
      const promo = weekday <= 5 && Math.floor(d / 7) % 2 === 0 ? 1 : 0;
      const level = 3000 + store * 250;
      const sales = open
        ? Math.round(level * (1 + 0.3 * promo + (weekday === 1 ? 0.2 : 0)) + ((d * 37 + store * 11) % 200))
        : 0;
      const customers = open ? Math.round(sales / 9) : 0;
      lines.push(
        `${store},${weekday},${iso},${sales},${customers},${open},${promo},"${holiday}",${d % 30 < 5 ? 1 : 0}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

test("an uploaded train.csv with the public file's quirks trains too", async () => {
  const page = await env.newPage();
  const path = join(ARTIFACTS, "train.csv");
  writeFileSync(path, quirkyTrain());
  await upload(page, [path, join(FIXTURES, "rossmann_store.csv")]);
  await page.locator("main[data-view='profile'] .facts").waitFor();
  await idle(page);
  // Each tree on a share of the days and of the features, as the command line's --subsample
  // and --feature-fraction choose them.
  await page.locator("button.tab[data-view='forecast']").click();
  for (const [id, value] of [
    ["#fc-subsample", "0.8"],
    ["#fc-featureFraction", "0.5"],
  ]) {
    await page.locator(id).fill(value);
    await page.locator(id).dispatchEvent("change");
  }
  await trainForecast(page);
  // Sales here are a store level times weekday and promo effects, which the baseline models
  // exactly: the model need not beat it, but its error must stay small beside sales of ~5,600.
  const mae = await forecastMetric(page, "mae");
  assert.ok(mae.model.value > 0 && mae.model.value < 560, JSON.stringify(mae));
  assert.equal(await page.locator("table.store-errors tbody tr").count(), 20);
  const files = ["forecast", "--train", path, "--store", join(FIXTURES, "rossmann_store.csv")];
  const shares = vitrine([...files, "--subsample", "0.8", "--feature-fraction", "0.5"]);
  assert.ok(
    Math.abs(shares.metrics.mae - mae.model.value) < 1e-6 * shares.metrics.mae,
    `page ${mae.model.value} vs command line ${shares.metrics.mae}`,
  );
  assert.notEqual(vitrine(files).metrics.mae, shares.metrics.mae, "the shares change the model");
  assert.deepEqual(page.errors, []);
});

test("training reports each tree and can be cancelled, keeping the loaded files", async () => {
  const page = await env.newPage();
  await loadSample(page, "rossmann");
  await page.locator("button.tab[data-view='forecast']").click();
  await page.locator("#fc-trees").fill("2000");
  await page.locator("#fc-trees").dispatchEvent("change");
  // Every tree trained (no early stopping), so that the run is long enough to cancel.
  await page.locator("#fc-earlyStoppingDays").fill("0");
  await page.locator("#fc-earlyStoppingDays").dispatchEvent("change");
  await page.locator("#train").click();
  const job = page.locator("section.job");
  await job.getByText(/tree \d+ of 2,000/).waitFor({ timeout: TRAIN_TIMEOUT });
  const first = Number((await job.textContent()).match(/tree (\d+) of/)[1]);
  await page.waitForTimeout(800);
  const later = Number((await job.textContent()).match(/tree (\d+) of/)[1]);
  assert.ok(later > first, `progress moves during training: ${first} then ${later}`);

  await page.locator("#cancel").click();
  await idle(page);
  await page
    .locator(".notice")
    .getByText(/cancelled/i)
    .waitFor({ timeout: TRAIN_TIMEOUT });
  assert.equal(await page.locator("[data-metric='mae']").count(), 0, "no result from a cancelled run");
  // The worker was replaced; the files come back and training works again.
  await page.locator("button.tab[data-view='start']").click();
  const files = await page.locator(".loaded-file").evaluateAll((els) => els.map((e) => e.dataset.file).sort());
  assert.deepEqual(files, ["store.csv", "test.csv", "train.csv"]);
  await page.locator("button.tab[data-view='forecast']").click();
  await page.locator("#fc-trees").fill("20");
  await page.locator("#fc-trees").dispatchEvent("change");
  await trainForecast(page);
  assert.deepEqual(page.errors, []);
});

test("a training error says what failed, keeps the files, and the next run works", async () => {
  const page = await env.newPage();
  const path = join(ARTIFACTS, "train.csv");
  writeFileSync(path, quirkyTrain());
  await upload(page, [path]);
  await page.locator("main[data-view='profile'] .facts").waitFor();
  await idle(page);
  await page.locator("button.tab[data-view='forecast']").click();
  // The file holds 400 days: a 400-day holdout leaves nothing to train on.
  await page.locator("#fc-holdoutDays").fill("400");
  await page.locator("#fc-holdoutDays").dispatchEvent("change");
  await page.locator("#train").click();
  const banner = page.locator(".banner");
  await banner.waitFor({ state: "visible", timeout: TRAIN_TIMEOUT });
  assert.match(await banner.textContent(), /Could not train the model/);
  assert.match(
    await banner.textContent(),
    /cannot hold out 400 days: train\.csv covers 400 days; choose between 1 and 399/,
  );
  assert.deepEqual(await loadedNames(page), ["train.csv"]);

  await page.locator("button.tab[data-view='forecast']").click();
  await page.locator("#fc-holdoutDays").fill("42");
  await page.locator("#fc-holdoutDays").dispatchEvent("change");
  await trainForecast(page);
  assert.equal(await banner.isVisible(), false);
  assert.deepEqual(page.errors, []);
});
