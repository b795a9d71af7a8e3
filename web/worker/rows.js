// A stream's rows parsed in a worker of their own, so that one core parses a pass of the file
// while the engine worker's core scores and learns (reading and parsing took about a third of a
// stream's time on one core). The engine worker starts this worker (the same worker.js, named
// ROWS_NAME) once it is ready, and hands it a pass's File and its reading (what the engine's
// StreamSession.reading() said); this worker reads the file with file.stream(), parses each
// chunk with the engine's RowParser into a batch of rows, and posts the batches back,
// transferred, at most BATCHES_AHEAD ahead of the ones the engine worker has used.
//
// Messages to this worker: {type: "parse", id, file, reading}, {type: "used", id} (one batch
// used), {type: "stop", id}. From it: {type: "ready", requests}, {type: "batch", id, bytes,
// last, memory}, {type: "error", id, error}, {type: "crashed", message}.

import { chunksOf, describe, freeQuietly, panicMessage } from "./common.js";
import * as engine from "./pkg/vitrine_wasm.js";

/** The worker name that makes worker.js this worker. */
export const ROWS_NAME = "vitrine-rows";

/** Batches posted and not yet used: bounds what waits in the engine worker's queue. */
const BATCHES_AHEAD = 8;

/** Longest wait for this worker to start before a stream parses its text in the engine worker. */
const START_MS = 10_000;

/** This worker's side: the pass being parsed ({id, ahead, wake, stopped}), at most one. */
let pass = null;

/** Answers the engine worker's messages, once the engine is `ready`. */
export function serveRows(ready) {
  self.onmessage = async ({ data }) => {
    if (data.type === "parse") {
      await ready;
      parse(data);
    } else if (pass && data.id === pass.id) {
      if (data.type === "used") pass.ahead -= 1;
      if (data.type === "stop") pass.stopped = true;
      pass.wake?.();
    }
  };
}

/** Parses the pass `id` of `file`, posting its batches as the engine worker uses them. */
async function parse({ id, file, reading }) {
  const own = { id, ahead: 0, wake: null, stopped: false };
  pass = own;
  const send = async (bytes, last) => {
    while (own.ahead >= BATCHES_AHEAD && !own.stopped) {
      await new Promise((resolve) => {
        own.wake = resolve;
      });
    }
    if (own.stopped) return false;
    own.ahead += 1;
    self.postMessage({ type: "batch", id, bytes, last, memory: engine.memory_bytes() }, [bytes.buffer]);
    return true;
  };
  let parser = null;
  try {
    parser = new engine.RowParser(JSON.stringify(reading));
    for await (const chunk of chunksOf(file)) {
      if (!(await send(parser.push(chunk), false))) return;
    }
    const last = parser.finish(new Uint8Array(0));
    parser = null;
    await send(last, true);
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) {
      // The instance may hold half-updated state: the engine worker replaces this worker.
      self.postMessage({ type: "crashed", message: panicMessage(error) });
    } else {
      self.postMessage({ type: "error", id, error: describe(error) });
    }
  } finally {
    if (parser) freeQuietly(parser);
    if (pass === own) pass = null;
  }
}

/**
 * The engine worker's side: starts the rows worker, and gives the batches of a pass it parses.
 * `onRequests(report)` hears the worker's requests once it is ready (for the privacy panel).
 */
export class RowsWorker {
  constructor(onRequests) {
    this.onRequests = onRequests;
    this.worker = null;
    this.started = null;
    this.passes = 0;
    this.listener = null;
    /** The rows worker's wasm memory, as its last batch said (it never shrinks). */
    this.memoryBytes = 0;
    this.start();
  }

  /** Starts a worker; `started` resolves true once it is ready, false if it cannot start. */
  start() {
    this.worker?.terminate();
    if (typeof Worker !== "function") {
      this.started = Promise.resolve(false);
      return;
    }
    const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: ROWS_NAME });
    this.worker = worker;
    this.started = new Promise((resolve) => {
      let ready = false;
      worker.onmessage = ({ data }) => {
        if (data.type === "ready") {
          ready = true;
          this.onRequests(data.requests);
          resolve(true);
        } else if (data.type === "crashed") {
          this.listener?.({ type: "crashed", message: data.message });
          resolve(false);
          // A worker that crashed in a pass is replaced; one that could not start is not.
          if (ready) this.start();
        } else {
          this.listener?.(data);
        }
      };
      worker.onerror = (event) => {
        event.preventDefault();
        this.listener?.({ type: "crashed", message: event.message || "the rows worker stopped" });
        resolve(false);
      };
    });
  }

  /** Whether passes can be parsed in the rows worker (waits for it to start, within START_MS). */
  async available() {
    const timeout = new Promise((resolve) => setTimeout(() => resolve(false), START_MS));
    return Promise.race([this.started, timeout]);
  }

  /**
   * The batches of `file` parsed as `reading` says, in order, each one counted as used when
   * the next is asked for. Throws the parser's structured error. Leaving early stops the parse.
   */
  async *batches(file, reading) {
    this.passes += 1;
    const id = this.passes;
    const queue = [];
    let wake = null;
    this.listener = (message) => {
      if (message.type === "crashed" || message.id === id) {
        queue.push(message);
        wake?.();
      }
    };
    this.worker.postMessage({ type: "parse", id, file, reading });
    let last = false;
    try {
      while (!last) {
        if (queue.length === 0) {
          await new Promise((resolve) => {
            wake = resolve;
          });
          continue;
        }
        const message = queue.shift();
        if (message.type === "error") throw message.error;
        if (message.type === "crashed") throw { kind: "crash", message: message.message };
        last = message.last;
        this.memoryBytes = message.memory;
        yield message.bytes;
        this.worker.postMessage({ type: "used", id });
      }
    } finally {
      this.listener = null;
      if (!last) this.worker?.postMessage({ type: "stop", id });
    }
  }
}
