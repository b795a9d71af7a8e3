// Use case 2.1: fill the holes of a production-line file by multiple imputation (bootstrap EM).
// First where the holes are (by line, by station, the dominant visit patterns), then the
// stations or columns to impute with the memory they need, the run, and its diagnostics: EM
// convergence, observed vs imputed densities, overimputation, the spread between the M
// datasets, Rubin's pooled means, and the downloads.

import uPlot from "uplot";
import { downloadImputed, imputePlan, loadImputeSummary, runImpute } from "../actions.js";
import { h, replace } from "../dom.js";
import * as fmt from "../format.js";
import { update } from "../store.js";
import { t } from "../strings.js";
import { numberField } from "./fields.js";
import { panel } from "./panel.js";

/** Amelia's defaults; the seed is the page's. */
const params = { m: 5, seed: 42, empri: 0, roundIntegers: false, boundToObserved: false };
/** Quiet spell after a change of selection before the plan is asked for. */
const PLAN_DELAY_MS = 250;
/** One colour per bootstrap run (the point EM is drawn in ink). */
const RUN_COLOURS = ["#1f5f8b", "#c07a00", "#2e7d4f", "#8b3a62", "#5c6bc0", "#00838f", "#795548"];
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
  column: null,
  charts: [],
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

function destroyCharts() {
  for (const chart of local.charts) chart.destroy();
  local.charts = [];
}

