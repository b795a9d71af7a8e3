// Cancelling a long parse stops it, keeps the files loaded before and leaves the page usable.

import assert from "node:assert/strict";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ARTIFACTS, count, FIXTURES, facts, idle, launch, loadedNames, loadSample, upload } from "./harness.mjs";

const TARGET_BYTES = 150_000_000;

let env;
let dir;
before(async () => {
  env = await launch();
  dir = mkdtempSync(join(tmpdir(), "vitrine-cancel-"));
});
after(async () => {
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a ~150 MB CSV of plausible sales rows; returns its path. */
async function bigCsv() {
  const path = join(dir, "big_sales.csv");
  const out = createWriteStream(path);
  out.write("Id,Store,Date,Sales,Customers,Promo,Label,Ratio\n");
  let bytes = 0;
  let id = 0;
  while (bytes < TARGET_BYTES) {
    let block = "";
    for (let i = 0; i < 10_000; i++, id++) {
      const day = 1 + (id % 28);
      block += `${id},${id % 1115},2015-02-${String(day).padStart(2, "0")},${(id * 7919) % 20000},${(id * 31) % 3000},${id % 2},label${id % 97},${((id % 1000) / 7).toFixed(3)}\n`;
    }
    bytes += block.length;
    if (!out.write(block)) await new Promise((resolve) => out.once("drain", resolve));
  }
  await new Promise((resolve) => out.end(resolve));
  return path;
}

test("cancelling a 150 MB parse stops it; earlier files stay and the page still works", async () => {
  const path = await bigCsv();
  const page = await env.newPage();
  await upload(page, join(FIXTURES, "rossmann_store.csv"));
  await page.locator("main[data-view='profile'] .facts").waitFor();
  await idle(page);

  await upload(page, path);
  // Progress shows rows and a rate while the file is read.
  await page.waitForFunction(() => /rows\/s/.test(document.querySelector(".job-figures")?.textContent ?? ""));
  const figures = await page.locator(".job-figures").textContent();
  assert.match(figures, /rows · [\d,]+ rows\/s · [\d.]+ (KB|MB) of 150\.\d MB/);
  await page.screenshot({ path: join(ARTIFACTS, "progress.png") });
  await page.locator("#cancel").click();
  await page.locator(".notice", { hasText: "Cancelled" }).waitFor();
  await idle(page);

  assert.deepEqual(await loadedNames(page), ["rossmann_store.csv"]);
  // The page works after the cancel: the earlier file's rows, then a sample.
  await page.locator(".loaded-file[data-file='rossmann_store.csv'] button", { hasText: "View profile" }).click();
  assert.equal(count((await facts(page)).rows), 1115);
  await loadSample(page, "bosch");
  assert.equal((await facts(page)).file, "train_numeric.csv");
  assert.deepEqual(page.errors, []);
});
