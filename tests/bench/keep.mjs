// A file larger than a table can hold in the page: the full-size generated Bosch
// train_numeric.csv (`vitrine sample bosch --scale 1`), profiled in one pass without being kept,
// then read again keeping one station group (L3_S29, as imputation takes it), in headless
// Chromium through the real page; the wasm memory after each pass (wasm memory never shrinks:
// it is the peak). Beside pandas reading the same columns of the same file (usecols), with its
// peak memory, in the same run.
import { statSync } from "node:fs";
import path from "node:path";
import { count, facts, idle, launch, upload } from "../e2e/harness.mjs";
import { python, runJson, sample, writeSection } from "./lib.mjs";

const PATTERN = "L3_S29";
/** Long enough for a 2.5 GB file on a busy 2-core machine. */
const PASS_TIMEOUT = 3_600_000;

/** What the page shows after a pass: rows, kept columns, seconds, wasm memory. */
async function shown(page) {
  const f = await facts(page);
  const seconds = await page.locator("main .facts .fact[data-fact='read'] dd").getAttribute("data-seconds");
  const memory = await page.locator("main .facts .fact[data-fact='memory'] dd").getAttribute("data-bytes");
  return { rows: count(f.rows), columns: count(f.columns), seconds: Number(seconds), memory: Number(memory) };
}

export async function run() {
  const file = path.join(sample("bosch", 1), "train_numeric.csv");
  const gb = statSync(file).size / 1e9;
  const session = await launch();
  let profiled;
  let kept;
  try {
    const page = await session.newPage();
    await page.locator("html[data-engine='ready']").waitFor({ timeout: 60_000 });
    await upload(page, [file]);
    await page.locator(".not-kept").waitFor({ timeout: PASS_TIMEOUT });
    await idle(page);
    profiled = await shown(page);
    const all = await page.locator(".not-kept tbody tr").count();
    console.log(`profiled: ${JSON.stringify(profiled)} (${all} columns listed)`);
    await page.locator("#keep-columns").fill(PATTERN);
    const status = await page.locator("#keep-status").textContent();
    await page.locator("#keep-button").click();
    await page.locator(".panel:not(.not-kept) table.columns tbody tr").first().waitFor({ timeout: PASS_TIMEOUT });
    await page.locator("#cancel").waitFor({ state: "detached", timeout: PASS_TIMEOUT });
    kept = { ...(await shown(page)), status };
    console.log(`kept: ${JSON.stringify(kept)}`);
  } finally {
    await session.close();
  }
  const pandas = runJson(python(), [path.join("tests", "bench", "peer_usecols.py"), file, PATTERN]);
  console.log(`pandas: ${JSON.stringify(pandas)}`);
  const mb = (bytes) => (bytes / 1e6).toFixed(0);
  const lines = [
    `## A file larger than a table can hold: full-size Bosch, one station group kept`,
    ``,
    `\`npm run bench keep\` — \`train_numeric.csv\` of \`vitrine sample bosch --scale 1\` (${gb.toFixed(2)} GB,`,
    `${profiled.rows.toLocaleString("en")} rows, 970 columns, mostly empty), dropped on the page in headless Chromium: the`,
    `page profiles every column in one pass without keeping them (the file holds more than the 1.5 GB`,
    `of text a whole table can), then reads it again keeping the columns matching \`${PATTERN}\` (the`,
    `picker: "${kept.status.trim()}"). Wasm memory never`,
    `shrinks, so the figure after a pass is its peak. pandas reads the same columns of the same file`,
    `(\`usecols\`) in the same run.`,
    ``,
    `| pass | seconds | MB/s | columns kept | memory at the end (peak) |`,
    `|---|---|---|---|---|`,
    `| page: profile every column, keep none | ${profiled.seconds.toFixed(1)} | ${((gb * 1e3) / profiled.seconds).toFixed(1)} | 0 | ${mb(profiled.memory)} MB wasm |`,
    `| page: keep ${PATTERN} (profile the others) | ${kept.seconds.toFixed(1)} | ${((gb * 1e3) / kept.seconds).toFixed(1)} | ${kept.columns} | ${mb(kept.memory)} MB wasm |`,
    `| pandas ${pandas.version} read_csv(usecols) | ${pandas.seconds.toFixed(1)} | ${((gb * 1e3) / pandas.seconds).toFixed(1)} | ${pandas.columns} | ${mb(pandas.peak_rss_bytes)} MB process RSS (frame ${mb(pandas.frame_bytes)} MB) |`,
  ];
  writeSection("keep", lines.join("\n"));
  console.log(lines.join("\n"));
}
