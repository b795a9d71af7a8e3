// Builds the static site in www/: the wasm facade (cargo + wasm-bindgen + wasm-opt), the page's
// JS bundled by esbuild (app.js for the main thread, worker.js for the module worker), vendored
// CSS, and last the service worker (sw.js) stamped with the hash of every other file it keeps
// for use offline. Everything the page loads comes from its own origin.

import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, run, which } from "./run.mjs";

const WWW = join(ROOT, "www");
const PKG = join(WWW, "pkg");
const TARGET = process.env.CARGO_TARGET_DIR ?? join(ROOT, "target");

/**
 * The features rustc's wasm32 target enables by default, plus SIMD (.cargo/config.toml): wasm-opt
 * must keep, not add, them.
 */
const WASM_FEATURES = [
  "--enable-bulk-memory",
  "--enable-mutable-globals",
  "--enable-nontrapping-float-to-int",
  "--enable-sign-ext",
  "--enable-reference-types",
  "--enable-multivalue",
  "--enable-simd",
];

function mb(path) {
  return `${(statSync(path).size / 1e6).toFixed(2)} MB`;
}

/** Compiles the facade to www/pkg (vitrine_wasm.js + vitrine_wasm_bg.wasm). */
export function buildWasm() {
  run("cargo", ["build", "--release", "--target", "wasm32-unknown-unknown", "-p", "vitrine-wasm"]);
  let wasm = join(TARGET, "wasm32-unknown-unknown", "release", "vitrine_wasm.wasm");
  // wasm-opt runs before wasm-bindgen: Debian's binaryen (108) cannot parse the table
  // instructions wasm-bindgen's output uses, and the result is the same size either way.
  if (which("wasm-opt")) {
    const dir = join(TARGET, "wasm-opt");
    mkdirSync(dir, { recursive: true });
    const optimised = join(dir, "vitrine_wasm.wasm");
    try {
      run("wasm-opt", ["-O3", ...WASM_FEATURES, wasm, "-o", optimised]);
      wasm = optimised;
    } catch (error) {
      console.warn(`build: wasm-opt failed (${error.message}); the wasm is not optimised further`);
    }
  } else {
    console.warn("build: wasm-opt (binaryen) not found; the wasm is not optimised further");
  }
  run("wasm-bindgen", ["--target", "web", "--no-typescript", "--out-dir", PKG, wasm]);
  const out = join(PKG, "vitrine_wasm_bg.wasm");
  console.log(`build: ${out} ${mb(out)}`);
}

/** Bundles web/ into www/app.js and www/worker.js and copies vendored CSS. */
export async function buildJs() {
  const esbuild = await import("esbuild");
  const common = {
    bundle: true,
    format: "esm",
    target: ["chrome110", "firefox115", "safari16"],
    sourcemap: true,
    minify: !process.env.VITRINE_DEBUG,
    legalComments: "eof",
    logLevel: "warning",
  };
  await esbuild.build({ ...common, entryPoints: [join(ROOT, "web", "main.js")], outfile: join(WWW, "app.js") });
  await esbuild.build({
    ...common,
    entryPoints: [join(ROOT, "web", "worker", "worker.js")],
    outfile: join(WWW, "worker.js"),
    // The wasm-bindgen glue stays a file of its own beside the wasm it loads.
    external: ["./pkg/vitrine_wasm.js"],
  });
  const vendor = join(WWW, "vendor");
  mkdirSync(vendor, { recursive: true });
  copyFileSync(join(ROOT, "node_modules", "uplot", "dist", "uPlot.min.css"), join(vendor, "uplot.min.css"));
  console.log(`build: ${join(WWW, "app.js")} ${mb(join(WWW, "app.js"))}, worker.js ${mb(join(WWW, "worker.js"))}`);
  await buildServiceWorker();
}

/** The service worker's own name in www/: it is not among the files it keeps. */
const SERVICE_WORKER = "sw.js";

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith(".")) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

/**
 * Every file of `www` the page may load (all but source maps, dotfiles and the service worker),
 * as `{path, integrity, bytes}` sorted by path: `path` relative with `/`, `integrity` the
 * subresource-integrity SHA-256 of its content, which the service worker checks when it fetches
 * the file.
 */
export function precacheList(www = WWW) {
  return walk(www)
    .map((file) => relative(www, file).split(sep).join("/"))
    .filter((path) => path !== SERVICE_WORKER && !path.endsWith(".map"))
    .sort()
    .map((path) => {
      const bytes = readFileSync(join(www, path));
      const integrity = `sha256-${createHash("sha256").update(bytes).digest("base64")}`;
      return { path, integrity, bytes: bytes.length };
    });
}

/**
 * Writes `www/sw.js`: web/sw.js with the build's list of files and a version, the first 16 hex
 * digits of a SHA-256 over that list and the worker's own source. Any changed file, or a
 * changed worker, gives a new version, hence a new cache; the worker deletes the others when it
 * takes over. Returns `{version, files}`.
 */
export async function buildServiceWorker(www = WWW) {
  const esbuild = await import("esbuild");
  const source = join(ROOT, "web", "sw.js");
  const files = precacheList(www);
  const version = createHash("sha256")
    .update(JSON.stringify(files))
    .update(readFileSync(source))
    .digest("hex")
    .slice(0, 16);
  await esbuild.build({
    entryPoints: [source],
    outfile: join(www, SERVICE_WORKER),
    bundle: true,
    // A classic script: module service workers are not in every browser the page supports.
    format: "iife",
    target: ["chrome110", "firefox115", "safari16"],
    minify: !process.env.VITRINE_DEBUG,
    define: { "self.VITRINE_BUILD": JSON.stringify({ version, files }) },
    logLevel: "warning",
  });
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  console.log(
    `build: ${join(www, SERVICE_WORKER)} version ${version}, keeps ${files.length} files (${(total / 1e6).toFixed(2)} MB)`,
  );
  return { version, files };
}

/** The whole site. */
export async function build() {
  buildWasm();
  await buildJs();
  if (!existsSync(join(PKG, "vitrine_wasm.js"))) throw new Error("build: wasm-bindgen output missing");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const only = process.argv[2];
  if (only === "--js") await buildJs();
  else await build();
}
