// Use case 2.2 in the page: the Bosch sample makes the start screen's entry ready, which opens
// the stream view; the stream sample (30,000 parts whose defect rule changes at part 15,000)
// runs with the defaults and reaches the targets, finds the change, and matches the
// command line on the same file; the downloads agree with the figures shown. A paced stream
// pauses and resumes for real and is cancelled from the job bar; the loaded Bosch files stream
// in time order from the date file; bad files are refused with file, line and column, the
// loaded files staying loaded.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { gzipSync } from "node:zlib";
import { ARTIFACTS, idle, LOAD_TIMEOUT, launch, loadedNames, loadSample, vitrine } from "./harness.mjs";

/** A streamed run of the 30,000-part sample in wasm on a busy 2-core machine. */
const STREAM_TIMEOUT = 120_000;

let env;
let page;
before(async () => {
  env = await launch();
  page = await env.newPage();
  await loadSample(page, "bosch");
});
after(async () => {
  await env?.close();
});

/** Figures of the stream view's facts: {key: number}. */
function figures() {
  return page.locator("#stream-facts").evaluate((dl) => {
    const out = {};
    for (const fact of dl.querySelectorAll(".fact")) out[fact.dataset.fact] = Number(fact.dataset.value);
    const alerts = dl.querySelector(".fact[data-fact='alerts']");
    const drifts = dl.querySelector(".fact[data-fact='drifts']");
    out.trueAlerts = Number(alerts.dataset.true);
    out.firstDrift = drifts.dataset.first === "" ? null : Number(drifts.dataset.first);
    return out;
  });
}

async function openFromStart() {
  await page.locator("button.tab[data-view='start']").click();
  const entry = page.locator(".dataset[data-dataset='bosch'] li.usecase[data-usecase='2.2']");
  assert.match(await entry.locator(".badge").getAttribute("class"), /ready/);
  await entry.click();
  await page.locator("main[data-view='stream'] #stream-run").waitFor();
}

async function runToEnd() {
  await page.locator("#stream-run").click();
  await page.locator("#stream-status[data-stage='done']").waitFor({ timeout: STREAM_TIMEOUT });
  await idle(page);
}

async function download(key) {
  const [file] = await Promise.all([
    page.waitForEvent("download"),
    page.locator(`button[data-download='${key}']`).click(),
  ]);
  const path = join(ARTIFACTS, `stream_${key}.download`);
  await file.saveAs(path);
  return readFileSync(path, "utf8");
}

