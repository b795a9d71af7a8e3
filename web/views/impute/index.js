// Use case 2.1: fill the holes of a production-line file by multiple imputation (bootstrap EM).
// First where the holes are (by line, by station, the dominant visit patterns), then the
// stations or columns to impute with the memory they need, the run, and its diagnostics: EM
// convergence, observed vs imputed densities, overimputation, the spread between the M
// datasets, Rubin's pooled means, and the downloads.

import { defaultParams, downloadResult, preview, previewWithProgress, runUseCase } from "../../actions.js";
import { h, replace } from "../../dom.js";
import * as fmt from "../../format.js";
import { update } from "../../store.js";
import { t } from "../../strings.js";
import { numberField } from "../fields.js";
import { panel } from "../panel.js";
import { convergence, densities, dropCharts, pooled, spread } from "./diagnostics.js";
import { missingness } from "./summary.js";

/** The form's values: the engine's defaults (Amelia's) until the user changes them. */
let params = null;
/** Quiet spell after a change of selection before the plan is asked for. */
const PLAN_DELAY_MS = 250;
const NUMERIC_KINDS = new Set(["integer", "float", "boolean"]);

/**
 * The view's own state, kept between renders: the file, the selection per file (station keys,
 * or column names without stations), the pattern, the last plan and the charts.
 */
const local = {
  table: null,
  selection: {},
  pattern: "",
  plan: null,
  planError: null,
  planTimer: null,
  planNode: null,
};

function numericColumns(profile) {
  return (profile?.columns ?? []).filter((c) => NUMERIC_KINDS.has(c.kind));
}

/** Loaded files that can be imputed: Bosch train_numeric.csv, or any with 2+ numeric columns. */
function candidates(s) {
  return s.tables.filter((tb) => tb.dataset === "bosch.numeric" || numericColumns(s.profiles[tb.name]).length >= 2);
}

function chooseTable(s) {
  const names = candidates(s).map((tb) => tb.name);
  if (names.includes(local.table)) return local.table;
  const bosch = s.tables.find((tb) => tb.dataset === "bosch.numeric");
  if (bosch) return bosch.name;
  return names.includes(s.selected) ? s.selected : (names[0] ?? null);
}

/**
 * The parameters sent to the engine: the columns are a pattern when one is typed, else the
 * checked stations or columns.
 */
function currentParams() {
  const chosen = [...(local.selection[local.table] ?? [])];
  const pattern = local.pattern.trim();
  return { ...params, table: local.table, columns: pattern || chosen };
}

/** The default selection: the most visited station (ties: more columns), or every column. */
function defaultSelection(summary, columns) {
  if (summary.stations.length === 0) return new Set(columns);
  const best = [...summary.stations].sort(
    (a, b) => b.rows_visited - a.rows_visited || b.columns.length - a.columns.length,
  )[0];
  return new Set([best.name]);
}

function schedulePlan() {
  clearTimeout(local.planTimer);
  local.planTimer = setTimeout(refreshPlan, PLAN_DELAY_MS);
}

async function refreshPlan() {
  const asked = JSON.stringify(currentParams());
  try {
    const plan = await preview("impute", "plan", currentParams());
    if (asked !== JSON.stringify(currentParams())) return;
    local.plan = plan;
    local.planError = null;
  } catch (error) {
    if (asked !== JSON.stringify(currentParams())) return;
    local.plan = null;
    local.planError = error.details?.message ?? String(error);
  }
  drawPlan();
}

function drawPlan() {
  const node = local.planNode;
  if (!node) return;
  const run = document.getElementById("impute-run");
  if (local.planError) {
    replace(node, h("p", { class: "plan-error", role: "alert" }, local.planError));
    if (run) run.disabled = true;
    return;
  }
  const plan = local.plan;
  if (!plan) {
    replace(node, h("p", { class: "muted small" }, t("impute.planning")));
    if (run) run.disabled = true;
    return;
  }
  if (run) run.disabled = document.querySelector("section.job")?.hidden === false;
  replace(
    node,
    h(
      "p",
      {
        class: "plan-facts",
        "data-columns": String(plan.columns.length),
        "data-rows": String(plan.rows_used),
        "data-bytes": String(plan.memory_bytes),
      },
      t("impute.plan", {
        columns: fmt.int(plan.columns.length),
        rows: fmt.int(plan.rows_used),
        holes: fmt.int(plan.missing_cells),
        memory: fmt.bytes(plan.memory_bytes),
        budget: fmt.bytes(plan.memory_budget),
      }),
    ),
    plan.rows_left_out > 0
      ? h("p", { class: "muted small" }, t("impute.leftOut", { rows: fmt.int(plan.rows_left_out) }))
      : null,
    plan.dropped.length > 0
      ? h(
          "details",
          { class: "dropped" },
          h("summary", {}, t("impute.dropped", { count: fmt.int(plan.dropped.length) })),
          h(
            "ul",
            {},
            plan.dropped.map((d) => h("li", {}, h("code", {}, d.name), " ", d.reason)),
          ),
        )
      : null,
  );
}

