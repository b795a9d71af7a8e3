// What the engine worker and the rows worker (web/worker/rows.js) both need of the engine and
// of files.

import * as engine from "./pkg/vitrine_wasm.js";

/**
 * The chunks of `blob` as the browser reads them, the next one asked for before this one is
 * handed out: the browser reads while the engine parses. Leaving the loop early cancels the read.
 */
export async function* chunksOf(blob) {
  const reader = blob.stream().getReader();
  try {
    let ahead = reader.read();
    for (;;) {
      const { done, value } = await ahead;
      if (done) return;
      ahead = reader.read();
      yield value;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** An error as the page shows it: structured when it comes from the engine. */
export function describe(error) {
  if (error && typeof error === "object" && typeof error.message === "string" && "kind" in error) {
    return error;
  }
  return { kind: "internal", message: String(error?.message ?? error) };
}

/** Frees an engine object, quietly when the instance is past use. */
export function freeQuietly(object) {
  try {
    object.free();
  } catch {
    // After a trap the instance is discarded anyway.
  }
}

/** What a Rust panic (a trap) said: the message the engine's panic hook kept, else the trap's. */
export function panicMessage(error) {
  try {
    return engine.take_panic() ?? error.message;
  } catch {
    return error.message;
  }
}
