// The benchmark harness (`npm run bench [section...]`): each section runs our engine and the
// reference peer on the same data in the same run, and writes ratios plus each side's quality
// metric into BENCHMARKS.md. Timings live here, never in tests.
import { build } from "../../scripts/build.mjs";
import { machine } from "./lib.mjs";

const sections = {
  cluster: () => import("./cluster.mjs"),
  forecast: () => import("./forecast.mjs"),
  forest: () => import("./forest.mjs"),
  gbdt: () => import("./gbdt.mjs"),
  ingest: () => import("./ingest.mjs"),
  keep: () => import("./keep.mjs"),
  impute: () => import("./impute.mjs"),
  knn: () => import("./knn.mjs"),
  "santander-page": () => import("./santander_page.mjs"),
  stream: () => import("./stream.mjs"),
  // Documented runs, only when named: the full-size stream takes a while.
  "stream-full": () => import("./stream.mjs").then((m) => ({ run: m.full })),
  orders: () => import("./orders.mjs"),
};
const namedOnly = new Set(["stream-full"]);

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(sections).filter((n) => !namedOnly.has(n));
console.log(`machine: ${machine()}`);
// The page and the Node runs load the same build: make it from the current sources first.
await build();
for (const name of names) {
  if (!sections[name]) {
    console.error(`unknown section ${name}; known: ${Object.keys(sections).join(", ")}`);
    process.exit(2);
  }
  console.log(`== ${name}`);
  const section = await sections[name]();
  await section.run();
}
