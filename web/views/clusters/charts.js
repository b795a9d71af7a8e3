// The clusters view's charts, drawn on canvases: the tree with its cut, the inertia gains
// behind the suggested k, the map of the entities and its correlation circle.

import { h } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { sized } from "../canvas.js";
import { AXIS, clusterColour, GRID, INK, MAX_SLIDER_K } from "./palette.js";
import { entityName } from "./tables.js";

/** A canvas of `width` x `height` CSS pixels, drawn at the screen's resolution. */
function canvas(width, height, label) {
  const el = h("canvas", { role: "img", "aria-label": label });
  const ctx = sized(el, width, height);
  ctx.font = "11px system-ui, sans-serif";
  return { el, ctx };
}

/** Draws the dendrogram from R's merge matrix and leaf order, coloured below the cut at k. */
export function dendrogram(result, cut, width, height) {
  const { el, ctx } = canvas(width, height, t("clusters.dendrogramLabel", { k: cut.k }));
  const n = result.n;
  const merges = result.merge;
  const heights = result.heights;
  const pad = { left: 48, right: 10, top: 12, bottom: 12 };
  const top = heights[heights.length - 1] || 1;
  const xOfLeaf = new Float64Array(n);
  result.order.forEach((row, i) => {
    xOfLeaf[row] = pad.left + ((i + 0.5) * (width - pad.left - pad.right)) / n;
  });
  const y = (v) => height - pad.bottom - (v / top) * (height - pad.top - pad.bottom);
  const nodeX = new Float64Array(merges.length);
  const nodeLeaf = new Int32Array(merges.length);
  const child = (ref) =>
    ref < 0
      ? { x: xOfLeaf[-ref - 1], h: 0, leaf: -ref - 1 }
      : { x: nodeX[ref - 1], h: heights[ref - 1], leaf: nodeLeaf[ref - 1] };
  // Merges below the cut (all but the last k - 1) lie inside one cluster: drawn in its colour.
  const inside = n - cut.k;
  ctx.lineWidth = 1;
  ctx.strokeStyle = GRID;
  ctx.fillStyle = AXIS;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4;
    ctx.beginPath();
    ctx.moveTo(pad.left, y(v));
    ctx.lineTo(width - pad.right, y(v));
    ctx.stroke();
    ctx.fillText(fmt.num(v, 2), pad.left - 6, y(v));
  }
  merges.forEach(([a, b], s) => {
    const left = child(a);
    const right = child(b);
    nodeX[s] = (left.x + right.x) / 2;
    nodeLeaf[s] = left.leaf;
    ctx.strokeStyle = s < inside ? clusterColour(cut.labels[left.leaf]) : INK;
    ctx.beginPath();
    ctx.moveTo(left.x, y(left.h));
    ctx.lineTo(left.x, y(heights[s]));
    ctx.lineTo(right.x, y(heights[s]));
    ctx.lineTo(right.x, y(right.h));
    ctx.stroke();
  });
  if (cut.k > 1 && cut.k <= n - 1) {
    const at = (heights[n - cut.k - 1] + heights[n - cut.k]) / 2;
    ctx.strokeStyle = "#a12b2b";
    ctx.setLineDash([6, 4]);
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(pad.left, y(at));
    ctx.lineTo(width - pad.right, y(at));
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = "#a12b2b";
    ctx.textAlign = "right";
    ctx.textBaseline = "bottom";
    ctx.fillText(t("clusters.cutAt", { k: cut.k }), width - pad.right, y(at) - 3);
  }
  el.dataset.leaves = String(n);
  el.dataset.cutK = String(cut.k);
  return el;
}

/**
 * The bars behind the suggested k: bar j is what splitting j + 1 clusters into j + 2 gains
 * (Ward: inertia; other linkages: merge height), labelled with the k it leads to.
 */
export function gainsChart(result, cut, width, height) {
  const choice = result.k_choice;
  const bars = choice.bars.slice(0, Math.min(choice.bars.length, 2 * MAX_SLIDER_K));
  const { el, ctx } = canvas(width, height, t("clusters.gainsLabel", { k: result.suggested_k }));
  const pad = { left: 48, right: 10, top: 16, bottom: 30 };
  const max = Math.max(...bars, 0) || 1;
  const step = (width - pad.left - pad.right) / Math.max(1, bars.length);
  const y = (v) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  ctx.strokeStyle = GRID;
  ctx.fillStyle = AXIS;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    ctx.beginPath();
    ctx.moveTo(pad.left, y(v));
    ctx.lineTo(width - pad.right, y(v));
    ctx.stroke();
    ctx.fillText(fmt.num(v, 2), pad.left - 6, y(v));
  }
  bars.forEach((v, j) => {
    const k = j + 2;
    const x = pad.left + j * step;
    ctx.fillStyle = k <= cut.k ? "#1f5f8b" : "#c9d3dd";
    ctx.fillRect(x + step * 0.15, y(v), step * 0.7, y(0) - y(v));
    if (bars.length <= 20 || k % 2 === 0) {
      ctx.fillStyle = AXIS;
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.fillText(String(k), x + step / 2, height - pad.bottom + 4);
    }
  });
  const suggested = result.suggested_k - 2;
  if (suggested >= 0 && suggested < bars.length) {
    const x = pad.left + (suggested + 1) * step;
    ctx.strokeStyle = "#a12b2b";
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(x, pad.top - 4);
    ctx.lineTo(x, height - pad.bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = "#a12b2b";
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    ctx.fillText(t("clusters.suggestedMark", { k: result.suggested_k }), x + 4, pad.top - 4);
  }
  ctx.fillStyle = AXIS;
  ctx.textAlign = "center";
  ctx.textBaseline = "bottom";
  ctx.fillText(t("clusters.gainsAxis"), pad.left + (width - pad.left - pad.right) / 2, height);
  el.dataset.suggested = String(result.suggested_k);
  return el;
}

