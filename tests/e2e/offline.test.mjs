// Offline for real: after one visit the page opens with the network off (and its server gone),
// loads the Rossmann sample and trains a forecast; the privacy panel lists what the page asked
// for and counts none outside its origin; the browser keeps the app's files and nothing else;
// Chromium finds the app installable.

import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { precacheList } from "../../scripts/build.mjs";
import { startServer } from "../../scripts/serve.mjs";
import { chromiumPath } from "../../scripts/setup.mjs";
import {
  ARTIFACTS,
  cacheNames,
  FIXTURES,
  forecastMetric,
  idle,
  LOAD_TIMEOUT,
  launch,
  loadSample,
  offlineReady,
  ROOT,
  readPrivacy,
  trainForecast,
  upload,
} from "./harness.mjs";

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

/** The version the build stamped into www/sw.js. */
function builtVersion(www = join(ROOT, "www")) {
  const match = readFileSync(join(www, "sw.js"), "utf8").match(/version:\s*"([0-9a-f]{16})"/);
  assert.ok(match, "sw.js carries its version: run the build first");
  return match[1];
}

/** The URLs the service worker keeps for a page served at `url`: the build's list. */
function keptUrls(url) {
  return precacheList()
    .map((f) => new URL(f.path === "index.html" ? "./" : f.path, url).href)
    .sort();
}

test("with the network off and the server gone, the page opens, loads the Rossmann sample and trains a forecast", async () => {
  const page = await env.newPage();
  await offlineReady(page);
  const version = builtVersion();
  assert.deepEqual(await cacheNames(page), [`vitrine-${version}`]);
  assert.deepEqual(
    await page.evaluate(
      async (name) => (await (await caches.open(name)).keys()).map((r) => r.url).sort(),
      `vitrine-${version}`,
    ),
    keptUrls(env.url),
  );

  // A file the browser evicted is fetched again, checked against its hash, kept, and listed.
  const cacheName = `vitrine-${version}`;
  await page.evaluate(
    async (name) => (await caches.open(name)).delete(new URL("styles.css", location.href).href),
    cacheName,
  );
  assert.ok((await page.evaluate(async () => (await fetch("styles.css")).text())).includes(".privacy-verdict"));
  assert.deepEqual(
    await page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => r.url).sort(), cacheName),
    keptUrls(env.url),
  );
  const online = await readPrivacy(page);
  assert.ok(online.rows.some((r) => r.type === "refill" && r.path === "/styles.css" && r.served === "network"));
  assert.equal(online.outside, 0);
  await page.locator("#privacy-close").click();

  await page.context().setOffline(true);
  await env.stopServer();
  const seenBefore = page.requests.length;
  await page.reload();
  await page.locator("#dropzone").waitFor();
  await page.locator(".foot-offline[data-status='ready']").waitFor();
  await loadSample(page, "rossmann");
  await trainForecast(page);
  const mae = await forecastMetric(page, "mae");
  assert.ok(mae.model.value > 0 && mae.model.value < mae.baseline.value, JSON.stringify(mae));
  // A file the user loads works offline too (it never goes through fetch).
  await upload(page, join(FIXTURES, "rossmann_store.csv"));
  await page.locator("main .file-title", { hasText: "rossmann_store.csv" }).waitFor({ timeout: LOAD_TIMEOUT });
  await idle(page);

  // The panel lists every request of the reloaded page: all on the origin, all answered by the
  // service worker's copy (there is no network), the engine's wasm among them.
  const origin = new URL(env.url).origin;
  const privacy = await readPrivacy(page);
  assert.equal(privacy.outside, 0);
  assert.equal(privacy.blocked, 0);
  assert.equal(privacy.total, privacy.rows.length);
  assert.match(privacy.verdict, /0 requests outside this page's origin/);
  assert.match(privacy.offline, new RegExp(`version ${version}`));
  for (const row of privacy.rows) {
    assert.equal(row.origin, origin, row.path);
    assert.equal(row.where, "self", row.path);
    assert.equal(row.served, "offline", row.path);
  }
  const paths = new Set(privacy.rows.map((r) => r.path));
  for (const p of ["/", "/app.js", "/styles.css", "/worker.js", "/pkg/vitrine_wasm.js", "/pkg/vitrine_wasm_bg.wasm"]) {
    assert.ok(paths.has(p), `${p} listed`);
  }
  assert.ok(privacy.rows.some((r) => r.path === "/pkg/vitrine_wasm_bg.wasm" && r.source === "engine"));
  // What Playwright saw the reloaded page ask for is what the panel lists (the browser's own
  // fetches of the icon and manifest aside, which the panel's note mentions).
  const seen = new Set(
    page.requests
      .slice(seenBefore)
      .map((u) => new URL(u).pathname)
      .filter((p) => !["/favicon.svg", "/manifest.webmanifest", "/sw.js"].includes(p)),
  );
  assert.deepEqual([...seen].filter((p) => !paths.has(p)).sort(), []);
  // The footer states the same figures.
  const footer = page.locator("#request-count");
  assert.equal(Number(await footer.getAttribute("data-total")), privacy.total);
  assert.equal(Number(await footer.getAttribute("data-outside")), 0);

  await page.screenshot({ path: join(ARTIFACTS, "privacy-offline-en.png") });
  await page.locator("#privacy-close").click();
  await page.getByRole("button", { name: "Français" }).click();
  const fr = await readPrivacy(page);
  assert.match(fr.verdict, /0 requête hors de l'origine de cette page/);
  await page.screenshot({ path: join(ARTIFACTS, "privacy-offline-fr.png") });

  // The browser keeps the app's files and nothing else: one cache, the build's list, no
  // database; the language choice is the one thing in local storage.
  assert.deepEqual(await cacheNames(page), [`vitrine-${version}`]);
  const stored = await page.evaluate(async (name) => {
    const cache = await caches.open(name);
    return {
      urls: (await cache.keys()).map((r) => r.url).sort(),
      databases: (await indexedDB.databases()).map((d) => d.name),
      local: Object.keys(localStorage),
    };
  }, `vitrine-${version}`);
  assert.deepEqual(stored, { urls: keptUrls(env.url), databases: [], local: ["vitrine.lang"] });
  assert.deepEqual(page.errors, []);
});

test("Chromium finds the app installable: manifest served and valid, service worker in control", async () => {
  // An incognito context is never installable, so this one keeps a profile, thrown away after.
  const profile = mkdtempSync(join(tmpdir(), "vitrine-install-"));
  const { server, url } = await startServer({ port: 0 });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await offlineReady(page);
    const manifest = await page.evaluate(async () => {
      const response = await fetch("manifest.webmanifest");
      return { type: response.headers.get("Content-Type"), body: await response.json() };
    });
    assert.equal(manifest.type, "application/manifest+json");
    assert.equal(manifest.body.name, "Vitrine");
    assert.equal(manifest.body.display, "standalone");
    assert.ok(manifest.body.icons.some((icon) => icon.src === "favicon.svg" && icon.sizes === "any"));
    const cdp = await context.newCDPSession(page);
    const parsed = await cdp.send("Page.getAppManifest");
    assert.deepEqual(parsed.errors, []);
    assert.equal(parsed.url, new URL("manifest.webmanifest", url).href);
    const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
    assert.deepEqual(installabilityErrors, []);
  } finally {
    await context.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(profile, { recursive: true, force: true });
  }
});
