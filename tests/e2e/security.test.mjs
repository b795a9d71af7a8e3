// Data is text, never markup; exported CSVs defuse formulas; a whole session stays on the
// page's own origin.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ARTIFACTS, FIXTURES, facts, idle, launch, loadSample, upload } from "./harness.mjs";

let env;
let dir;
before(async () => {
  env = await launch();
  dir = mkdtempSync(join(tmpdir(), "vitrine-sec-"));
});
after(async () => {
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

const PAYLOAD = '<img src=x onerror="window.__pwned=1">';
const FORMULA = '=HYPERLINK("http://evil","x")';

function hostileCsv() {
  const path = join(dir, "hostile.csv");
  const quote = (s) => `"${s.replaceAll('"', '""')}"`;
  writeFileSync(
    path,
    [
      "id,comment,formula,amount",
      `1,${quote(PAYLOAD)},${quote(FORMULA)},-3.5`,
      `2,<script>window.__pwned=2</script>,+cmd|' /C calc'!A0,12`,
      `3,${quote(PAYLOAD)},@SUM(A1:A2),7`,
      "",
    ].join("\n"),
  );
  return path;
}

/** Clicks "Download CSV" and returns the downloaded text. */
async function download(page) {
  const [file] = await Promise.all([page.waitForEvent("download"), page.locator("#download").click()]);
  const path = join(dir, `dl-${Date.now()}.csv`);
  await file.saveAs(path);
  return readFileSync(path, "utf8");
}

test("cells holding markup are shown as text and never run; the export neutralises formulas", async () => {
  const page = await env.newPage();
  await upload(page, hostileCsv());
  await page.locator("main[data-view='profile'] .facts").waitFor();
  await idle(page);
  assert.equal((await facts(page)).file, "hostile.csv");
  // The payload appears as text in the column summary and in the preview grid.
  await page.waitForFunction(
    (payload) => [...document.querySelectorAll(".grid-cell")].some((c) => c.textContent === payload),
    PAYLOAD,
  );
  assert.match(await page.locator("tr[data-column='comment'] .col-summary").textContent(), /<img src=x/);
  await page.screenshot({ path: join(ARTIFACTS, "xss-profile.png"), fullPage: true });
  const found = await page.evaluate(() => ({
    pwned: window.__pwned,
    images: document.querySelectorAll("img").length,
    scripts: [...document.querySelectorAll("script")].map((s) => s.getAttribute("src")),
  }));
  assert.deepEqual(found, { pwned: undefined, images: 0, scripts: ["app.js"] });

  const csv = await download(page);
  const lines = csv.trim().split("\n");
  assert.equal(lines[0], "id,comment,formula,amount");
  assert.equal(lines[1], `1,"${PAYLOAD.replaceAll('"', '""')}","'=HYPERLINK(""http://evil"",""x"")",-3.5`);
  assert.match(lines[2], /^2,<script>window.__pwned=2<\/script>,'\+cmd\|' \/C calc'!A0,12(\.0)?$/);
  assert.match(lines[3], /,'@SUM\(A1:A2\),7(\.0)?$/);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(page.errors, []);
});

test("a whole session (every sample, an upload, profiles, a download) makes no request off the origin", async () => {
  const page = await env.newPage();
  for (const dataset of ["rossmann", "bosch", "santander", "instacart"]) await loadSample(page, dataset);
  await upload(page, join(FIXTURES, "rossmann_store.csv"));
  await page.locator("main .file-title", { hasText: "rossmann_store.csv" }).waitFor();
  await idle(page);
  await page.locator(".grid-row[data-row='0'] .grid-cell").first().waitFor();
  const csv = await download(page);
  assert.equal(csv.trim().split("\n").length, 1116);
  await page.getByRole("button", { name: "Français" }).click();
  await page.locator("button.tab[data-view='start']").click();
  const origin = new URL(env.url).origin;
  const outside = page.requests.filter(
    (u) => !u.startsWith(`${origin}/`) && !u.startsWith("blob:") && !u.startsWith("data:"),
  );
  assert.deepEqual(outside, []);
  // The wasm, the worker and the page's own files were all fetched from the origin.
  const paths = new Set(page.requests.map((u) => (u.startsWith(origin) ? new URL(u).pathname : u)));
  for (const p of ["/", "/app.js", "/worker.js", "/pkg/vitrine_wasm.js", "/pkg/vitrine_wasm_bg.wasm", "/styles.css"]) {
    assert.ok(paths.has(p), `${p} requested`);
  }
  // No CSP violation was reported.
  assert.deepEqual(page.errors, []);
});
