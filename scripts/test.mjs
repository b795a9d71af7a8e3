// `npm test`: every check CI runs, in order of cost, stopping at the first failure.

import { build } from "./build.mjs";
import { run } from "./run.mjs";
import { setup } from "./setup.mjs";

const started = Date.now();
function step(name) {
  console.log(`\n=== ${name} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

step("setup");
setup();
step("rustfmt");
run("cargo", ["fmt", "--all", "--check"]);
step("JS lint and format (biome)");
run("npx", ["--no-install", "biome", "ci", "web", "scripts", "tests"]);
step("clippy");
run("cargo", ["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]);
step("cargo test");
run("cargo", ["test", "--workspace"]);
step("wasm tests (wasm-bindgen-test, Node)");
run("cargo", ["test", "-p", "vitrine-wasm", "--target", "wasm32-unknown-unknown"], {
  env: { CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER: "wasm-bindgen-test-runner" },
});
step("build");
await build();
step("end-to-end tests (headless Chromium)");
run("node", ["--test", "--test-concurrency=1", "tests/e2e/"]);
step(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
