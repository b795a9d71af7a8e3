// Use case 1.2: which stores (or any entities) have similar profiles. Gower distance and
// hierarchical clustering in the worker; here the settings, then the tree with its cut, the
// inertia gains behind the suggested k, a k slider that recuts the kept tree live, the map of the
// entities and its correlation circle, what sets each cluster apart, the entities far from their
// cluster, and the download of entity -> cluster. One colour per cluster across every chart.

import { downloadClusters, ensureProfile, recutClusters, runClusters } from "../actions.js";
import { h, replace } from "../dom.js";
import * as fmt from "../format.js";
import { state } from "../store.js";
import { t } from "../strings.js";
import { sized } from "./canvas.js";
import { panel } from "./panel.js";

/** One colour per cluster (colour-blind-safe order first), reused past 12 clusters. */
const PALETTE = [
  "#1f77b4",
  "#e6820e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#bcbd22",
  "#7f7f7f",
  "#393b79",
  "#637939",
];
const GRID = "#dde3ea";
const AXIS = "#5b6b7b";
const INK = "#1d2733";
/** Largest k the slider offers: past it a dendrogram cut reads as noise. */
const MAX_SLIDER_K = 20;
/** Distinguishing variables listed per cluster. */
const TOP_VARIABLES = 5;

/** The colour of cluster `label` (1-based). */
export function clusterColour(label) {
  return PALETTE[(label - 1) % PALETTE.length];
}

/** The form's settings, kept between renders. */
const form = { source: null, table: null, id: undefined, linkage: "ward", k: "auto" };
/** DOM kept between renders: the slider must survive the recuts it triggers. */
const local = { slider: null, sliderLabel: null, cutRoot: null, shownCut: null };

function rossmannReady(s) {
  return s.useCases.some((u) => u.id === "1.2" && u.ready);
}

/** Settles the form's source, table and id column against what is loaded. */
function settleForm(s) {
  if (form.source === "rossmann" && !rossmannReady(s)) form.source = null;
  if (form.source === null) form.source = rossmannReady(s) ? "rossmann" : "table";
  const names = s.tables.map((tb) => tb.name);
  if (!names.includes(form.table)) {
    form.table = names.find((n) => s.tables.find((tb) => tb.name === n)?.dataset === "rossmann.store") ?? names[0];
    form.id = undefined;
  }
  const profile = s.profiles[form.table];
  if (form.table && !profile) ensureProfile(form.table);
  if (form.id === undefined && profile) {
    // The first column with a different value on every row names the entities.
    form.id = profile.columns.find((c) => c.distinct === profile.rows && c.missing === 0)?.name ?? "";
  }
}

function select(id, options, value, onChange) {
  const el = h(
    "select",
    { id, onChange: () => onChange(el.value) },
    options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)),
  );
  return el;
}

function field(id, label, control) {
  return h("label", { class: "field", for: id }, h("span", { class: "field-label" }, label), control);
}

function sourceChoice(value, label, hint, disabled, rerender) {
  return h(
    "label",
    { class: "choice" },
    h("input", {
      type: "radio",
      name: "cl-source",
      value,
      checked: form.source === value,
      disabled,
      onChange: () => {
        form.source = value;
        rerender();
      },
    }),
    h("span", {}, h("strong", {}, label), " ", hint),
  );
}

