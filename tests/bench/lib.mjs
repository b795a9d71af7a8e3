// Shared plumbing of the benchmark harness: running commands, the peers' python, and writing one
// section of BENCHMARKS.md between markers so that sections can be re-run one at a time.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const dataDir = path.join(root, "bench-data");
/** The peers' scripts: beside the checkout (../shared), or beside its worktrees' folder. */
export const sharedBench =
  [path.resolve(root, "../shared/bench"), path.resolve(root, "../../shared/bench")].find((dir) => existsSync(dir)) ??
  path.resolve(root, "../shared/bench");

/** Runs a command, returns its stdout; throws with its stderr on failure. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 1 << 28,
    ...options,
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
  }
  return result.stdout;
}

/** Runs a command whose last stdout line is one JSON object, and parses it. */
export function runJson(command, args, options = {}) {
  const lines = run(command, args, options).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

let peersPython;
/** The python of the reference peers' venv, installed by ../shared/bench/setup.sh. */
export function python() {
  if (!peersPython) {
    const out = execFileSync("bash", [path.join(sharedBench, "setup.sh")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    peersPython = out.trim().split("\n").pop();
  }
  return peersPython;
}

/** Builds the native release binary once and returns its path. */
export function vitrine() {
  run("cargo", ["build", "--release", "-p", "vitrine"], { stdio: ["ignore", "ignore", "inherit"] });
  return path.join(root, "target/release/vitrine");
}

/** Generates a sample dataset once (cached under bench-data/) and returns its directory. */
export function sample(dataset, scale, seed = 42) {
  const dir = path.join(dataDir, `${dataset}-${scale}-${seed}`);
  if (!existsSync(path.join(dir, ".complete"))) {
    mkdirSync(dir, { recursive: true });
    run(vitrine(), ["sample", dataset, "--out", dir, "--scale", String(scale), "--seed", String(seed)]);
    writeFileSync(path.join(dir, ".complete"), "");
  }
  return dir;
}

/** A line describing the machine, printed with every section. */
export function machine() {
  const cpu = os.cpus()[0]?.model ?? "unknown cpu";
  return `${os.cpus().length} x ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`;
}

/** Replaces (or appends) the section `name` of BENCHMARKS.md. */
export function writeSection(name, markdown) {
  const file = path.join(root, "BENCHMARKS.md");
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  let text = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  text =
    start >= 0 && stop > start
      ? text.slice(0, start) + block + text.slice(stop + end.length)
      : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text);
}

/** The median of a list of numbers (the upper one of the middle two for an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Formats a ratio to two decimals. */
export const ratio = (ours, theirs) => (ours / theirs).toFixed(2);
