// Bar charts of the Santander views (uPlot): one or two series of bars side by side over named
// categories (products, recommenders), redrawn at their holder's width.

import uPlot from "uplot";
import { h } from "../../dom.js";

const HEIGHT = 280;

/** The charts drawn, by holder, so that a redraw replaces its own. */
const charts = new Map();

/** Drops every chart of the views (their holders left the page). */
export function dropCharts() {
  for (const { chart, resize } of charts.values()) {
    resize.disconnect();
    chart.destroy();
  }
  charts.clear();
}

/** The series' bars: side by side when two, centred when one. */
function bars(index, count) {
  const align = count === 1 ? 0 : index === 0 ? -1 : 1;
  return uPlot.paths.bars({ size: [count === 1 ? 0.6 : 0.36, 48], align });
}

/**
 * A bar chart in a new holder: `categories` (their labels on the x axis), `series` of
 * {label, values, colour}, `format(v)` for the y axis and the legend, `label` for screen readers.
 */
export function barChart({ categories, series, format, label, yMax = null, id }) {
  const holder = h("div", { class: "santander-chart", role: "img", "aria-label": label, id });
  const draw = () => {
    const previous = charts.get(holder);
    previous?.resize.disconnect();
    previous?.chart.destroy();
    const xs = categories.map((_, i) => i);
    const top = yMax ?? Math.max(1e-9, ...series.flatMap((s) => s.values.filter(Number.isFinite))) * 1.1;
    const chart = new uPlot(
      {
        width: Math.max(320, holder.clientWidth || 900),
        height: HEIGHT,
        legend: { live: false },
        cursor: { show: false },
        scales: { x: { time: false, range: [-0.6, categories.length - 0.4] }, y: { range: [0, top] } },
        axes: [
          {
            splits: () => xs,
            values: (_u, splits) => splits.map((i) => categories[i] ?? ""),
            rotate: categories.length > 6 ? -35 : 0,
            size: categories.length > 6 ? 110 : 40,
            gap: 4,
          },
          { size: 60, values: (_u, ticks) => ticks.map(format) },
        ],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: s.colour,
            fill: `${s.colour}cc`,
            width: 1,
            paths: bars(i, series.length),
            points: { show: false },
            value: (_u, v) => (v === null ? "–" : format(v)),
          })),
        ],
      },
      [xs, ...series.map((s) => s.values.map((v) => (Number.isFinite(v) ? v : null)))],
      holder,
    );
    const resize = new ResizeObserver(() => {
      const width = Math.max(320, holder.clientWidth);
      if (Math.abs(chart.width - width) > 1) chart.setSize({ width, height: HEIGHT });
    });
    resize.observe(holder);
    charts.set(holder, { chart, resize });
  };
  // Drawn once the holder is in the page, at its width.
  queueMicrotask(draw);
  return holder;
}