function settings(s, rerender) {
  settleForm(s);
  const busy = s.job !== null;
  const profile = s.profiles[form.table];
  const tableFields =
    form.source === "table"
      ? [
          field(
            "cl-table",
            t("clusters.table"),
            select(
              "cl-table",
              s.tables.map((tb) => [tb.name, tb.name]),
              form.table,
              (v) => {
                form.table = v;
                form.id = undefined;
                rerender();
              },
            ),
          ),
          field(
            "cl-id",
            t("clusters.idColumn"),
            select(
              "cl-id",
              [["", t("clusters.rowNumber")], ...(profile?.columns ?? []).map((c) => [c.name, c.name])],
              form.id ?? "",
              (v) => {
                form.id = v;
              },
            ),
          ),
        ]
      : [];
  const ks = [["auto", t("clusters.kAuto")]];
  for (let k = 2; k <= MAX_SLIDER_K; k++) ks.push([String(k), String(k)]);
  return panel(
    { title: t("forecast.settings"), className: "forecast-form" },
    h(
      "fieldset",
      { class: "choices" },
      h("legend", {}, t("clusters.source")),
      sourceChoice(
        "rossmann",
        t("clusters.source.rossmann"),
        t("clusters.source.rossmann.hint"),
        !rossmannReady(s),
        rerender,
      ),
      sourceChoice(
        "table",
        t("clusters.source.table"),
        t("clusters.source.table.hint"),
        s.tables.length === 0,
        rerender,
      ),
    ),
    h(
      "div",
      { class: "fields" },
      tableFields,
      field(
        "cl-linkage",
        t("clusters.linkage"),
        select(
          "cl-linkage",
          ["ward", "average", "complete", "single"].map((l) => [l, t(`clusters.linkage.${l}`)]),
          form.linkage,
          (v) => {
            form.linkage = v;
          },
        ),
      ),
      field(
        "cl-k",
        t("clusters.k"),
        select("cl-k", ks, form.k, (v) => {
          form.k = v;
        }),
      ),
    ),
    h(
      "div",
      { class: "train-row" },
      h(
        "button",
        {
          type: "button",
          class: "button primary",
          id: "cluster-run",
          disabled: busy,
          onClick: () =>
            runClusters({
              source: form.source,
              table: form.source === "table" ? form.table : null,
              id: form.source === "table" ? form.id || null : null,
              linkage: form.linkage,
              k: form.k === "auto" ? null : Number(form.k),
            }),
        },
        t("clusters.run"),
      ),
      h("span", { class: "muted small" }, t("clusters.cancelHint")),
    ),
  );
}

/** A canvas of `width` x `height` CSS pixels, drawn at the screen's resolution. */
function canvas(width, height, label) {
  const el = h("canvas", { role: "img", "aria-label": label });
  const ctx = sized(el, width, height);
  ctx.font = "11px system-ui, sans-serif";
  return { el, ctx };
}

/** Draws the dendrogram from R's merge matrix and leaf order, coloured below the cut at k. */
function dendrogram(result, cut, width, height) {
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
function gainsChart(result, cut, width, height) {
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
function mapChart(result, cut, width, height) {
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
function circleChart(result, width, height) {
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

function entityName(result, id) {
  return result.idName === "Store" ? t("forecast.storeN", { store: id }) : id;
}

function legend(cut) {
  return h(
    "ul",
    { class: "cl-legend", "aria-label": t("clusters.legend") },
    cut.clusters.map((c) => {
      const swatch = h("span", { class: "cl-swatch", "aria-hidden": "true" });
      swatch.style.background = clusterColour(c.label);
      return h(
        "li",
        { "data-cluster": String(c.label) },
        swatch,
        t("clusters.clusterN", { label: c.label }),
        h("span", { class: "muted" }, ` (${fmt.int(c.size)})`),
      );
    }),
  );
}

/** "mean_sales 10,512 vs 6,903" or "store_type = b 91% vs 8%", with the test value. */
function contrastText(v) {
  const c = v.contrast;
  if (c.kind === "numeric") {
    // Years (Promo2SinceYear) read wrong with a thousands separator.
    const year = c.mean_all > 1900 && c.mean_all < 2100;
    const value = (x) => {
      if (year) return String(Math.round(x));
      return Math.abs(x) >= 100 ? fmt.int(Math.round(x)) : fmt.num(x, 2);
    };
    return t("clusters.contrastNumeric", { inside: value(c.mean_in), overall: value(c.mean_all) });
  }
  return t("clusters.contrastLevel", {
    level: c.level_name,
    inside: fmt.percent(c.share_in),
    overall: fmt.percent(c.share_all),
  });
}

function profileTable(result, cut) {
  const rows = cut.clusters.map((c) => {
    const swatch = h("span", { class: "cl-swatch", "aria-hidden": "true" });
    swatch.style.background = clusterColour(c.label);
    return h(
      "tr",
      { "data-cluster": String(c.label) },
      h("th", { scope: "row" }, swatch, t("clusters.clusterN", { label: c.label })),
      h("td", { class: "num" }, fmt.int(c.size), h("span", { class: "muted small" }, ` ${percent(c.size / result.n)}`)),
      h("td", { "data-typical": c.typical_id }, entityName(result, c.typical_id)),
      h(
        "td",
        {},
        h(
          "ul",
          { class: "cl-vars" },
          c.variables
            .slice(0, TOP_VARIABLES)
            .map((v) =>
              h(
                "li",
                { "data-variable": v.name, "data-vtest": String(v.v_test) },
                h("strong", {}, v.name),
                " ",
                contrastText(v),
                h("span", { class: `cl-vtest ${v.v_test >= 0 ? "up" : "down"}` }, ` v = ${fmt.num(v.v_test, 2)}`),
              ),
            ),
        ),
      ),
    );
  });
  return panel(
    { title: t("clusters.profilesTitle"), hint: t("clusters.profilesHint") },
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "store-errors cl-profiles" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, t("clusters.col.cluster")),
            h("th", { scope: "col", class: "num" }, t("clusters.col.size")),
            h("th", { scope: "col" }, t("clusters.col.typical")),
            h("th", { scope: "col" }, t("clusters.col.variables")),
          ),
        ),
        h("tbody", {}, rows),
      ),
    ),
  );
}

