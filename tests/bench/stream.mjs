// Bench section "stream" (use case 2.2): the prequential stream over a Bosch-shaped stream whose
// defect rule changes half-way (generated: `vitrine sample bosch --stream --change 0.5`), from
// the CSV's bytes (parsing included on both sides), beside River (../shared/bench/
// peer_stream.py: Hoeffding tree and logistic regression) on the same file in the same run.
// Ours: natively (`vitrine stream`, every model) and in wasm (the page's build in Node, through
// the facade's StreamSession as the worker drives it). Reports rows/s, the ratio to River's
// faster model, MCC and AUC of each side, the drift found and the peak memory.
//
// `npm run bench stream-full` (a documented run, not part of `npm run bench`): the full-size
// stream (1.18 M parts x 970 columns, 2 GB) natively and in headless Chromium through the
// stream view (the file chosen in the view, read as a stream): wall time and peak memory.
import { spawnSync } from "node:child_process";
import { createReadStream, readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { count, idle, launch, upload } from "../e2e/harness.mjs";
import { dataDir, run as exec, machine, python, runJson, sharedBench, vitrine, writeSection } from "./lib.mjs";
import { nodeEngine } from "./wasm.mjs";

const SEED = 42;

/** The generated stream of `parts` parts (cached under bench-data/) and its change row. */
export function streamSample(parts) {
  const dir = path.join(dataDir, `bosch-stream-${parts}-${SEED}`);
  const file = path.join(dir, "train_numeric.csv");
  try {
    statSync(path.join(dir, ".complete"));
  } catch {
    const args = ["sample", "bosch", "--out", dir, "--parts", String(parts), "--seed", String(SEED)];
    exec(vitrine(), [...args, "--stream", "--change", "0.5"]);
    exec("touch", [path.join(dir, ".complete")]);
  }
  return { file, change: Math.ceil(parts * 0.5) };
}

/** Ours natively: `vitrine stream` with `model`. */
function native(file, model) {
  return runJson(vitrine(), ["stream", "--numeric", file, "--model", model]);
}

/**
 * Ours in wasm: the page's build in Node, the file read in 1 MiB chunks through the facade's
 * StreamSession (the worker's loop without its pauses); rows/s over the whole run.
 */
async function wasm(file, params = {}) {
  const engine = await nodeEngine();
  const started = performance.now();
  const files = [{ role: "numeric", name: path.basename(file), bytes: statSync(file).size }];
  const session = new engine.StreamSession("stream", JSON.stringify(params), JSON.stringify(files), "[]");
  try {
    for (;;) {
      const next = session.next();
      if (next.kind === "done") break;
      if (next.kind === "work") {
        session.step(5000);
        continue;
      }
      for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) session.push(chunk);
      session.end_pass();
    }
    const report = session.finish().report;
    const seconds = (performance.now() - started) / 1000;
    return { ...report, rows_per_s: report.rows / seconds, seconds, memory: engine.memory_bytes() };
  } finally {
    session.free();
  }
}

/**
 * The faster of two runs of `run()`: on a machine shared with other builds a single run's rate
 * says as much about the neighbours as about the program. Both sides get the same.
 */
function fasterOfTwo(run) {
  const [a, b] = [run(), run()];
  return a.rows_per_s >= b.rows_per_s ? a : b;
}

/** River on the same file. */
function river(file, model) {
  return runJson(python(), [
    path.join(sharedBench, "peer_stream.py"),
    file,
    "--target",
    "Response",
    "--drop",
    "Id",
    "--model",
    model,
  ]);
}

const f3 = (x) => (x === null || x === undefined ? "–" : Number(x).toFixed(3));
const int = (x) => Math.round(x).toLocaleString("en-US");
const mb = (b) => (b / 1e6).toFixed(1);

