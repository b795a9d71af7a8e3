// A metric card: the model's figure beside its baseline's, with the difference in words. The
// figures are kept in data-value attributes (what the end-to-end tests read).

import { h } from "../dom.js";
import * as fmt from "../format.js";
import { t } from "../strings.js";

/**
 * The card of metric `key` ({label, model, baseline, format}). `words` names the strings keys of
 * the two sides and of the verdicts ({model, baseline, lower, higher}, each verdict with
 * {share}); `higherIsBetter` for scores such as F1.
 */
export function metricCard({ key, label, model, baseline, format, words, higherIsBetter = false }) {
  const better = higherIsBetter ? model >= baseline : model <= baseline;
  const figure = (value, who, className) =>
    h(
      "p",
      { class: className },
      h("span", { class: "metric-value", "data-value": String(value) }, format(value)),
      h("span", { class: "metric-who" }, t(who)),
    );
  return h(
    "div",
    { class: "metric", "data-metric": key },
    h("h3", {}, label),
    figure(model, words.model, "metric-model"),
    figure(baseline, words.baseline, "metric-baseline"),
    h(
      "p",
      { class: `metric-verdict ${better ? "good" : "bad"}` },
      baseline > 0
        ? t(model <= baseline ? words.lower : words.higher, { share: fmt.percent(Math.abs(1 - model / baseline)) })
        : "",
    ),
  );
}
