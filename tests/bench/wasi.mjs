// A Rust benchmark example compiled for wasm32-wasip1, run in Node's WASI: our engine as wasm on
// V8, on the same file and with the same arguments as the native example, so that a section sets
// the wasm build beside the native one and the peers. The example's directory of data is opened
// to it as /data. As a script (a child process, so that Node's warning and memory stay there):
//
//   node tests/bench/wasi.mjs EXAMPLE.wasm DATA_DIR ARGS...   (prints the example's stdout)
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { WASI } from "node:wasi";
import { root, run, runJson } from "./lib.mjs";

/** Builds example `name` of crate `crate` for wasm32-wasip1 (release); returns its path. */
export function wasiExample(crate, name) {
  run("cargo", ["build", "--release", "-p", crate, "--example", name, "--target", "wasm32-wasip1"]);
  return path.join(root, "target", "wasm32-wasip1", "release", "examples", `${name}.wasm`);
}

/**
 * Runs `wasm` with `args` in a child Node, `dataDir` opened to it as /data (name files there
 * /data/NAME); returns the JSON object its last line of output prints.
 */
export function runWasiJson(wasm, dataDir, args) {
  // Node 20's WASI crashed (SIGSEGV) in most runs as the program ended, after its output was
  // complete, unless the garbage collector runs on the main thread alone; the example's time is
  // spent in wasm, which the collector does not touch.
  const script = path.join(root, "tests", "bench", "wasi.mjs");
  return runJson(process.execPath, ["--no-warnings", "--single-threaded-gc", script, wasm, dataDir, ...args]);
}

async function main([wasm, dataDir, ...args]) {
  // The example writes straight to this process's standard output, which the caller reads.
  const wasi = new WASI({
    version: "preview1",
    args: [path.basename(wasm, ".wasm"), ...args],
    env: {},
    preopens: { "/data": dataDir },
    stdout: 1,
    returnOnExit: true,
  });
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(readFileSync(wasm)), wasi.getImportObject());
  process.exitCode = wasi.start(instance) ?? 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