/** `npm run bench stream`. */
export async function run(parts = 59_187) {
  const load = os.loadavg()[0].toFixed(1);
  const { file, change } = streamSample(parts);
  const ours = {
    "window-gbdt": fasterOfTwo(() => native(file, "window-gbdt")),
    logistic: fasterOfTwo(() => native(file, "logistic")),
    hoeffding: fasterOfTwo(() => native(file, "hoeffding")),
  };
  // A fresh engine's first stream, as the page's first one runs (in a Node of its own, the faster
  // of two such, as every other row's), then the faster of two more on an engine already used.
  const inWasm = fasterOfTwo(() => runJson(process.execPath, [fileURLToPath(import.meta.url), file]));
  await wasm(file);
  const [second, third] = [await wasm(file), await wasm(file)];
  const inWasmWarm = second.rows_per_s >= third.rows_per_s ? second : third;
  const page = await inPage(file);
  const inPageRow = {
    rows_per_s: page.rate,
    mcc: page.mcc,
    auc: page.auc,
    alerts: page.alerts,
    true_alerts: page.trueAlerts,
    recall: page.recall,
    drifts: page.firstDrift === null ? [] : [{ row: page.firstDrift }],
  };
  const riverLoad = os.loadavg()[0].toFixed(1);
  const peers = {
    hoeffding: fasterOfTwo(() => river(file, "hoeffding")),
    logreg: fasterOfTwo(() => river(file, "logreg")),
  };
  const faster = Math.max(peers.hoeffding.rows_per_s, peers.logreg.rows_per_s);
  const bestMcc = Math.max(peers.hoeffding.mcc, peers.logreg.mcc);
  const drift = (r) => {
    const after = r.drifts.find((d) => d.row >= change);
    return after ? `${int(after.row - change)} parts after` : "none";
  };
  const row = (who, r, memory) =>
    `| ${who} | ${int(r.rows_per_s)} | ${(r.rows_per_s / faster).toFixed(1)}x | ${f3(r.mcc)} | ${f3(r.auc)} | ${int(r.alerts)} (${int(r.true_alerts)}) | ${f3(r.recall)} | ${drift(r)} | ${memory} |`;
  const lines = [
    `## Stream (use case 2.2): prequential scoring beside River`,
    "",
    `Synthetic: a Bosch-shaped stream of ${int(parts)} parts x 970 columns (\`vitrine sample bosch --stream --change 0.5 --parts ${parts} --seed ${SEED}\`: parts in time order, the defect rule changing at part ${int(change)}), ${mb(statSync(file).size)} MB. Each side reads the CSV, scores every part before learning its label, and learns it (no delay); rows/s over the whole run, parsing included; natively and for River, the faster of two runs (in wasm too: the first runs of two fresh engines, then two more runs of an engine that has run once; the page's one run). MCC with each side's own threshold (ours chosen online; River's 0.5). Machine: ${machine()}; run with \`npm run bench stream\`.`,
    "",
    `| run | rows/s | x River's faster | MCC | AUC | alerts (true) | recall | drift after the change | peak memory |`,
    `|---|---|---|---|---|---|---|---|---|`,
    row(
      "ours native, window-gbdt (default)",
      ours["window-gbdt"],
      `${mb(ours["window-gbdt"].peak_memory_bytes)} MB RSS`,
    ),
    row("ours native, logistic", ours.logistic, `${mb(ours.logistic.peak_memory_bytes)} MB RSS`),
    row("ours native, hoeffding", ours.hoeffding, `${mb(ours.hoeffding.peak_memory_bytes)} MB RSS`),
    row("ours wasm (Node, facade), window-gbdt, a fresh engine's first run", inWasm, `${mb(inWasm.memory)} MB wasm`),
    row(
      "ours wasm (Node, facade), window-gbdt, the faster of the second and third runs",
      inWasmWarm,
      `${mb(inWasmWarm.memory)} MB wasm`,
    ),
    row(
      "ours in the page (headless Chromium, stream view, file chosen), window-gbdt",
      inPageRow,
      `${mb(page.memory)} MB wasm; browser ${mb(page.browser.total)} MB PSS`,
    ),
    `| River ${peers.hoeffding.version} Hoeffding tree | ${int(peers.hoeffding.rows_per_s)} | ${(peers.hoeffding.rows_per_s / faster).toFixed(1)}x | ${f3(peers.hoeffding.mcc)} | ${f3(peers.hoeffding.auc)} | – | – | – | – |`,
    `| River ${peers.logreg.version} logistic regression | ${int(peers.logreg.rows_per_s)} | ${(peers.logreg.rows_per_s / faster).toFixed(1)}x | ${f3(peers.logreg.mcc)} | ${f3(peers.logreg.auc)} | – | – | – | – |`,
    "",
    `River's best MCC: ${f3(bestMcc)}; ours (default): ${f3(ours["window-gbdt"].mcc)}. The first wasm run includes the engine compiling and optimising the stream's code (the page's first stream pays it too); the page's row is the stream view's own figures (its rows/s from the session's start, reading included), its drift the first one found: the page's worker hands the charts' data to the page every 500 ms (the counts every 150 ms) and the charts redraw on the same 2 cores; \`npm run bench stream-full\` for the full size. River's peer script (../shared/bench/peer_stream.py) reports MCC and AUC only, so its alerts and recall are not shown; MCC 0 at threshold 0.5 means it raised no alert or none that was right. Load average (1 min) at the start: ${load}; before River's runs: ${riverLoad}; at the end: ${os.loadavg()[0].toFixed(1)} (the machine is shared: a ratio is only as good as the load was even).`,
  ];
  console.log(lines.join("\n"));
  writeSection("stream", lines.join("\n"));
}

