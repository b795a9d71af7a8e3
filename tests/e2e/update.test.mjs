// A new build replaces the kept one cleanly: the service worker lists every file of the build
// with its hash under a version derived from them; a second build with a changed file is a new
// version, installed beside the running one while the page says an update is ready (its reload
// waits for any running job); the reload brings the new files, and the old cache is gone.

import assert from "node:assert/strict";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { buildServiceWorker, precacheList } from "../../scripts/build.mjs";
import { ARTIFACTS, cacheNames, idle, launch, offlineReady, ROOT, readPrivacy } from "./harness.mjs";

const MARKER = "/* second build */ .update-marker { order: 2; }";

let dir;
let first;
let second;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "vitrine-update-"));
  first = join(dir, "first");
  second = join(dir, "second");
  for (const copy of [first, second]) {
    cpSync(join(ROOT, "www"), copy, { recursive: true, filter: (path) => !path.endsWith(".map") });
  }
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The list and version the build stamped into `www`/sw.js. */
function stamped(www) {
  const text = readFileSync(join(www, "sw.js"), "utf8");
  return {
    version: text.match(/version:\s*"([0-9a-f]{16})"/)?.[1],
    paths: [...text.matchAll(/path:\s*"([^"]+)"/g)].map((m) => m[1]),
    integrity: [...text.matchAll(/integrity:\s*"([^"]+)"/g)].map((m) => m[1]),
  };
}

test("the service worker lists every file of the build with its hash; the version follows the files", async () => {
  // The copy of www/ as built: its worker is the build's.
  const built = stamped(first);
  const list = precacheList(first);
  assert.deepEqual(
    built.paths,
    list.map((f) => f.path),
  );
  assert.deepEqual(
    built.integrity,
    list.map((f) => f.integrity),
  );
  for (const p of [
    "index.html",
    "app.js",
    "worker.js",
    "styles.css",
    "pkg/vitrine_wasm_bg.wasm",
    "manifest.webmanifest",
  ]) {
    assert.ok(built.paths.includes(p), p);
  }
  assert.ok(!built.paths.some((p) => p.endsWith(".map") || p === "sw.js"));
  // Building the worker again over the same files gives the same version; a changed file, another.
  assert.equal((await buildServiceWorker(first)).version, built.version);
  appendFileSync(join(second, "styles.css"), `\n${MARKER}\n`);
  const { version } = await buildServiceWorker(second);
  assert.notEqual(version, built.version);
  assert.equal(stamped(second).version, version);
  const changed = precacheList(second).filter((f, i) => f.integrity !== list[i].integrity);
  assert.deepEqual(
    changed.map((f) => f.path),
    ["styles.css"],
  );
});

test("a second build replaces the kept files: update notice, reload after the running job, old cache deleted", async () => {
  const old = stamped(first).version;
  const next = stamped(second).version;
  assert.ok(old && next && old !== next, "the first test builds the second version");
  const env = await launch({ root: first });
  try {
    const page = await env.newPage();
    await offlineReady(page);
    assert.deepEqual(await cacheNames(page), [`vitrine-${old}`]);
    assert.equal(await page.locator("#update-reload").count(), 0);

    // The second build goes live on the same origin; the next visit finds it.
    await env.serve(second);
    await page.reload();
    await page.locator("#update-reload").waitFor({ timeout: 30_000 });
    assert.match(await page.locator(".update").textContent(), /An update is ready: reload to use it/);
    // Both versions are kept meanwhile, and the page still runs on the old files.
    assert.deepEqual(await cacheNames(page), [`vitrine-${next}`, `vitrine-${old}`].sort());
    assert.ok(!(await page.evaluate(async () => (await fetch("styles.css")).text())).includes(MARKER));

    // No reload under a running job: the button waits for it.
    await page.locator(`button[data-sample='rossmann']`).click();
    await page.locator("#cancel").waitFor();
    assert.equal(await page.locator("#update-reload").isDisabled(), true);
    await idle(page);
    assert.equal(await page.locator("#update-reload").isDisabled(), false);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, "update-ready.png") });

    await Promise.all([page.waitForEvent("load"), page.locator("#update-reload").click()]);
    await page.locator("#dropzone").waitFor();
    await page.waitForFunction((name) => caches.keys().then((k) => k.length === 1 && k[0] === name), `vitrine-${next}`);
    assert.equal(await page.locator(".update").isHidden(), true);
    const privacy = await readPrivacy(page);
    assert.match(privacy.offline, new RegExp(`version ${next}`));
    // The new files are the ones kept: with the network off, the changed style sheet is served.
    await page.context().setOffline(true);
    assert.ok((await page.evaluate(async () => (await fetch("styles.css")).text())).includes(MARKER));
    assert.deepEqual(page.errors, []);
  } finally {
    await env.close();
  }
});
