// CPU seconds of a Python peer's timed sections, for machines shared with other jobs (where wall
// time also counts their share). The peer script runs unchanged under a wrapper that keeps
// time.perf_counter() as it is but notes time.process_time() at every call: consecutive calls
// bracket the peer's timed sections (fit, then predict or recommend).
import { spawnSync } from "node:child_process";
import { python, root } from "./lib.mjs";

const WRAPPER = `
import atexit, json, runpy, sys, time
marks = []
wall = time.perf_counter
def perf_counter():
    marks.append(time.process_time())
    return wall()
time.perf_counter = perf_counter
atexit.register(lambda: print(json.dumps({"cpu_marks": marks}), file=sys.stderr))
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
`;

/**
 * Runs `script` with `args` in the peers' python; returns its JSON (the last stdout line) and the
 * CPU seconds between its perf_counter() calls 1-2, 3-4, ... as `cpu` (a list).
 */
export function runPeerWithCpu(script, args) {
  const result = spawnSync(python(), ["-c", WRAPPER, script, ...args], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) throw new Error(`${script} failed:\n${result.stderr}`);
  const out = JSON.parse(result.stdout.trim().split("\n").pop());
  const marks = JSON.parse(result.stderr.trim().split("\n").pop()).cpu_marks;
  const cpu = [];
  for (let i = 0; i + 1 < marks.length; i += 2) cpu.push(marks[i + 1] - marks[i]);
  return { ...out, cpu };
}
