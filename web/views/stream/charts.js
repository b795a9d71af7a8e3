// The stream's charts (uPlot), made once per layout and fed new data as the stream goes:
// - the risk of the latest parts on a log scale, so that the 0.6% of failures (red) and the
//   alerts (ringed) stand out of the passes (grey), with the threshold in force;
// - the moving-window metrics over the stream (MCC, AUC, precision, recall), with the drifts
//   found and the planted change of the sample marked;
// - the throughput (parts per second) over the run.

import uPlot from "uplot";
import { h } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";

const HEIGHT = 260;
/** Risks below this are drawn at it: a log scale has no 0. */
const RISK_FLOOR = 1e-5;

const COLORS = {
  pass: "rgba(95, 110, 125, 0.45)",
  failure: "#c0392b",
  alert: "#d68400",
  threshold: "#1f5f8b",
  mcc: "#1f5f8b",
  auc: "#2e8b57",
  precision: "#8e44ad",
  recall: "#d68400",
  drift: "#c0392b",
  change: "#1f5f8b",
  rate: "#1d2733",
};

/** The charts of the layout shown, kept between renders. */
const local = { charts: [], resize: null };

/** Drops the charts and stops following their holders' width. */
export function dropCharts() {
  local.resize?.disconnect();
  local.resize = null;
  for (const chart of local.charts) chart.plot.destroy();
  local.charts = [];
}

function width(holder) {
  return Math.max(320, holder.clientWidth || 1100);
}

/** Vertical marks at `rows` (x values) in `color`, dashed, with a label at the top. */
function marks(u, rows, color, label) {
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.setLineDash([6, 4]);
  ctx.lineWidth = 1.5 * devicePixelRatio;
  ctx.font = `${11 * devicePixelRatio}px sans-serif`;
  for (const row of rows) {
    const x = u.valToPos(row, "x", true);
    if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.fillText(label, x + 4 * devicePixelRatio, u.bbox.top + 12 * devicePixelRatio);
  }
  ctx.restore();
}

/** The threshold in force as a horizontal line. */
function thresholdLine(u, threshold) {
  if (!(threshold > 0)) return;
  const y = u.valToPos(Math.max(threshold, RISK_FLOOR), "y", true);
  if (y < u.bbox.top || y > u.bbox.top + u.bbox.height) return;
  const ctx = u.ctx;
  ctx.save();
  ctx.strokeStyle = COLORS.threshold;
  ctx.setLineDash([4, 3]);
  ctx.lineWidth = devicePixelRatio;
  ctx.beginPath();
  ctx.moveTo(u.bbox.left, y);
  ctx.lineTo(u.bbox.left + u.bbox.width, y);
  ctx.stroke();
  ctx.restore();
}

/** Axis labels of counts ("15,000"). */
const counts = (_u, ticks) => ticks.map((v) => (v === null ? "" : fmt.int(v)));

/** A risk tick of the log scale: "0.01", "1e-4". */
function riskTick(v) {
  if (v === null) return "";
  return v >= 0.001 ? String(Number(v.toPrecision(1))) : v.toExponential(0);
}

const points = (stroke, fill, size) => ({
  stroke,
  fill,
  width: 0,
  paths: () => null,
  points: { show: true, size, stroke, fill, width: 1 },
});

function riskChart(holder, state) {
  const value = (_u, v) => (v === null || v === undefined ? "–" : fmt.num(v, 3));
  return new uPlot(
    {
      width: width(holder),
      height: HEIGHT,
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: { distr: 3, range: () => [RISK_FLOOR, 1] } },
      axes: [
        { label: t("stream.chart.part"), values: counts },
        { size: 60, label: t("stream.chart.risk"), values: (_u, ticks) => ticks.map(riskTick) },
      ],
      series: [
        { label: t("stream.chart.part"), value: (_u, v) => (v === null ? "–" : fmt.int(v)) },
        { label: t("stream.chart.passes"), value, ...points(COLORS.pass, COLORS.pass, 3) },
        { label: t("stream.chart.failures"), value, ...points(COLORS.failure, COLORS.failure, 7) },
        { label: t("stream.chart.alerts"), value, ...points(COLORS.alert, "rgba(0,0,0,0)", 11) },
      ],
      hooks: {
        draw: [
          (u) => {
            thresholdLine(u, state.threshold);
            marks(u, state.drifts, COLORS.drift, t("stream.chart.drift"));
            marks(u, state.change === null ? [] : [state.change], COLORS.change, t("stream.chart.change"));
          },
        ],
      },
    },
    [[], [], [], []],
    holder,
  );
}

