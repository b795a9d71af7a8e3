// Use case 3.2: three products to recommend to each customer. The business's k-NN is shown
// beside popularity and the propensity forests on the products customers took up in the last
// month (MAP@3, precision, recall), with the recommender chosen and whether it beats popularity
// said plainly; then a customer: what they hold, their recommendations and why ("customers like
// them hold ..."), their propensity per product.

import { askResult, defaultParams, runUseCase } from "../../actions.js";
import { h, replace } from "../../dom.js";
import * as fmt from "../../format.js";
import { poolSize } from "../../pool.js";
import { t } from "../../strings.js";
import { downloadsPanel } from "../downloads.js";
import { numberField } from "../fields.js";
import { panel } from "../panel.js";
import { barChart, dropCharts } from "./charts.js";
import { forestFields, productLabel, ready, runLines, selectField } from "./common.js";
import { PRODUCTS } from "./propensity.js";

const METHODS = ["knn_holdings", "knn_recent", "popularity", "forests", "blend"];

/** The form's values and the customer shown (their id and the engine's answer). */
const local = { params: null, customer: null, view: null, examples: null };

function methodName(m) {
  return t(`recommend.method.${m}`);
}

function form(busy) {
  const params = local.params;
  return panel(
    { title: t("recommend.settings"), className: "recommend-form" },
    h(
      "div",
      { class: "fields" },
      selectField({
        id: "rc-method",
        label: t("recommend.method"),
        params,
        key: "method",
        options: ["best", ...METHODS].map((m) => [m, `recommend.method.${m}`]),
      }),
      numberField({ id: "rc-k", label: t("recommend.k"), params, key: "k", min: 1, step: 1 }),
      selectField({
        id: "rc-similarity",
        label: t("recommend.similarity"),
        params,
        key: "similarity",
        options: ["cosine", "jaccard"].map((v) => [v, `recommend.similarity.${v}`]),
      }),
      numberField({
        id: "rc-blendWeight",
        label: t("recommend.blendWeight"),
        params,
        key: "blendWeight",
        min: 0,
        max: 1,
        step: 0.05,
      }),
      numberField({ id: "rc-top", label: t("recommend.top"), params, key: "top", min: 1, max: 24, step: 1 }),
      ...forestFields("rc", params),
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
          onClick: () => {
            local.view = null;
            runUseCase("recommend", "recommend", { ...params });
          },
        },
        t("recommend.train"),
      ),
      h("span", { class: "muted small" }, t("santander.cancelHint", { workers: poolSize() })),
    ),
  );
}

function verdict(report) {
  const popularity = report.variants.popularity.map_at_3;
  const args = {
    method: methodName(report.method),
    map: fmt.num(report.map_at_3, 3),
    popularity: fmt.num(popularity, 3),
    share: fmt.percent(popularity > 0 ? report.map_at_3 / popularity - 1 : 0),
  };
  const lines = [
    h(
      "p",
      { class: `verdict ${report.beats_popularity ? "good" : "bad"}`, id: "recommend-verdict" },
      t(
        report.beats_popularity
          ? "recommend.verdictGood"
          : report.method === "popularity"
            ? "recommend.verdictPopular"
            : "recommend.verdictBad",
        args,
      ),
    ),
  ];
  if (report.best !== report.method) {
    lines.push(h("p", { class: "bad" }, t("recommend.notBest", { best: methodName(report.best) })));
  }
  return lines;
}

function methodsTable(report) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "methods" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["method", "map", "precision", "recall", "seconds"].map((k, i) =>
            h("th", { scope: "col", class: i === 0 ? "" : "num" }, t(`recommend.col.${k}`)),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        METHODS.map((m) => {
          const q = report.variants[m];
          return h(
            "tr",
            { "data-method": m, "data-map": String(q.map_at_3), class: m === report.method ? "selected" : "" },
            h(
              "th",
              { scope: "row" },
              methodName(m),
              m === report.method ? h("span", { class: "muted small" }, ` · ${t("recommend.chosen")}`) : null,
            ),
            h("td", { class: "num" }, fmt.num(q.map_at_3, 3)),
            h("td", { class: "num" }, fmt.num(q.precision_at_3, 3)),
            h("td", { class: "num" }, fmt.num(q.recall_at_3, 3)),
            h("td", { class: "num" }, q.seconds < 0.001 ? "< 0.001" : fmt.num(q.seconds, 3)),
          );
        }),
      ),
    ),
  );
}

function shareList(items, className) {
  return h(
    "ul",
    { class: className },
    items.map((i) => h("li", { "data-product": i.product }, `${productLabel(i.product)} · ${fmt.percent(i.value)}`)),
  );
}

function customerBody(view) {
  if (!view) return [];
  return [
    h("h3", {}, t("recommend.holds")),
    view.holds.length === 0
      ? h("p", {}, t("recommend.holdsNothing"))
      : h("p", { class: "holds" }, view.holds.map((p) => productLabel(p.product)).join(", ")),
    h("h3", {}, t("recommend.recommendations")),
    h(
      "ol",
      { class: "recommendations" },
      view.recommendations.map((r) =>
        h(
          "li",
          { "data-product": r.product, "data-propensity": String(r.propensity) },
          h("strong", {}, productLabel(r.product)),
          h(
            "span",
            { class: "muted small" },
            ` ${t("recommend.explain", {
              hold: fmt.percent(r.neighbours_hold),
              took: fmt.percent(r.neighbours_took_up),
              propensity: fmt.percent(r.propensity),
            })}`,
          ),
        ),
      ),
    ),
    h("h3", {}, t("recommend.likeYou")),
    shareList(view.neighbours_hold, "like-you"),
    h("h3", {}, t("recommend.propensities")),
    shareList(view.propensities.slice(0, 8), "propensities"),
  ];
}

