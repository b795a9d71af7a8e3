// The forecast's chart: one store's actual, predicted and baseline sales around the validation
// period (uPlot), with a store picker that asks the engine for another store's series.

import uPlot from "uplot";
import { askResult } from "../../actions.js";
import { h } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { panel } from "../panel.js";

/** Days of training history drawn before the validation period (the engine's first series). */
const HISTORY_DAYS = 56;
const DAY_SECONDS = 86_400;
const CHART_HEIGHT = 320;

/** The chart's own state, kept between renders. */
const local = { store: null, chart: null, resize: null, loadSeries: null };

/** Drops the chart and stops following its holder's width. */
export function dropChart() {
  local.resize?.disconnect();
  local.resize = null;
  local.chart?.destroy();
  local.chart = null;
}

/** uPlot draws at a fixed width: redraw at the holder's width whenever the window changes it. */
function followWidth(holder) {
  local.resize = new ResizeObserver(() => {
    const width = Math.max(320, holder.clientWidth);
    if (local.chart && Math.abs(local.chart.width - width) > 1) local.chart.setSize({ width, height: CHART_HEIGHT });
  });
  local.resize.observe(holder);
}

function drawChart(holder, series, report) {
  dropChart();
  const xs = series.dates.map((d) => d * DAY_SECONDS);
  const validFrom = Date.parse(report.valid_from) / 1000;
  const validTo = Date.parse(report.valid_to) / 1000 + DAY_SECONDS / 2;
  const shade = (u) => {
    const left = u.valToPos(validFrom, "x", true);
    const right = Math.min(u.valToPos(validTo, "x", true), u.bbox.left + u.bbox.width);
    if (left >= right) return;
    const ctx = u.ctx;
    ctx.save();
    ctx.fillStyle = "rgba(31, 95, 139, 0.07)";
    ctx.fillRect(Math.max(left, u.bbox.left), u.bbox.top, right - Math.max(left, u.bbox.left), u.bbox.height);
    ctx.restore();
  };
  const width = Math.max(320, holder.clientWidth || 1100);
  local.chart = new uPlot(
    {
      width,
      height: CHART_HEIGHT,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      cursor: { drag: { x: true, y: false } },
      scales: { y: { range: (_u, _min, max) => [0, max * 1.05 || 1] } },
      axes: [{}, { size: 70, values: (_u, ticks) => ticks.map((v) => fmt.int(v)) }],
      series: [
        {},
        {
          label: t("forecast.actual"),
          stroke: "#1d2733",
          width: 1.5,
          value: (_u, v) => (v === null ? "–" : fmt.int(v)),
        },
        {
          label: t("forecast.predicted"),
          stroke: "#1f5f8b",
          width: 2,
          value: (_u, v) => (v === null ? "–" : fmt.int(Math.round(v))),
        },
        {
          label: t("forecast.baselineSeries"),
          stroke: "#c07a00",
          width: 1.5,
          dash: [5, 4],
          value: (_u, v) => (v === null ? "–" : fmt.int(Math.round(v))),
        },
      ],
      hooks: { drawClear: [shade] },
    },
    [xs, series.actual, series.predicted, series.baseline],
    holder,
  );
  followWidth(holder);
}

/** The chart panel of `report`; the first store's series comes with the report. */
export function chartPanel(report) {
  const stores = report.stores.map((e) => e.store);
  if (local.store === null || !stores.includes(local.store)) local.store = stores[0] ?? null;
  const holder = h("div", { class: "forecast-chart", role: "img", "aria-label": t("forecast.chartLabel") });
  const status = h("p", { class: "muted small chart-status" });
  const select = h(
    "select",
    {
      id: "fc-store",
      onChange: () => {
        local.store = Number(select.value);
        load();
      },
    },
    [...stores]
      .sort((a, b) => a - b)
      .map((id) =>
        h("option", { value: String(id), selected: id === local.store }, t("forecast.storeN", { store: id })),
      ),
  );
  async function load() {
    if (local.store === null) return;
    const store = local.store;
    if (report.series?.store === store) {
      status.textContent = t("forecast.zoomHint");
      drawChart(holder, report.series, report);
      return;
    }
    status.textContent = t("forecast.loadingSeries");
    const series = await askResult("forecast", "series", { store, historyDays: HISTORY_DAYS });
    if (!series || store !== local.store || !holder.isConnected) return;
    status.textContent = t("forecast.zoomHint");
    drawChart(holder, series, report);
  }
  local.loadSeries = (store) => {
    local.store = store;
    select.value = String(store);
    load();
  };
  queueMicrotask(load);
  return panel(
    { title: t("forecast.chartTitle") },
    h(
      "label",
      { class: "field inline", for: "fc-store" },
      h("span", { class: "field-label" }, t("forecast.store")),
      select,
    ),
    holder,
    status,
  );
}

/** Shows `store`'s series in the chart (a click on its row in the store table). */
export function showStore(store) {
  local.loadSeries?.(store);
}
