// The next-order view's charts (uPlot): how many customers are predicted to order again after
// each number of days, beside the validation customers' true gaps; and one customer's gaps with
// the prediction after them.

import { h } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { panel } from "../panel.js";
import { bars, drawWhenShown, plot } from "../plot.js";

const HISTOGRAM_HEIGHT = 300;
const GAPS_HEIGHT = 220;

/** The charts' own state, kept between renders. */
const local = { histogram: { chart: null }, gaps: { chart: null } };

/** Drops the charts (the view shows no result). */
export function dropCharts() {
  for (const slot of Object.values(local)) {
    slot.chart?.destroy();
    slot.chart = null;
  }
}

/** "30+" for the cap, the number otherwise. */
function dayLabel(day, cap) {
  return day >= cap ? `${cap}+` : String(day);
}

function shares(counts) {
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  return counts.map((c) => c / total);
}

/** The distribution of predicted days (every customer) beside the validation customers'. */
export function histogramPanel(report) {
  const cap = report.censored_at;
  const days = report.histogram.predicted.map((_, d) => d);
  const holder = h("div", {
    class: "orders-chart",
    id: "no-histogram",
    role: "img",
    "aria-label": t("nextOrder.histogramLabel"),
    "data-users": String(report.histogram.predicted.reduce((a, b) => a + b, 0)),
  });
  const percent = (_u, v) => (v === null || v === undefined ? "–" : fmt.percent(v));
  drawWhenShown(local.histogram, holder, (el) =>
    plot(
      el,
      {
        scales: { x: { time: false, range: [-0.5, cap + 0.5] }, y: { range: (_u, _min, max) => [0, max * 1.1 || 1] } },
        axes: [
          { values: (_u, ticks) => ticks.map((d) => (Number.isInteger(d) ? dayLabel(d, cap) : "")) },
          { size: 60, values: (_u, ticks) => ticks.map((v) => fmt.percent(v)) },
        ],
        series: [
          { label: t("nextOrder.daysAxis"), value: (_u, d) => (d === null ? "–" : dayLabel(d, cap)) },
          {
            label: t("nextOrder.predictedAll"),
            fill: "rgba(31, 95, 139, 0.35)",
            stroke: "#1f5f8b",
            paths: bars(),
            points: { show: false },
            value: percent,
          },
          { label: t("nextOrder.actualValid"), stroke: "#1d2733", width: 2, value: percent },
          { label: t("nextOrder.predictedValid"), stroke: "#c07a00", width: 1.5, dash: [5, 4], value: percent },
        ],
      },
      [
        days,
        shares(report.histogram.predicted),
        shares(report.histogram.valid_actual),
        shares(report.histogram.valid_predicted),
      ],
      HISTOGRAM_HEIGHT,
    ),
  );
  return panel({ title: t("nextOrder.histogramTitle"), hint: t("nextOrder.histogramHint", { cap }) }, holder);
}

/** One customer's gaps, order after order, and the predicted next one after them. */
export function gapsChart(customer, cap) {
  const holder = h("div", {
    class: "orders-chart small-chart",
    role: "img",
    "aria-label": t("nextOrder.gapsLabel", { user: customer.user_id }),
  });
  const n = customer.gaps.length;
  // x: the order each gap leads to (the second prior order is order 2), then the next one.
  const xs = [...customer.gaps.map((_, i) => i + 2), n + 2];
  const gaps = [...customer.gaps, null];
  const predicted = [...customer.gaps.map(() => null), customer.predicted_days];
  const actual = [...customer.gaps.map(() => null), customer.actual_days ?? null];
  const baseline = xs.map(() => customer.baseline_days);
  const days = (_u, v) => (v === null || v === undefined ? "–" : dayLabel(v, cap));
  drawWhenShown(local.gaps, holder, (el) =>
    plot(
      el,
      {
        scales: { x: { time: false }, y: { range: [0, cap + 2] } },
        axes: [{}, { size: 44 }],
        series: [
          { label: t("nextOrder.orderAxis") },
          { label: t("nextOrder.pastGaps"), stroke: "#1d2733", width: 1.5, value: days },
          {
            label: t("nextOrder.predicted"),
            stroke: "#1f5f8b",
            width: 0,
            points: { size: 10, fill: "#1f5f8b" },
            value: days,
          },
          {
            label: t("nextOrder.actual"),
            stroke: "#2f7d32",
            width: 0,
            points: { size: 8, fill: "#2f7d32" },
            value: days,
          },
          {
            label: t("nextOrder.baselineSeries"),
            stroke: "#c07a00",
            width: 1,
            dash: [5, 4],
            points: { show: false },
            value: days,
          },
        ],
      },
      [xs, gaps, predicted, actual, baseline],
      GAPS_HEIGHT,
    ),
  );
  return holder;
}