function anomalies(result, cut) {
  const flagged = cut.anomalies.flagged;
  return panel(
    {
      title: t("clusters.anomaliesTitle"),
      hint: t("clusters.anomaliesHint", { threshold: fmt.num(cut.anomalies.threshold, 1) }),
    },
    flagged.length === 0
      ? h("p", { class: "cl-no-anomaly" }, t("clusters.noAnomaly"))
      : h(
          "div",
          { class: "table-wrap store-errors-wrap" },
          h(
            "table",
            { class: "store-errors cl-anomalies" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "col" }, t("clusters.col.entity")),
                h("th", { scope: "col" }, t("clusters.col.cluster")),
                h("th", { scope: "col", class: "num" }, t("clusters.col.score")),
              ),
            ),
            h(
              "tbody",
              {},
              flagged.map((a) => {
                const swatch = h("span", { class: "cl-swatch", "aria-hidden": "true" });
                swatch.style.background = clusterColour(a.cluster);
                return h(
                  "tr",
                  { "data-anomaly": a.id },
                  h("th", { scope: "row" }, entityName(result, a.id)),
                  h("td", {}, swatch, t("clusters.clusterN", { label: a.cluster })),
                  h("td", { class: "num" }, fmt.num(a.score, 2)),
                );
              }),
            ),
          ),
        ),
  );
}

/** Everything that follows the cut: rebuilt on every recut, while the slider stays. */
function cutCharts(result, cut, width) {
  const half = Math.max(300, Math.floor((width - 16) / 2));
  const children = [
    legend(cut),
    h(
      "div",
      { class: "cl-grid" },
      panel(
        { title: t("clusters.dendrogramTitle"), hint: t("clusters.dendrogramHint"), className: "cl-dendrogram" },
        dendrogram(result, cut, half - 36, 300),
      ),
      panel(
        {
          title: t(result.k_choice.measure === "inertia_gain" ? "clusters.gainsTitle" : "clusters.heightsTitle"),
          hint: t("clusters.gainsHint", { k: result.suggested_k }),
          className: "cl-gains",
        },
        gainsChart(result, cut, half - 36, 300),
      ),
    ),
  ];
  if (result.pca) {
    children.push(
      h(
        "div",
        { class: "cl-grid" },
        panel(
          {
            title: t(result.pca.method === "famd" ? "clusters.mapTitleFamd" : "clusters.mapTitle"),
            hint: t("clusters.mapHint"),
          },
          mapChart(result, cut, half - 36, 360),
        ),
        panel(
          { title: t("clusters.circleTitle"), hint: t("clusters.circleHint") },
          circleChart(result, half - 36, 360),
        ),
      ),
    );
  }
  children.push(profileTable(result, cut), anomalies(result, cut));
  return children;
}

