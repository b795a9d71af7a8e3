// The forecast's tables: each store's errors beside the baseline's (sortable; a row charts its
// store), and what the model leans on.

import { h } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { importancePanel } from "../importance.js";
import { panel } from "../panel.js";
import { showStore } from "./chart.js";

/** The sort of the store table, kept between renders. */
const sort = { key: "abs_error_sum", desc: true };

const STORE_COLUMNS = [
  ["store", "forecast.col.store", (v) => String(v)],
  ["days", "forecast.col.days", (v) => fmt.int(v)],
  ["mae", "forecast.col.mae", (v) => fmt.int(Math.round(v))],
  ["baseline_mae", "forecast.col.baselineMae", (v) => fmt.int(Math.round(v))],
  ["abs_error_sum", "forecast.col.absSum", (v) => fmt.int(Math.round(v))],
];

export function storeTable(report) {
  const tbody = h("tbody");
  const heads = [];
  function fill() {
    const { key, desc } = sort;
    const rows = [...report.stores].sort((a, b) => (desc ? b[key] - a[key] : a[key] - b[key]));
    tbody.replaceChildren(
      ...rows.map((e) =>
        h(
          "tr",
          { "data-store": String(e.store), onClick: () => showStore(e.store) },
          STORE_COLUMNS.map(([k, , format], i) =>
            i === 0 ? h("th", { scope: "row" }, format(e[k])) : h("td", { class: "num" }, format(e[k])),
          ),
        ),
      ),
    );
    for (const [i, th] of heads.entries()) {
      const active = STORE_COLUMNS[i][0] === key;
      th.setAttribute("aria-sort", active ? (desc ? "descending" : "ascending") : "none");
    }
  }
  const headRow = h(
    "tr",
    {},
    STORE_COLUMNS.map(([key, label]) => {
      const th = h(
        "th",
        { scope: "col", class: key === "store" ? "" : "num" },
        h(
          "button",
          {
            type: "button",
            class: "sort",
            "data-sort": key,
            onClick: () => {
              sort.desc = sort.key === key ? !sort.desc : key !== "store";
              sort.key = key;
              fill();
            },
          },
          t(label),
        ),
      );
      heads.push(th);
      return th;
    }),
  );
  fill();
  return panel(
    { title: t("forecast.storesTitle"), hint: t("forecast.storesHint") },
    h(
      "div",
      { class: "table-wrap store-errors-wrap" },
      h("table", { class: "store-errors" }, h("thead", {}, headRow), tbody),
    ),
  );
}

export function importance(report) {
  return importancePanel(report.importance, {
    title: t("forecast.importanceTitle"),
    hint: t("forecast.importanceHint"),
  });
}
