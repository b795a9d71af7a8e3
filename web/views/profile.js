// The data profile, the first thing shown after loading: the file's shape, what the reader
// warns of, what the loaded files enable, each column's type, missing share, distinct count,
// range or top values and distribution, a missingness map, and a preview grid of every row; for
// a file too large to keep, the columns not kept and the picker of those to keep (keep.js).

import { downloadCsv, ensureProfile, fetchRows } from "../actions.js";
import { h, replace } from "../dom.js";
import * as fmt from "../format.js";
import { go } from "../router.js";
import { update } from "../store.js";
import { t } from "../strings.js";
import { barsCanvas, missingnessCanvas } from "./canvas.js";
import { DATASETS, datasetOf, KNOWN_FILES } from "./datasets.js";
import { previewGrid } from "./grid.js";
import { keepPanel, warningsPanel } from "./keep.js";
import { panel } from "./panel.js";
import { useCaseList } from "./usecases.js";

/** Columns listed at first; wide files show more on demand. */
const FIRST_COLUMNS = 40;
const MORE_COLUMNS = 200;

function fileChooser(s) {
  if (s.tables.length < 2) return null;
  return h(
    "div",
    { class: "file-tabs", role: "group", "aria-label": t("profile.choose") },
    s.tables.map((tb) =>
      h(
        "button",
        {
          type: "button",
          class: "file-tab",
          "data-file": tb.name,
          "aria-pressed": tb.name === s.selected ? "true" : "false",
          onClick: () => update({ selected: tb.name }),
        },
        tb.name,
      ),
    ),
  );
}

function facts(p, engineMemory) {
  const known = p.dataset
    ? `${t(`dataset.${datasetOf(p.dataset)}`)} · ${KNOWN_FILES[p.dataset]}`
    : t("profile.unknown");
  const delimiter = p.delimiter === "\t" ? "tab" : p.delimiter;
  const items = [
    ["rows", t("profile.rows"), fmt.int(p.rows)],
    ["columns", t("profile.columns"), fmt.int(p.columns.length)],
    ["size", t("profile.size"), fmt.bytes(p.bytes)],
    ["delimiter", t("profile.delimiter"), delimiter],
    ["encoding", t("profile.encoding"), p.encoding],
    ["dataset", t("profile.dataset"), known],
    [
      "read",
      t("profile.read"),
      p.read_seconds === undefined
        ? "–"
        : t("profile.readIn", { seconds: fmt.num(p.read_seconds, 2), rate: fmt.bytes(p.bytes / p.read_seconds) }),
      { "data-seconds": String(p.read_seconds ?? "") },
    ],
    ["memory", t("profile.memory"), fmt.bytes(engineMemory ?? 0), { "data-bytes": String(engineMemory ?? 0) }],
  ];
  return h(
    "dl",
    { class: "facts" },
    items.map(([key, label, value, attributes = {}]) =>
      h("div", { class: "fact", "data-fact": key }, h("dt", {}, label), h("dd", attributes, value)),
    ),
  );
}

function enabled(s) {
  const loaded = new Set(s.tables.map((tb) => datasetOf(tb.dataset)).filter(Boolean));
  const datasets = DATASETS.filter((d) => loaded.has(d.key));
  if (datasets.length === 0) return null;
  return panel(
    { title: t("profile.useCases"), className: "enabled" },
    h(
      "div",
      { class: "enabled-grid" },
      datasets.map((d) =>
        h("div", { class: "enabled-dataset" }, h("h3", {}, t(`dataset.${d.key}`)), useCaseList(d.useCases, s.useCases)),
      ),
    ),
  );
}

function summaryText(c) {
  if (c.kind === "integer" || c.kind === "float") {
    if (c.min === null) return "";
    return t("profile.range", { min: fmt.num(c.min), max: fmt.num(c.max), mean: fmt.num(c.mean) });
  }
  if (c.kind === "date") return c.min_label ? `${c.min_label} – ${c.max_label}` : "";
  if (c.kind === "text" || c.kind === "boolean") {
    const total = c.top.reduce((sum, v) => sum + v.count, 0);
    return c.top
      .slice(0, 3)
      .map((v) => `${v.value === "" ? "∅" : v.value} (${total > 0 ? fmt.percent(v.count / (total || 1)) : "0"})`)
      .join(", ");
  }
  return "";
}

