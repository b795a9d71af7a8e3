// Where the forecast loses to the baseline, said plainly: a verdict (the model loses overall,
// or on how many stores and days), the validation days side by side, and the stores where the
// model loses most (a row charts its store). Then how the model was judged: the held-out days,
// the rows each score leaves out, the baseline, and how the number of trees was found.

import { h } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { panel } from "../panel.js";
import { showStore } from "./chart.js";

/** Stores listed where the model loses most. */
const WORST_STORES = 10;

const money = (x) => fmt.int(Math.round(x));

function verdict(report) {
  const l = report.losses;
  if (l.worse_mae) {
    return h(
      "p",
      { class: "loss-verdict bad", "data-worse": "true" },
      t("forecast.loses", { share: fmt.percent(report.metrics.mae / report.baseline.mae - 1) }),
    );
  }
  const parts = [
    t("forecast.beats", { share: fmt.percent(1 - report.metrics.mae / report.baseline.mae) }),
    " ",
    t("forecast.losesOn", {
      stores: fmt.int(l.stores_worse),
      allStores: fmt.int(l.stores),
      share: fmt.percent(l.stores_worse_error_share),
      days: fmt.int(l.days_worse),
      allDays: fmt.int(l.days),
    }),
  ];
  if (l.worse_rmspe) parts.push(" ", t("forecast.losesRmspe"));
  return h("p", { class: `loss-verdict ${l.worse_rmspe ? "bad" : "good"}`, "data-worse": "false" }, parts);
}

function dayTable(report) {
  return h(
    "div",
    { class: "table-wrap day-errors-wrap" },
    h(
      "table",
      { class: "day-errors" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["forecast.col.date", "forecast.col.stores", "forecast.col.mae", "forecast.col.baselineMae"].map((key, i) =>
            h("th", { scope: "col", class: i === 0 ? "" : "num" }, t(key)),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        report.days.map((d) =>
          h(
            "tr",
            { "data-date": d.date, "data-worse": String(d.mae > d.baseline_mae) },
            h("th", { scope: "row" }, d.date),
            h("td", { class: "num" }, fmt.int(d.stores)),
            h("td", { class: "num" }, money(d.mae)),
            h("td", { class: "num" }, money(d.baseline_mae)),
          ),
        ),
      ),
    ),
  );
}

function worstStores(report) {
  const worse = report.stores
    .filter((s) => s.mae > s.baseline_mae)
    .map((s) => ({ ...s, excess: (s.mae - s.baseline_mae) * s.days }))
    .sort((a, b) => b.excess - a.excess)
    .slice(0, WORST_STORES);
  if (worse.length === 0) return h("p", { class: "muted small" }, t("forecast.noWorseStore"));
  return h(
    "ol",
    { class: "worst-stores" },
    worse.map((s) =>
      h(
        "li",
        {},
        h(
          "button",
          { type: "button", class: "link-button", "data-store": String(s.store), onClick: () => showStore(s.store) },
          t("forecast.worseStore", { store: s.store, mae: money(s.mae), baseline: money(s.baseline_mae) }),
        ),
      ),
    ),
  );
}

/** The panel on where the model loses to the baseline. */
export function lossPanel(report) {
  return panel(
    { title: t("forecast.lossesTitle"), hint: t("forecast.lossesHint") },
    verdict(report),
    h(
      "div",
      { class: "loss-columns" },
      h("div", {}, h("h3", {}, t("forecast.daysTitle")), dayTable(report)),
      h("div", {}, h("h3", {}, t("forecast.worstStoresTitle")), worstStores(report)),
    ),
  );
}

function trainedHow(report) {
  const e = report.early_stopping;
  if (report.model.source === "loaded") {
    return t("forecast.scoredWith", {
      file: report.model.file,
      format: t(`forecast.format.${report.model.format}`),
      trees: fmt.int(report.trees),
      target: report.model.target,
    });
  }
  if (!e) return t("forecast.fixedTrees", { trees: fmt.int(report.trees), target: report.model.target });
  return t(e.refit ? "forecast.earlyStoppingRefit" : "forecast.earlyStopping", {
    tried: fmt.int(e.trees_tried),
    fit: fmt.int(e.rows_fit),
    from: e.from,
    to: e.to,
    rows: fmt.int(e.rows),
    best: fmt.int(e.best_trees),
    rounds: fmt.int(e.rounds),
    target: report.model.target,
  });
}

/** How the model was judged and trained: the holdout's definition and the trees' count. */
export function holdoutPanel(report) {
  const o = report.holdout;
  return panel(
    { title: t("forecast.holdoutTitle") },
    h(
      "ul",
      { class: "holdout-facts", "data-closed": String(o.rows_closed), "data-zero-sales": String(o.rows_zero_sales) },
      h(
        "li",
        {},
        t("forecast.holdoutValid", {
          from: o.valid_from,
          to: o.valid_to,
          days: fmt.int(o.days),
          valid: fmt.int(o.rows_valid),
          rmspe: fmt.int(o.rows_rmspe),
        }),
      ),
      h("li", {}, t("forecast.holdoutExcluded", { closed: fmt.int(o.rows_closed), zero: fmt.int(o.rows_zero_sales) })),
      h(
        "li",
        {},
        t("forecast.holdoutTrain", { train: fmt.int(o.rows_train), excluded: fmt.int(o.rows_train_excluded) }),
      ),
      h("li", {}, t("forecast.holdoutBaseline")),
      h("li", { id: "forecast-trees" }, trainedHow(report)),
    ),
  );
}