function checkbox(key, label, checked, onChange, attrs = {}) {
  const input = h("input", { type: "checkbox", value: key, checked, ...attrs });
  input.addEventListener("change", () => onChange(input.checked));
  return h("label", { class: "pick" }, input, h("span", {}, label));
}

/** Station checkboxes grouped by line, or one checkbox per column without station names. */
function picker(summary, columns) {
  const chosen = local.selection[local.table];
  const toggle = (key) => (on) => {
    if (on) chosen.add(key);
    else chosen.delete(key);
    local.plan = null;
    drawPlan();
    schedulePlan();
  };
  let groups;
  if (summary.stations.length > 0) {
    groups = summary.lines.map((l) =>
      h(
        "fieldset",
        { class: "line-group", "data-line": String(l.line) },
        h("legend", {}, t("impute.lineLegend", { line: l.line })),
        summary.stations
          .filter((g) => g.line === l.line)
          .map((g) =>
            checkbox(
              g.name,
              t("impute.stationPick", { name: g.name, columns: fmt.int(g.columns.length) }),
              chosen.has(g.name),
              toggle(g.name),
              { "data-station": g.name },
            ),
          ),
      ),
    );
  } else {
    groups = [
      h(
        "fieldset",
        { class: "line-group" },
        h("legend", {}, t("impute.columnsLegend")),
        columns.map((name) => checkbox(name, name, chosen.has(name), toggle(name), { "data-column": name })),
      ),
    ];
  }
  const pattern = h("input", {
    type: "text",
    id: "impute-pattern",
    value: local.pattern,
    placeholder: summary.stations.length > 0 ? "^L3_S29_" : "^x",
    spellcheck: "false",
    onInput: () => {
      local.pattern = pattern.value;
      local.plan = null;
      drawPlan();
      schedulePlan();
    },
  });
  return h(
    "div",
    { class: "picker" },
    h("div", { class: "line-groups" }, groups),
    h(
      "label",
      { class: "field", for: "impute-pattern" },
      h("span", { class: "field-label" }, t("impute.pattern")),
      pattern,
      h("span", { class: "muted small" }, t("impute.patternHint")),
    ),
  );
}

function optionBox(key, label) {
  const input = h("input", {
    type: "checkbox",
    id: `impute-${key}`,
    checked: params[key],
    onChange: () => {
      params[key] = input.checked;
    },
  });
  return h("label", { class: "pick", for: `impute-${key}` }, input, h("span", {}, label));
}

function form(s, summary, columns) {
  local.planNode = h("div", { class: "plan", "aria-live": "polite" });
  const busy = s.job !== null;
  return panel(
    {
      title: t("impute.settings"),
      hint: t(summary.stations.length > 0 ? "impute.pickHint" : "impute.pickColumnsHint"),
      className: "impute-form",
    },
    picker(summary, columns),
    local.planNode,
    h(
      "div",
      { class: "fields" },
      numberField({
        id: "impute-m",
        label: t("impute.m"),
        params,
        key: "m",
        min: 1,
        max: 100,
        step: 1,
        onChange: schedulePlan,
      }),
      numberField({
        id: "impute-seed",
        label: t("impute.seed"),
        params,
        key: "seed",
        min: 0,
        step: 1,
        onChange: schedulePlan,
      }),
      numberField({
        id: "impute-empri",
        label: t("impute.empri"),
        params,
        key: "empri",
        min: 0,
        step: 1,
        onChange: schedulePlan,
      }),
    ),
    h("p", { class: "muted small" }, t("impute.empriHint")),
    h(
      "div",
      { class: "choices impute-options" },
      optionBox("roundIntegers", t("impute.roundIntegers")),
      optionBox("boundToObserved", t("impute.boundToObserved")),
    ),
    h(
      "div",
      { class: "train-row" },
      h(
        "button",
        {
          type: "button",
          class: "button primary",
          id: "impute-run",
          disabled: busy || !local.plan,
          onClick: () => runUseCase("impute", "impute", currentParams()),
        },
        t("impute.run"),
      ),
      h("span", { class: "muted small" }, t("impute.cancelHint")),
    ),
  );
}

