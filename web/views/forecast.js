// Use case 1.1: train the sales forecast on the loaded Rossmann files and read the result:
// the model's errors beside the naive baseline's, one store's actual and predicted sales over
// time, the errors of every store, what the model leans on, and the downloads.

import uPlot from "uplot";
import { downloadForecast, forecastSeries, trainForecast } from "../actions.js";
import { h, replace } from "../dom.js";
import * as fmt from "../format.js";
import { update } from "../store.js";
import { t } from "../strings.js";
import { numberField } from "./fields.js";
import { panel } from "./panel.js";

/** Defaults that train in a few seconds on the page's sample (~100k rows). */
const params = {
  features: "full",
  holdoutDays: 42,
  trees: 100,
  depth: 8,
  learningRate: 0.1,
  seed: 42,
  compareSeed: true,
};
/** Days of training history drawn before the validation period. */
const HISTORY_DAYS = 56;
const DAY_SECONDS = 86_400;
const CHART_HEIGHT = 320;

/** The view's own state, kept between renders. */
const local = { store: null, sort: { key: "abs_error_sum", desc: true }, chart: null, resize: null };

function featureChoice(value) {
  return h(
    "label",
    { class: "choice" },
    h("input", {
      type: "radio",
      name: "fc-features",
      value,
      checked: params.features === value,
      onChange: () => {
        params.features = value;
      },
    }),
    h("span", {}, h("strong", {}, t(`forecast.features.${value}`)), " ", t(`forecast.features.${value}.hint`)),
  );
}

function form(busy) {
  return panel(
    { title: t("forecast.settings"), className: "forecast-form" },
    h(
      "fieldset",
      { class: "choices" },
      h("legend", {}, t("forecast.features")),
      featureChoice("full"),
      featureChoice("seed"),
    ),
    h(
      "div",
      { class: "fields" },
      numberField({
        id: "fc-holdoutDays",
        label: t("forecast.holdout"),
        params,
        key: "holdoutDays",
        min: 7,
        max: 365,
        step: 1,
      }),
      numberField({
        id: "fc-trees",
        label: t("forecast.treesField"),
        params,
        key: "trees",
        min: 1,
        max: 2000,
        step: 1,
      }),
      numberField({ id: "fc-depth", label: t("forecast.depth"), params, key: "depth", min: 1, max: 16, step: 1 }),
      numberField({
        id: "fc-learningRate",
        label: t("forecast.learningRate"),
        params,
        key: "learningRate",
        min: 0.01,
        max: 1,
        step: 0.01,
      }),
      numberField({ id: "fc-seed", label: t("forecast.seed"), params, key: "seed", min: 0, step: 1 }),
    ),
    h(
      "label",
      { class: "choice" },
      h("input", {
        type: "checkbox",
        id: "fc-compare",
        checked: params.compareSeed,
        onChange: (event) => {
          params.compareSeed = event.target.checked;
        },
      }),
      h("span", {}, t("forecast.compareField")),
    ),
    h(
      "div",
      { class: "train-row" },
      h(
        "button",
        {
          type: "button",
          class: "button primary",
          id: "train",
          disabled: busy,
          onClick: () => trainForecast({ ...params }),
        },
        t("forecast.train"),
      ),
      h("span", { class: "muted small" }, t("forecast.cancelHint")),
    ),
  );
}

function metricCard(key, label, model, baseline, format) {
  const better = model <= baseline;
  return h(
    "div",
    { class: "metric", "data-metric": key },
    h("h3", {}, label),
    h(
      "p",
      { class: "metric-model" },
      h("span", { class: "metric-value", "data-value": String(model) }, format(model)),
      h("span", { class: "metric-who" }, t("forecast.model")),
    ),
    h(
      "p",
      { class: "metric-baseline" },
      h("span", { class: "metric-value", "data-value": String(baseline) }, format(baseline)),
      h("span", { class: "metric-who" }, t("forecast.baseline")),
    ),
    h(
      "p",
      { class: `metric-verdict ${better ? "good" : "bad"}` },
      baseline > 0
        ? t(better ? "forecast.lower" : "forecast.higher", { share: fmt.percent(Math.abs(1 - model / baseline)) })
        : "",
    ),
  );
}

function metrics(r) {
  const money = (x) => fmt.int(Math.round(x));
  const cards = [
    metricCard("mae", t("forecast.mae"), r.metrics.mae, r.baseline.mae, money),
    metricCard("abs", t("forecast.absSum"), r.metrics.abs_error_sum, r.baseline.abs_error_sum, money),
    metricCard("rmspe", t("forecast.rmspe"), r.metrics.rmspe, r.baseline.rmspe, (x) => fmt.percent(x)),
  ];
  let comparison = null;
  if (r.comparison) {
    const c = r.comparison;
    comparison = h(
      "div",
      { class: "metric comparison", "data-metric": "comparison" },
      h("h3", {}, t(`forecast.compare.${c.feature_set}`)),
      h(
        "p",
        { class: "metric-model" },
        h("span", { class: "metric-value", "data-value": String(c.metrics.mae) }, money(c.metrics.mae)),
        h("span", { class: "metric-who" }, t("forecast.mae")),
      ),
      h("p", { class: "small" }, t(c.metrics.mae < r.metrics.mae ? "forecast.leak" : "forecast.leakWorse")),
    );
  }
  return panel(
    { title: t("forecast.results") },
    h(
      "p",
      {
        class: "muted small",
        id: "forecast-facts",
        "data-train-seconds": String(r.seconds.train),
        "data-seconds": String(r.elapsed_seconds ?? 0),
      },
      t("forecast.facts", {
        from: r.valid_from,
        to: r.valid_to,
        valid: fmt.int(r.rows_valid),
        train: fmt.int(r.rows_train),
        trees: fmt.int(r.trees),
        trainSeconds: fmt.num(r.seconds.train, 2),
        seconds: fmt.num(r.elapsed_seconds ?? 0, 2),
      }),
    ),
    h("div", { class: "metrics" }, cards, comparison),
  );
}

