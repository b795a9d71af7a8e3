// The propensity view's product panel: one product's forest in words (its rules with support
// and lift, what it relies on) and its campaign list, asked of the engine and downloadable.

import { askResult, downloadResult } from "../../actions.js";
import { h, replace } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { panel } from "../panel.js";
import { productLabel } from "./common.js";

/** The campaign chosen, kept between renders: how to target, and the engine's last answer. */
const campaign = { by: "share", value: 0.01, answer: null, product: null };

function rules(p) {
  if (p.rules.length === 0) return h("p", { class: "muted" }, t("propensity.noRules"));
  return h(
    "ol",
    { class: "rules" },
    p.rules.map((r) =>
      h(
        "li",
        { "data-lift": String(r.lift), "data-support": String(r.support) },
        h("span", { class: "rule-text" }, r.text),
        h(
          "span",
          { class: "rule-figures muted small" },
          t("propensity.rule", {
            rate: fmt.percent(r.take_up_rate),
            lift: fmt.num(r.lift, 3),
            customers: fmt.int(r.rows),
            support: fmt.percent(r.support),
          }),
        ),
      ),
    ),
  );
}

function importance(p) {
  const items = p.importance.filter((i) => i.impurity > 0).slice(0, 12);
  const top = items[0]?.impurity || 1;
  return h(
    "ol",
    { class: "importance" },
    items.map((i) => {
      const fill = h("span", { class: "imp-fill" });
      fill.style.width = `${(100 * i.impurity) / top}%`;
      // The AUC's drop to three decimals: smaller drops are noise.
      const permutation = i.permutation === null ? "" : ` (${(Math.round(i.permutation * 1000) / 1000).toFixed(3)})`;
      return h(
        "li",
        { "data-feature": i.feature },
        h("span", { class: "imp-name" }, i.feature),
        h("span", { class: "imp-bar", "aria-hidden": "true" }, fill),
        h("span", { class: "imp-share num" }, `${fmt.percent(i.impurity)}${permutation}`),
      );
    }),
  );
}

/** The question the campaign form asks: a share, a count or a threshold. */
function question(product) {
  const args = { product };
  args[campaign.by === "share" ? "share" : campaign.by === "top" ? "top" : "threshold"] = campaign.value;
  return args;
}

function campaignAnswer(answer) {
  if (!answer) return [];
  return [
    h(
      "p",
      { id: "campaign-summary", "data-customers": String(answer.customers), "data-product": answer.product },
      t("propensity.campaignSummary", {
        customers: fmt.int(answer.customers),
        eligible: fmt.int(answer.eligible),
        expected: fmt.num(answer.expected_take_ups, 3),
        lowest: answer.lowest_probability === null ? "–" : fmt.percent(answer.lowest_probability),
      }),
    ),
    h(
      "div",
      { class: "table-wrap campaign-wrap" },
      h(
        "table",
        { class: "campaign" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col", class: "num" }, t("propensity.col.rank")),
            h("th", { scope: "col" }, t("propensity.col.customer")),
            h("th", { scope: "col", class: "num" }, t("propensity.col.probability")),
          ),
        ),
        h(
          "tbody",
          {},
          answer.first.map((row, i) =>
            h(
              "tr",
              { "data-customer": String(row.ncodpers) },
              h("td", { class: "num" }, fmt.int(i + 1)),
              h("td", {}, String(row.ncodpers)),
              h("td", { class: "num" }, fmt.percent(row.probability)),
            ),
          ),
        ),
      ),
    ),
  ];
}

function campaignPanel(p, result, busy) {
  if (campaign.product !== p.product) {
    campaign.product = p.product;
    campaign.answer = null;
  }
  const out = h("div", { class: "campaign-answer" }, campaignAnswer(campaign.answer));
  const value = h("input", {
    type: "number",
    id: "campaign-value",
    step: "any",
    min: 0,
    value: String(campaign.value),
    onChange: () => {
      campaign.value = Number(value.value);
    },
  });
  const by = h(
    "select",
    {
      id: "campaign-by",
      onChange: () => {
        campaign.by = by.value;
        campaign.value = { share: 0.01, top: 1000, threshold: 0.1 }[by.value];
        value.value = String(campaign.value);
      },
    },
    ["share", "top", "threshold"].map((k) =>
      h("option", { value: k, selected: campaign.by === k }, t(`propensity.campaign.${k}`)),
    ),
  );
  const show = async () => {
    const answer = await askResult("propensity", "campaign", question(p.product));
    if (!answer) return;
    campaign.answer = answer;
    replace(out, ...campaignAnswer(answer));
  };
  const download = result.downloads.find((d) => d.key === "campaign");
  return panel(
    { title: t("propensity.campaign"), hint: t("propensity.campaignHint"), className: "campaign-panel" },
    h(
      "div",
      { class: "fields" },
      h(
        "label",
        { class: "field", for: "campaign-by" },
        h("span", { class: "field-label" }, t("propensity.campaignBy")),
        by,
      ),
      h(
        "label",
        { class: "field", for: "campaign-value" },
        h("span", { class: "field-label" }, t("propensity.campaignValue")),
        value,
      ),
    ),
    h(
      "div",
      { class: "download-row" },
      h(
        "button",
        { type: "button", class: "button", id: "campaign-show", disabled: busy, onClick: show },
        t("propensity.campaignShow"),
      ),
      download
        ? h(
            "button",
            {
              type: "button",
              class: "button secondary",
              id: "campaign-download",
              disabled: busy,
              // The list the engine keeps is the last one asked for: ask for this one first.
              onClick: async () => {
                await show();
                downloadResult("propensity", download);
              },
            },
            t("propensity.download.campaign"),
          )
        : null,
    ),
    out,
  );
}

/** The panels of product `p` (a product report) of `result`. */
export function productPanels(p, result, busy) {
  return [
    panel(
      {
        title: t("propensity.productTitle", { label: productLabel(p.product), product: p.product }),
        className: "product-panel",
      },
      h(
        "p",
        { class: "muted small", id: "product-facts", "data-product": p.product },
        t("propensity.productFacts", {
          rate: fmt.percent(p.take_up_rate),
          customers: fmt.int(p.rows_valid),
          mean: fmt.percent(p.mean_probability),
          threshold: fmt.percent(p.threshold),
          precision: fmt.percent(p.precision),
          recall: fmt.percent(p.recall),
        }),
      ),
      h("h3", {}, t("propensity.rules")),
      h("p", { class: "muted small" }, t("propensity.rulesHint")),
      rules(p),
      h("h3", {}, t("propensity.importance")),
      h("p", { class: "muted small" }, t("propensity.importanceHint")),
      importance(p),
    ),
    campaignPanel(p, result, busy),
  ];
}
