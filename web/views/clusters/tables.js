// The clusters view's tables: the legend, what sets each cluster apart, and the entities far
// from their cluster.

import { h } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { panel } from "../panel.js";
import { clusterColour } from "./palette.js";

/** Distinguishing variables listed per cluster. */
const TOP_VARIABLES = 5;

export function entityName(result, id) {
  return result.id_name === "Store" ? t("forecast.storeN", { store: id }) : id;
}

export function legend(cut) {
  return h(
    "ul",
    { class: "cl-legend", "aria-label": t("clusters.legend") },
    cut.clusters.map((c) => {
      const swatch = h("span", { class: "cl-swatch", "aria-hidden": "true" });
      swatch.style.background = clusterColour(c.label);
      return h(
        "li",
        { "data-cluster": String(c.label) },
        swatch,
        t("clusters.clusterN", { label: c.label }),
        h("span", { class: "muted" }, ` (${fmt.int(c.size)})`),
      );
    }),
  );
}

/** "mean_sales 10,512 vs 6,903" or "store_type = b 91% vs 8%", with the test value. */
function contrastText(v) {
  const c = v.contrast;
  if (c.kind === "numeric") {
    // Years (Promo2SinceYear) read wrong with a thousands separator.
    const year = c.mean_all > 1900 && c.mean_all < 2100;
    const value = (x) => {
      if (year) return String(Math.round(x));
      return Math.abs(x) >= 100 ? fmt.int(Math.round(x)) : fmt.num(x, 2);
    };
    return t("clusters.contrastNumeric", { inside: value(c.mean_in), overall: value(c.mean_all) });
  }
  return t("clusters.contrastLevel", {
    level: c.level_name,
    inside: fmt.percent(c.share_in),
    overall: fmt.percent(c.share_all),
  });
}

export function profileTable(result, cut) {
  const rows = cut.clusters.map((c) => {
    const swatch = h("span", { class: "cl-swatch", "aria-hidden": "true" });
    swatch.style.background = clusterColour(c.label);
    return h(
      "tr",
      { "data-cluster": String(c.label) },
      h("th", { scope: "row" }, swatch, t("clusters.clusterN", { label: c.label })),
      h(
        "td",
        { class: "num" },
        fmt.int(c.size),
        h("span", { class: "muted small" }, ` ${fmt.percent(c.size / result.n)}`),
      ),
      h("td", { "data-typical": c.typical_id }, entityName(result, c.typical_id)),
      h(
        "td",
        {},
        h(
          "ul",
          { class: "cl-vars" },
          c.variables
            .slice(0, TOP_VARIABLES)
            .map((v) =>
              h(
                "li",
                { "data-variable": v.name, "data-vtest": String(v.v_test) },
                h("strong", {}, v.name),
                " ",
                contrastText(v),
                h("span", { class: `cl-vtest ${v.v_test >= 0 ? "up" : "down"}` }, ` v = ${fmt.num(v.v_test, 2)}`),
              ),
            ),
        ),
      ),
    );
  });
  return panel(
    { title: t("clusters.profilesTitle"), hint: t("clusters.profilesHint") },
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "store-errors cl-profiles" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, t("clusters.col.cluster")),
            h("th", { scope: "col", class: "num" }, t("clusters.col.size")),
            h("th", { scope: "col" }, t("clusters.col.typical")),
            h("th", { scope: "col" }, t("clusters.col.variables")),
          ),
        ),
        h("tbody", {}, rows),
      ),
    ),
  );
}

export function anomalies(result, cut) {
  const flagged = cut.anomalies.flagged;
  return panel(
    {
      title: t("clusters.anomaliesTitle"),
      hint: t("clusters.anomaliesHint", { threshold: fmt.num(cut.anomalies.threshold, 1) }),
    },
    flagged.length === 0
      ? h("p", { class: "cl-no-anomaly" }, t("clusters.noAnomaly"))
      : h(
          "div",
          { class: "table-wrap store-errors-wrap" },
          h(
            "table",
            { class: "store-errors cl-anomalies" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "col" }, t("clusters.col.entity")),
                h("th", { scope: "col" }, t("clusters.col.cluster")),
                h("th", { scope: "col", class: "num" }, t("clusters.col.score")),
              ),
            ),
            h(
              "tbody",
              {},
              flagged.map((a) => {
                const swatch = h("span", { class: "cl-swatch", "aria-hidden": "true" });
                swatch.style.background = clusterColour(a.cluster);
                return h(
                  "tr",
                  { "data-anomaly": a.id },
                  h("th", { scope: "row" }, entityName(result, a.id)),
                  h("td", {}, swatch, t("clusters.clusterN", { label: a.cluster })),
                  h("td", { class: "num" }, fmt.num(a.score, 2)),
                );
              }),
            ),
          ),
        ),
  );
}
