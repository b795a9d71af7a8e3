// The reorder view's customer basket: a customer id (or one of the validation customers offered)
// -> the products it bought before, most probable first, the predicted next basket against the
// actual one, and the products of the actual order it had never bought. Product names (from
// products.csv) are text, never markup.

import { askResult } from "../../actions.js";
import { h, replace } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { lookupForm } from "../lookup.js";
import { panel } from "../panel.js";

/** The basket's own state, kept between renders. */
const local = { userId: null, basket: null, report: null };

/** Forgets the customer shown (a new run). */
export function resetBasket() {
  local.userId = null;
  local.basket = null;
  local.report = null;
}

/** A product as the page names it: its name from products.csv, else its id. */
export function productName(item) {
  return item.name ?? t("reorder.productN", { id: item.product_id });
}

function mark(yes) {
  return yes ? "✓" : "";
}

function basketList(id, title, items) {
  return h(
    "div",
    { class: "basket-list", id },
    h("h3", {}, title, " ", h("span", { class: "muted small" }, `(${fmt.int(items.length)})`)),
    items.length > 0
      ? h(
          "ul",
          {},
          items.map((i) => h("li", { "data-product": String(i.product_id) }, productName(i))),
        )
      : h("p", { class: "muted small" }, t("reorder.none")),
  );
}

function answer(b) {
  const predicted = b.items.filter((i) => i.predicted);
  const actual = b.items.filter((i) => i.actual);
  const known = b.eval_set !== "test";
  const hits = b.items.filter((i) => i.predicted && i.actual).length;
  const rows = b.items.map((i) => {
    const fill = h("span", { class: "imp-fill" });
    fill.style.width = `${100 * i.probability}%`;
    return h(
      "tr",
      {
        "data-product": String(i.product_id),
        "data-probability": String(i.probability),
        class: i.predicted ? "predicted" : "",
      },
      h("th", { scope: "row" }, productName(i)),
      h("td", { class: "num" }, fmt.percent(i.probability)),
      h("td", { class: "bar-cell", "aria-hidden": "true" }, h("span", { class: "imp-bar" }, fill)),
      h("td", { class: "mark" }, mark(i.predicted)),
      h("td", { class: "mark" }, known ? mark(i.actual) : "?"),
    );
  });
  return h(
    "div",
    {
      class: "basket",
      id: "re-basket",
      "data-user": String(b.user_id),
      "data-predicted": String(predicted.length),
      "data-actual": known ? String(actual.length + b.new_products.length) : "",
      "data-hits": String(hits),
    },
    h(
      "p",
      { class: "lookup-side" },
      t(b.validation ? "reorder.whoValidation" : known ? "reorder.whoFit" : "reorder.whoTest", {
        user: b.user_id,
        order: b.order_id,
      }),
    ),
    h(
      "div",
      { class: "basket-compare" },
      basketList("re-predicted", t("reorder.predictedBasket"), predicted),
      known
        ? basketList("re-actual", t("reorder.actualBasket"), [...actual, ...b.new_products])
        : h(
            "div",
            { class: "basket-list" },
            h("h3", {}, t("reorder.actualBasket")),
            h("p", { class: "muted small" }, t("reorder.testUnknown")),
          ),
    ),
    known
      ? h(
          "p",
          { class: "small" },
          t("reorder.basketScore", {
            hits: fmt.int(hits),
            predicted: fmt.int(predicted.length),
            actual: fmt.int(actual.length),
            fresh: fmt.int(b.new_products.length),
          }),
        )
      : null,
    h(
      "div",
      { class: "table-wrap basket-wrap" },
      h(
        "table",
        { class: "basket-items" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, t("reorder.col.product")),
            h("th", { scope: "col", class: "num" }, t("reorder.col.probability")),
            h("th", { scope: "col" }, ""),
            h("th", { scope: "col" }, t("reorder.col.predicted")),
            h("th", { scope: "col" }, t("reorder.col.actual")),
          ),
        ),
        h("tbody", {}, rows),
      ),
    ),
  );
}

/** The basket panel of `report`; it shows the first example customer until another is asked. */
export function basketPanel(report) {
  if (local.report !== report) {
    resetBasket();
    local.report = report;
  }
  const holder = h("div", { class: "lookup-holder" });
  async function show(userId) {
    local.userId = userId;
    const basket = await askResult("reorder", "basket", { userId });
    if (!basket || local.userId !== userId || !holder.isConnected) return;
    local.basket = basket;
    replace(holder, answer(basket));
  }
  const { form, chips, pick } = lookupForm({
    prefix: "re",
    label: t("reorder.userId"),
    button: t("reorder.lookup"),
    examplesLabel: t("reorder.examples"),
    examples: report.examples,
    value: local.userId,
    show,
  });
  if (local.basket) replace(holder, answer(local.basket));
  else if (report.examples.length > 0) queueMicrotask(() => pick(report.examples[0]));
  return panel(
    { title: t("reorder.basketTitle"), hint: t("reorder.basketHint", { threshold: fmt.num(report.threshold, 3) }) },
    form,
    chips,
    holder,
  );
}
