// Measures what a user waits for in the real page: a file chosen in the file input, read by the
// worker through file.stream(), parsed by the wasm engine and profiled, until the profile shows.
import { count, facts, idle, launch, upload } from "../e2e/harness.mjs";

/**
 * Records, in the page, when the file input changes and when the profile's facts first show:
 * what the user waits for, without the test driver's own latency.
 */
function watchUntilProfile() {
  window.benchMarks = {};
  document.addEventListener(
    "change",
    () => {
      window.benchMarks.chosen ??= performance.now();
    },
    true,
  );
  new MutationObserver(() => {
    if (window.benchMarks.chosen && document.querySelector("main[data-view='profile'] .facts")) {
      window.benchMarks.drawn ??= performance.now();
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true });
}

/**
 * Waits until the engine has started and warmed up, then a second more: the browser is still
 * optimising the warmed-up code on another thread for a moment, and a user picks a file after
 * the page has loaded. Without this the first file is read while that work competes for the
 * CPU (on this 2-core machine about 1.5x slower).
 */
async function settled(page) {
  await page.locator("html[data-engine='ready']").waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1000);
}

/**
 * Loads `file` in headless Chromium; returns {seconds (first byte read to profile, measured by the
 * worker), wallSeconds (file chosen to profile drawn, measured in the page), rows, wasmBytes}.
 */
export async function measurePageIngest(file) {
  const session = await launch();
  try {
    const page = await session.newPage();
    await settled(page);
    await page.evaluate(watchUntilProfile);
    await upload(page, [file]);
    await idle(page);
    await page.locator("main[data-view='profile'] .facts").waitFor();
    const marks = await page.evaluate(() => window.benchMarks);
    const shown = await facts(page);
    const seconds = await page.locator("main .facts .fact[data-fact='read'] dd").getAttribute("data-seconds");
    const wasmBytes = await page.locator("main .facts .fact[data-fact='memory'] dd").getAttribute("data-bytes");
    return {
      seconds: Number(seconds),
      wallSeconds: (marks.drawn - marks.chosen) / 1000,
      rows: count(shown.rows),
      wasmBytes: Number(wasmBytes),
    };
  } finally {
    await session.close();
  }
}

/**
 * Uploads the Rossmann `files` (train.csv, store.csv) into the page, trains the forecast with
 * `params` (form fields by parameter name: trees, depth, learningRate, ...; no comparison model)
 * and returns {trainSeconds and featuresSeconds (timed by the wasm engine), seconds (the whole run,
 * timed by the worker), wallSeconds (file chosen to chart drawn), trees, mae, rmspe}.
 */
export async function measurePageForecast(files, params, timeout = 1_800_000) {
  const session = await launch();
  try {
    const page = await session.newPage();
    const started = performance.now();
    await upload(page, files);
    await page.locator("button.tab[data-view='forecast']:not([disabled])").waitFor({ timeout });
    await idle(page);
    await page.locator("button.tab[data-view='forecast']").click();
    for (const [key, value] of Object.entries(params)) {
      const field = page.locator(`#fc-${key}`);
      await field.fill(String(value));
      await field.dispatchEvent("change");
    }
    await page.locator("#fc-compare").uncheck();
    await page.locator("#train").click();
    await page.locator(".forecast-chart canvas").waitFor({ timeout });
    const wallSeconds = (performance.now() - started) / 1000;
    const shown = page.locator("#forecast-facts");
    const metric = async (key) =>
      Number(await page.locator(`[data-metric='${key}'] .metric-model .metric-value`).getAttribute("data-value"));
    const mae = await metric("mae");
    return {
      trainSeconds: Number(await shown.getAttribute("data-train-seconds")),
      featuresSeconds: Number(await shown.getAttribute("data-features-seconds")),
      trees: Number(await shown.getAttribute("data-trees")),
      rmspe: await metric("rmspe"),
      seconds: Number(await shown.getAttribute("data-seconds")),
      wallSeconds,
      mae,
    };
  } finally {
    await session.close();
  }
}

/** A new page of `session` with `file` uploaded, read and profiled. */
async function pageWithFile(session, file) {
  const page = await session.newPage();
  await upload(page, [file]);
  await page.locator("main[data-view='profile'] .facts").waitFor({ timeout: 120_000 });
  await idle(page);
  return page;
}

/**
 * Clusters the rows of `file` in headless Chromium, as a user would: upload it, open the clusters
 * view, cluster its rows by `id` with Ward at k = `k`, `runs` times in the same page (the first
 * run also tiers the wasm up). Returns each run's {seconds (whole run, profiles to description),
 * distanceTree (Gower + tree)}, as the worker timed them (the facts' data-seconds), and `n`.
 */
