// Use case 4.1: in how many days will each customer order again? Gradient-boosted regression on
// each customer's past orders, trained on the loaded Instacart files; here the settings, the
// errors beside the baseline (the customer's median gap) over every validation customer and over
// those whose gap is under the 30-day cap, the losses compared, the distribution of predicted
// days, a customer lookup, what the model leans on, and the downloads.

import { defaultParams, runUseCase } from "../../actions.js";
import { h, replace } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { downloadsPanel } from "../downloads.js";
import { checkField, numberField } from "../fields.js";
import { importancePanel } from "../importance.js";
import { metricCard } from "../metrics.js";
import { panel } from "../panel.js";
import { dropCharts, histogramPanel } from "./charts.js";
import { lookupPanel, resetLookup } from "./lookup.js";

const NAME = "next-order";
const OBJECTIVES = ["absolute_error", "squared_error", "poisson"];
const WORDS = {
  model: "nextOrder.model",
  baseline: "nextOrder.baseline",
  lower: "nextOrder.lower",
  higher: "nextOrder.higher",
};

/** The form's values: the engine's defaults until the user changes them. */
let params = null;

function checkbox(id, key, label) {
  return checkField({ id, label, params, key });
}

function objectiveField() {
  const select = h(
    "select",
    {
      id: "no-objective",
      onChange: () => {
        params.objective = select.value;
      },
    },
    OBJECTIVES.map((o) => h("option", { value: o, selected: params.objective === o }, t(`nextOrder.objective.${o}`))),
  );
  return h(
    "label",
    { class: "field", for: "no-objective" },
    h("span", { class: "field-label" }, t("nextOrder.objective")),
    select,
  );
}

function form(busy) {
  const number = (key, label, min, max, step) => numberField({ id: `no-${key}`, label, params, key, min, max, step });
  return panel(
    { title: t("nextOrder.settings"), className: "forecast-form" },
    h(
      "div",
      { class: "fields" },
      objectiveField(),
      number("validShare", t("nextOrder.validShare"), 0.05, 0.5, 0.05),
      number("trees", t("nextOrder.trees"), 1, 2000, 1),
      number("depth", t("nextOrder.depth"), 1, 12, 1),
      number("learningRate", t("nextOrder.learningRate"), 0.01, 1, 0.01),
      number("minChildWeight", t("nextOrder.minChildWeight"), 0, 10000, 1),
      number("seed", t("nextOrder.seed"), 0, undefined, 1),
    ),
    checkbox("no-compare", "compareObjectives", t("nextOrder.compareField")),
    checkbox("no-residual", "residual", t("nextOrder.residualField")),
    checkbox("no-wholeDays", "wholeDays", t("nextOrder.wholeDaysField")),
    h(
      "div",
      { class: "train-row" },
      h(
        "button",
        {
          type: "button",
          class: "button primary",
          id: "no-train",
          disabled: busy,
          onClick: () => runUseCase(NAME, "nextOrder", { ...params }),
        },
        t("nextOrder.train"),
      ),
      h("span", { class: "muted small" }, t("nextOrder.cancelHint")),
    ),
  );
}

function daysFigure(x) {
  return t("nextOrder.daysN", { n: fmt.num(x, 3) });
}

function metrics(r, memory) {
  const card = (key, label, model, baseline, format) =>
    metricCard({ key, label, model, baseline, format, words: WORDS });
  const m = r.metrics;
  const b = r.baseline;
  return panel(
    { title: t("nextOrder.results") },
    h(
      "p",
      {
        class: "muted small",
        id: "no-facts",
        "data-engine-bytes": String(memory ?? 0),
        "data-users": String(r.users),
        "data-users-valid": String(r.users_valid),
        "data-trees": String(r.trees),
        "data-seconds": String(r.seconds.total),
        "data-read-seconds": String(r.seconds.read),
        "data-features-seconds": String(r.seconds.features),
        "data-train-seconds": String(r.seconds.train),
      },
      t("nextOrder.facts", {
        users: fmt.int(r.users),
        fit: fmt.int(r.users_fit),
        valid: fmt.int(r.users_valid),
        test: fmt.int(r.users_test),
        trees: fmt.int(r.trees),
        seconds: fmt.num(r.seconds.total, 3),
      }),
      memory ? ` ${t("nextOrder.memory", { memory: fmt.bytes(memory) })}` : "",
    ),
    h(
      "div",
      { class: "metrics" },
      card("mae", t("nextOrder.mae"), m.mae, b.mae, daysFigure),
      card(
        "mae_uncensored",
        t("nextOrder.maeUncensored", { cap: r.censored_at }),
        m.mae_uncensored,
        b.mae_uncensored,
        daysFigure,
      ),
      card("abs_error_sum", t("nextOrder.absSum"), m.abs_error_sum, b.abs_error_sum, (x) => fmt.int(Math.round(x))),
      card("rmse", t("nextOrder.rmse"), m.rmse, b.rmse, daysFigure),
    ),
    h(
      "p",
      { class: "censoring", id: "no-censoring", "data-share": String(r.censored_share) },
      t("nextOrder.censoring", {
        cap: r.censored_at,
        share: fmt.percent(r.censored_share),
        n: fmt.int(r.metrics.users - r.metrics.users_uncensored),
        open: fmt.int(r.metrics.users_uncensored),
      }),
    ),
    h(
      "p",
      { class: `metric-verdict ${m.mae <= b.mae ? "good" : "bad"}` },
      t(m.mae <= b.mae ? "nextOrder.beats" : "nextOrder.loses"),
    ),
  );
}

