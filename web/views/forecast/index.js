// Use case 1.1: train the sales forecast on the loaded Rossmann files and read the result:
// the model's errors beside the naive baseline's, one store's actual and predicted sales over
// time, the errors of every store, what the model leans on, and the downloads.

import { defaultParams, runUseCase } from "../../actions.js";
import { h, replace } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { downloadsPanel } from "../downloads.js";
import { numberField } from "../fields.js";
import { metricCard as sharedCard } from "../metrics.js";
import { panel } from "../panel.js";
import { chartPanel, dropChart } from "./chart.js";
import { importance, storeTable } from "./tables.js";

/** The form's values: the engine's defaults until the user changes them. */
let params = null;

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
          onClick: () => runUseCase("forecast", "forecast", { ...params }),
        },
        t("forecast.train"),
      ),
      h("span", { class: "muted small" }, t("forecast.cancelHint")),
    ),
  );
}

const WORDS = {
  model: "forecast.model",
  baseline: "forecast.baseline",
  lower: "forecast.lower",
  higher: "forecast.higher",
};

function metricCard(key, label, model, baseline, format) {
  return sharedCard({ key, label, model, baseline, format, words: WORDS });
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
        "data-trees": String(r.trees),
        "data-seconds": String(r.seconds.total),
      },
      t("forecast.facts", {
        from: r.valid_from,
        to: r.valid_to,
        valid: fmt.int(r.rows_valid),
        train: fmt.int(r.rows_train),
        trees: fmt.int(r.trees),
        trainSeconds: fmt.num(r.seconds.train, 2),
        seconds: fmt.num(r.seconds.total, 2),
      }),
    ),
    h("div", { class: "metrics" }, cards, comparison),
  );
}

function downloads(result, busy) {
  return downloadsPanel(
    { name: "forecast", prefix: "forecast", result, busy, title: t("forecast.downloads") },
    result.report.rows_forecast > 0
      ? h("p", { class: "muted small" }, t("forecast.testRows", { rows: fmt.int(result.report.rows_forecast) }))
      : h("p", { class: "muted small" }, t("forecast.noTest")),
  );
}

/** The forecast view (use case 1.1). */
export const forecastView = {
  id: "forecast",
  label: "view.forecast",
  order: 30,
  useCase: "1.1",
  available: (s) => s.useCases.some((u) => u.id === "1.1" && u.ready),
  render(container, s) {
    const result = s.results.forecast;
    const key = [s.lang, result, s.job === null, s.useCases, s.catalogue];
    if (container.key && key.every((k, i) => k === container.key[i])) return;
    container.key = key;
    if (!params && s.catalogue.length > 0) params = defaultParams("forecast");
    const ready = forecastView.available(s) && params;
    const children = [
      h("h1", {}, t("forecast.title")),
      h("p", { class: "muted" }, t("forecast.intro")),
      ready ? form(s.job !== null) : h("p", { class: "notice-inline" }, t("forecast.needs")),
    ];
    if (result) {
      const report = result.report;
      children.push(
        metrics(report),
        chartPanel(report),
        storeTable(report),
        importance(report),
        downloads(result, s.job !== null),
      );
    } else {
      dropChart();
    }
    replace(container, ...children);
  },
};
