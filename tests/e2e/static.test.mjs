// Checks on the source and the built site that need no browser: no markup sinks in the page's
// code, no external URL in what is served, every English string translated.

import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { ROOT } from "./harness.mjs";

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

test("the page's code never writes markup (innerHTML and the like)", () => {
  const sinks = /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write|srcdoc)\b|\beval\(|new Function\(/;
  const offenders = files(join(ROOT, "web"))
    .filter((f) => f.endsWith(".js"))
    .filter((f) => sinks.test(readFileSync(f, "utf8")))
    .map((f) => relative(ROOT, f));
  assert.deepEqual(offenders, []);
});

test("the built site names no other origin (no CDN, font or analytics)", () => {
  const www = join(ROOT, "www");
  const served = files(www).filter((f) => /\.(html|js|css|svg)$/.test(f));
  assert.ok(
    served.some((f) => f.endsWith("app.js")),
    "run the build first",
  );
  // The SVG namespace is an identifier, not a request.
  const url = /(https?:)?\/\/(?!www\.w3\.org\/2000\/svg)[a-z0-9-]+\.[a-z0-9.-]+/gi;
  const found = served.flatMap((f) =>
    (readFileSync(f, "utf8").match(url) ?? []).map((u) => `${relative(ROOT, f)}: ${u}`),
  );
  assert.deepEqual(found, []);
});

test("the page carries the Content-Security-Policy the server sends", async () => {
  const { CSP } = await import("../../scripts/serve.mjs");
  const html = readFileSync(join(ROOT, "www", "index.html"), "utf8");
  assert.ok(html.includes(`content="${CSP}"`));
});

test("every English string has a French translation, and both use the same placeholders", async () => {
  const globalDocument = globalThis.document;
  globalThis.document = { documentElement: {} };
  try {
    const strings = await import("../../web/strings.js");
    // Dataset names are proper names: they stay in English.
    const en = strings.keys("en").filter((k) => !/^dataset\.\w+$/.test(k));
    const fr = new Set(strings.keys("fr"));
    assert.deepEqual(
      en.filter((k) => !fr.has(k)),
      [],
    );
    for (const key of en) {
      strings.setLanguage("en");
      const a = strings.t(key).match(/\{\w+\}/g) ?? [];
      strings.setLanguage("fr");
      const b = strings.t(key).match(/\{\w+\}/g) ?? [];
      assert.deepEqual(b.sort(), a.sort(), key);
    }
  } finally {
    globalThis.document = globalDocument;
  }
});

test("the style sheet's blocks all close, and each section starts outside any block", () => {
  // A lost `}` (say, in a merge) silently swallows every later rule into a media query.
  const css = readFileSync(join(ROOT, "www", "styles.css"), "utf8");
  let depth = 0;
  const problems = [];
  css.split("\n").forEach((line, i) => {
    if (/^\/\*/.test(line) && depth !== 0) problems.push(`line ${i + 1}: comment inside a block`);
    for (const ch of line.replace(/\/\*.*?\*\//g, "")) {
      if (ch === "{") depth += 1;
      if (ch === "}") depth -= 1;
      if (depth < 0) problems.push(`line ${i + 1}: '}' without '{'`);
    }
  });
  assert.deepEqual(problems, []);
  assert.equal(depth, 0, "unclosed block at the end");
});

test("no module of the page is longer than 700 lines (a longer view becomes a folder)", () => {
  const long = files(join(ROOT, "web"))
    .filter((f) => f.endsWith(".js"))
    .map((f) => [relative(ROOT, f), readFileSync(f, "utf8").split("\n").length])
    .filter(([, lines]) => lines > 700);
  assert.deepEqual(long, []);
});

test("the facade reaches the algorithms only through the use cases (no learn dependency)", () => {
  const manifest = readFileSync(join(ROOT, "crates", "wasm", "Cargo.toml"), "utf8");
  const dependencies = manifest.split(/^\[dev-dependencies\]/m)[0];
  assert.ok(!/^learn\b/m.test(dependencies), "crates/wasm depends on learn");
  const tabular = readFileSync(join(ROOT, "crates", "tabular", "src", "dataset.rs"), "utf8");
  assert.ok(!/"1\.1"|"4\.2"/.test(tabular), "tabular lists use cases");
});