/**
 * Samples, every `ms`, the memory of this process's descendants (the headless browser's
 * processes) from /proc (Linux): the peak of their summed proportional set size (PSS: shared
 * pages such as Chromium's own code split among the processes sharing them, so the sum is what
 * the browser costs the machine) and the peak resident and proportional size of each kind of
 * process (browser, renderer: the tab and its worker, gpu-process, utility...). `stop()` returns
 * `{total, kinds: {kind: {rss, pss}}}` in bytes.
 */
function browserMemory(ms = 500) {
  const peak = { total: 0, kinds: {} };
  const kib = (text, key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0) * 1024;
  const sample = () => {
    const out = spawnSync("ps", ["-e", "-o", "pid=,ppid=,args="], { encoding: "utf8" }).stdout ?? "";
    const children = new Map();
    const args = new Map();
    for (const line of out.trim().split("\n")) {
      const [, pid, ppid, command] = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line) ?? [];
      if (!pid) continue;
      args.set(Number(pid), command);
      if (!children.has(Number(ppid))) children.set(Number(ppid), []);
      children.get(Number(ppid)).push(Number(pid));
    }
    let total = 0;
    const kinds = {};
    const walk = (pid) => {
      for (const child of children.get(pid) ?? []) {
        walk(child);
        const command = args.get(child);
        if (!/chrom/.test(command)) continue;
        let rollup;
        try {
          rollup = readFileSync(`/proc/${child}/smaps_rollup`, "utf8");
        } catch {
          continue; // ended meanwhile
        }
        const type = /--type=(\S+)/.exec(command)?.[1] ?? "browser";
        const sub = /--utility-sub-type=(\S+)/.exec(command)?.[1];
        const kind = sub ? `${type} (${sub})` : type;
        const pss = kib(rollup, "Pss");
        total += pss;
        kinds[kind] ??= { rss: 0, pss: 0 };
        kinds[kind].rss += kib(rollup, "Rss");
        kinds[kind].pss += pss;
      }
    };
    walk(process.pid);
    peak.total = Math.max(peak.total, total);
    for (const [kind, m] of Object.entries(kinds)) {
      peak.kinds[kind] ??= { rss: 0, pss: 0 };
      peak.kinds[kind].rss = Math.max(peak.kinds[kind].rss, m.rss);
      peak.kinds[kind].pss = Math.max(peak.kinds[kind].pss, m.pss);
    }
  };
  const timer = setInterval(sample, ms);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/**
 * The full-size stream through the page's stream view, the file chosen in the view (with
 * `date`, the date file too, and `replayMemory` MB for its replay when given). With `timeRead`,
 * also the seconds the page takes to read the numeric file alone once (file.stream(), nothing
 * done with the bytes), after the run.
 */