/** Drops the chart and stops following its holder's width. */
function dropChart() {
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

function chartPanel(s) {
  const report = s.forecast.report;
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
    status.textContent = t("forecast.loadingSeries");
    try {
      const series = await forecastSeries(store, HISTORY_DAYS);
      if (store !== local.store || !holder.isConnected) return;
      status.textContent = t("forecast.zoomHint");
      drawChart(holder, series, report);
    } catch (error) {
      // A restarted engine no longer holds the model: ask for a new training.
      update({ forecast: null, notice: t("forecast.lost", { message: error.message }) });
    }
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

const STORE_COLUMNS = [
  ["store", "forecast.col.store", (v) => String(v)],
  ["days", "forecast.col.days", (v) => fmt.int(v)],
  ["mae", "forecast.col.mae", (v) => fmt.int(Math.round(v))],
  ["baseline_mae", "forecast.col.baselineMae", (v) => fmt.int(Math.round(v))],
  ["abs_error_sum", "forecast.col.absSum", (v) => fmt.int(Math.round(v))],
];

function storeTable(report) {
  const tbody = h("tbody");
  const heads = [];
  function fill() {
    const { key, desc } = local.sort;
    const rows = [...report.stores].sort((a, b) => (desc ? b[key] - a[key] : a[key] - b[key]));
    tbody.replaceChildren(
      ...rows.map((e) =>
        h(
          "tr",
          { "data-store": String(e.store), onClick: () => local.loadSeries?.(e.store) },
          STORE_COLUMNS.map(([k, , format], i) =>
            i === 0 ? h("th", { scope: "row" }, format(e[k])) : h("td", { class: "num" }, format(e[k])),
          ),
        ),
      ),
    );
    for (const [i, th] of heads.entries()) {
      const active = STORE_COLUMNS[i][0] === key;
      th.setAttribute("aria-sort", active ? (desc ? "descending" : "ascending") : "none");
    }
  }
  const headRow = h(
    "tr",
    {},
    STORE_COLUMNS.map(([key, label]) => {
      const th = h(
        "th",
        { scope: "col", class: key === "store" ? "" : "num" },
        h(
          "button",
          {
            type: "button",
            class: "sort",
            "data-sort": key,
            onClick: () => {
              local.sort = { key, desc: local.sort.key === key ? !local.sort.desc : key !== "store" };
              fill();
            },
          },
          t(label),
        ),
      );
      heads.push(th);
      return th;
    }),
  );
  fill();
  return panel(
    { title: t("forecast.storesTitle"), hint: t("forecast.storesHint") },
    h(
      "div",
      { class: "table-wrap store-errors-wrap" },
      h("table", { class: "store-errors" }, h("thead", {}, headRow), tbody),
    ),
  );
}

function importance(report) {
  const items = report.importance.filter((i) => i.gain > 0);
  const top = items[0]?.gain || 1;
  const total = items.reduce((sum, i) => sum + i.gain, 0) || 1;
  return panel(
    { title: t("forecast.importanceTitle"), hint: t("forecast.importanceHint") },
    h(
      "ol",
      { class: "importance" },
      items.map((i) => {
        const fill = h("span", { class: "imp-fill" });
        fill.style.width = `${(100 * i.gain) / top}%`;
        return h(
          "li",
          { "data-feature": i.feature },
          h("span", { class: "imp-name" }, i.feature),
          h("span", { class: "imp-bar", "aria-hidden": "true" }, fill),
          h("span", { class: "imp-share num" }, fmt.percent(i.gain / total)),
        );
      }),
    ),
  );
}

function downloads(s) {
  const report = s.forecast.report;
  const busy = s.job !== null;
  const button = (kind, label) =>
    h(
      "button",
      {
        type: "button",
        class: "button secondary",
        "data-download": kind,
        disabled: busy,
        onClick: () => downloadForecast(kind),
      },
      t(label),
    );
  return panel(
    { title: t("forecast.downloads") },
    h(
      "div",
      { class: "download-row" },
      button("predictions", "forecast.download.predictions"),
      report.rows_forecast > 0 ? button("test", "forecast.download.test") : null,
      button("model", "forecast.download.model"),
    ),
    report.rows_forecast > 0
      ? h("p", { class: "muted small" }, t("forecast.testRows", { rows: fmt.int(report.rows_forecast) }))
      : h("p", { class: "muted small" }, t("forecast.noTest")),
  );
}

/** The forecast view (use case 1.1). */
export const forecastView = {
  id: "forecast",
  label: "view.forecast",
  order: 30,
  available: (s) => s.useCases.some((u) => u.id === "1.1" && u.ready),
  render(container, s) {
    const key = [s.lang, s.forecast, s.job === null, s.useCases];
    if (container.key && key.every((k, i) => k === container.key[i])) return;
    container.key = key;
    const ready = forecastView.available(s);
    const children = [
      h("h1", {}, t("forecast.title")),
      h("p", { class: "muted" }, t("forecast.intro")),
      ready ? form(s.job !== null) : h("p", { class: "notice-inline" }, t("forecast.needs")),
    ];
    if (s.forecast) {
      const report = s.forecast.report;
      children.push(metrics(report), chartPanel(s), storeTable(report), importance(report), downloads(s));
    } else {
      dropChart();
    }
    replace(container, ...children);
  },
};