export async function measurePageCluster(file, { id = "Store", k = 4, runs = 3 } = {}) {
  const session = await launch();
  try {
    const page = await pageWithFile(session, file);
    await page.locator("button.tab[data-view='clusters']").click();
    await page.locator("input[name='cl-source'][value='table']").check();
    await page.locator("#cl-id").selectOption(id);
    await page.locator("#cl-linkage").selectOption("ward");
    await page.locator("#cl-k").selectOption(String(k));
    const measured = [];
    for (let i = 0; i < runs; i++) {
      await page.locator("#cluster-run").click();
      await page.locator("[data-fact='seconds'] dd").waitFor({ timeout: 300_000 });
      await idle(page);
      const seconds = await page.locator("[data-fact='seconds'] dd").getAttribute("data-seconds");
      const distanceTree = await page.locator("[data-fact='distanceTree'] dd").getAttribute("data-seconds");
      measured.push({ seconds: Number(seconds), distanceTree: Number(distanceTree) });
    }
    const n = count(await page.locator("[data-fact='entities'] dd").textContent());
    if (page.errors.length > 0) throw new Error(`page errors: ${page.errors.join("; ")}`);
    return { n, runs: measured };
  } finally {
    await session.close();
  }
}

/**
 * Uploads `file` into the page in headless Chromium and imputes it there (use case 2.1) with the
 * view's default selection (every numeric column, or the most visited station) and `m`, `seed`.
 * Returns {seconds (the run, measured by the worker), columns, rows, coverage}.
 */
export async function measurePageImpute(file, { m, seed }) {
  const session = await launch();
  try {
    const page = await pageWithFile(session, file);
    await page.locator("button.tab[data-view='impute']").click();
    await page.locator("section.impute-form").waitFor({ timeout: 120_000 });
    await idle(page);
    for (const [id, value] of [
      ["#impute-m", m],
      ["#impute-seed", seed],
    ]) {
      await page.locator(id).fill(String(value));
      await page.locator(id).dispatchEvent("change");
    }
    const plan = page.locator(".plan-facts");
    await plan.waitFor();
    await page.locator("#impute-run:not([disabled])").click();
    await page.locator("#impute-facts").waitFor({ timeout: 600_000 });
    const read = (fact, attribute) =>
      page.locator(`.fact[data-fact='${fact}'] dd`).getAttribute(attribute).then(Number);
    return {
      seconds: await read("seconds", "data-seconds"),
      coverage: await read("coverage", "data-coverage"),
      columns: Number(await plan.getAttribute("data-columns")),
      rows: Number(await plan.getAttribute("data-rows")),
    };
  } finally {
    await session.close();
  }
}

/**
 * Uploads Instacart's `files` into the page in headless Chromium, then runs each of `runs`
 * ({view, button, metric, params}) from its view with the form's defaults changed by `params`.
 * Returns {loadSeconds (files chosen to all profiled), engineBytesLoaded, results: per run the
 * facts the view shows (seconds of reading, features, training and the whole run, timed by the
 * engine; the engine's memory after the run) and the model's `metric`}.
 */
export async function measurePageOrders(files, runs, timeout = 3_600_000) {
  const session = await launch();
  try {
    const page = await session.newPage();
    await settled(page);
    const started = performance.now();
    await upload(page, files);
    // Every file read: each run's tab enabled, no job left.
    for (const { view } of runs) {
      await page.locator(`button.tab[data-view='${view}']:not([disabled])`).waitFor({ timeout });
    }
    await page.locator("#cancel").waitFor({ state: "detached", timeout });
    const loadSeconds = (performance.now() - started) / 1000;
    const engineBytesLoaded = Number(
      await page.locator("main .facts .fact[data-fact='memory'] dd").getAttribute("data-bytes"),
    );
    const results = [];
    for (const { view, prefix, metric, params = {} } of runs) {
      await page.locator(`button.tab[data-view='${view}']`).click();
      for (const [key, value] of Object.entries(params)) {
        const field = page.locator(`#${prefix}-${key}`);
        await field.fill(String(value));
        await field.dispatchEvent("change");
      }
      await page.locator(`#${prefix}-train`).click();
      await page.locator(`[data-metric='${metric}']`).waitFor({ timeout });
      await page.locator("#cancel").waitFor({ state: "detached", timeout });
      const facts = page.locator(`#${prefix}-facts`);
      const read = async (name) => Number(await facts.getAttribute(`data-${name}`));
      const value = await page
        .locator(`[data-metric='${metric}'] .metric-model .metric-value`)
        .getAttribute("data-value");
      results.push({
        view,
        seconds: await read("seconds"),
        readSeconds: await read("read-seconds"),
        featuresSeconds: await read("features-seconds"),
        trainSeconds: await read("train-seconds"),
        engineBytes: await read("engine-bytes"),
        [metric]: Number(value),
      });
    }
    if (page.errors.length > 0) throw new Error(`page errors: ${page.errors.join("; ")}`);
    return { loadSeconds, engineBytesLoaded, results };
  } finally {
    await session.close();
  }
}