async function inPage(file, { loaded = false, date = null, replayMemory = null, timeRead = false } = {}) {
  const session = await launch();
  try {
    // From "Loaded files": the file dropped on the start screen first (above what a table holds,
    // it is profiled in one pass and not kept: at any size here, the page's tables being held to
    // 1 MB, as the full-size file is by its size), then streamed again from the file it came from.
    const page = await session.newPage(loaded ? { query: "?textLimit=1000000" } : {});
    await page.locator("html[data-engine='ready']").waitFor({ timeout: 60_000 });
    let loadSeconds = null;
    if (loaded) {
      const started = performance.now();
      await upload(page, file);
      await page.locator(".not-kept").waitFor({ timeout: 3_600_000 });
      await page.locator("#cancel").waitFor({ state: "detached", timeout: 3_600_000 });
      loadSeconds = (performance.now() - started) / 1000;
    }
    await page.locator("button.tab[data-view='stream']").click();
    if (loaded) await page.locator("input[name='stream-source'][value='loaded']").check();
    else {
      await page.locator("input[name='stream-source'][value='chosen']").check();
      await page.locator("#stream-file-numeric").setInputFiles(file);
      if (date) await page.locator("#stream-file-date").setInputFiles(date);
    }
    if (replayMemory) await page.locator("#st-replayMemoryMb").fill(String(replayMemory));
    // The browser with the page open, the engine ready and the file chosen: what the stream adds to.
    const atRest = browserMemory().stop();
    const sampler = browserMemory();
    const started = performance.now();
    await page.locator("#stream-run").click();
    await page.locator("#stream-status[data-stage='done']").waitFor({ timeout: 3_600_000 });
    const wall = (performance.now() - started) / 1000;
    const browser = sampler.stop();
    await idle(page);
    let readSeconds = null;
    if (timeRead) {
      // A file input of the bench's own: the view's has been emptied by the run.
      await page.evaluate(() => {
        const input = document.createElement("input");
        input.type = "file";
        input.id = "bench-read";
        document.body.append(input);
      });
      await page.locator("#bench-read").setInputFiles(file);
      readSeconds = await page.locator("#bench-read").evaluate(async (input) => {
        const started = performance.now();
        const reader = input.files[0].stream().getReader();
        while (!(await reader.read()).done);
        return (performance.now() - started) / 1000;
      });
    }
    const fact = (key) => page.locator(`.fact[data-fact='${key}']`).getAttribute("data-value").then(Number);
    const result = {
      wall,
      loadSeconds,
      readSeconds,
      passes: Number(/(\d+) pass/.exec(await page.locator("#stream-status").textContent())?.[1] ?? 1),
      rows: count(await page.locator(".fact[data-fact='rows'] dd").textContent()),
      rate: await fact("rate"),
      mcc: await fact("mcc"),
      auc: await fact("auc"),
      memory: await fact("memory"),
      drifts: await fact("drifts"),
      recall: await fact("recall"),
      alerts: await fact("alerts"),
      trueAlerts: Number(await page.locator(".fact[data-fact='alerts']").getAttribute("data-true")),
      firstDrift: await page
        .locator(".fact[data-fact='drifts']")
        .getAttribute("data-first")
        .then((v) => (v === "" ? null : Number(v))),
      browser,
      atRest,
    };
    if (page.errors.length > 0) throw new Error(`page errors: ${page.errors.join("; ")}`);
    return result;
  } finally {
    await session.close();
  }
}

/**
 * `npm run bench stream-full`: the full-size stream by default; `STREAM_PARTS=N` for a smaller
 * one on a machine where the full size takes too long (the section says which size ran).
 */
