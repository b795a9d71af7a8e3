// What the profile shows beyond the columns kept: the reader's warnings, and the columns not
// kept (a file with more text than a table holds is profiled in one pass without being kept)
// with a picker of the columns to keep, which reads the file again keeping only those.

import { keepColumns, tableTextLimit } from "../actions.js";
import { h } from "../dom.js";
import * as fmt from "../format.js";
import { t } from "../strings.js";
import { panel } from "./panel.js";

/** Columns listed in the not-kept table at first. */
const LISTED = 100;

/** The reader's warnings (renamed columns, Latin-1, long cells, …), each with its place. */
export function warningsPanel(p) {
  const warnings = (p.warnings ?? []).filter((w) => w.kind !== "notKept");
  if (warnings.length === 0) return null;
  return panel(
    { title: t("profile.warnings"), hint: t("profile.warningsHint"), className: "warnings" },
    h(
      "ul",
      { class: "warning-list" },
      warnings.map((w) => h("li", { "data-kind": w.kind, "data-line": String(w.line ?? "") }, w.message)),
    ),
  );
}

/**
 * The names `text` picks among `names`: names separated by commas when they all exist, else
 * those a regular expression matches. Returns {names} or {error}.
 */
export function pickColumns(text, names) {
  const wanted = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (wanted.length === 0) return { names: [] };
  const known = new Set(names);
  if (wanted.every((n) => known.has(n))) return { names: [...new Set(wanted)] };
  try {
    const pattern = new RegExp(text.trim());
    return { names: names.filter((n) => pattern.test(n)) };
  } catch (error) {
    return { error: error.message };
  }
}

function summaryRow(c) {
  const range =
    c.min_label === null || c.min_label === undefined
      ? ""
      : t("profile.notKeptRange", { min: c.min_label, max: c.max_label, mean: fmt.num(c.mean) });
  return h(
    "tr",
    { "data-column": c.name },
    h("th", { scope: "row", class: "col-name", title: c.name }, c.name),
    h("td", {}, h("span", { class: `kind kind-${c.kind}` }, t(`kind.${c.kind}`))),
    h("td", { class: "num" }, fmt.percent(c.missing_share)),
    h("td", { class: "col-summary" }, range),
  );
}

/** The columns not kept, and the picker of those to keep. */
export function keepPanel(p) {
  const skipped = p.skipped ?? [];
  if (skipped.length === 0) return null;
  const names = [...p.columns.map((c) => c.name), ...skipped.map((c) => c.name)];
  const all = names.length;
  const input = h("input", {
    type: "text",
    id: "keep-columns",
    class: "keep-input",
    spellcheck: "false",
    value: p.columns.map((c) => c.name).join(", "),
    "aria-describedby": "keep-status",
  });
  const status = h("p", { id: "keep-status", class: "muted small", role: "status" });
  const button = h("button", { type: "button", class: "button primary", id: "keep-button" });
  let picked = [];
  function refresh() {
    const { names: chosen, error } = pickColumns(input.value, names);
    picked = chosen ?? [];
    // The text those columns hold, from the file's text per column.
    const size = (p.bytes * picked.length) / Math.max(1, all);
    const tooLarge = size > tableTextLimit();
    if (error) status.textContent = t("profile.keepBad", { message: error });
    else if (picked.length === 0) status.textContent = t("profile.keepNone");
    else if (tooLarge) {
      status.textContent = t("profile.keepTooLarge", { size: fmt.bytes(size), limit: fmt.bytes(tableTextLimit()) });
    } else {
      status.textContent = t("profile.keepMatches", {
        count: fmt.int(picked.length),
        size: fmt.bytes(size),
        rows: fmt.int(p.rows),
      });
    }
    button.textContent = t("profile.keepButton", { count: fmt.int(picked.length) });
    button.disabled = picked.length === 0 || tooLarge;
  }
  input.addEventListener("input", refresh);
  button.addEventListener("click", () => keepColumns(p.file, picked));
  refresh();
  const body = h("tbody", {}, skipped.slice(0, LISTED).map(summaryRow));
  return panel(
    {
      title: t("profile.notKept"),
      hint:
        p.columns.length === 0
          ? t("profile.notKeptHint", { limit: fmt.bytes(tableTextLimit()) })
          : t("profile.skippedHint"),
      className: "not-kept",
    },
    h("label", { for: "keep-columns", class: "keep-label" }, t("profile.keepLabel")),
    h("div", { class: "keep-row" }, input, button),
    status,
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "columns" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["col.name", "col.type", "col.missing", "col.summary"].map((k) =>
              h("th", { scope: "col" }, t(`profile.${k}`)),
            ),
          ),
        ),
        body,
      ),
    ),
    skipped.length > LISTED
      ? h("p", { class: "muted small" }, t("profile.keepMore", { count: fmt.int(skipped.length - LISTED) }))
      : null,
  );
}
