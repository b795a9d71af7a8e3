// The imputation's diagnostics: EM convergence of every run, observed against imputed
// densities, overimputation, the spread between the M datasets and Rubin's pooled means (their
// standard errors and 95 % intervals come computed from the engine).

import uPlot from "uplot";
import { h } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { panel } from "../panel.js";

/** One colour per bootstrap run (the point EM is drawn in ink). */
const RUN_COLOURS = ["#1f5f8b", "#c07a00", "#2e7d4f", "#8b3a62", "#5c6bc0", "#00838f", "#795548"];

/** The convergence charts, the density chart and the column it shows, kept between renders. */
const charts = [];
let densityChartShown = null;
let shownColumn = null;

/** Drops the charts (before the view is drawn again). */
export function dropCharts() {
  for (const chart of charts) chart.destroy();
  charts.length = 0;
  densityChartShown?.destroy();
  densityChartShown = null;
}

function chartWidth(holder) {
  return Math.max(320, Math.min(holder.clientWidth || 560, 1100));
}

/** Largest parameter change per EM iteration (log scale), one line per bootstrap run. */
export function convergence(r) {
  const holder = h("div", { class: "impute-chart", role: "img", "aria-label": t("impute.convergenceLabel") });
  const longest = Math.max(r.em_trace.length, ...r.traces.map((tr) => tr.length));
  const xs = Array.from({ length: longest }, (_, i) => i + 1);
  const line = (trace) => xs.map((_, i) => (i < trace.length ? Math.max(trace[i].max_change, 1e-12) : null));
  const series = [
    { label: t("impute.iteration") },
    { label: t("impute.pointEm"), stroke: "#1d2733", width: 2, dash: [5, 4] },
    ...r.traces.map((_, k) => ({
      label: t("impute.bootstrapN", { k: k + 1 }),
      stroke: RUN_COLOURS[k % RUN_COLOURS.length],
      width: 1.5,
    })),
  ];
  queueMicrotask(() => {
    if (!holder.isConnected) return;
    charts.push(
      new uPlot(
        {
          width: chartWidth(holder),
          height: 260,
          scales: { x: { time: false }, y: { distr: 3 } },
          axes: [
            { label: t("impute.iteration"), incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
            { size: 60, values: (_u, ticks) => ticks.map((v) => (v === null ? "" : v.toExponential(0))) },
          ],
          series,
        },
        [xs, line(r.em_trace), ...r.traces.map(line)],
        holder,
      ),
    );
  });
  return panel(
    { title: t("impute.convergenceTitle"), hint: t("impute.convergenceHint", { tolerance: fmt.num(r.tolerance) }) },
    holder,
  );
}

/** Observed and imputed densities of one column on the report's shared bins. */
function densityChart(holder, column) {
  const hist = column.histogram;
  const bins = hist.observed.length;
  const width = (hist.hi - hist.lo) / bins;
  const xs = Array.from({ length: bins + 1 }, (_, i) => hist.lo + i * width);
  const density = (counts) => {
    const total = counts.reduce((a, b) => a + b, 0) || 1;
    const d = counts.map((c) => c / total / width);
    return [...d, d[d.length - 1]];
  };
  const stepped = uPlot.paths.stepped({ align: 1 });
  densityChartShown?.destroy();
  densityChartShown = new uPlot(
    {
      width: chartWidth(holder),
      height: 260,
      scales: { x: { time: false } },
      axes: [{}, { size: 60 }],
      series: [
        { label: column.name, value: (_u, v) => fmt.num(v) },
        { label: t("impute.observed"), stroke: "#1d2733", width: 2, paths: stepped, fill: "rgba(29,39,51,0.08)" },
        { label: t("impute.imputed"), stroke: "#c0392b", width: 2, paths: stepped },
      ],
    },
    [xs, density(hist.observed), density(hist.imputed)],
    holder,
  );
}

export function densities(r) {
  const names = r.per_column.map((c) => c.name);
  if (!names.includes(shownColumn)) {
    shownColumn = [...r.per_column].sort((a, b) => b.imputed - a.imputed)[0]?.name ?? null;
  }
  const holder = h("div", { class: "impute-chart", role: "img", "aria-label": t("impute.densityLabel") });
  const over = h("canvas", { class: "overimpute", width: "560", height: "320", role: "img" });
  const coverage = h("p", { class: "small coverage-line" });
  const draw = () => {
    const column = r.per_column.find((c) => c.name === shownColumn);
    if (!column || !holder.isConnected) return;
    densityChart(holder, column);
    drawOverimputation(over, column, r.overimputation_level);
    coverage.dataset.coverage = String(column.coverage);
    coverage.textContent =
      column.coverage === null
        ? t("impute.noOverimpute")
        : t("impute.columnCoverage", {
            covered: fmt.percent(column.coverage),
            checked: fmt.int(column.overimputation_checked),
            level: fmt.percent(r.overimputation_level),
          });
  };
  const select = h(
    "select",
    {
      id: "impute-column",
      onChange: () => {
        shownColumn = select.value;
        draw();
      },
    },
    names.map((name) => h("option", { value: name, selected: name === shownColumn }, name)),
  );
  queueMicrotask(draw);
  return panel(
    { title: t("impute.columnTitle") },
    h(
      "label",
      { class: "field inline", for: "impute-column" },
      h("span", { class: "field-label" }, t("impute.column")),
      select,
    ),
    h(
      "div",
      { class: "impute-pair" },
      h(
        "div",
        {},
        h("h3", {}, t("impute.densityTitle")),
        h("p", { class: "muted small" }, t("impute.densityHint")),
        holder,
      ),
      h(
        "div",
        {},
        h("h3", {}, t("impute.overimputeTitle")),
        h("p", { class: "muted small" }, t("impute.overimputeHint", { level: fmt.percent(r.overimputation_level) })),
        over,
        coverage,
      ),
    ),
  );
}

/** Observed value (x) against the mean and interval of its overimputed draws (y); y = x dashed. */
function drawOverimputation(canvas, column, level) {
  const ratio = window.devicePixelRatio || 1;
  const cssWidth = Math.min(canvas.parentElement?.clientWidth || 560, 560);
  const cssHeight = 320;
  canvas.width = Math.round(cssWidth * ratio);
  canvas.height = Math.round(cssHeight * ratio);
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  canvas.setAttribute("aria-label", t("impute.overimputeLabel", { name: column.name, level: fmt.percent(level) }));
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, cssWidth, cssHeight);
  const cells = column.overimputation;
  if (cells.length === 0) return;
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of cells) {
    lo = Math.min(lo, c.observed, c.lower);
    hi = Math.max(hi, c.observed, c.upper);
  }
  if (hi <= lo) hi = lo + 1;
  const pad = { left: 56, right: 12, top: 10, bottom: 34 };
  const w = cssWidth - pad.left - pad.right;
  const hgt = cssHeight - pad.top - pad.bottom;
  const x = (v) => pad.left + ((v - lo) / (hi - lo)) * w;
  const y = (v) => pad.top + hgt - ((v - lo) / (hi - lo)) * hgt;
  ctx.strokeStyle = "#c9d1da";
  ctx.lineWidth = 1;
  ctx.strokeRect(pad.left, pad.top, w, hgt);
  ctx.fillStyle = "#5b6573";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    ctx.fillText(fmt.num(v, 3), x(v), cssHeight - 18);
    ctx.textAlign = "right";
    ctx.fillText(fmt.num(v, 3), pad.left - 6, y(v) + 4);
    ctx.textAlign = "center";
  }
  ctx.fillText(t("impute.observedValue"), pad.left + w / 2, cssHeight - 3);
  ctx.setLineDash([5, 4]);
  ctx.strokeStyle = "#8a94a3";
  ctx.beginPath();
  ctx.moveTo(x(lo), y(lo));
  ctx.lineTo(x(hi), y(hi));
  ctx.stroke();
  ctx.setLineDash([]);
  for (const c of cells) {
    const inside = c.lower <= c.observed && c.observed <= c.upper;
    ctx.strokeStyle = inside ? "rgba(46,125,79,0.55)" : "rgba(192,57,43,0.8)";
    ctx.beginPath();
    ctx.moveTo(x(c.observed), y(c.lower));
    ctx.lineTo(x(c.observed), y(c.upper));
    ctx.stroke();
    ctx.fillStyle = inside ? "#2e7d4f" : "#c0392b";
    ctx.fillRect(x(c.observed) - 1.5, y(c.mean) - 1.5, 3, 3);
  }
}