export async function full() {
  const parts = Number(process.env.STREAM_PARTS ?? 1_183_747);
  const { file, change } = streamSample(parts);
  const ours = native(file, "window-gbdt");
  const page = await inPage(file);
  const fromLoaded = await inPage(file, { loaded: true });
  // With the date file: the parts replayed in time order, a pass over the numeric file per
  // time segment of the replay's memory budget.
  const dateFile = path.join(path.dirname(file), "train_date.csv");
  const oursDated = runJson(vitrine(), ["stream", "--numeric", file, "--date", dateFile]);
  const dated = await inPage(file, { date: dateFile, timeRead: true });
  const datedRoomy = await inPage(file, { date: dateFile, replayMemory: 1024 });
  const drifts = (list) => list.map((d) => int(d.row)).join(", ") || "none";
  const fullSize = parts === 1_183_747;
  const lines = [
    `## Stream at ${fullSize ? "full size" : "size"} in the page (use case 2.2)`,
    "",
    `Synthetic: ${fullSize ? "the full-size" : "a"} Bosch-shaped stream, ${int(parts)} parts x 970 columns, ${mb(statSync(file).size)} MB (\`vitrine sample bosch --stream --change 0.5 --parts ${parts} --seed ${SEED}\`), the defect rule changing at part ${int(change)}. Default settings (window-gbdt), file order (no date file; the generated parts are in time order). The page reads the file chosen in the stream view with file.stream() in its worker, never holding it; its wall time runs from the click to the result, the live charts drawn meanwhile. Peak memory: natively the process's resident high-water mark (VmHWM); in the page the wasm instance's linear memory (it only grows, so its size is its peak) and, sampled every 500 ms from outside, the proportional set size (PSS) of the headless browser's processes summed (the renderer, which runs the tab and its worker, broken out below). The real train_numeric.csv has the same rows and columns in 2.0 GB (fewer decimals). Machine: ${machine()}; load average at the start ${os.loadavg()[0].toFixed(1)}; run with \`${fullSize ? "" : `STREAM_PARTS=${parts} `}npm run bench stream-full\`.`,
    "",
    `| run | wall seconds | rows/s | MCC | AUC | alerts (true) | recall | drifts at part | peak memory |`,
    `|---|---|---|---|---|---|---|---|---|`,
    `| native \`vitrine stream\` | ${ours.seconds.toFixed(1)} | ${int(ours.rows_per_s)} | ${f3(ours.mcc)} | ${f3(ours.auc)} | ${int(ours.alerts)} (${int(ours.true_alerts)}) | ${f3(ours.recall)} | ${drifts(ours.drifts)} | ${mb(ours.peak_memory_bytes)} MB RSS |`,
    `| page (headless Chromium, stream view) | ${page.wall.toFixed(1)} | ${int(page.rate)} | ${f3(page.mcc)} | ${f3(page.auc)} | ${int(page.alerts)} (${int(page.trueAlerts)}) | ${f3(page.recall)} | ${page.firstDrift === null ? "none" : `${page.drifts} found, first ${int(page.firstDrift)}`} | ${mb(page.memory)} MB wasm; browser ${mb(page.browser.total)} MB PSS |`,
    `| page, from "Loaded files" (the file profiled on the start screen first, in ${fromLoaded.loadSeconds.toFixed(1)} s, not kept) | ${fromLoaded.wall.toFixed(1)} | ${int(fromLoaded.rate)} | ${f3(fromLoaded.mcc)} | ${f3(fromLoaded.auc)} | ${int(fromLoaded.alerts)} (${int(fromLoaded.trueAlerts)}) | ${f3(fromLoaded.recall)} | ${fromLoaded.firstDrift === null ? "none" : `${fromLoaded.drifts} found, first ${int(fromLoaded.firstDrift)}`} | ${mb(fromLoaded.memory)} MB wasm; browser ${mb(fromLoaded.browser.total)} MB PSS |`,
    `| native \`vitrine stream\` with the date file (${oursDated.passes} passes) | ${oursDated.seconds.toFixed(1)} | ${int(oursDated.rows_per_s)} | ${f3(oursDated.mcc)} | ${f3(oursDated.auc)} | ${int(oursDated.alerts)} (${int(oursDated.true_alerts)}) | ${f3(oursDated.recall)} | ${drifts(oursDated.drifts)} | ${mb(oursDated.peak_memory_bytes)} MB RSS |`,
    ...[
      [dated, `page with the date file (both chosen in the view; time-ordered replay, ${dated.passes} passes)`],
      [datedRoomy, `page with the date file, replay memory 1024 MB set in the view (${datedRoomy.passes} passes)`],
    ].map(
      ([r, who]) =>
        `| ${who} | ${r.wall.toFixed(1)} | ${int(r.rate)} | ${f3(r.mcc)} | ${f3(r.auc)} | ${int(r.alerts)} (${int(r.trueAlerts)}) | ${f3(r.recall)} | ${r.firstDrift === null ? "none" : `${r.drifts} found, first ${int(r.firstDrift)}`} | ${mb(r.memory)} MB wasm; browser ${mb(r.browser.total)} MB PSS |`,
    ),
    "",
    `The browser's peak memory by kind of process (each kind's own peak, sampled every 500 ms; PSS splits shared pages, RSS counts them in full; before the click, the page open with its engine ready: ${mb(page.atRest.total)} MB PSS in all, the renderer ${mb(page.atRest.kinds.renderer?.pss ?? 0)} MB): ${Object.entries(
      page.browser.kinds,
    )
      .map(([kind, m]) => `${kind} ${mb(m.pss)} MB PSS / ${mb(m.rss)} MB RSS`)
      .join("; ")}.`,
    "",
    `With the date file the replay reads the numeric file once per pass (each pass keeps the parts of one time segment that fits the replay's memory, 256 MB by default), so its time follows the passes times the time to read the file: natively from the page cache, in the page as Chromium hands the file to the worker, ${dated.readSeconds.toFixed(1)} s for the ${mb(statSync(file).size)} MB file read alone in the same page after the run (${mb(statSync(file).size / dated.readSeconds)} MB/s), ${(dated.passes * dated.readSeconds).toFixed(1)} s for ${dated.passes} passes. More memory for the replay (the view's field) means fewer passes: the trade is the tab's memory against the time.`,
    "",
    `The memory does not follow the file's size: the wasm memory (the boosted model's window of W = 20,000 labelled parts, the models, the bounded live report) is the same tens of MB as on the 59,187-part stream of the section above, and the renderer grows over its resting size by a few hundred MB, the JavaScript of the worker and the page (chunks in flight, live reports, charts) whose split is not measured here (performance.memory is not exposed to a worker), against ${mb(statSync(file).size)} MB read.`,
  ];
  console.log(lines.join("\n"));
  writeSection("stream-full", lines.join("\n"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // `node tests/bench/stream.mjs FILE`: one stream on a fresh engine, its report as JSON.
  const { latest_alerts: _, ...report } = await wasm(process.argv[2]);
  console.log(JSON.stringify(report));
}