function summaryPanel(s) {
  const { result } = s.clusters;
  const cut = s.clusters.cut;
  const maxK = Math.min(MAX_SLIDER_K, result.n);
  const slider = h("input", {
    type: "range",
    id: "cl-slider",
    min: "2",
    max: String(maxK),
    step: "1",
    value: String(cut.k),
    onInput: () => {
      local.sliderLabel.textContent = t("clusters.kValue", { k: slider.value });
      recutClusters(Number(slider.value));
    },
  });
  local.slider = slider;
  local.sliderLabel = h("output", { for: "cl-slider", class: "cl-k-value" }, t("clusters.kValue", { k: cut.k }));
  const distanceTree = (result.stageSeconds?.distance ?? 0) + (result.stageSeconds?.tree ?? 0);
  const facts = [
    ["entities", t("clusters.entities"), fmt.int(result.n), { "data-value": String(result.n) }],
    ["variables", t("clusters.variables"), fmt.int(result.variables.filter((v) => v.weight > 0).length)],
    ["linkage", t("clusters.linkage"), t(`clusters.linkage.${result.linkage}`)],
    ["suggested", t("clusters.suggested"), String(result.suggested_k), { "data-value": String(result.suggested_k) }],
    ["seconds", t("clusters.seconds"), `${fmt.num(result.seconds, 2)} s`, { "data-seconds": String(result.seconds) }],
    [
      "distanceTree",
      t("clusters.distanceTree"),
      `${fmt.int(Math.round(distanceTree * 1000))} ms`,
      { "data-seconds": String(distanceTree) },
    ],
  ];
  return panel(
    { title: t("clusters.results") },
    h(
      "dl",
      { class: "facts" },
      facts.map(([key, label, value, attributes = {}]) =>
        h("div", { class: "fact", "data-fact": key }, h("dt", {}, label), h("dd", attributes, value)),
      ),
    ),
    result.notes.length > 0
      ? h(
          "ul",
          { class: "muted small cl-notes" },
          result.notes.map((n) => h("li", {}, n)),
        )
      : null,
    h(
      "div",
      { class: "cl-slider-row" },
      h("label", { for: "cl-slider", class: "field-label" }, t("clusters.slider")),
      slider,
      local.sliderLabel,
      h(
        "button",
        {
          type: "button",
          class: "button secondary",
          "data-download": "clusters",
          disabled: s.job !== null,
          onClick: downloadClusters,
        },
        t("clusters.download"),
      ),
    ),
  );
}

function showCut(s, container) {
  const { result, cut } = s.clusters;
  local.shownCut = cut;
  if (local.slider && Number(local.slider.value) !== cut.k && document.activeElement !== local.slider) {
    local.slider.value = String(cut.k);
    local.sliderLabel.textContent = t("clusters.kValue", { k: cut.k });
  }
  local.cutRoot.dataset.k = String(cut.k);
  replace(local.cutRoot, ...cutCharts(result, cut, container.clientWidth || 1100));
}

/** The clusters view (use case 1.2). */
export const clustersView = {
  id: "clusters",
  label: "view.clusters",
  order: 40,
  available: (s) => s.tables.length > 0,
  render(container, s) {
    const key = [s.lang, s.clusters?.result, s.job === null, s.useCases, s.tables, s.profiles];
    if (container.key && key.every((k, i) => k === container.key[i])) {
      if (s.clusters && s.clusters.cut !== local.shownCut) showCut(s, container);
      return;
    }
    container.key = key;
    const rerender = () => {
      container.key = null;
      clustersView.render(container, state());
    };
    const children = [
      h("h1", {}, t("clusters.title")),
      h("p", { class: "muted" }, t("clusters.intro")),
      s.tables.length > 0 ? settings(s, rerender) : h("p", { class: "notice-inline" }, t("clusters.needs")),
    ];
    local.slider = null;
    local.shownCut = null;
    if (s.clusters) {
      local.cutRoot = h("div", { class: "cl-cut" });
      children.push(summaryPanel(s), local.cutRoot);
    }
    replace(container, ...children);
    if (s.clusters) showCut(s, container);
  },
};
