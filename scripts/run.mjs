// Small helpers the other scripts share: run a command with inherited output, find a tool.
// Node built-ins only: `npm start` runs this before any npm package is installed.

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (scripts/..). */
export const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));

/** Cargo's bin directory, where `cargo install` puts wasm-bindgen. */
export const CARGO_BIN = join(process.env.CARGO_HOME ?? join(process.env.HOME ?? "/root", ".cargo"), "bin");

/** The environment every command runs with: cargo's bin directory on PATH. */
export function env(extra = {}) {
  const path = process.env.PATH ?? "";
  const withCargo = path.split(delimiter).includes(CARGO_BIN) ? path : `${CARGO_BIN}${delimiter}${path}`;
  return { ...process.env, PATH: withCargo, ...extra };
}

/** Runs a command in the repository root, printing it first; throws when it fails. */
export function run(cmd, args, options = {}) {
  console.log(`\n$ ${[cmd, ...args].join(" ")}`);
  const result = spawnSync(cmd, args, {
    cwd: ROOT,
    stdio: options.capture ? ["ignore", "pipe", "inherit"] : ["ignore", "inherit", "inherit"],
    encoding: "utf8",
    env: env(options.env),
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} failed with exit code ${result.status}`);
  }
  return result.stdout;
}

/** Output of a command, or null when it cannot run or fails (for "is it installed?"). */
export function probe(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", env: env() });
  if (result.error || result.status !== 0) return null;
  return `${result.stdout}${result.stderr}`.trim();
}

/** Whether an executable is on PATH (including cargo's bin directory). */
export function which(name) {
  const dirs = (env().PATH ?? "").split(delimiter);
  return dirs.map((d) => join(d, name)).find((p) => existsSync(p)) ?? null;
}
