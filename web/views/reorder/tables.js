// The reorder view's tables: the pooled model against one model per frequently bought product
// (on the same validation customers), each such product's comparison, and the products to stock
// by expected reorders.

import { h } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { panel } from "../panel.js";
import { productName } from "./basket.js";

function cell(x, digits = 4) {
  return h("td", { class: "num" }, fmt.num(x, digits));
}

function scoresRow(key, label, scores, isDefault) {
  return h(
    "tr",
    { "data-model": key, "data-f1": String(scores.f1), class: isDefault ? "chosen" : "" },
    h("th", { scope: "row" }, label, isDefault ? h("span", { class: "badge ready" }, t("reorder.default")) : null),
    cell(scores.f1),
    cell(scores.mean_user_f1),
    cell(scores.precision),
    cell(scores.recall),
    cell(scores.auc),
    cell(scores.threshold, 3),
  );
}

/** Pooled model, per-product models (with the pooled one for other products) and the baseline. */
export function modelsPanel(r) {
  const head = [
    "reorder.col.model",
    "reorder.f1",
    "reorder.meanUserF1",
    "reorder.precision",
    "reorder.recall",
    "reorder.auc",
    "reorder.col.threshold",
  ];
  const rows = [scoresRow("pooled", t("reorder.model.pooled"), r.pooled, r.default_model === "pooled")];
  if (r.per_product) {
    rows.push(
      scoresRow(
        "per_product",
        t("reorder.model.perProduct", { n: r.per_product.products.length }),
        r.per_product.combined,
        r.default_model === "per_product",
      ),
    );
  }
  rows.push(scoresRow("baseline", t("reorder.model.baseline"), { ...r.baseline, threshold: Number.NaN }, false));
  rows.push(
    scoresRow("last_order", t("reorder.model.lastOrder"), { ...r.baseline_last_order, threshold: Number.NaN }, false),
  );
  const verdict = r.per_product
    ? t(r.default_model === "pooled" ? "reorder.pooledWins" : "reorder.perProductWins", {
        pooled: fmt.num(r.pooled.f1, 4),
        own: fmt.num(r.per_product.combined.f1, 4),
      })
    : t("reorder.noPerProduct");
  return panel(
    { title: t("reorder.modelsTitle"), hint: t("reorder.modelsHint") },
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "models", id: "re-models", "data-default": r.default_model },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            head.map((k, i) => h("th", { scope: "col", class: i ? "num" : "" }, t(k))),
          ),
        ),
        h("tbody", {}, rows),
      ),
    ),
    h("p", { class: "small" }, verdict),
    r.per_product ? perProductTable(r.per_product) : null,
  );
}

function perProductTable(p) {
  const head = [
    "reorder.col.product",
    "reorder.col.pairsValid",
    "reorder.col.aucPooled",
    "reorder.col.aucOwn",
    "reorder.col.loglossPooled",
    "reorder.col.loglossOwn",
  ];
  return h(
    "details",
    { class: "per-product" },
    h(
      "summary",
      {},
      t("reorder.perProductDetails", {
        own: fmt.num(p.logloss_own, 4),
        pooled: fmt.num(p.logloss_pooled, 4),
        n: fmt.int(p.pairs_valid),
      }),
    ),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "per-product-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            head.map((k, i) => h("th", { scope: "col", class: i ? "num" : "" }, t(k))),
          ),
        ),
        h(
          "tbody",
          {},
          p.products.map((c) =>
            h(
              "tr",
              { "data-product": String(c.product_id) },
              h("th", { scope: "row" }, productName(c)),
              h("td", { class: "num" }, fmt.int(c.pairs_valid)),
              cell(c.auc_pooled),
              cell(c.auc_own),
              cell(c.logloss_pooled),
              cell(c.logloss_own),
            ),
          ),
        ),
      ),
    ),
  );
}

/** Products by expected reorders among the customers predicted out of sample. */
export function stockPanel(r) {
  const top = r.top_products.slice(0, 25);
  const most = top[0]?.expected_orders || 1;
  return panel(
    { title: t("reorder.stockTitle"), hint: t("reorder.stockHint") },
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "stock", id: "re-stock" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, t("reorder.col.rank")),
            h("th", { scope: "col" }, t("reorder.col.product")),
            h("th", { scope: "col", class: "num" }, t("reorder.col.expected")),
            h("th", { scope: "col" }, ""),
            h("th", { scope: "col", class: "num" }, t("reorder.col.predictedIn")),
          ),
        ),
        h(
          "tbody",
          {},
          top.map((p, i) => {
            const fill = h("span", { class: "imp-fill" });
            fill.style.width = `${(100 * p.expected_orders) / most}%`;
            return h(
              "tr",
              { "data-product": String(p.product_id), "data-expected": String(p.expected_orders) },
              h("td", { class: "num" }, String(i + 1)),
              h("th", { scope: "row" }, productName(p)),
              h("td", { class: "num" }, fmt.num(p.expected_orders, 4)),
              h("td", { class: "bar-cell", "aria-hidden": "true" }, h("span", { class: "imp-bar" }, fill)),
              h("td", { class: "num" }, fmt.int(p.predicted_in)),
            );
          }),
        ),
      ),
    ),
    r.named ? null : h("p", { class: "muted small" }, t("reorder.noNames")),
  );
}