function customerPanel(busy) {
  const body = h(
    "div",
    { id: "customer-view", "data-id": local.view ? String(local.view.id) : "" },
    customerBody(local.view),
  );
  const input = h("input", {
    type: "number",
    id: "rc-customer",
    min: 0,
    step: 1,
    value: local.customer === null ? "" : String(local.customer),
  });
  const show = async (id) => {
    if (!Number.isFinite(id)) return;
    local.customer = id;
    input.value = String(id);
    const view = await askResult("recommend", "customer", { id });
    if (!view) return;
    local.view = view;
    body.dataset.id = String(view.id);
    replace(body, ...customerBody(view));
  };
  const examples = h("span", { class: "examples" });
  const fillExamples = (ids) =>
    replace(
      examples,
      ids
        .slice(0, 8)
        .map((id) =>
          h(
            "button",
            { type: "button", class: "link", "data-customer": String(id), onClick: () => show(id) },
            String(id),
          ),
        ),
    );
  if (local.examples) fillExamples(local.examples);
  else {
    askResult("recommend", "customers", {}).then((ids) => {
      if (!ids) return;
      local.examples = ids;
      fillExamples(ids);
      if (local.view === null && ids.length > 0) show(ids[0]);
    });
  }
  return panel(
    { title: t("recommend.customerTitle"), hint: t("recommend.customerHint"), className: "customer-panel" },
    examples,
    h(
      "div",
      { class: "fields" },
      h(
        "label",
        { class: "field", for: "rc-customer" },
        h("span", { class: "field-label" }, t("recommend.customerField")),
        input,
      ),
    ),
    h(
      "button",
      {
        type: "button",
        class: "button",
        id: "rc-customer-show",
        disabled: busy,
        onClick: () => show(Number(input.value)),
      },
      t("recommend.customerShow"),
    ),
    body,
  );
}

function results(result, busy) {
  const report = result.report;
  const popularity = report.variants.popularity.map_at_3;
  const firsts = PRODUCTS.map((p, i) => [p, report.recommended_first[i]]).filter(([, n]) => n > 0);
  return [
    panel(
      { title: t("recommend.results"), hint: t("recommend.tableHint") },
      ...verdict(report),
      h(
        "p",
        {
          class: "muted small",
          id: "recommend-facts",
          "data-method": report.method,
          "data-best": report.best,
          "data-map": String(report.map_at_3),
          "data-popularity-map": String(popularity),
          "data-forests-map": String(report.variants.forests.map_at_3),
          "data-customers": String(report.customers),
          "data-customers-last": String(report.customers_last),
          "data-knn-seconds": String(report.seconds.knn_all_customers),
          "data-seconds": String(report.seconds.total),
        },
        t("recommend.facts", {
          customers: fmt.int(report.customers),
          last: report.last_month,
          patterns: fmt.int(report.patterns),
          all: fmt.int(report.customers_last),
          knn: fmt.num(report.seconds.knn_all_customers, 3),
          recommend: fmt.num(report.seconds.recommend_all, 3),
        }),
      ),
      ...runLines(report, result),
      methodsTable(report),
      h("h3", {}, t("recommend.chartTitle")),
      barChart({
        id: "recommend-chart",
        label: t("recommend.chartLabel"),
        categories: METHODS.map((m) => t(`recommend.short.${m}`)),
        series: [{ label: "MAP@3", values: METHODS.map((m) => report.variants[m].map_at_3), colour: "#1f5f8b" }],
        format: (v) => fmt.num(v, 2),
      }),
    ),
    customerPanel(busy),
    panel(
      { title: t("recommend.firstTitle") },
      barChart({
        id: "recommend-first-chart",
        label: t("recommend.firstLabel"),
        categories: firsts.map(([p]) => productLabel(p)),
        series: [{ label: t("recommend.customers"), values: firsts.map(([, n]) => n), colour: "#2e7d4f" }],
        format: (v) => fmt.int(v),
      }),
    ),
    downloadsPanel({ name: "recommend", prefix: "recommend", result, busy, title: t("santander.downloads") }),
  ];
}

/** The recommendations view (use case 3.2). */
export const recommendView = {
  id: "recommend",
  label: "view.recommend",
  order: 55,
  useCase: "3.2",
  available: (s) => ready(s, "3.2"),
  render(container, s) {
    const result = s.results.recommend;
    const key = [s.lang, result, s.job === null, s.useCases, s.catalogue];
    if (container.key && key.every((k, i) => k === container.key[i])) return;
    if (container.key && container.key[1] !== result) {
      local.view = null;
      local.examples = null;
    }
    container.key = key;
    if (!local.params && s.catalogue.length > 0) local.params = defaultParams("recommend");
    const busy = s.job !== null;
    dropCharts();
    replace(
      container,
      h("h1", {}, t("recommend.title")),
      h("p", { class: "muted" }, t("recommend.intro")),
      recommendView.available(s) && local.params
        ? form(busy)
        : h("p", { class: "notice-inline" }, t("santander.needs")),
      result ? results(result, busy) : null,
    );
  },
};
