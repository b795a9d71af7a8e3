// Shared set-up of the end-to-end tests: the static server on a free port, headless Chromium
// (Debian's, driven by playwright-core), and a page that records every request and error.

import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startServer } from "../../scripts/serve.mjs";
import { chromiumPath } from "../../scripts/setup.mjs";

/** Repository root. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Screenshots and downloads of the runs (git-ignored). */
export const ARTIFACTS = join(ROOT, "tests", "artifacts");
/** Small real files. */
export const FIXTURES = join(ROOT, "tests", "fixtures");

/** Long enough for a sample to generate and load on a busy 2-core machine. */
export const LOAD_TIMEOUT = 60_000;
/** Training the Rossmann sample (main model and the comparison) on a busy 2-core machine. */
export const TRAIN_TIMEOUT = 120_000;

/**
 * Starts the server (on `root`, www/ by default) and the browser. Returns {url, browser, newPage,
 * serve, stopServer, close}; `newPage({query, contextOptions})` opens a 1280x800 page in a
 * fresh context that records `requests` (every URL asked for) and `errors` (page errors and
 * console errors); `serve(root)` serves another
 * directory on the same origin (a second build, for the update tests); `stopServer()` takes the
 * origin off the network altogether (the offline tests).
 */
export async function launch({ root } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  let { server, url } = await startServer({ port: 0, root });
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error("Chromium not found: run `npm test` (its setup installs it)");
  const browser = await chromium.launch({
    executablePath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
  async function newPage({ query = "", contextOptions = {} } = {}) {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
      locale: "en-US",
      ...contextOptions,
    });
    const page = await context.newPage();
    page.requests = [];
    page.errors = [];
    context.on("request", (request) => page.requests.push(request.url()));
    page.on("pageerror", (error) => page.errors.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error") page.errors.push(message.text());
    });
    await page.goto(url + query);
    await page.locator("#dropzone").waitFor();
    return page;
  }
  let serving = true;
  async function stopServer() {
    if (!serving) return;
    serving = false;
    const closed = new Promise((resolve) => server.close(resolve));
    // Chromium keeps connections alive: without this the port stays taken.
    server.closeAllConnections();
    await closed;
  }
  async function serve(newRoot) {
    await stopServer();
    ({ server } = await startServer({ port: Number(new URL(url).port), root: newRoot }));
    serving = true;
  }
  async function close() {
    await browser.close();
    await stopServer();
  }
  return { url, browser, newPage, serve, stopServer, close };
}

/** Clicks "Try a sample" for `dataset` and waits until the profile view shows. */
export async function loadSample(page, dataset) {
  await page.locator("button.tab[data-view='start']").click();
  await page.locator(`button[data-sample='${dataset}']`).click();
  await page.locator("main[data-view='profile'] .facts").waitFor({ timeout: LOAD_TIMEOUT });
  await page.locator("#cancel").waitFor({ state: "detached", timeout: LOAD_TIMEOUT });
}

/** The profile facts shown (rows, columns, …) of the file currently selected. */
export async function facts(page) {
  return page.evaluate(() => {
    const out = {};
    for (const fact of document.querySelectorAll("main .facts .fact")) {
      out[fact.dataset.fact] = fact.querySelector("dd").textContent;
    }
    out.file = document.querySelector("main .file-title")?.textContent;
    return out;
  });
}

/** Uploads `paths` through the drop zone's file input. */
export async function upload(page, paths) {
  await page.locator("button.tab[data-view='start']").click();
  await page.locator("#file-input").setInputFiles(paths);
}

/** Waits until no job runs (the Cancel button is gone). */
export async function idle(page) {
  await page.locator("#cancel").waitFor({ state: "detached", timeout: LOAD_TIMEOUT });
}

/** Opens the Forecast view, trains with the form's defaults and waits for the result. */
export async function trainForecast(page) {
  await page.locator("button.tab[data-view='forecast']").click();
  await page.locator("#train").click();
  await page.locator("[data-metric='mae']").waitFor({ timeout: TRAIN_TIMEOUT });
  await idle(page);
}

/** The model's and the baseline's figure of a forecast metric card, as numbers read from the page. */
export async function forecastMetric(page, key) {
  return page.locator(`[data-metric='${key}']`).evaluate((card) => {
    const read = (sel) => {
      const el = card.querySelector(`${sel} .metric-value`);
      return { text: el.textContent, value: Number(el.dataset.value) };
    };
    return { model: read(".metric-model"), baseline: read(".metric-baseline") };
  });
}

/** Names of the files listed as loaded on the start screen. */
export async function loadedNames(page) {
  await page.locator("button.tab[data-view='start']").click();
  return page.locator(".loaded-file").evaluateAll((els) => els.map((e) => e.dataset.file));
}

/** "1,115" -> 1115. */
export function count(text) {
  return Number(String(text).replace(/[^0-9]/g, ""));
}

let cliBuilt = false;

/**
 * Runs the native command line `vitrine ARGS` (the debug build `npm test` compiles for its Rust
 * tests; built here first when missing) and returns its standard output parsed as JSON.
 */
export function vitrine(args) {
  if (!cliBuilt) {
    execFileSync("cargo", ["build", "--quiet", "-p", "vitrine"], { cwd: ROOT, stdio: "inherit" });
    cliBuilt = true;
  }
  const out = execFileSync(join(ROOT, "target", "debug", "vitrine"), args, {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
    maxBuffer: 1 << 28,
  });
  return JSON.parse(out);
}

/** Waits until the service worker keeps the app's files and serves this page. */
export async function offlineReady(page) {
  await page.locator(".foot-offline[data-status='ready']").waitFor({ timeout: LOAD_TIMEOUT });
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: LOAD_TIMEOUT });
}

/** Names of the page's caches (Cache Storage), sorted. */
export function cacheNames(page) {
  return page.evaluate(async () => (await caches.keys()).sort());
}

/**
 * Opens the privacy panel once the engine has started and reads it: the counts it states
 * ({total, outside, blocked}), its rows ({path, origin, where, source, type, served}), its offline line.
 */
export async function readPrivacy(page) {
  await page.waitForFunction(() => document.documentElement.dataset.engine === "ready", null, {
    timeout: LOAD_TIMEOUT,
  });
  if (!(await page.locator("#privacy[open]").count())) await page.locator("#privacy-open").click();
  // The panel asks the engine worker for its requests as it opens, and redraws with the answer.
  await page.locator("#privacy[open][data-refreshed] .privacy-verdict").waitFor({ timeout: LOAD_TIMEOUT });
  return page.locator("#privacy").evaluate((dialog) => {
    const verdict = dialog.querySelector(".privacy-verdict");
    return {
      total: Number(verdict.dataset.total),
      outside: Number(verdict.dataset.outside),
      blocked: Number(verdict.dataset.blocked),
      verdict: verdict.textContent,
      offline: dialog.querySelector(".privacy-offline").textContent,
      rows: [...dialog.querySelectorAll("tbody tr")].map((tr) => ({
        path: tr.querySelector(".request-path").textContent,
        origin: tr.dataset.origin,
        where: tr.dataset.where,
        source: tr.dataset.source,
        type: tr.dataset.type,
        served: tr.dataset.served,
      })),
    };
  });
}