/** The selection sent to the engine: a pattern when typed, else the checked stations or columns. */
function currentParams() {
  const chosen = [...(local.selection[local.table] ?? [])];
  const out = { ...params, table: local.table, columns: chosen };
  if (local.pattern.trim()) out.pattern = local.pattern.trim();
  return out;
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
    const plan = await imputePlan(currentParams());
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

function shareBar(label, share, attrs) {
  const fill = h("span", { class: "share-fill" });
  fill.style.width = `${(100 * share).toFixed(1)}%`;
  return h(
    "li",
    attrs,
    h("span", { class: "share-name" }, label),
    h("span", { class: "share-bar", "aria-hidden": "true" }, fill),
    h("span", { class: "share-value num" }, fmt.percent(share)),
  );
}

function missingness(summary) {
  const facts = [
    ["rows", t("impute.rows"), fmt.int(summary.rows)],
    ["columns", t("impute.columns"), fmt.int(summary.columns)],
    ["missing", t("impute.missingShare"), fmt.percent(summary.missing_share)],
    ["patterns", t(`impute.distinct.${summary.pattern_unit}`), fmt.int(summary.distinct_patterns)],
  ];
  const parts = [
    h("h2", {}, t("impute.missingTitle")),
    h(
      "dl",
      { class: "facts" },
      facts.map(([key, label, text]) =>
        h("div", { class: "fact", "data-fact": key }, h("dt", {}, label), h("dd", {}, text)),
      ),
    ),
  ];
  if (summary.lines.length > 0) {
    parts.push(
      h("h3", {}, t("impute.byLine")),
      h(
        "ul",
        { class: "share-bars lines" },
        summary.lines.map((l) =>
          shareBar(
            t("impute.lineLabel", { line: l.line, stations: l.stations, columns: fmt.int(l.columns) }),
            l.missing_share,
            { "data-line": String(l.line), "data-share": String(l.missing_share) },
          ),
        ),
      ),
      h("h3", {}, t("impute.byStation")),
      h("p", { class: "muted small" }, t("impute.byStationHint")),
      stationBars(summary),
    );
  }
  parts.push(
    h("h3", {}, t("impute.patterns")),
    h("p", { class: "muted small" }, t(`impute.patternsHint.${summary.pattern_unit}`)),
    patternMap(summary),
    patterns(summary),
  );
  return h("section", { class: "panel impute-missing" }, parts);
}

/** One vertical bar per station, its height the share missing, coloured by line. */
function stationBars(summary) {
  return h(
    "div",
    { class: "station-bars", role: "list" },
    summary.stations.map((g) => {
      const fill = h("span", { class: `station-fill line-${g.line % 4}` });
      fill.style.height = `${(100 * g.missing_share).toFixed(1)}%`;
      return h(
        "div",
        {
          class: "station-bar",
          role: "listitem",
          "data-station": g.name,
          "data-share": String(g.missing_share),
          title: t("impute.stationTitle", {
            name: g.name,
            share: fmt.percent(g.missing_share),
            columns: fmt.int(g.columns.length),
            rows: fmt.int(g.rows_visited),
          }),
        },
        h("span", { class: "station-track" }, fill),
        h("span", { class: "station-label" }, `S${g.station}`),
      );
    }),
  );
}

/**
 * The missingness map of the dominant patterns: one band per pattern (its height its share of
 * the rows), one column per station (or column); a filled cell is observed. The remaining rows,
 * in rarer patterns, form the hatched band at the bottom.
 */
function patternMap(summary) {
  const units = summary.stations.length > 0 ? summary.stations.map((g) => g.name) : patternColumns(summary);
  const lineOf = new Map(summary.stations.map((g) => [g.name, g.line]));
  const bands = summary.top_patterns;
  const rest = Math.max(0, 1 - bands.reduce((sum, p) => sum + p.share, 0));
  const canvas = h("canvas", {
    class: "pattern-map",
    role: "img",
    "aria-label": t("impute.mapLabel", { patterns: bands.length }),
    "data-bands": String(bands.length),
  });
  queueMicrotask(() => {
    if (!canvas.isConnected) return;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.min(canvas.parentElement.clientWidth || 900, 1100);
    const height = 220;
    const labelWidth = 48;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const cell = (width - labelWidth) / Math.max(units.length, 1);
    const colours = ["#1f5f8b", "#c07a00", "#2e7d4f", "#8b3a62"];
    ctx.font = "11px system-ui, sans-serif";
    ctx.textAlign = "right";
    let y = 0;
    for (const band of bands) {
      const bandHeight = Math.max(3, band.share * height);
      const visited = new Set(band.visited);
      units.forEach((unit, i) => {
        ctx.fillStyle = visited.has(unit) ? colours[(lineOf.get(unit) ?? 0) % 4] : "#eef1f5";
        ctx.fillRect(labelWidth + i * cell, y, Math.max(cell - 1, 1), bandHeight - 1);
      });
      if (bandHeight >= 12) {
        ctx.fillStyle = "#5b6573";
        ctx.fillText(fmt.percent(band.share), labelWidth - 6, y + bandHeight / 2 + 4);
      }
      y += bandHeight;
    }
    if (rest > 0 && y < height) {
      ctx.fillStyle = "#f5f7fa";
      ctx.fillRect(labelWidth, y, width - labelWidth, height - y);
      ctx.strokeStyle = "#c9d1da";
      for (let x = labelWidth - (height - y); x < width; x += 8) {
        ctx.beginPath();
        ctx.moveTo(Math.max(x, labelWidth), y + Math.max(0, labelWidth - x));
        ctx.lineTo(Math.min(x + (height - y), width), Math.min(height, y + (width - x)));
        ctx.stroke();
      }
    }
  });
  return h(
    "figure",
    { class: "pattern-figure" },
    canvas,
    h("figcaption", { class: "muted small" }, t("impute.mapCaption", { rest: fmt.percent(rest) })),
  );
}

/** The columns of a file without stations, in the order the patterns first name them. */
function patternColumns(summary) {
  const seen = new Set();
  for (const p of summary.top_patterns) for (const c of p.visited) seen.add(c);
  return [...seen];
}

function patterns(summary) {
  const unit = summary.pattern_unit;
  return h(
    "div",
    { class: "table-wrap patterns-wrap" },
    h(
      "table",
      { class: "patterns" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col", class: "num" }, t("impute.col.rows")),
          h("th", { scope: "col", class: "num" }, t("impute.col.share")),
          h("th", { scope: "col", class: "num" }, t(`impute.col.count.${unit}`)),
          h("th", { scope: "col" }, t(`impute.col.visited.${unit}`)),
        ),
      ),
      h(
        "tbody",
        {},
        summary.top_patterns.map((p) =>
          h(
            "tr",
            { "data-rows": String(p.rows) },
            h("td", { class: "num" }, fmt.int(p.rows)),
            h("td", { class: "num" }, fmt.percent(p.share)),
            h("td", { class: "num" }, fmt.int(p.visited.length)),
            h("td", { class: "visited" }, p.visited.length > 0 ? p.visited.join(" ") : t("impute.nothing")),
          ),
        ),
      ),
    ),
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
          onClick: () => runImpute(currentParams()),
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

function chartWidth(holder) {
  return Math.max(320, Math.min(holder.clientWidth || 560, 1100));
}

/** Largest parameter change per EM iteration (log scale), one line per bootstrap run. */
function convergence(r) {
  const holder = h("div", { class: "impute-chart", role: "img", "aria-label": t("impute.convergenceLabel") });
  const longest = Math.max(r.em_trace.length, ...r.traces.map((tr) => tr.length));
  const xs = Array.from({ length: longest }, (_, i) => i + 1);
  const line = (trace) => xs.map((_, i) => (i < trace.length ? Math.max(trace[i].max_change, 1e-12) : null));
  const series = [
    { label: t("impute.iteration") },
    { label: t("impute.pointEm"), stroke: "#1d2733", width: 2, dash: [5, 4] },
    ...r.traces.map((_, k) => ({
      label: t("impute.bootstrapN", { k: k + 1 }),
      stroke: RUN_COLOURS[k % RUN_COLOURS.length],
      width: 1.5,
    })),
  ];
  queueMicrotask(() => {
    if (!holder.isConnected) return;
    local.charts.push(
      new uPlot(
        {
          width: chartWidth(holder),
          height: 260,
          scales: { x: { time: false }, y: { distr: 3 } },
          axes: [
            { label: t("impute.iteration"), incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
            { size: 60, values: (_u, ticks) => ticks.map((v) => (v === null ? "" : v.toExponential(0))) },
          ],
          series,
        },
        [xs, line(r.em_trace), ...r.traces.map(line)],
        holder,
      ),
    );
  });
  return panel(
    { title: t("impute.convergenceTitle"), hint: t("impute.convergenceHint", { tolerance: fmt.num(r.tolerance) }) },
    holder,
  );
}

/** Observed and imputed densities of one column on the report's shared bins. */
function densityChart(holder, column) {
  const hist = column.histogram;
  const bins = hist.observed.length;
  const width = (hist.hi - hist.lo) / bins;
  const xs = Array.from({ length: bins + 1 }, (_, i) => hist.lo + i * width);
  const density = (counts) => {
    const total = counts.reduce((a, b) => a + b, 0) || 1;
    const d = counts.map((c) => c / total / width);
    return [...d, d[d.length - 1]];
  };
  const stepped = uPlot.paths.stepped({ align: 1 });
  local.chart?.destroy();
  local.chart = new uPlot(
    {
      width: chartWidth(holder),
      height: 260,
      scales: { x: { time: false } },
      axes: [{}, { size: 60 }],
      series: [
        { label: column.name, value: (_u, v) => fmt.num(v) },
        { label: t("impute.observed"), stroke: "#1d2733", width: 2, paths: stepped, fill: "rgba(29,39,51,0.08)" },
        { label: t("impute.imputed"), stroke: "#c0392b", width: 2, paths: stepped },
      ],
    },
    [xs, density(hist.observed), density(hist.imputed)],
    holder,
  );
}

function densities(r) {
  const names = r.per_column.map((c) => c.name);
  if (!names.includes(local.column)) {
    local.column = [...r.per_column].sort((a, b) => b.imputed - a.imputed)[0]?.name ?? null;
  }
  const holder = h("div", { class: "impute-chart", role: "img", "aria-label": t("impute.densityLabel") });
  const over = h("canvas", { class: "overimpute", width: "560", height: "320", role: "img" });
  const coverage = h("p", { class: "small coverage-line" });
  const draw = () => {
    const column = r.per_column.find((c) => c.name === local.column);
    if (!column || !holder.isConnected) return;
    densityChart(holder, column);
    drawOverimputation(over, column, r.overimputation_level);
    coverage.dataset.coverage = String(column.coverage);
    coverage.textContent =
      column.coverage === null
        ? t("impute.noOverimpute")
        : t("impute.columnCoverage", {
            covered: fmt.percent(column.coverage),
            checked: fmt.int(column.overimputation_checked),
            level: fmt.percent(r.overimputation_level),
          });
  };
  const select = h(
    "select",
    {
      id: "impute-column",
      onChange: () => {
        local.column = select.value;
        draw();
      },
    },
    names.map((name) => h("option", { value: name, selected: name === local.column }, name)),
  );
  queueMicrotask(draw);
  return panel(
    { title: t("impute.columnTitle") },
    h(
      "label",
      { class: "field inline", for: "impute-column" },
      h("span", { class: "field-label" }, t("impute.column")),
      select,
    ),
    h(
      "div",
      { class: "impute-pair" },
      h(
        "div",
        {},
        h("h3", {}, t("impute.densityTitle")),
        h("p", { class: "muted small" }, t("impute.densityHint")),
        holder,
      ),
      h(
        "div",
        {},
        h("h3", {}, t("impute.overimputeTitle")),
        h("p", { class: "muted small" }, t("impute.overimputeHint", { level: fmt.percent(r.overimputation_level) })),
        over,
        coverage,
      ),
    ),
  );
}

/** Observed value (x) against the mean and interval of its overimputed draws (y); y = x dashed. */
function drawOverimputation(canvas, column, level) {
  const ratio = window.devicePixelRatio || 1;
  const cssWidth = Math.min(canvas.parentElement?.clientWidth || 560, 560);
  const cssHeight = 320;
  canvas.width = Math.round(cssWidth * ratio);
  canvas.height = Math.round(cssHeight * ratio);
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  canvas.setAttribute("aria-label", t("impute.overimputeLabel", { name: column.name, level: fmt.percent(level) }));
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, cssWidth, cssHeight);
  const cells = column.overimputation;
  if (cells.length === 0) return;
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of cells) {
    lo = Math.min(lo, c.observed, c.lower);
    hi = Math.max(hi, c.observed, c.upper);
  }
  if (hi <= lo) hi = lo + 1;
  const pad = { left: 56, right: 12, top: 10, bottom: 34 };
  const w = cssWidth - pad.left - pad.right;
  const hgt = cssHeight - pad.top - pad.bottom;
  const x = (v) => pad.left + ((v - lo) / (hi - lo)) * w;
  const y = (v) => pad.top + hgt - ((v - lo) / (hi - lo)) * hgt;
  ctx.strokeStyle = "#c9d1da";
  ctx.lineWidth = 1;
  ctx.strokeRect(pad.left, pad.top, w, hgt);
  ctx.fillStyle = "#5b6573";
  ctx.font = "11px system-ui, sans-serif";
  ctx.textAlign = "center";
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    ctx.fillText(fmt.num(v, 3), x(v), cssHeight - 18);
    ctx.textAlign = "right";
    ctx.fillText(fmt.num(v, 3), pad.left - 6, y(v) + 4);
    ctx.textAlign = "center";
  }
  ctx.fillText(t("impute.observedValue"), pad.left + w / 2, cssHeight - 3);
  ctx.setLineDash([5, 4]);
  ctx.strokeStyle = "#8a94a3";
  ctx.beginPath();
  ctx.moveTo(x(lo), y(lo));
  ctx.lineTo(x(hi), y(hi));
  ctx.stroke();
  ctx.setLineDash([]);
  for (const c of cells) {
    const inside = c.lower <= c.observed && c.observed <= c.upper;
    ctx.strokeStyle = inside ? "rgba(46,125,79,0.55)" : "rgba(192,57,43,0.8)";
    ctx.beginPath();
    ctx.moveTo(x(c.observed), y(c.lower));
    ctx.lineTo(x(c.observed), y(c.upper));
    ctx.stroke();
    ctx.fillStyle = inside ? "#2e7d4f" : "#c0392b";
    ctx.fillRect(x(c.observed) - 1.5, y(c.mean) - 1.5, 3, 3);
  }
}

