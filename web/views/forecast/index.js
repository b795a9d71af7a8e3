// Use case 1.1: train the sales forecast on the loaded Rossmann files (or score them with a
// model file, ours or XGBoost's) and read the result: the model's errors beside the naive
// baseline's, where it loses to it, one store's actual and predicted sales over time, the
// errors of every store, how it was judged, what the model leans on, and the downloads.

import { defaultParams, loadModelFile, removeTable, runUseCase } from "../../actions.js";
import { h, replace } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { downloadsPanel } from "../downloads.js";
import { checkField, numberField } from "../fields.js";
import { metricCard as sharedCard } from "../metrics.js";
import { panel } from "../panel.js";
import { chartPanel, dropChart } from "./chart.js";
import { holdoutPanel, lossPanel } from "./losses.js";
import { importance, storeTable } from "./tables.js";

/** The form's values: the engine's defaults until the user changes them. */
let params = null;
/** A model file being loaded: chosen as the model once the engine holds it. */
let pendingModel = null;

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

/** Train here, or score with a loaded model file (XGBoost's JSON or ours). */
/** The model file chosen: one just loaded, else the one chosen if still loaded, else none. */
function syncModel(documents) {
  if (pendingModel && documents.includes(pendingModel)) {
    params.model = pendingModel;
    pendingModel = null;
  }
  if (params.model && !documents.includes(params.model)) params.model = null;
}

function modelChoice(documents, busy, onChoice) {
  const input = h("input", {
    type: "file",
    id: "fc-model-file",
    accept: ".json,application/json",
    class: "visually-hidden",
    tabindex: "-1",
    "aria-hidden": "true",
    onChange: async () => {
      const file = input.files[0];
      input.value = "";
      if (!file) return;
      pendingModel = file.name;
      if (!(await loadModelFile(file))) pendingModel = null;
    },
  });
  const radio = (value, label) =>
    h(
      "label",
      { class: "choice" },
      h("input", {
        type: "radio",
        name: "fc-source",
        value: value ?? "",
        checked: (params.model ?? null) === value,
        onChange: () => {
          params.model = value;
          onChoice();
        },
      }),
      h("span", {}, label),
    );
  return h(
    "fieldset",
    { class: "choices model-source" },
    h("legend", {}, t("forecast.source")),
    radio(null, t("forecast.source.train")),
    documents.map((name) =>
      h(
        "div",
        { class: "model-file", "data-document": name },
        radio(name, t("forecast.source.file", { file: name })),
        h(
          "button",
          { type: "button", class: "link-button small", disabled: busy, onClick: () => removeTable(name) },
          t("forecast.source.remove"),
        ),
      ),
    ),
    input,
    h(
      "button",
      { type: "button", class: "button secondary", id: "fc-load-model", disabled: busy, onClick: () => input.click() },
      t("forecast.source.load"),
    ),
    h("p", { class: "muted small" }, t("forecast.source.hint")),
  );
}

function targetField() {
  const select = h(
    "select",
    {
      id: "fc-target",
      onChange: () => {
        params.target = select.value;
      },
    },
    ["log1p", "identity"].map((v) =>
      h("option", { value: v, selected: params.target === v }, t(`forecast.target.${v}`)),
    ),
  );
  return h(
    "label",
    { class: "field", for: "fc-target" },
    h("span", { class: "field-label" }, t("forecast.target")),
    select,
  );
}

function checkbox(id, key, label) {
  return checkField({ id, label, params, key });
}

function form(documents, busy) {
  syncModel(documents);
  const train = h(
    "button",
    {
      type: "button",
      class: "button primary",
      id: "train",
      disabled: busy,
      onClick: () => runUseCase("forecast", "forecast", { ...params }),
    },
    t(params.model ? "forecast.score" : "forecast.train"),
  );
  return panel(
    { title: t("forecast.settings"), className: "forecast-form" },
    modelChoice(documents, busy, () => {
      train.textContent = t(params.model ? "forecast.score" : "forecast.train");
    }),
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
      targetField(),
      numberField({
        id: "fc-trees",
        label: t("forecast.treesField"),
        params,
        key: "trees",
        min: 1,
        max: 2000,
        step: 1,
      }),
      numberField({
        id: "fc-earlyStoppingDays",
        label: t("forecast.earlyStoppingDays"),
        params,
        key: "earlyStoppingDays",
        min: 0,
        max: 365,
        step: 1,
      }),
      numberField({ id: "fc-leaves", label: t("forecast.leaves"), params, key: "leaves", min: 2, max: 4096, step: 1 }),
      numberField({ id: "fc-depth", label: t("forecast.depth"), params, key: "depth", min: 1, max: 16, step: 1 }),
      numberField({
        id: "fc-minChildWeight",
        label: t("forecast.minChildWeight"),
        params,
        key: "minChildWeight",
        min: 0,
        step: 1,
      }),
      numberField({
        id: "fc-learningRate",
        label: t("forecast.learningRate"),
        params,
        key: "learningRate",
        min: 0.01,
        max: 1,
        step: 0.01,
      }),
      numberField({
        id: "fc-subsample",
        label: t("forecast.subsample"),
        params,
        key: "subsample",
        min: 0.05,
        max: 1,
        step: 0.05,
      }),
      numberField({
        id: "fc-featureFraction",
        label: t("forecast.featureFraction"),
        params,
        key: "featureFraction",
        min: 0.05,
        max: 1,
        step: 0.05,
      }),
      numberField({ id: "fc-seed", label: t("forecast.seed"), params, key: "seed", min: 0, step: 1 }),
    ),
    checkbox("fc-refit", "refit", t("forecast.refitField")),
    checkbox("fc-compare", "compareSeed", t("forecast.compareField")),
    h("div", { class: "train-row" }, train, h("span", { class: "muted small" }, t("forecast.cancelHint"))),
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
        "data-features-seconds": String(r.seconds.features),
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
        featuresSeconds: fmt.num(r.seconds.features, 2),
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
    const key = [s.lang, result, s.job === null, s.useCases, s.catalogue, s.documents];
    if (container.key && key.every((k, i) => k === container.key[i])) return;
    container.key = key;
    if (!params && s.catalogue.length > 0) params = defaultParams("forecast");
    const ready = forecastView.available(s) && params;
    const children = [
      h("h1", {}, t("forecast.title")),
      h("p", { class: "muted" }, t("forecast.intro")),
      ready ? form(s.documents, s.job !== null) : h("p", { class: "notice-inline" }, t("forecast.needs")),
    ];
    if (result) {
      const report = result.report;
      children.push(
        metrics(report),
        lossPanel(report),
        chartPanel(report),
        storeTable(report),
        holdoutPanel(report),
        importance(report),
        downloads(result, s.job !== null),
      );
    } else {
      dropChart();
    }
    replace(container, ...children);
  },
};
