// Use case 3.1: one propensity forest per product on Santander's monthly snapshots, trained on a
// pool of workers, read beside the segment baseline: AUC and the take-up rate at the top of the
// ranking per product, then a product's rules, importance and campaign list.

import { defaultParams, runUseCase } from "../../actions.js";
import { h, replace } from "../../dom.js";
import * as fmt from "../../format.js";
import { poolSize } from "../../pool.js";
import { state } from "../../store.js";
import { t } from "../../strings.js";
import { downloadsPanel } from "../downloads.js";
import { numberField } from "../fields.js";
import { panel } from "../panel.js";
import { barChart, dropCharts } from "./charts.js";
import { forestFields, productLabel, ready, runLines, selectField } from "./common.js";
import { productPanels } from "./product.js";

/** The 24 product columns, in file order (the engine names them the same). */
export const PRODUCTS = [
  "ind_ahor_fin_ult1",
  "ind_aval_fin_ult1",
  "ind_cco_fin_ult1",
  "ind_cder_fin_ult1",
  "ind_cno_fin_ult1",
  "ind_ctju_fin_ult1",
  "ind_ctma_fin_ult1",
  "ind_ctop_fin_ult1",
  "ind_ctpp_fin_ult1",
  "ind_deco_fin_ult1",
  "ind_deme_fin_ult1",
  "ind_dela_fin_ult1",
  "ind_ecue_fin_ult1",
  "ind_fond_fin_ult1",
  "ind_hip_fin_ult1",
  "ind_plan_fin_ult1",
  "ind_pres_fin_ult1",
  "ind_reca_fin_ult1",
  "ind_tjcr_fin_ult1",
  "ind_valo_fin_ult1",
  "ind_viv_fin_ult1",
  "ind_nomina_ult1",
  "ind_nom_pens_ult1",
  "ind_recibo_ult1",
];

/** The form's values (the engine's defaults until changed) and the product shown. */
const local = { params: null, product: null };

function productChoices(params) {
  return h(
    "details",
    { class: "product-choices" },
    h("summary", {}, t("propensity.products")),
    h(
      "div",
      { class: "choices columns" },
      PRODUCTS.map((p) =>
        h(
          "label",
          { class: "choice" },
          h("input", {
            type: "checkbox",
            value: p,
            "data-product": p,
            checked: params.products.includes(p),
            onChange: (event) => {
              const rest = params.products.filter((x) => x !== p);
              params.products = event.target.checked ? [...rest, p] : rest;
            },
          }),
          h("span", {}, productLabel(p)),
        ),
      ),
    ),
  );
}

function thresholdField(params) {
  const input = h("input", {
    type: "number",
    id: "pr-threshold",
    min: 0,
    max: 1,
    step: "any",
    value: params.threshold === null ? "" : String(params.threshold),
    onChange: () => {
      const v = input.value.trim() === "" ? null : Number(input.value);
      params.threshold = v === null || Number.isFinite(v) ? v : params.threshold;
    },
  });
  return h(
    "label",
    { class: "field", for: "pr-threshold" },
    h("span", { class: "field-label" }, t("propensity.threshold")),
    input,
  );
}

function form(busy) {
  const params = local.params;
  return panel(
    { title: t("propensity.settings"), className: "propensity-form" },
    productChoices(params),
    h(
      "div",
      { class: "fields" },
      ...forestFields("pr", params),
      numberField({
        id: "pr-minSamplesLeaf",
        label: t("propensity.leaf"),
        params,
        key: "minSamplesLeaf",
        min: 1,
        step: 1,
      }),
      numberField({
        id: "pr-ratio",
        label: t("propensity.ratio"),
        params,
        key: "negativesPerPositive",
        min: 0,
        step: 0.5,
      }),
      selectField({
        id: "pr-maxFeatures",
        label: t("propensity.maxFeatures"),
        params,
        key: "maxFeatures",
        options: ["sqrt", "log2", "all"].map((v) => [v, `propensity.maxFeatures.${v}`]),
      }),
      selectField({
        id: "pr-criterion",
        label: t("propensity.criterion"),
        params,
        key: "criterion",
        options: ["gini", "entropy"].map((v) => [v, `propensity.criterion.${v}`]),
      }),
      thresholdField(params),
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
          onClick: () => runUseCase("propensity", "propensity", { ...params }),
        },
        t("propensity.train"),
      ),
      h("span", { class: "muted small" }, t("santander.cancelHint", { workers: poolSize() })),
    ),
  );
}

