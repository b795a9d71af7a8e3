// Use case 4.2: which of the products a customer has bought will be in its next order? One
// gradient-boosted binary classifier over every (customer, product) pair, beside one per
// frequently bought product, trained on the loaded Instacart files; here the settings, the
// scores beside the baseline (the products reordered in the last order), the pooled and
// per-product models compared, the threshold, a customer's predicted basket against the actual
// one, the products to stock, what the model leans on, and the downloads.

import { defaultParams, runUseCase } from "../../actions.js";
import { h, replace } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { downloadsPanel } from "../downloads.js";
import { numberField } from "../fields.js";
import { importancePanel } from "../importance.js";
import { metricCard } from "../metrics.js";
import { panel } from "../panel.js";
import { basketPanel, resetBasket } from "./basket.js";
import { dropChart, thresholdPanel } from "./charts.js";
import { modelsPanel, stockPanel } from "./tables.js";

const NAME = "reorder";
const WORDS = {
  model: "reorder.model",
  baseline: "reorder.baseline",
  lower: "reorder.lower",
  higher: "reorder.higher",
};

/** The form's values: the engine's defaults until the user changes them. */
let params = null;

function form(busy) {
  const number = (key, label, min, max, step) => numberField({ id: `re-${key}`, label, params, key, min, max, step });
  return panel(
    { title: t("reorder.settings"), className: "forecast-form" },
    h(
      "div",
      { class: "fields" },
      number("validShare", t("reorder.validShare"), 0.05, 0.5, 0.05),
      number("trees", t("reorder.trees"), 1, 2000, 1),
      number("depth", t("reorder.depth"), 1, 12, 1),
      number("learningRate", t("reorder.learningRate"), 0.01, 1, 0.01),
      number("minChildWeight", t("reorder.minChildWeight"), 0, 10000, 1),
      number("seed", t("reorder.seed"), 0, undefined, 1),
    ),
    h(
      "fieldset",
      { class: "choices" },
      h("legend", {}, t("reorder.perProductLegend")),
      h(
        "div",
        { class: "fields" },
        number("perProduct", t("reorder.perProduct"), 0, 200, 1),
        number("perProductMinPairs", t("reorder.perProductMinPairs"), 20, 100000, 10),
        number("perProductTrees", t("reorder.perProductTrees"), 1, 1000, 1),
        number("perProductDepth", t("reorder.perProductDepth"), 1, 12, 1),
      ),
    ),
    h(
      "div",
      { class: "train-row" },
      h(
        "button",
        {
          type: "button",
          class: "button primary",
          id: "re-train",
          disabled: busy,
          onClick: () => runUseCase(NAME, "reorder", { ...params }),
        },
        t("reorder.train"),
      ),
      h("span", { class: "muted small" }, t("reorder.cancelHint")),
    ),
  );
}

function metrics(r, memory) {
  const share = (x) => fmt.num(x, 4);
  const card = (key, label) =>
    metricCard({
      key,
      label,
      model: r.metrics[key],
      baseline: r.baseline[key],
      format: share,
      words: WORDS,
      higherIsBetter: true,
    });
  const beats = r.metrics.f1 > r.baseline.f1;
  return panel(
    { title: t("reorder.results") },
    h(
      "p",
      {
        class: "muted small",
        id: "re-facts",
        "data-engine-bytes": String(memory ?? 0),
        "data-pairs": String(r.pairs),
        "data-users-valid": String(r.users_valid),
        "data-threshold": String(r.threshold),
        "data-default": r.default_model,
        "data-seconds": String(r.seconds.total),
        "data-read-seconds": String(r.seconds.read),
        "data-features-seconds": String(r.seconds.features),
        "data-train-seconds": String(r.seconds.train),
      },
      t("reorder.facts", {
        pairs: fmt.int(r.pairs),
        fit: fmt.int(r.users_fit),
        valid: fmt.int(r.users_valid),
        validPairs: fmt.int(r.pairs_valid),
        test: fmt.int(r.users_test),
        positive: fmt.percent(r.positive_share),
        threshold: fmt.num(r.threshold, 3),
        seconds: fmt.num(r.seconds.total, 3),
      }),
      memory ? ` ${t("reorder.memory", { memory: fmt.bytes(memory) })}` : "",
    ),
    h(
      "div",
      { class: "metrics" },
      card("f1", t("reorder.f1")),
      card("mean_user_f1", t("reorder.meanUserF1")),
      card("precision", t("reorder.precision")),
      card("recall", t("reorder.recall")),
      card("auc", t("reorder.auc")),
    ),
    h("p", { class: "small" }, t("reorder.metricsNote")),
    h("p", { class: `metric-verdict ${beats ? "good" : "bad"}` }, t(beats ? "reorder.beats" : "reorder.loses")),
  );
}

/** The reorder view (use case 4.2). */
export const reorderView = {
  id: "reorder",
  label: "view.reorder",
  order: 65,
  useCase: "4.2",
  available: (s) => s.useCases.some((u) => u.id === "4.2" && u.ready),
  render(container, s) {
    const result = s.results[NAME];
    const key = [s.lang, result, s.job === null, s.useCases, s.catalogue];
    if (container.key && key.every((k, i) => k === container.key[i])) return;
    container.key = key;
    if (!params && s.catalogue.length > 0) params = defaultParams(NAME);
    const ready = reorderView.available(s) && params;
    const children = [
      h("h1", {}, t("reorder.title")),
      h("p", { class: "muted" }, t("reorder.intro")),
      ready ? form(s.job !== null) : h("p", { class: "notice-inline" }, t("reorder.needs")),
    ];
    if (result) {
      const report = result.report;
      children.push(
        metrics(report, result.engineMemoryBytes),
        modelsPanel(report),
        thresholdPanel(report),
        basketPanel(report),
        stockPanel(report),
        importancePanel(report.importance, {
          title: t("reorder.importanceTitle"),
          hint: t("reorder.importanceHint"),
        }),
        downloadsPanel({
          name: NAME,
          prefix: "reorder",
          result,
          busy: s.job !== null,
          title: t("reorder.downloads"),
        }),
      );
    } else {
      dropChart();
      resetBasket();
    }
    replace(container, ...children);
  },
};