function metricsChart(holder, state) {
  const value = (_u, v) => (v === null || v === undefined ? "–" : fmt.num(v, 3));
  const line = (label, stroke, dash) => ({ label, stroke, width: 2, dash, value, spanGaps: true });
  return new uPlot(
    {
      width: width(holder),
      height: HEIGHT,
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: { range: () => [-0.1, 1] } },
      axes: [{ label: t("stream.chart.part"), values: counts }, { size: 50 }],
      series: [
        { label: t("stream.chart.part"), value: (_u, v) => (v === null ? "–" : fmt.int(v)) },
        line(t("stream.chart.mcc"), COLORS.mcc),
        line(t("stream.chart.auc"), COLORS.auc),
        line(t("stream.chart.precision"), COLORS.precision, [4, 3]),
        line(t("stream.chart.recall"), COLORS.recall, [4, 3]),
      ],
      hooks: {
        draw: [
          (u) => {
            marks(u, state.drifts, COLORS.drift, t("stream.chart.drift"));
            marks(u, state.change === null ? [] : [state.change], COLORS.change, t("stream.chart.change"));
          },
        ],
      },
    },
    [[], [], [], [], []],
    holder,
  );
}

function throughputChart(holder) {
  return new uPlot(
    {
      width: width(holder),
      height: 200,
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, (max || 1) * 1.1] } },
      axes: [{ label: t("stream.chart.seconds") }, { size: 70, values: counts }],
      series: [
        { label: t("stream.chart.seconds"), value: (_u, v) => (v === null ? "–" : fmt.num(v, 3)) },
        {
          label: t("stream.chart.rate"),
          stroke: COLORS.rate,
          width: 2,
          value: (_u, v) => (v === null ? "–" : fmt.int(v)),
        },
      ],
    },
    [[], []],
    holder,
  );
}

/**
 * The three chart panels' holders, empty: `fillCharts` draws in them once they are in the page
 * (uPlot measures its holder).
 */
export function chartHolders() {
  const holder = (kind, label) =>
    h("div", { class: `stream-chart stream-chart-${kind}`, role: "img", "aria-label": label });
  return {
    risk: holder("risk", t("stream.chart.riskLabel")),
    metrics: holder("metrics", t("stream.chart.metricsLabel")),
    throughput: holder("throughput", t("stream.chart.throughputLabel")),
  };
}

/** The series of `report` as each chart takes them. */
function chartData(report) {
  const recent = report.recent;
  const risk = (i) => Math.max(recent.risk[i], RISK_FLOOR);
  const n = recent.row.length;
  const riskData = [
    recent.row,
    Array.from({ length: n }, (_, i) => (recent.failed[i] === true ? null : risk(i))),
    Array.from({ length: n }, (_, i) => (recent.failed[i] === true ? risk(i) : null)),
    Array.from({ length: n }, (_, i) => (recent.alert[i] ? risk(i) : null)),
  ];
  const tl = report.timeline;
  const metric = (key) => tl.map((p) => p.window[key] ?? null);
  const metricsData = [tl.map((p) => p.parts), metric("mcc"), metric("auc"), metric("precision"), metric("recall")];
  const samples = report.throughput;
  const xs = [];
  const rates = [];
  for (let i = 1; i < samples.length; i++) {
    const [s0, r0] = samples[i - 1];
    const [s1, r1] = samples[i];
    if (s1 > s0) {
      xs.push(s1);
      rates.push((r1 - r0) / (s1 - s0));
    }
  }
  return { risk: riskData, metrics: metricsData, throughput: [xs, rates] };
}

/**
 * Draws `report` in the charts of `holders` (made on the first call for these holders), with the
 * planted change at `change` (a part's position, or null).
 */
export function fillCharts(holders, report, change) {
  const state = {
    threshold: report.threshold,
    drifts: report.drifts.map((d) => d.row),
    change: change ?? null,
  };
  if (local.charts.length === 0 || local.charts[0].holder !== holders.risk) {
    dropCharts();
    local.charts = [
      { holder: holders.risk, plot: riskChart(holders.risk, state), key: "risk", state },
      { holder: holders.metrics, plot: metricsChart(holders.metrics, state), key: "metrics", state },
      { holder: holders.throughput, plot: throughputChart(holders.throughput), key: "throughput", state },
    ];
    local.resize = new ResizeObserver(() => {
      for (const chart of local.charts) {
        const w = width(chart.holder);
        if (Math.abs(chart.plot.width - w) > 1) chart.plot.setSize({ width: w, height: chart.plot.height });
      }
    });
    for (const chart of local.charts) local.resize.observe(chart.holder);
  }
  const data = chartData(report);
  for (const chart of local.charts) {
    Object.assign(chart.state, state);
    chart.plot.setData(data[chart.key]);
  }
}