test("the stream sample reaches the targets, finds the planted change and matches the command line", async () => {
  await openFromStart();
  // The page's Bosch sample is the view's own loaded files; the default source is the stream sample.
  assert.equal(await page.locator("input[name='stream-source'][value='sample']").isChecked(), true);
  await runToEnd();
  const f = await figures();
  assert.equal(f.rows, 30_000);
  assert.ok(f.mcc >= 0.15, `MCC ${f.mcc}`);
  assert.ok(f.auc >= 0.72, `AUC ${f.auc}`);
  assert.ok(f.firstDrift >= 15_000 && f.firstDrift < 19_000, `first drift at ${f.firstDrift}`);
  assert.ok(f.trueAlerts > 10 && f.alerts >= f.trueAlerts, JSON.stringify(f));
  assert.ok(f.memory > 0 && f.rate > 0, JSON.stringify(f));
  // Its one pass was read and parsed by the second worker (and gives the command line's figures, below).
  const rate = page.locator(".fact[data-fact='rate']");
  assert.equal(await rate.getAttribute("data-parsed-apart"), "1");
  assert.match(await rate.textContent(), /2nd worker/);
  const memory = page.locator(".fact[data-fact='memory']");
  assert.match(await memory.textContent(), /\+ [0-9.]+ MB parser/);
  assert.ok(Number(await memory.getAttribute("data-parser")) > 0);
  // Beside the baselines: always-pass scores 0.
  assert.equal(await page.locator("#stream-baselines tr[data-baseline='always_pass']").getAttribute("data-mcc"), "0");
  // The charts are drawn, the feed lists alerts with their measurements.
  for (const kind of ["risk", "metrics", "throughput"]) {
    await page.locator(`.stream-chart-${kind} canvas`).waitFor();
  }
  const feed = page.locator("#stream-feed tbody tr");
  assert.ok((await feed.count()) > 0);
  assert.match(await feed.first().locator("code").first().textContent(), /^L\d+_S\d+_F\d+$/);

  // The same stream on the command line: the same model, the same figures.
  const dir = join(ARTIFACTS, "bosch-stream");
  vitrine(["sample", "bosch", "--out", dir, "--parts", "30000", "--seed", "42", "--stream", "--change", "0.5"]);
  const cli = vitrine(["stream", "--numeric", join(dir, "train_numeric.csv")]);
  assert.equal(cli.rows, f.rows);
  assert.ok(Math.abs(cli.mcc - f.mcc) < 1e-9, `${cli.mcc} vs ${f.mcc}`);
  assert.equal(cli.alerts, f.alerts);
  assert.equal(cli.true_alerts, f.trueAlerts);
  assert.equal(cli.drifts[0].row, f.firstDrift);

  // The downloads: the report, every part's score, the alerts with their outcome.
  const report = JSON.parse(await download("report"));
  assert.equal(report.rows, 30_000);
  const scores = (await download("scores")).trimEnd().split("\n");
  assert.equal(scores[0], "Id,time,row,risk,alert,label");
  assert.equal(scores.length, 30_001);
  assert.equal(scores.filter((l) => l.endsWith(",1,1")).length, f.trueAlerts);
  const alerts = (await download("alerts")).trimEnd().split("\n");
  assert.equal(alerts.length, f.alerts + 1);
  assert.equal(alerts.slice(1).filter((l) => l.split(",")[5] === "failed").length, f.trueAlerts);

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, "stream.png"), fullPage: true });
  // In French too: the view's words, no key left untranslated.
  await page.locator("button.lang-button[lang='fr']").click();
  await page.locator("main[data-view='stream'] h1", { hasText: "flux" }).waitFor();
  assert.doesNotMatch(await page.locator("main").textContent(), /stream\.[a-z]/);
  await page.screenshot({ path: join(ARTIFACTS, "stream-fr.png"), fullPage: true });
  await page.locator("button.lang-button[lang='en']").click();
  assert.deepEqual(page.errors, []);
});

test("a paced stream pauses, resumes and is cancelled, keeping the loaded files", async () => {
  await page.locator("#stream-speed").selectOption("2000");
  await page.locator("#stream-run").click();
  await page.waitForFunction(
    () => Number(document.querySelector(".fact[data-fact='rows']")?.dataset.value) > 1000,
    null,
    {
      timeout: LOAD_TIMEOUT,
    },
  );
  await page.locator("#stream-pause").click();
  await page.locator("#stream-status", { hasText: "Paused" }).waitFor();
  const paused = (await figures()).rows;
  await page.waitForTimeout(1200);
  assert.equal((await figures()).rows, paused, "no part is scored while paused");
  await page.locator("#stream-pause").click();
  await page.waitForFunction(
    (n) => Number(document.querySelector(".fact[data-fact='rows']").dataset.value) > n + 500,
    paused,
    {
      timeout: LOAD_TIMEOUT,
    },
  );
  // Paced at 2,000 parts a second: far from the 30,000.
  assert.ok((await figures()).rows < 20_000);
  await page.locator("#cancel").click();
  await page.locator(".notice", { hasText: "Stream stopped" }).waitFor();
  await idle(page);
  assert.deepEqual((await loadedNames(page)).sort(), ["train_date.csv", "train_numeric.csv"]);
  assert.deepEqual(page.errors, []);
});

test("the loaded Bosch files stream in time order from the date file", async () => {
  await page.locator("button.tab[data-view='stream']").click();
  await page.locator("#stream-speed").selectOption("0");
  await page.locator("input[name='stream-source'][value='loaded']").check();
  await runToEnd();
  const f = await figures();
  const shown = await page.locator("#stream-status").textContent();
  assert.match(shown, /in time order/);
  assert.match(shown, /2 pass/);
  assert.ok(f.rows > 2000 && f.rows < 3000, `${f.rows} parts`);
  // The date file parsed by the second worker; the numeric file's segments, picked by time, here.
  assert.equal(await page.locator(".fact[data-fact='rate']").getAttribute("data-parsed-apart"), "1");
  // Less memory for the replay: more passes over the numeric file, the same stream.
  await page.locator("#st-replayMemoryMb").fill("1");
  await runToEnd();
  const passes = Number(/(\d+) pass/.exec(await page.locator("#stream-status").textContent())[1]);
  assert.ok(passes > 2, `${passes} passes`);
  const again = await figures();
  for (const key of ["rows", "mcc", "auc", "alerts"]) assert.equal(again[key], f[key], key);
  await page.locator("#st-replayMemoryMb").fill("256");
  assert.deepEqual(page.errors, []);
});

