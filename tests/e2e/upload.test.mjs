// Uploads through the file input: a real public file shows its profile; a malformed file shows
// an error naming file, line and column, and what was loaded before stays loaded.

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

test("a file too large for the tab is refused before it is read", async () => {
  // A sparse 1.6 GB file: the size check happens before any byte is read.
  const { openSync, ftruncateSync, closeSync, mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "vitrine-big-"));
  const path = join(dir, "huge.csv");
  const fd = openSync(path, "w");
  ftruncateSync(fd, 1_600_000_000);
  closeSync(fd);
  try {
    await upload(page, path);
    const banner = page.locator(".banner .error-message");
    await page.waitForFunction(() => /huge\.csv/.test(document.querySelector(".banner .error-message")?.textContent));
    assert.match(await banner.textContent(), /huge\.csv: the file is 1\.6 GB.*up to 1\.5 GB/);
    assert.deepEqual(await loadedNames(page), ["rossmann_store.csv"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
