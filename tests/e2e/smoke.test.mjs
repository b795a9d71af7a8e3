// The page starts under its CSP, shows the four datasets, and a panic in the engine becomes an
// error message and a fresh worker, not a dead page.

import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ARTIFACTS, count, facts, launch, loadSample } from "./harness.mjs";

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

test("start screen lists the four datasets and their use cases, in English and French", async () => {
  const page = await env.newPage();
  const datasets = await page.locator("article.dataset").evaluateAll((els) => els.map((e) => e.dataset.dataset));
  assert.deepEqual(datasets, ["rossmann", "bosch", "santander", "instacart"]);
  const useCases = await page.locator("li.usecase").evaluateAll((els) => els.map((e) => e.dataset.usecase));
  assert.deepEqual(useCases, ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2"]);
  assert.match(
    await page.locator("li.usecase[data-usecase='1.1']").textContent(),
    /How much will each store sell each day\?/,
  );
  await page.screenshot({ path: join(ARTIFACTS, "start-en.png"), fullPage: true });
  await page.getByRole("button", { name: "Français" }).click();
  assert.match(await page.locator("#dropzone").textContent(), /Déposez des fichiers CSV/);
  assert.match(await page.locator("li.usecase[data-usecase='1.1']").textContent(), /Combien chaque magasin/);
  // The French tabs, wider than the English ones, wrap within the window instead of widening the page.
  const [pageWidth, windowWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(pageWidth <= windowWidth, `page ${pageWidth} px wide in a ${windowWidth} px window`);
  await page.screenshot({ path: join(ARTIFACTS, "start-fr.png"), fullPage: true });
  // The drop zone is a real button, reachable with the keyboard.
  const tag = await page.locator("#dropzone").evaluate((el) => el.tagName);
  assert.equal(tag, "BUTTON");
  assert.deepEqual(page.errors, []);
});

test("a panic in the engine is reported, the worker is replaced and loaded files are kept", async () => {
  const page = await env.newPage({ query: "?debug=1" });
  await loadSample(page, "santander");
  const rows = count((await facts(page)).rows);
  // No button panics: run the worker's test job through the page's own job module.
  const error = await page.evaluate(() =>
    globalThis.vitrine.startJob("panic", { message: "planted panic 7f3a" }).promise.then(
      () => null,
      (e) => e.details,
    ),
  );
  assert.equal(error?.kind, "crash");
  assert.match(error.message, /planted panic 7f3a/);
  assert.match(error.message, /crates\/wasm\/src\/lib\.rs/);
  // The fresh worker reloaded the file the user had: its rows are there again.
  const last = await page.evaluate(
    (n) => globalThis.vitrine.startJob("rows", { name: "train_ver2.csv", start: n - 2, count: 5 }).promise,
    rows,
  );
  assert.equal(last.start, rows - 2);
  assert.equal(last.rows.length, 2);
  const summary = await page.evaluate(() => globalThis.vitrine.startJob("summary").promise);
  assert.deepEqual(
    summary.tables.map((t) => [t.name, t.rows]),
    [["train_ver2.csv", rows]],
  );
  // The page still works: load another sample.
  await loadSample(page, "rossmann");
  assert.ok(count((await facts(page)).rows) > 0);
});