/** Streams chosen files (name: text) and returns the error banner's text. */
async function refused(files) {
  await page.locator("button.tab[data-view='stream']").click();
  await page.locator("input[name='stream-source'][value='chosen']").check();
  if (!files.date) await page.locator("#stream-file-date").setInputFiles([]);
  for (const [role, [name, text]] of Object.entries(files)) {
    const buffer = Buffer.isBuffer(text) ? text : Buffer.from(text);
    await page.locator(`#stream-file-${role}`).setInputFiles({ name, mimeType: "text/csv", buffer });
  }
  await page.locator("#stream-run").click();
  const banner = page.locator(".banner .error-message");
  await banner.waitFor({ timeout: LOAD_TIMEOUT });
  const message = await banner.textContent();
  await page.locator(".banner button").click();
  await idle(page);
  return message;
}

test("bad files are refused with file, line and column, and the loaded files stay loaded", async () => {
  const good = "Id,a,b,Response\n1,0.5,0.2,0\n2,0.1,0.3,1\n3,0.4,0.1,0\n";
  const none = "Id,a,b\n1,0.5,0.2\n";
  assert.match(await refused({ numeric: ["parts.csv", none] }), /parts\.csv.*Response/);
  const notBinary = "Id,a,b,Response\n1,0.5,0.2,0\n2,0.1,0.3,2\n";
  assert.match(await refused({ numeric: ["parts.csv", notBinary] }), /parts\.csv, line 3, column 4 \(Response\)/);
  const empty = "Id,a,b,Response\n1,0.5,0.2,0\n2,,,1\n";
  assert.match(
    await refused({ numeric: ["parts.csv", empty] }),
    /parts\.csv, line 3, column 2 \(a\): part 2 has no measurement/,
  );
  const date = "Id,a_D,b_D\n1,5.0,6.0\n4,1.0,2.0\n3,3.0,\n";
  assert.match(
    await refused({ numeric: ["parts.csv", good], date: ["times.csv", date] }),
    /parts\.csv, line 3, column 1 \(Id\): Id 2 where times\.csv has Id 4/,
  );
  // Compressed: unpacked as it streams, the error naming the file inside the archive.
  assert.match(
    await refused({ numeric: ["parts.csv.gz", gzipSync(notBinary)] }),
    /parts\.csv in parts\.csv\.gz, line 3, column 4 \(Response\)/,
  );
  assert.deepEqual((await loadedNames(page)).sort(), ["train_date.csv", "train_numeric.csv"]);
  assert.deepEqual(page.errors, []);
});

test("any numeric CSV with a 0/1 target streams, its id and target columns named in the form", async () => {
  // 600 rows whose target is 1 when x1 is high: learnable, with another header than Bosch's.
  const lines = ["part,x1,x2,failed"];
  for (let i = 0; i < 600; i++) {
    const x1 = ((i * 37) % 100) / 100;
    lines.push(`${1000 + i},${x1},${((i * 11) % 7) / 7},${x1 >= 0.9 ? 1 : 0}`);
  }
  await page.locator("button.tab[data-view='stream']").click();
  await page.locator("input[name='stream-source'][value='chosen']").check();
  await page.locator("#stream-file-date").setInputFiles([]);
  await page
    .locator("#stream-file-numeric")
    .setInputFiles({ name: "line.csv", mimeType: "text/csv", buffer: Buffer.from(`${lines.join("\n")}\n`) });
  await page.locator("#st-idColumn").fill("part");
  await page.locator("#st-targetColumn").fill("failed");
  // The online logistic learns from the first parts (the boosted model's first window is longer).
  await page.locator("#st-model").selectOption("logistic");
  // A fixed threshold typed in is the one in force; emptied, the engine chooses it again.
  await page.locator("#st-threshold").fill("0.3");
  await runToEnd();
  const f = await figures();
  assert.equal(f.rows, 600);
  assert.ok(f.auc > 0.8, `AUC ${f.auc}`);
  assert.equal(f.threshold, 0.3);
  await page.locator("#st-threshold").fill("");
  await page.locator("#st-model").selectOption("window-gbdt");
  await page.locator("#st-idColumn").fill("Id");
  await page.locator("#st-targetColumn").fill("Response");
  assert.deepEqual(page.errors, []);
});