/** Student t quantile by the Cornish-Fisher expansion: enough for a 95% interval at df >= 3. */
function tQuantile(df) {
  const z = 1.959964;
  if (!Number.isFinite(df) || df > 1e6) return z;
  const d = Math.max(df, 1);
  return z + (z ** 3 + z) / (4 * d) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * d * d);
}

function spread(r) {
  const heads = Array.from({ length: r.m }, (_, k) =>
    h("th", { scope: "col", class: "num" }, t("impute.datasetN", { k: k + 1 })),
  );
  return panel(
    { title: t("impute.spreadTitle"), hint: t("impute.spreadHint") },
    h(
      "div",
      { class: "table-wrap impute-table-wrap" },
      h(
        "table",
        { class: "impute-spread" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, t("impute.column")),
            h("th", { scope: "col", class: "num" }, t("impute.col.imputed")),
            heads,
            h("th", { scope: "col", class: "num" }, t("impute.col.betweenSd")),
          ),
        ),
        h(
          "tbody",
          {},
          r.per_column.map((c) =>
            h(
              "tr",
              { "data-column": c.name, "data-between-sd": String(c.between_sd) },
              h("th", { scope: "row" }, c.name),
              h("td", { class: "num" }, fmt.int(c.imputed)),
              c.imputed_means.map((m) => h("td", { class: "num" }, fmt.num(m))),
              h("td", { class: "num" }, fmt.num(c.between_sd, 3)),
            ),
          ),
        ),
      ),
    ),
  );
}