function percent(x) {
  return fmt.percent(x ?? 0);
}

/** The entities on the first two components, one colour per cluster; hover names the entity. */
export function mapChart(result, cut, width, height) {
  const map = result.pca;
  const wrap = h("div", { class: "cl-map" });
  const { el, ctx } = canvas(width, height, t("clusters.mapLabel"));
  const tooltip = h("div", { class: "cl-tooltip", role: "status", hidden: true });
  const pad = 34;
  const xs = map.scores.map((p) => p[0]);
  const ys = map.scores.map((p) => p[1]);
  const span = (v) => {
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
  };
  const [x0, x1] = span(xs);
  const [y0, y1] = span(ys);
  const px = (v) => pad + ((v - x0) / (x1 - x0)) * (width - 2 * pad);
  const py = (v) => height - pad - ((v - y0) / (y1 - y0)) * (height - 2 * pad);
  ctx.strokeStyle = GRID;
  ctx.beginPath();
  ctx.moveTo(px(0), pad / 2);
  ctx.lineTo(px(0), height - pad / 2);
  ctx.moveTo(pad / 2, py(0));
  ctx.lineTo(width - pad / 2, py(0));
  ctx.stroke();
  ctx.fillStyle = AXIS;
  ctx.textAlign = "right";
  ctx.textBaseline = "bottom";
  ctx.fillText(t("clusters.dim", { dim: 1, share: percent(map.explained_variance_ratio[0]) }), width - 4, height - 4);
  ctx.save();
  ctx.translate(12, 4);
  ctx.rotate(Math.PI / 2);
  ctx.textAlign = "left";
  ctx.fillText(t("clusters.dim", { dim: 2, share: percent(map.explained_variance_ratio[1]) }), 0, 0);
  ctx.restore();
  const points = map.scores.map(([x, y], row) => ({ x: px(x), y: py(y), row }));
  for (const p of points) {
    ctx.fillStyle = clusterColour(cut.labels[p.row]);
    ctx.globalAlpha = 0.85;
    ctx.beginPath();
    ctx.arc(p.x, p.y, 3.5, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  el.addEventListener("mousemove", (event) => {
    const box = el.getBoundingClientRect();
    const mx = event.clientX - box.left;
    const my = event.clientY - box.top;
    let best = null;
    let bestD = 64;
    for (const p of points) {
      const d = (p.x - mx) ** 2 + (p.y - my) ** 2;
      if (d < bestD) {
        bestD = d;
        best = p;
      }
    }
    if (!best) {
      tooltip.hidden = true;
      return;
    }
    const id = result.ids[best.row];
    tooltip.textContent = t("clusters.tooltip", {
      entity: entityName(result, id),
      cluster: cut.labels[best.row],
    });
    tooltip.dataset.id = id;
    tooltip.dataset.cluster = String(cut.labels[best.row]);
    tooltip.style.left = `${Math.min(best.x + 10, width - 160)}px`;
    tooltip.style.top = `${Math.max(0, best.y - 28)}px`;
    tooltip.hidden = false;
  });
  el.addEventListener("mouseleave", () => {
    tooltip.hidden = true;
  });
  wrap.append(el, tooltip);
  return wrap;
}

/** The numeric variables' correlations with the two components, as arrows in the unit circle. */
export function circleChart(result, width, height) {
  const map = result.pca;
  const { el, ctx } = canvas(width, height, t("clusters.circleLabel"));
  // Room beside the circle for the variables' names.
  const r = Math.max(60, Math.min(height / 2 - 24, width / 2 - 100));
  const cx = width / 2;
  const cy = height / 2;
  ctx.strokeStyle = GRID;
  ctx.beginPath();
  ctx.arc(cx, cy, r, 0, 2 * Math.PI);
  ctx.moveTo(cx - r, cy);
  ctx.lineTo(cx + r, cy);
  ctx.moveTo(cx, cy - r);
  ctx.lineTo(cx, cy + r);
  ctx.stroke();
  for (const arrow of map.variables) {
    const x = cx + arrow.x * r;
    const y = cy - arrow.y * r;
    const angle = Math.atan2(y - cy, x - cx);
    ctx.strokeStyle = "#1f5f8b";
    ctx.fillStyle = "#1f5f8b";
    ctx.beginPath();
    ctx.moveTo(cx, cy);
    ctx.lineTo(x, y);
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x - 7 * Math.cos(angle - 0.4), y - 7 * Math.sin(angle - 0.4));
    ctx.lineTo(x - 7 * Math.cos(angle + 0.4), y - 7 * Math.sin(angle + 0.4));
    ctx.fill();
    ctx.fillStyle = INK;
    ctx.textAlign = arrow.x >= 0 ? "left" : "right";
    ctx.textBaseline = arrow.y >= 0 ? "bottom" : "top";
    ctx.fillText(arrow.name, x + (arrow.x >= 0 ? 3 : -3), y);
  }
  el.dataset.arrows = String(map.variables.length);
  return el;
}
