// Files a new user drops on the page that are not a plain, well-formed CSV: each is read with a
// warning, or stops with a message naming its place; .gz and .zip files (the public datasets'
// downloads) load as they are, and a zip's files survive an engine restart.

import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ARTIFACTS, count, facts, idle, launch, loadedNames, ROOT, upload } from "./harness.mjs";

/** Archives written by Python's gzip and zipfile (crates/tabular/tests/fixtures/make_archives.py). */
const ARCHIVES = join(ROOT, "crates", "tabular", "tests", "fixtures");

let env;
let page;
let dir;
before(async () => {
  env = await launch();
  page = await env.newPage({ query: "?debug=1" });
  dir = join(tmpdir(), `vitrine-reader-${process.pid}`);
  mkdirSync(dir, { recursive: true });
});
after(async () => {
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

function file(name, bytes) {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Uploads `path` and returns the error banner's text once it names `name`. */
async function errorFor(path, name) {
  await upload(page, path);
  await page.waitForFunction((n) => document.querySelector(".banner .error-message")?.textContent.includes(n), name);
  return page.locator(".banner .error-message").textContent();
}

test("a quote never closed stops the file at its line, saying how much it would swallow", async () => {
  const message = await errorFor(file("unclosed.csv", 'a,b\n1,"never closed\n2,3\n4,5\n'), "unclosed.csv");
  assert.match(
    message,
    /unclosed\.csv, line 2, column 2 \(b\): a quote opens a field here and is never closed: the rest of the file \(3 lines, 21 bytes\)/,
  );
  await page.screenshot({ path: join(ARTIFACTS, "error-unclosed-quote.png") });
  assert.deepEqual(await loadedNames(page), []);
});

test("binary files say what they are, and an Excel workbook says to save it as CSV", async () => {
  const png = await errorFor(file("chart.csv", Buffer.from("89504e470d0a1a0a0000000d49484452", "hex")), "chart.csv");
  assert.match(png, /chart\.csv: not a text file: it looks like a PNG image/);
  const xlsx = await errorFor(join(ARCHIVES, "excel_workbook.xlsx"), "excel_workbook.xlsx");
  assert.match(xlsx, /this is an Excel workbook, not a CSV file: open it in Excel and save it as CSV/);
});

test("UTF-16 text (Excel's Unicode text) is read", async () => {
  const text = "Store\tVille\r\n1\tCoruña\r\n2\tZürich\r\n";
  const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
  await upload(page, file("unicode.txt", bytes));
  await page.locator("main .file-title", { hasText: "unicode.txt" }).waitFor();
  await idle(page);
  const f = await facts(page);
  assert.equal(f.encoding, "utf-16le");
  assert.equal(count(f.rows), 2);
  assert.match(await page.locator("tr[data-column='Ville'] .col-summary").textContent(), /Coruña/);
});

test("duplicate column names are made distinct, and the profile says so", async () => {
  await upload(page, file("dup.csv", "a,a,b\n1,2,3\n4,5,6\n"));
  await page.locator("main .file-title", { hasText: "dup.csv" }).waitFor();
  await idle(page);
  const columns = await page.locator("table.columns tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.column));
  assert.deepEqual(columns, ["a", "a_2", "b"]);
  const warning = await page.locator(".warnings li[data-kind='duplicateName']").textContent();
  assert.equal(
    warning,
    'dup.csv, line 1, column 2 (a): an earlier column has the same name: this one is read as "a_2"',
  );
  await page.screenshot({ path: join(ARTIFACTS, "profile-warnings.png"), fullPage: true });
});

test("a .gz file is read as its CSV", async () => {
  await upload(page, join(ARCHIVES, "rossmann_store.csv.gz"));
  await page.locator("main .file-title", { hasText: "rossmann_store.csv" }).waitFor();
  await idle(page);
  const f = await facts(page);
  assert.equal(count(f.rows), 1115);
  assert.match(f.dataset, /Rossmann Store Sales · store\.csv/);
});

test("a Kaggle-style zip loads every CSV inside, and they come back after an engine restart", async () => {
  for (const name of await loadedNames(page)) {
    await page.locator(`.loaded-file[data-file='${name}'] button.icon`).click();
  }
  await upload(page, join(ARCHIVES, "rossmann_kaggle_layout.zip"));
  await page.locator("main .file-title", { hasText: "store.csv" }).waitFor();
  await idle(page);
  assert.deepEqual(await loadedNames(page), ["sample.csv", "store.csv", "test.csv"]);
  await page.screenshot({ path: join(ARTIFACTS, "zip-loaded.png"), fullPage: true });
  // The README in the archive is not a CSV file: the first table's profile says it was skipped.
  await page.locator(".loaded-file[data-file='store.csv'] button", { hasText: "View profile" }).click();
  assert.match(await page.locator(".warnings").textContent(), /rossmann\/README\.md is not a CSV file: skipped/);
  // Forget one, then crash the engine: the fresh one reads the zip again for the other two.
  await page.locator("button.tab[data-view='start']").click();
  await page.locator(".loaded-file[data-file='sample.csv'] button.icon").click();
  await page.locator(".loaded-file[data-file='sample.csv']").waitFor({ state: "detached" });
  const error = await page.evaluate(() =>
    globalThis.vitrine.startJob("panic", { message: "planted panic 5c1e" }).promise.then(
      () => null,
      (e) => e.details,
    ),
  );
  assert.equal(error?.kind, "crash");
  const summary = await page.evaluate(() => globalThis.vitrine.startJob("summary").promise);
  assert.deepEqual(
    summary.tables.map((t) => [t.name, t.rows]),
    [
      ["store.csv", 1115],
      ["test.csv", 2000],
    ],
  );
});
