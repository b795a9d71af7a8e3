// The next-order view's customer lookup: a customer id (or one of the validation customers
// offered) -> its predicted days, the baseline, the true gap when known, and its gaps so far.

import { askResult } from "../../actions.js";
import { h, replace } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { lookupForm } from "../lookup.js";
import { panel } from "../panel.js";
import { gapsChart } from "./charts.js";

/** The lookup's own state, kept between renders: the customer shown and its answer. */
const local = { userId: null, customer: null, report: null };

/** Forgets the customer shown (a new run). */
export function resetLookup() {
  local.userId = null;
  local.customer = null;
  local.report = null;
}

function days(n, cap) {
  if (n === null || n === undefined) return "–";
  return n >= cap ? t("nextOrder.daysCapped", { n: fmt.int(cap) }) : t("nextOrder.daysN", { n: fmt.num(n, 3) });
}

function side(customer) {
  if (customer.validation) return t("nextOrder.side.validation");
  if (customer.eval_set === "test") return t("nextOrder.side.test");
  if (customer.eval_set === "train") return t("nextOrder.side.fit");
  return t("nextOrder.side.none");
}

function answer(customer, cap) {
  const facts = [
    ["predicted", t("nextOrder.lookupPredicted"), days(customer.predicted_days, cap), customer.predicted_days],
    ["baseline", t("nextOrder.lookupBaseline"), days(customer.baseline_days, cap), customer.baseline_days],
    ["actual", t("nextOrder.lookupActual"), days(customer.actual_days, cap), customer.actual_days ?? ""],
  ];
  return h(
    "div",
    { class: "lookup-answer", id: "no-customer", "data-user": String(customer.user_id) },
    h("p", { class: "lookup-side" }, t("nextOrder.lookupWho", { user: customer.user_id, side: side(customer) })),
    h(
      "dl",
      { class: "facts lookup-facts" },
      facts.map(([key, label, text, value]) =>
        h(
          "div",
          { class: "fact", "data-fact": key, "data-value": String(value) },
          h("dt", {}, label),
          h("dd", {}, text),
        ),
      ),
    ),
    customer.gaps.length > 0 ? gapsChart(customer, cap) : h("p", { class: "muted small" }, t("nextOrder.noGaps")),
    h("p", { class: "muted small" }, t("nextOrder.gapsHint", { n: fmt.int(customer.gaps.length), cap })),
  );
}

/** The lookup panel of `report`; it shows the first example customer until another is asked. */
export function lookupPanel(report) {
  const cap = report.censored_at;
  if (local.report !== report) {
    resetLookup();
    local.report = report;
  }
  const holder = h("div", { class: "lookup-holder" });
  async function show(userId) {
    local.userId = userId;
    const customer = await askResult("next-order", "customer", { userId });
    if (!customer || local.userId !== userId || !holder.isConnected) return;
    local.customer = customer;
    replace(holder, answer(customer, cap));
  }
  const { form, chips, pick } = lookupForm({
    prefix: "no",
    label: t("nextOrder.userId"),
    button: t("nextOrder.lookup"),
    examplesLabel: t("nextOrder.examples"),
    examples: report.examples,
    value: local.userId,
    show,
  });
  if (local.customer) replace(holder, answer(local.customer, cap));
  else if (report.examples.length > 0) queueMicrotask(() => pick(report.examples[0]));
  return panel({ title: t("nextOrder.lookupTitle"), hint: t("nextOrder.lookupHint") }, form, chips, holder);
}