function resultFacts(r) {
  const facts = [
    [
      "seconds",
      t("impute.seconds"),
      t("impute.secondsValue", { seconds: fmt.num(r.seconds, 3) }),
      { "data-seconds": String(r.seconds) },
    ],
    ["m", t("impute.datasets"), fmt.int(r.m), {}],
    ["rows", t("impute.rowsUsed"), fmt.int(r.rows_used), {}],
    ["columns", t("impute.columns"), fmt.int(r.columns.length), {}],
    ["holes", t("impute.holes"), fmt.int(r.missing_cells), { "data-holes": String(r.missing_cells) }],
    [
      "coverage",
      t("impute.coverage", { level: fmt.percent(r.overimputation_level) }),
      r.coverage === null ? "–" : fmt.percent(r.coverage),
      { "data-coverage": String(r.coverage) },
    ],
    ["iterations", t("impute.iterations"), r.bootstrap_iterations.join(" / "), {}],
  ];
  return panel(
    { title: t("impute.results") },
    h(
      "dl",
      { class: "facts", id: "impute-facts" },
      facts.map(([key, label, text, attrs]) =>
        h("div", { class: "fact", "data-fact": key }, h("dt", {}, label), h("dd", attrs, text)),
      ),
    ),
    r.round_integers ? h("p", { class: "muted small", "data-option": "round" }, t("impute.roundedNote")) : null,
    r.bound_to_observed ? h("p", { class: "muted small", "data-option": "bounds" }, t("impute.boundedNote")) : null,
    r.notes.length > 0
      ? h(
          "ul",
          { class: "notes small" },
          r.notes.map((n) => h("li", {}, n)),
        )
      : null,
  );
}

function downloads(result, busy) {
  const download = (d) =>
    h(
      "button",
      {
        type: "button",
        class: "button secondary",
        "data-download": d.key === "long" ? "0" : d.key.replace("dataset-", ""),
        disabled: busy,
        onClick: () => downloadResult("impute", d),
      },
      d.key === "long" ? t("impute.download.long") : t("impute.download.dataset", { k: d.key.replace("dataset-", "") }),
    );
  return panel(
    { title: t("impute.downloads") },
    h("div", { class: "download-row" }, result.downloads.map(download)),
    h("p", { class: "muted small" }, t("impute.downloadHint", { rows: fmt.int(result.report.rows_used) })),
  );
}

/** Reads where the holes of `table` are, under the progress bar. */
function summarise(table) {
  return previewWithProgress(
    "impute",
    "summary",
    { table },
    t("impute.summarising", { file: table }),
    "error.imputeTitle",
  );
}

/** The imputation view (use case 2.1). */
export const imputeView = {
  id: "impute",
  label: "view.impute",
  order: 40,
  useCase: "2.1",
  available: (s) => candidates(s).length > 0,
  render(container, s) {
    const table = chooseTable(s);
    const rows = s.tables.find((tb) => tb.name === table)?.rows;
    const held = s.previews["impute.summary"];
    const summary = held?.args.table === table && held.answer.rows === rows ? held.answer : null;
    const result = s.results.impute;
    const key = [s.lang, result, summary, s.job === null, s.tables, table, s.catalogue];
    if (container.key && key.every((k, i) => k === container.key[i])) return;
    container.key = key;
    dropCharts();
    if (table !== local.table) {
      local.table = table;
      local.plan = null;
      local.planError = null;
      local.pattern = "";
    }
    const children = [h("h1", {}, t("impute.title")), h("p", { class: "muted" }, t("impute.intro"))];
    if (!table) {
      children.push(h("p", { class: "notice-inline" }, t("impute.needs")));
      replace(container, ...children);
      return;
    }
    const choices = candidates(s);
    children.push(
      h(
        "label",
        { class: "field inline", for: "impute-table" },
        h("span", { class: "field-label" }, t("impute.file")),
        h(
          "select",
          {
            id: "impute-table",
            onChange: (event) => {
              local.table = event.target.value;
              update({});
            },
          },
          choices.map((tb) => h("option", { value: tb.name, selected: tb.name === table }, tb.name)),
        ),
      ),
    );
    if (!summary) {
      // Asked once per file and load: after a failure (shown in the banner) the user retries.
      const ask = `${table}:${s.tables.find((tb) => tb.name === table)?.rows}`;
      const retry = h(
        "button",
        {
          type: "button",
          class: "button secondary",
          disabled: s.job !== null,
          onClick: () => summarise(table),
        },
        t("impute.summarise"),
      );
      children.push(h("p", { class: "muted" }, t("impute.summarising", { file: table })), retry);
      replace(container, ...children);
      if (s.job === null && local.asked !== ask) {
        local.asked = ask;
        queueMicrotask(() => summarise(table));
      }
      return;
    }
    const columns = numericColumns(s.profiles[table])
      .map((c) => c.name)
      .filter((name) => name.toLowerCase() !== "id");
    if (!local.selection[table]) local.selection[table] = defaultSelection(summary, columns);
    params ??= defaultParams("impute");
    children.push(missingness(summary), form(s, summary, columns));
    if (result && result.params.table === table) {
      const r = result.report;
      children.push(
        resultFacts(r),
        convergence(r),
        densities(r),
        spread(r),
        pooled(r, s.profiles[table]),
        downloads(result, s.job !== null),
      );
    }
    replace(container, ...children);
    drawPlan();
    // Asked again on every full render: the file may have been reloaded since the last plan.
    schedulePlan();
  },
};
