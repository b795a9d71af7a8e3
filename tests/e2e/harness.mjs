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

/**
 * Starts the server and the browser. Returns {url, browser, newPage, close}; `newPage()` opens
 * a 1280x800 page that records `requests` (every URL asked for) and `errors` (page errors and
 * console errors).
 */
export async function launch() {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { server, url } = await startServer({ port: 0 });
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
  async function newPage({ query = "" } = {}) {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
      locale: "en-US",
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
  async function close() {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
  return { url, browser, newPage, close };
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
