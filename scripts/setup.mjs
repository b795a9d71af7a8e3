// Installs what building and testing need and is missing, non-interactively; a second run finds
// everything in place and returns in about a second. Run by `npm start` and `npm test`.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { probe, ROOT, run, which } from "./run.mjs";

/** The wasm-bindgen version Cargo.lock pins: the CLI must match it exactly. */
export function lockedWasmBindgenVersion() {
  const lock = readFileSync(join(ROOT, "Cargo.lock"), "utf8");
  const match = lock.match(/\[\[package\]\]\nname = "wasm-bindgen"\nversion = "([^"]+)"/);
  if (!match) throw new Error("Cargo.lock has no wasm-bindgen package");
  return match[1];
}

function isRoot() {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

let aptUpdated = false;
function aptInstall(packages) {
  if (!isRoot() || !which("apt-get")) {
    console.warn(`setup: please install ${packages.join(", ")} (not root, or no apt-get)`);
    return false;
  }
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  if (!aptUpdated) {
    run("apt-get", ["update", "-q"], { env });
    aptUpdated = true;
  }
  run("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...packages], { env });
  return true;
}

/** The Chromium the end-to-end tests drive (Debian's; playwright's own download is not used). */
export function chromiumPath() {
  return process.env.CHROMIUM ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p)) ?? null;
}

/** Installs the wasm target, wasm-bindgen-cli, npm packages and (for tests) Chromium and binaryen. */
export function setup({ browser = true } = {}) {
  const targets = probe("rustup", ["target", "list", "--installed"]);
  if (targets === null) {
    if (!which("cargo")) throw new Error("setup: Rust is not installed (https://rustup.rs)");
    console.warn("setup: no rustup; assuming the wasm32-unknown-unknown target is installed");
  } else if (!targets.split("\n").includes("wasm32-unknown-unknown")) {
    run("rustup", ["target", "add", "wasm32-unknown-unknown"]);
  }
  if (targets !== null) {
    const components = probe("rustup", ["component", "list", "--installed"]) ?? "";
    const missing = ["rustfmt", "clippy"].filter((c) => !components.includes(c));
    if (missing.length > 0) run("rustup", ["component", "add", ...missing]);
  }

  const version = lockedWasmBindgenVersion();
  const installed = probe("wasm-bindgen", ["--version"]);
  if (installed !== `wasm-bindgen ${version}` || !which("wasm-bindgen-test-runner")) {
    // Not --locked: the CLI's own lock file may pin crates this toolchain cannot build.
    run("cargo", ["install", "wasm-bindgen-cli", "--version", version]);
  }

  if (
    !existsSync(join(ROOT, "node_modules", ".package-lock.json")) ||
    !existsSync(join(ROOT, "node_modules", ".bin", "esbuild"))
  ) {
    run("npm", ["ci", "--no-audit", "--no-fund"]);
  }

  const wanted = [];
  if (!which("wasm-opt")) wanted.push("binaryen");
  if (browser && !chromiumPath()) wanted.push("chromium");
  if (wanted.length > 0 && !aptInstall(wanted) && browser && !chromiumPath()) {
    throw new Error("setup: the end-to-end tests need Chromium (apt-get install chromium)");
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  setup();
}
