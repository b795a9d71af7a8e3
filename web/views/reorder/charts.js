// The reorder view's chart (uPlot): precision, recall and F1 over the validation pairs at every
// threshold, with the threshold chosen (the one that maximises F1).

import { h } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { panel } from "../panel.js";
import { drawWhenShown, plot } from "../plot.js";

const HEIGHT = 280;
const local = { chart: null };

/** Drops the chart (the view shows no result). */
export function dropChart() {
  local.chart?.destroy();
  local.chart = null;
}

/** The threshold chart of `report`. */
export function thresholdPanel(report) {
  const curve = report.threshold_curve;
  const chosen = report.threshold;
  const holder = h("div", {
    class: "orders-chart",
    id: "re-threshold",
    role: "img",
    "aria-label": t("reorder.thresholdLabel"),
    "data-threshold": String(chosen),
  });
  const mark = (u) => {
    const x = u.valToPos(chosen, "x", true);
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = "#a12b2b";
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.restore();
  };
  const share = (_u, v) => (v === null || v === undefined ? "–" : fmt.num(v, 3));
  drawWhenShown(local, holder, (el) =>
    plot(
      el,
      {
        scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
        axes: [{}, { size: 44 }],
        series: [
          { label: t("reorder.thresholdAxis"), value: share },
          { label: t("reorder.f1"), stroke: "#1f5f8b", width: 2, value: share },
          { label: t("reorder.precision"), stroke: "#2f7d32", width: 1.5, value: share },
          { label: t("reorder.recall"), stroke: "#c07a00", width: 1.5, value: share },
        ],
        hooks: { draw: [mark] },
      },
      [
        curve.map((p) => p.threshold),
        curve.map((p) => p.f1),
        curve.map((p) => p.precision),
        curve.map((p) => p.recall),
      ],
      HEIGHT,
    ),
  );
  return panel(
    { title: t("reorder.thresholdTitle"), hint: t("reorder.thresholdHint", { threshold: fmt.num(chosen, 3) }) },
    holder,
  );
}
