// The data preview: a grid that renders only the cells in view and fetches row windows from
// the worker as the user scrolls, so a million-row table never becomes a million DOM nodes.

import { h } from "../dom.js";
import * as fmt from "../format.js";

const ROW_H = 26;
const HEAD_H = 30;
const COL_W = 150;
const NUM_W = 72;
/** Rows fetched per request. */
const BLOCK = 100;
/** Blocks kept; older ones are dropped. */
const CACHE_BLOCKS = 40;
/** Browsers cap an element's height (about 33 M px in Chrome): past this, scrolling is scaled. */
const MAX_PX = 8_000_000;

/**
 * A grid over `rows` rows of `columns` (names); `fetchRows(start, count)` resolves to
 * {start, rows: [[text|null]]}. Returns the element; it draws itself when attached.
 */
export function previewGrid({ columns, rows, fetchRows, label }) {
  const scaled = rows * ROW_H > MAX_PX;
  const bodyHeight = scaled ? MAX_PX : rows * ROW_H;
  const width = NUM_W + columns.length * COL_W;
  const viewport = h("div", { class: "grid", tabindex: "0", role: "region", "aria-label": label });
  const sizer = h("div", { class: "grid-sizer" });
  sizer.style.width = `${width}px`;
  sizer.style.height = `${HEAD_H + bodyHeight}px`;
  const head = h("div", { class: "grid-head" });
  head.style.width = `${width}px`;
  const body = h("div", { class: "grid-body" });
  viewport.append(sizer);
  sizer.append(head, body);

  const cache = new Map();
  const pending = new Set();
  let frame = 0;

  function firstRow() {
    const visible = Math.ceil(viewport.clientHeight / ROW_H);
    if (!scaled) return Math.floor(viewport.scrollTop / ROW_H);
    const range = Math.max(1, MAX_PX - viewport.clientHeight + HEAD_H);
    return Math.floor((Math.min(viewport.scrollTop, range) / range) * Math.max(0, rows - visible));
  }

  function request(block) {
    if (cache.has(block) || pending.has(block)) return;
    pending.add(block);
    fetchRows(block * BLOCK, BLOCK)
      .then((window) => {
        cache.set(block, window.rows);
        if (cache.size > CACHE_BLOCKS) cache.delete(cache.keys().next().value);
      })
      .catch(() => {})
      .finally(() => {
        pending.delete(block);
        schedule();
      });
  }

  function draw() {
    frame = 0;
    if (!viewport.isConnected) return;
    const height = viewport.clientHeight || 360;
    const first = Math.max(0, firstRow() - 2);
    const count = Math.min(rows - first, Math.ceil(height / ROW_H) + 4);
    const left = viewport.scrollLeft;
    const c0 = Math.max(0, Math.floor((left - NUM_W) / COL_W) - 1);
    const c1 = Math.min(columns.length, Math.ceil((left + viewport.clientWidth) / COL_W) + 1);
    const top = scaled ? viewport.scrollTop - (firstRow() - first) * ROW_H : first * ROW_H;

    head.replaceChildren();
    head.append(cell("grid-num head-cell", 0, NUM_W, "#"));
    for (let c = c0; c < c1; c++) {
      head.append(cell("head-cell", NUM_W + c * COL_W, COL_W, columns[c]));
    }
    body.replaceChildren();
    body.style.top = `${HEAD_H + Math.max(0, top)}px`;
    for (let i = 0; i < count; i++) {
      const r = first + i;
      const block = Math.floor(r / BLOCK);
      const data = cache.get(block);
      if (!data) request(block);
      const line = h("div", { class: "grid-row", "data-row": r });
      line.style.top = `${i * ROW_H}px`;
      line.style.width = `${width}px`;
      line.append(cell("grid-num", 0, NUM_W, fmt.int(r + 1)));
      const values = data?.[r - block * BLOCK];
      for (let c = c0; c < c1; c++) {
        const value = values ? values[c] : undefined;
        const text = value === undefined ? "…" : value === null ? "" : value;
        const el = cell(value === null ? "grid-cell na" : "grid-cell", NUM_W + c * COL_W, COL_W, text);
        if (value) el.title = value;
        line.append(el);
      }
      body.append(line);
    }
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(draw);
  }

  viewport.addEventListener("scroll", schedule, { passive: true });
  new ResizeObserver(schedule).observe(viewport);
  return viewport;
}

function cell(className, left, width, text) {
  const el = document.createElement("div");
  el.className = className;
  el.style.left = `${left}px`;
  el.style.width = `${width}px`;
  el.textContent = text;
  return el;
}
