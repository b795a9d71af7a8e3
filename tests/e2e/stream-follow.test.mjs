// Use case 2.2 following a growing file in the page (Chromium's File System Access API): the
// file picker is stubbed to hand over a real file handle of the origin's private file system,
// to which the test appends rows, one of them cut in two between appends, while the view
// follows it. The rows read grow with the file; once stopped, the result is the one a single
// read of the whole file gives, figure for figure.

import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ARTIFACTS, idle, LOAD_TIMEOUT, launch } from "./harness.mjs";

let env;
let page;
before(async () => {
  env = await launch();
  page = await env.newPage();
  await page.locator("html[data-engine='ready']").waitFor({ timeout: LOAD_TIMEOUT });
});
after(async () => {
  await env?.close();
});

/** 3,000 rows whose target is 1 when x1 is high, as the lines of a CSV (header first). */
function lines() {
  const out = ["Id,x1,x2,Response"];
  for (let i = 0; i < 3000; i++) {
    const x1 = ((i * 37) % 100) / 100;
    out.push(`${1000 + i},${x1},${((i * 11) % 7) / 7},${x1 >= 0.9 ? 1 : 0}`);
  }
  return out.map((line) => `${line}\n`);
}

/** The figures of the stream view's facts: {key: number}. */
function figures() {
  return page.locator("#stream-facts").evaluate((dl) => {
    const out = {};
    for (const fact of dl.querySelectorAll(".fact")) out[fact.dataset.fact] = Number(fact.dataset.value);
    out.trueAlerts = Number(dl.querySelector(".fact[data-fact='alerts']").dataset.true);
    return out;
  });
}

/** Waits until the view shows `rows` parts read. */
function rowsShown(rows) {
  return page.waitForFunction(
    (n) => Number(document.querySelector(".fact[data-fact='rows']")?.dataset.value) === n,
    rows,
    { timeout: 30_000 },
  );
}

/** Appends `text` to the followed file, as another program writing to it would. */
function append(text) {
  return page.evaluate(async (more) => {
    const handle = window.growingFile;
    const size = (await handle.getFile()).size;
    const writable = await handle.createWritable({ keepExistingData: true });
    await writable.seek(size);
    await writable.write(more);
    await writable.close();
  }, text);
}

async function settings() {
  // The online logistic learns from the first parts; a fixed threshold keeps both runs alike.
  await page.locator("#st-model").selectOption("logistic");
  await page.locator("#st-threshold").fill("0.12");
}

test("a followed file's appended rows are scored as they come, a cut line once completed", async () => {
  const all = lines();
  await page.locator("button.tab[data-view='stream']").click();
  await settings();
  assert.equal(await page.locator("#stream-follow").isVisible(), true);
  // The picker is a dialog a test cannot drive: it hands over a file of the private file system.
  await page.evaluate(async (start) => {
    const dir = await navigator.storage.getDirectory();
    const handle = await dir.getFileHandle("growing.csv", { create: true });
    const writable = await handle.createWritable();
    await writable.write(start);
    await writable.close();
    window.growingFile = handle;
    window.showOpenFilePicker = async () => [handle];
  }, all.slice(0, 1001).join(""));
  await page.locator("#stream-follow").click();
  await page.locator("#stream-following").waitFor();
  await rowsShown(1000);
  // Rows 1,000 to 1,999 and the first half of the next line: that line waits for its end.
  const cut = all[2001];
  await append(all.slice(1001, 2001).join("") + cut.slice(0, 5));
  await rowsShown(2000);
  await page.screenshot({ path: join(ARTIFACTS, "stream-follow.png"), fullPage: true });
  await append(cut.slice(5) + all.slice(2002).join(""));
  await rowsShown(3000);
  await page.locator("#stream-follow-stop").click();
  await page.locator("#stream-status[data-stage='done']").waitFor({ timeout: 30_000 });
  await idle(page);
  const followed = await figures();
  assert.equal(followed.rows, 3000);
  assert.ok(followed.auc > 0.8 && followed.trueAlerts > 0, JSON.stringify(followed));
  assert.equal(await page.locator("#stream-following").count(), 0);
  await page.screenshot({ path: join(ARTIFACTS, "stream-follow-done.png"), fullPage: true });

  // The same rows read in one go: the same figures, so the followed run scored every row once.
  await page.locator("input[name='stream-source'][value='chosen']").check();
  await page
    .locator("#stream-file-numeric")
    .setInputFiles({ name: "growing.csv", mimeType: "text/csv", buffer: Buffer.from(all.join("")) });
  await page.locator("#stream-run").click();
  await page.locator("#stream-status[data-stage='done']").waitFor({ timeout: 30_000 });
  await idle(page);
  const once = await figures();
  for (const key of ["rows", "mcc", "auc", "alerts", "trueAlerts", "precision", "recall"]) {
    assert.equal(followed[key], once[key], `${key}: followed ${followed[key]}, read once ${once[key]}`);
  }
  assert.deepEqual(page.errors, []);
});
