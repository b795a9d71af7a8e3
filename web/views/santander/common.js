// What the propensity (3.1) and recommendation (3.2) views share: product labels, form fields,
// the months and memory lines.

import { h } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { numberField } from "../fields.js";

/** The product's readable label, in the page's language. */
export function productLabel(product) {
  return t(`santander.product.${product}`);
}

/** Whether the Santander file is loaded and the use case `id` runs. */
export function ready(s, id) {
  return s.useCases.some((u) => u.id === id && u.ready);
}

/**
 * A labelled select bound to `params[key]`: `options` are [value, strings key] pairs.
 */
export function selectField({ id, label, params, key, options }) {
  const select = h(
    "select",
    {
      id,
      onChange: () => {
        params[key] = select.value;
      },
    },
    options.map(([value, text]) => h("option", { value, selected: params[key] === value }, t(text))),
  );
  return h("label", { class: "field", for: id }, h("span", { class: "field-label" }, label), select);
}

/** The forests' fields both views have: trees, take-ups for a forest, seed. */
export function forestFields(prefix, params) {
  return [
    numberField({
      id: `${prefix}-trees`,
      label: t("santander.trees"),
      params,
      key: "trees",
      min: 1,
      max: 2000,
      step: 1,
    }),
    numberField({
      id: `${prefix}-minTakeUps`,
      label: t("santander.minTakeUps"),
      params,
      key: "minTakeUps",
      min: 1,
      step: 1,
    }),
    numberField({ id: `${prefix}-seed`, label: t("santander.seed"), params, key: "seed", min: 0, step: 1 }),
  ];
}

/** Which months trained and judged, and what the run held in memory (the pool's workers too). */
export function runLines(report, result) {
  const lines = [
    h(
      "p",
      { class: "muted small" },
      t("santander.months", { train: report.train_month, valid: report.valid_month, last: report.last_month }),
    ),
  ];
  if (result.compact) {
    const c = result.compact;
    lines.push(
      h(
        "p",
        {
          class: "muted small santander-compact",
          "data-rows": String(c.rows),
          "data-bytes": String(c.bytes),
          "data-seconds": String(c.seconds),
          "data-held": String(c.held),
        },
        t(c.held ? "santander.compactHeld" : "santander.compact", {
          file: c.table,
          rows: fmt.int(c.rows),
          bytes: fmt.bytes(c.bytes),
          seconds: fmt.num(c.seconds, 3),
        }),
      ),
    );
  }
  if (result.pool) {
    lines.push(
      h(
        "p",
        {
          class: "muted small santander-memory",
          "data-engine-memory": String(result.pool.engineMemory ?? 0),
          "data-worker-memory": String(result.pool.memory ?? 0),
          "data-workers": String(result.pool.workers ?? 0),
        },
        t("santander.memory", {
          engine: fmt.bytes(result.pool.engineMemory ?? 0),
          worker: fmt.bytes(result.pool.memory ?? 0),
        }),
      ),
    );
  }
  return lines;
}