function pooled(r, profile) {
  const observedMean = (name) => profile?.columns.find((c) => c.name === name)?.mean ?? null;
  return panel(
    { title: t("impute.pooledTitle"), hint: t("impute.pooledHint", { m: r.m }) },
    h(
      "div",
      { class: "table-wrap impute-table-wrap" },
      h(
        "table",
        { class: "impute-pooled" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            [
              "impute.column",
              "impute.col.observedMean",
              "impute.col.pooled",
              "impute.col.within",
              "impute.col.between",
              "impute.col.se",
              "impute.col.ci",
              "impute.col.fmi",
            ].map((key, i) => h("th", { scope: "col", class: i === 0 ? "" : "num" }, t(key))),
          ),
        ),
        h(
          "tbody",
          {},
          r.per_column.map((c) => {
            const p = c.pooled;
            const se = Math.sqrt(p.total);
            const half = tQuantile(p.df) * se;
            const observed = observedMean(c.name);
            return h(
              "tr",
              {
                "data-column": c.name,
                "data-estimate": String(p.estimate),
                "data-se": String(se),
                "data-observed-mean": String(observed),
              },
              h("th", { scope: "row" }, c.name),
              h("td", { class: "num" }, fmt.num(observed)),
              h("td", { class: "num" }, fmt.num(p.estimate)),
              h("td", { class: "num" }, fmt.num(p.within, 3)),
              h("td", { class: "num" }, fmt.num(p.between, 3)),
              h("td", { class: "num" }, fmt.num(se, 3)),
              h("td", { class: "num" }, `${fmt.num(p.estimate - half)} – ${fmt.num(p.estimate + half)}`),
              h("td", { class: "num" }, fmt.percent(p.fraction_missing_information)),
            );
          }),
        ),
      ),
    ),
  );
}