export function spread(r) {
  const heads = Array.from({ length: r.m }, (_, k) =>
    h("th", { scope: "col", class: "num" }, t("impute.datasetN", { k: k + 1 })),
  );
  return panel(
    { title: t("impute.spreadTitle"), hint: t("impute.spreadHint") },
    h(
      "div",
      { class: "table-wrap impute-table-wrap" },
      h(
        "table",
        { class: "impute-spread" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, t("impute.column")),
            h("th", { scope: "col", class: "num" }, t("impute.col.imputed")),
            heads,
            h("th", { scope: "col", class: "num" }, t("impute.col.betweenSd")),
          ),
        ),
        h(
          "tbody",
          {},
          r.per_column.map((c) =>
            h(
              "tr",
              { "data-column": c.name, "data-between-sd": String(c.between_sd) },
              h("th", { scope: "row" }, c.name),
              h("td", { class: "num" }, fmt.int(c.imputed)),
              c.imputed_means.map((m) => h("td", { class: "num" }, fmt.num(m))),
              h("td", { class: "num" }, fmt.num(c.between_sd, 3)),
            ),
          ),
        ),
      ),
    ),
  );
}

export function pooled(r, profile) {
  const observedMean = (name) => profile?.columns.find((c) => c.name === name)?.mean ?? null;
  return panel(
    { title: t("impute.pooledTitle"), hint: t("impute.pooledHint", { m: r.m }) },
    h(
      "div",
      { class: "table-wrap impute-table-wrap" },
      h(
        "table",
        { class: "impute-pooled" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            [
              "impute.column",
              "impute.col.observedMean",
              "impute.col.pooled",
              "impute.col.within",
              "impute.col.between",
              "impute.col.se",
              "impute.col.ci",
              "impute.col.fmi",
            ].map((key, i) => h("th", { scope: "col", class: i === 0 ? "" : "num" }, t(key))),
          ),
        ),
        h(
          "tbody",
          {},
          r.per_column.map((c) => {
            const p = c.pooled;
            const se = p.standard_error;
            const observed = observedMean(c.name);
            return h(
              "tr",
              {
                "data-column": c.name,
                "data-estimate": String(p.estimate),
                "data-se": String(se),
                "data-observed-mean": String(observed),
              },
              h("th", { scope: "row" }, c.name),
              h("td", { class: "num" }, fmt.num(observed)),
              h("td", { class: "num" }, fmt.num(p.estimate)),
              h("td", { class: "num" }, fmt.num(p.within, 3)),
              h("td", { class: "num" }, fmt.num(p.between, 3)),
              h("td", { class: "num" }, fmt.num(se, 3)),
              h("td", { class: "num" }, `${fmt.num(p.ci_low)} – ${fmt.num(p.ci_high)}`),
              h("td", { class: "num" }, fmt.percent(p.fraction_missing_information)),
            );
          }),
        ),
      ),
    ),
  );
}
