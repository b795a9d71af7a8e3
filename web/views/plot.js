// uPlot charts that follow their holder's width: uPlot draws at a fixed size, so each chart is
// redrawn at the holder's width whenever the window changes it, and dropped with its observer.

import uPlot from "uplot";

/** Draws `data` with uPlot `options` (width taken from `holder`) at `height`; returns the chart. */
export function plot(holder, options, data, height) {
  const width = Math.max(280, holder.clientWidth || 600);
  const chart = new uPlot({ ...options, width, height }, data, holder);
  const resize = new ResizeObserver(() => {
    const w = Math.max(280, holder.clientWidth);
    if (Math.abs(chart.width - w) > 1) chart.setSize({ width: w, height });
  });
  resize.observe(holder);
  const destroy = chart.destroy.bind(chart);
  chart.destroy = () => {
    resize.disconnect();
    destroy();
  };
  return chart;
}

/** Bars for a uPlot series. */
export function bars() {
  return uPlot.paths.bars({ size: [0.8, 40] });
}

/**
 * Draws into `holder` once it is in the page (its width is known then), replacing the chart
 * `slot.chart` held before; `draw(holder)` returns the new chart.
 */
export function drawWhenShown(slot, holder, draw) {
  slot.chart?.destroy();
  slot.chart = null;
  queueMicrotask(() => {
    if (!holder.isConnected) return;
    slot.chart?.destroy();
    slot.chart = draw(holder);
  });
}