function metricsTable(report, onPick) {
  const min = local.params?.minTakeUps ?? 30;
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "product-metrics" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["product", "auc", "baselineAuc", "p1", "p5", "baselineP5", "f1", "takeUps"].map((k, i) =>
            h("th", { scope: "col", class: i === 0 ? "" : "num" }, t(`propensity.col.${k}`)),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        report.products.map((p) =>
          h(
            "tr",
            {
              "data-product": p.product,
              "data-auc": String(p.auc),
              "data-baseline-auc": String(p.baseline.auc),
              "data-f1": String(p.f1),
              "data-p5": String(p.precision_at_5pct),
              "data-evaluated": String(p.evaluated),
              class: p.product === local.product ? "selected" : "",
              onClick: () => onPick(p.product),
            },
            h(
              "th",
              { scope: "row" },
              h("span", {}, productLabel(p.product)),
              h("span", { class: "muted small" }, ` ${p.product}`),
              p.evaluated ? null : h("span", { class: "muted small" }, ` · ${t("propensity.notEvaluated", { min })}`),
              p.evaluated && p.auc < p.baseline.auc
                ? h("span", { class: "bad small" }, ` · ${t("propensity.worse")}`)
                : null,
            ),
            h("td", { class: "num" }, fmt.num(p.auc, 3)),
            h("td", { class: "num" }, fmt.num(p.baseline.auc, 3)),
            h("td", { class: "num" }, fmt.percent(p.precision_at_1pct)),
            h("td", { class: "num" }, fmt.percent(p.precision_at_5pct)),
            h("td", { class: "num" }, fmt.percent(p.baseline.precision_at_5pct)),
            h("td", { class: "num" }, fmt.num(p.f1, 3)),
            h("td", { class: "num" }, `${fmt.int(p.positives_train)} / ${fmt.int(p.positives_valid)}`),
          ),
        ),
      ),
    ),
  );
}

function results(result, busy, rerender) {
  const report = result.report;
  const pick = (product) => {
    local.product = product;
    rerender();
  };
  const workers = result.pool?.workers ?? 1;
  const min = local.params?.minTakeUps ?? 30;
  const skipped = report.skipped.map((s) => productLabel(s.product)).join(", ");
  const panels = [
    panel(
      { title: t("propensity.results") },
      h(
        "p",
        {
          class: "muted small",
          id: "propensity-facts",
          "data-products": String(report.products.length),
          "data-trees": String(report.trees),
          "data-seconds": String(report.seconds.total),
          "data-fit-seconds": String(report.seconds.fit),
          "data-customers": String(report.customers_valid),
          "data-store-bytes": String(report.store_bytes),
        },
        t("propensity.facts", {
          products: fmt.int(report.products.length),
          trees: fmt.int(report.trees),
          customers: fmt.int(report.customers_valid),
          seconds: fmt.num(report.seconds.total, 3),
          fit: fmt.num(report.seconds.fit, 3),
          workers: fmt.int(workers),
        }),
      ),
      ...runLines(report, result),
      h("h3", {}, t("propensity.chartTitle")),
      barChart({
        id: "propensity-chart",
        label: t("propensity.chartLabel"),
        categories: report.products.map((p) => productLabel(p.product)),
        series: [
          { label: t("propensity.forest"), values: report.products.map((p) => p.auc), colour: "#1f5f8b" },
          { label: t("propensity.baseline"), values: report.products.map((p) => p.baseline.auc), colour: "#c07a00" },
        ],
        format: (v) => fmt.num(v, 2),
        yMax: 1,
      }),
      h("p", { class: "muted small" }, t("propensity.tableHint")),
      metricsTable(report, pick),
      skipped ? h("p", { class: "muted small" }, t("propensity.skipped", { min, products: skipped })) : null,
    ),
  ];
  const shown = report.products.find((p) => p.product === local.product) ?? report.products[0];
  if (shown) {
    local.product = shown.product;
    panels.push(...productPanels(shown, result, busy));
  }
  panels.push(
    downloadsPanel({ name: "propensity", prefix: "propensity", result, busy, title: t("santander.downloads") }),
  );
  return panels;
}

/** The propensity view (use case 3.1). */
export const propensityView = {
  id: "propensity",
  label: "view.propensity",
  order: 50,
  useCase: "3.1",
  available: (s) => ready(s, "3.1"),
  render(container, s) {
    const result = s.results.propensity;
    const key = [s.lang, result, s.job === null, s.useCases, s.catalogue, local.product];
    if (container.key && key.every((k, i) => k === container.key[i])) return;
    container.key = key;
    if (!local.params && s.catalogue.length > 0) local.params = defaultParams("propensity");
    const busy = s.job !== null;
    const children = [
      h("h1", {}, t("propensity.title")),
      h("p", { class: "muted" }, t("propensity.intro")),
      propensityView.available(s) && local.params
        ? form(busy)
        : h("p", { class: "notice-inline" }, t("santander.needs")),
    ];
    dropCharts();
    const rerender = () => {
      container.key = null;
      propensityView.render(container, state());
    };
    if (result) children.push(...results(result, busy, rerender));
    replace(container, ...children);
  },
};
