// Measures what a user waits for in the real page: a file chosen in the file input, read by the
// worker through file.stream(), parsed by the wasm engine and profiled, until the profile shows.
import { count, facts, idle, launch, upload } from "../e2e/harness.mjs";

/**
 * Loads `file` in headless Chromium; returns {seconds (first byte read to profile, measured by the
 * worker), wallSeconds (file chosen to profile drawn), rows, wasmBytes}.
 */
export async function measurePageIngest(file) {
  const session = await launch();
  try {
    const page = await session.newPage();
    const started = performance.now();
    await upload(page, [file]);
    await page
      .locator("#cancel")
      .waitFor({ state: "attached", timeout: 60_000 })
      .catch(() => {});
    await idle(page);
    await page.locator("main[data-view='profile'] .facts").waitFor();
    const wallSeconds = (performance.now() - started) / 1000;
    const shown = await facts(page);
    const seconds = await page.locator("main .facts .fact[data-fact='read'] dd").getAttribute("data-seconds");
    const wasmBytes = await page.locator("main .facts .fact[data-fact='memory'] dd").getAttribute("data-bytes");
    return { seconds: Number(seconds), wallSeconds, rows: count(shown.rows), wasmBytes: Number(wasmBytes) };
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
    const page = await session.newPage();
    await upload(page, [file]);
    await page.locator("main[data-view='profile'] .facts").waitFor({ timeout: 120_000 });
    await idle(page);
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