function shape(c) {
  const label = t("profile.histogramOf", { name: c.name });
  if (c.histogram) return barsCanvas(c.histogram.counts, { label });
  if (c.top.length > 0)
    return barsCanvas(
      c.top.map((v) => v.count),
      { label },
    );
  return null;
}

function columnRow(c) {
  const bar = h("span", { class: "missing-bar", "aria-hidden": "true" }, h("span", { class: "missing-fill" }));
  bar.firstChild.style.width = `${Math.round(c.missing_share * 100)}%`;
  return h(
    "tr",
    { "data-column": c.name },
    h("th", { scope: "row", class: "col-name", title: c.name }, c.name),
    h("td", {}, h("span", { class: `kind kind-${c.kind}` }, t(`kind.${c.kind}`))),
    h("td", { class: "num" }, h("span", { class: "missing-cell" }, bar, fmt.percent(c.missing_share))),
    h("td", { class: "num" }, fmt.int(c.distinct)),
    h("td", { class: "col-summary", title: summaryText(c) }, summaryText(c)),
    h("td", { class: "col-shape" }, shape(c)),
  );
}

function columnsTable(p) {
  const tbody = h("tbody");
  let shown = 0;
  const more = h("button", { type: "button", class: "button secondary", id: "more-columns" });
  function showMore(n) {
    const next = Math.min(p.columns.length, shown + n);
    for (let i = shown; i < next; i++) tbody.append(columnRow(p.columns[i]));
    shown = next;
    const left = p.columns.length - shown;
    more.hidden = left === 0;
    more.textContent = t("profile.showMore", { count: fmt.int(Math.min(left, MORE_COLUMNS)) });
  }
  more.addEventListener("click", () => showMore(MORE_COLUMNS));
  showMore(FIRST_COLUMNS);
  const head = ["col.name", "col.type", "col.missing", "col.distinct", "col.summary", "col.shape"];
  return panel(
    { title: t("profile.columnsTitle") },
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
            head.map((k) => h("th", { scope: "col" }, t(`profile.${k}`))),
          ),
        ),
        tbody,
      ),
    ),
    more,
  );
}

function missingness(p) {
  const m = p.missingness;
  const hint = t("profile.missingnessHint", { rows: fmt.int(m.rows.length), columns: fmt.int(m.columns) });
  return panel(
    { title: t("profile.missingness"), hint },
    m.bits.some((b) => b !== 0)
      ? h("div", { class: "map-wrap" }, missingnessCanvas(m, { width: 1140, label: hint }))
      : h("p", { class: "none-missing" }, t("profile.noMissing")),
  );
}

function preview(p) {
  return panel(
    { title: t("profile.preview"), hint: t("profile.previewHint") },
    previewGrid({
      columns: p.columns.map((c) => c.name),
      rows: p.rows,
      fetchRows: (start, count) => fetchRows(p.file, start, count),
      label: t("profile.preview"),
    }),
  );
}

/** The profile view. */
export const profileView = {
  id: "profile",
  label: "view.profile",
  order: 10,
  available: (s) => s.tables.length > 0,
  render(container, s) {
    if (s.tables.length === 0) {
      container.key = null;
      replace(
        container,
        h("p", { class: "muted" }, t("profile.none")),
        h("button", { type: "button", class: "button primary", onClick: () => go("start") }, t("view.start")),
      );
      return;
    }
    const name = s.selected ?? s.tables[0].name;
    const p = s.profiles[name];
    if (!p) {
      ensureProfile(name);
      return;
    }
    // Rebuild only when what is shown changes, so that the grid keeps its scroll position.
    const key = [name, p, s.lang, s.tables, s.useCases, s.job === null];
    if (container.key && key.every((k, i) => k === container.key[i])) return;
    container.key = key;
    replace(
      container,
      h(
        "div",
        { class: "profile-head" },
        h("h1", { class: "file-title" }, p.file),
        h(
          "div",
          { class: "download" },
          h(
            "button",
            {
              type: "button",
              class: "button primary",
              id: "download",
              disabled: s.job !== null,
              onClick: () => downloadCsv(p.file),
            },
            t("profile.download"),
          ),
          h("span", { class: "muted small" }, t("profile.downloadHint")),
        ),
      ),
      fileChooser(s),
      facts(p, s.engineMemory),
      warningsPanel(p),
      keepPanel(p),
      enabled(s),
      // A file too large to keep has only the columns not kept (above).
      p.columns.length > 0 ? [columnsTable(p), missingness(p), preview(p)] : null,
    );
  },
};
