// Uploads through the file input: a real public file shows its profile; a malformed file shows
// an error naming file, line and column, and what was loaded before stays loaded; a file larger
// than a table can hold is profiled, and kept in part.

import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ARTIFACTS, count, FIXTURES, facts, idle, launch, loadedNames, upload } from "./harness.mjs";

let env;
let page;
before(async () => {
  env = await launch();
  page = await env.newPage();
});
after(async () => {
  await env?.close();
});

test("uploading the real Rossmann store.csv shows its profile", async () => {
  await upload(page, join(FIXTURES, "rossmann_store.csv"));
  await page.locator("main[data-view='profile'] .facts").waitFor();
  await idle(page);
  const f = await facts(page);
  assert.equal(f.file, "rossmann_store.csv");
  assert.equal(count(f.rows), 1115);
  assert.equal(count(f.columns), 10);
  assert.match(f.dataset, /Rossmann Store Sales · store\.csv/);
  // PromoInterval holds commas inside quotes: it is one text column with its three values.
  const promo = await page.locator("tr[data-column='PromoInterval'] .col-summary").textContent();
  assert.match(promo, /Jan,Apr,Jul,Oct/);
  // store.csv alone does not enable a use case: train.csv is named as missing.
  const badge = await page.locator(".enabled li[data-usecase='1.1'] .badge").textContent();
  assert.match(badge, /train\.csv/);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, "profile-upload.png"), fullPage: true });
  await page.getByRole("button", { name: "Français" }).click();
  assert.match(await page.locator("#download").textContent(), /Télécharger le CSV/);
  assert.match(await page.locator(".fact[data-fact='rows'] dd").textContent(), /^1\s115$/);
  await page.screenshot({ path: join(ARTIFACTS, "profile-upload-fr.png") });
  await page.getByRole("button", { name: "English" }).click();
  assert.deepEqual(page.errors, []);
});

test("a ragged file shows an error with file, line and column; earlier files stay loaded", async () => {
  await upload(page, join(FIXTURES, "ragged_line_4.csv"));
  const banner = page.locator(".banner .error-message");
  await banner.waitFor();
  const message = await banner.textContent();
  assert.match(message, /ragged_line_4\.csv/);
  assert.match(message, /line 4/);
  assert.match(message, /column 3 \(amount\)/);
  assert.match(message, /expected 3 fields, found 2/);
  await page.screenshot({ path: join(ARTIFACTS, "error-ragged.png") });
  assert.deepEqual(await loadedNames(page), ["rossmann_store.csv"]);
  // The page is usable: the earlier file's profile and rows are still there.
  await page.locator(".loaded-file[data-file='rossmann_store.csv'] button", { hasText: "View profile" }).click();
  assert.equal(count((await facts(page)).rows), 1115);
  await page.locator(".grid-row[data-row='0'] .grid-cell").first().waitFor();
  await page.waitForFunction(() => !document.querySelector(".grid").textContent.includes("…"));
  const first = await page.locator(".grid-row[data-row='0'] .grid-cell").allTextContents();
  assert.deepEqual(first.slice(0, 4), ["1", "c", "a", "1270"]);
});

/**
 * The most text a whole table may hold in this test: the page's own 1.5 GB with
 * VITRINE_BIG_FILES=1 (writes a 1.51 GB file: about two minutes), else 10 MB through the page's
 * `?textLimit=` (the same reading path, on a file CI can afford).
 */
const BIG = process.env.VITRINE_BIG_FILES === "1";
const TEXT_LIMIT = BIG ? 1_500_000_000 : 10_000_000;

test("a file larger than a table can hold is profiled in one pass, then read again keeping the columns picked", async () => {
  // Just over the limit: ten columns, one of them an integer id.
  const bigPage = BIG ? page : await env.newPage({ query: `?textLimit=${TEXT_LIMIT}` });
  const { closeSync, mkdtempSync, openSync, rmSync, writeSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "vitrine-big-"));
  const path = join(dir, "wide.csv");
  const fd = openSync(path, "w");
  const header = `id,${Array.from({ length: 9 }, (_, i) => `c${i}`).join(",")}\n`;
  writeSync(fd, header);
  const lines = [];
  for (let i = 0; i < 10_000; i++) {
    lines.push(`${i},${Array.from({ length: 9 }, (_, k) => ((i * (k + 3)) % 1000) / 8).join(",")}`);
  }
  const block = Buffer.from(`${lines.join("\n")}\n`);
  let bytes = header.length;
  let rows = 0;
  while (bytes < TEXT_LIMIT * 1.007) {
    writeSync(fd, block);
    bytes += block.length;
    rows += 10_000;
  }
  closeSync(fd);
  try {
    await upload(bigPage, path);
    await bigPage.locator(".not-kept").waitFor({ timeout: 600_000 });
    await idle(bigPage);
    const f = await facts(bigPage);
    assert.equal(count(f.rows), rows);
    assert.match(
      await bigPage.locator(".not-kept").textContent(),
      new RegExp(`more text than a table can hold here \\(${BIG ? "1\\.5 GB" : "10(\\.0)? MB"}\\)`),
    );
    assert.equal(await bigPage.locator(".not-kept tbody tr").count(), 10);
    assert.equal(await bigPage.locator("table.columns tr[data-column='c3']").count(), 1);
    await bigPage.screenshot({ path: join(ARTIFACTS, "profile-not-kept.png"), fullPage: true });
    await bigPage.locator("#keep-columns").fill("id, c3");
    assert.match(await bigPage.locator("#keep-status").textContent(), /^2 columns match/);
    await bigPage.locator("#keep-button").click();
    await bigPage.locator(".profile-head #download").waitFor();
    await bigPage.locator("table.columns tbody tr[data-column='c3'] .kind").waitFor({ timeout: 600_000 });
    await idle(bigPage);
    const kept = await bigPage
      .locator(".panel:not(.not-kept) table.columns tbody tr")
      .evaluateAll((r) => r.map((e) => e.dataset.column));
    assert.deepEqual(kept, ["id", "c3"]);
    assert.equal(await bigPage.locator(".not-kept tbody tr").count(), 8);
    assert.equal(count((await facts(bigPage)).rows), rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