function objectivesPanel(r) {
  if (r.objectives.length < 2) return null;
  const best = r.objectives.reduce((a, o) => (o.metrics.mae < a.metrics.mae ? o : a));
  return panel(
    { title: t("nextOrder.objectivesTitle"), hint: t("nextOrder.objectivesHint") },
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "objectives" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, t("nextOrder.col.objective")),
            h("th", { scope: "col", class: "num" }, t("nextOrder.mae")),
            h("th", { scope: "col", class: "num" }, t("nextOrder.maeUncensored", { cap: r.censored_at })),
            h("th", { scope: "col", class: "num" }, t("nextOrder.rmse")),
          ),
        ),
        h(
          "tbody",
          {},
          r.objectives.map((o, i) =>
            h(
              "tr",
              { "data-objective": o.objective, "data-mae": String(o.metrics.mae), class: i === 0 ? "chosen" : "" },
              h(
                "th",
                { scope: "row" },
                t(`nextOrder.objective.${o.objective}`),
                i === 0 ? h("span", { class: "badge ready" }, t("nextOrder.chosen")) : null,
              ),
              h("td", { class: "num" }, fmt.num(o.metrics.mae, 4)),
              h("td", { class: "num" }, fmt.num(o.metrics.mae_uncensored, 4)),
              h("td", { class: "num" }, fmt.num(o.metrics.rmse, 4)),
            ),
          ),
        ),
      ),
    ),
    h(
      "p",
      { class: "small", id: "no-best-objective", "data-objective": best.objective },
      t("nextOrder.bestObjective", { objective: t(`nextOrder.objective.${best.objective}`) }),
    ),
  );
}

/** The next-order view (use case 4.1). */
export const nextOrderView = {
  id: "next-order",
  label: "view.nextOrder",
  order: 60,
  useCase: "4.1",
  available: (s) => s.useCases.some((u) => u.id === "4.1" && u.ready),
  render(container, s) {
    const result = s.results[NAME];
    const key = [s.lang, result, s.job === null, s.useCases, s.catalogue];
    if (container.key && key.every((k, i) => k === container.key[i])) return;
    container.key = key;
    if (!params && s.catalogue.length > 0) params = defaultParams(NAME);
    const ready = nextOrderView.available(s) && params;
    const children = [
      h("h1", {}, t("nextOrder.title")),
      h("p", { class: "muted" }, t("nextOrder.intro")),
      h("p", { class: "censoring-note" }, t("nextOrder.capNote")),
      ready ? form(s.job !== null) : h("p", { class: "notice-inline" }, t("nextOrder.needs")),
    ];
    if (result) {
      const report = result.report;
      children.push(
        metrics(report, result.engineMemoryBytes),
        objectivesPanel(report),
        histogramPanel(report),
        lookupPanel(report),
        importancePanel(report.importance, {
          title: t("nextOrder.importanceTitle"),
          hint: t("nextOrder.importanceHint"),
          limit: 20,
        }),
        downloadsPanel({
          name: NAME,
          prefix: "nextOrder",
          result,
          busy: s.job !== null,
          title: t("nextOrder.downloads"),
        }),
      );
    } else {
      dropCharts();
      resetLookup();
    }
    replace(container, ...children);
  },
};