function downloads(s) {
  const r = s.impute.report;
  const busy = s.job !== null;
  const button = (k, label) =>
    h(
      "button",
      {
        type: "button",
        class: "button secondary",
        "data-download": String(k),
        disabled: busy,
        onClick: () => downloadImputed(k),
      },
      label,
    );
  return panel(
    { title: t("impute.downloads") },
    h(
      "div",
      { class: "download-row" },
      Array.from({ length: r.m }, (_, k) => button(k + 1, t("impute.download.dataset", { k: k + 1 }))),
      button(0, t("impute.download.long")),
    ),
    h("p", { class: "muted small" }, t("impute.downloadHint", { rows: fmt.int(r.rows_used) })),
  );
}

/** The imputation view (use case 2.1). */
export const imputeView = {
  id: "impute",
  label: "view.impute",
  order: 40,
  available: (s) => candidates(s).length > 0,
  render(container, s) {
    const table = chooseTable(s);
    const rows = s.tables.find((tb) => tb.name === table)?.rows;
    const held = s.imputeSummary;
    const summary = held?.name === table && held.summary.rows === rows ? held.summary : null;
    const key = [s.lang, s.impute, summary, s.job === null, s.tables, table];
    if (container.key && key.every((k, i) => k === container.key[i])) return;
    container.key = key;
    destroyCharts();
    local.chart?.destroy();
    local.chart = null;
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
          onClick: () => loadImputeSummary(table),
        },
        t("impute.summarise"),
      );
      children.push(h("p", { class: "muted" }, t("impute.summarising", { file: table })), retry);
      replace(container, ...children);
      if (s.job === null && local.asked !== ask) {
        local.asked = ask;
        queueMicrotask(() => loadImputeSummary(table));
      }
      return;
    }
    const columns = numericColumns(s.profiles[table])
      .map((c) => c.name)
      .filter((name) => name.toLowerCase() !== "id");
    if (!local.selection[table]) local.selection[table] = defaultSelection(summary, columns);
    children.push(missingness(summary), form(s, summary, columns));
    if (s.impute && s.impute.params.table === table) {
      const r = s.impute.report;
      children.push(
        resultFacts(r),
        convergence(r),
        densities(r),
        spread(r),
        pooled(r, s.profiles[table]),
        downloads(s),
      );
    }
    replace(container, ...children);
    drawPlan();
    // Asked again on every full render: the file may have been reloaded since the last plan.
    schedulePlan();
  },
};
