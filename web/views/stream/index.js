// Use case 2.2: score production-line parts as a stream and raise an alert when a part is likely
// to fail its conformity test. The parts come from the stream sample, the loaded Bosch files or
// files chosen here (read chunk by chunk, never held: any size); each is scored before its
// test result is learned, by a model that keeps learning on a sliding window. While the stream
// runs, the view draws the live report the worker posts (risks of the latest parts, metrics
// over time, throughput, the alert feed) and offers pause/resume and a pace; at the end, the
// whole run and the downloads.

import { controlStream, defaultParams, downloadResult, runStream } from "../../actions.js";
import { h, replace } from "../../dom.js";
import * as fmt from "../../format.js";
import { state, update } from "../../store.js";
import { t } from "../../strings.js";
import { checkField, numberField } from "../fields.js";
import { panel } from "../panel.js";
import { chartHolders, dropCharts, fillCharts } from "./charts.js";
import { canFollow, defaultSource, filesFor, pickGrowingFile, sourcePanel } from "./source.js";
import { alertFeed, baselineTable } from "./tables.js";

const NAME = "stream";
/** Paces offered, in parts per second (0: as fast as the engine goes). */
const SPEEDS = [0, 20_000, 2_000, 200];

/** The form's values: the engine's defaults until the user changes them. */
let params = null;

/** The view's own state, kept between renders. */
const local = {
  source: null,
  chosen: { numeric: null, date: null },
  sample: null,
  running: false,
  paused: false,
  speed: 0,
  /** The planted change of the run shown (the sample's), or null. */
  change: null,
  /** The live nodes of the layout shown: updated in place as reports come. */
  live: null,
  /**
   * The last live report received and what was last drawn (report, paused): the worker sends
   * the live report with fewer progress messages than it sends counts.
   */
  lastLive: null,
  /** The name of the growing file the running stream follows, or null. */
  following: null,
  drawn: { report: null, paused: false },
};

function select(id, label, key, options) {
  const el = h(
    "select",
    {
      id,
      onChange: () => {
        params[key] = el.value;
      },
    },
    options.map((value) => h("option", { value, selected: params[key] === value }, t(`stream.${key}.${value}`))),
  );
  return h("label", { class: "field", for: id }, h("span", { class: "field-label" }, label), el);
}

/** A column name typed in (any numeric CSV with a 0/1 target streams, not only Bosch's). */
function textParam(id, label, key) {
  const input = h("input", {
    type: "text",
    id,
    value: params[key],
    onChange: () => {
      params[key] = input.value.trim();
    },
  });
  return h("label", { class: "field", for: id }, h("span", { class: "field-label" }, label), input);
}

function settings(busy, running) {
  return panel(
    { title: t("stream.settings"), hint: t("stream.settingsHint"), className: "stream-form" },
    h(
      "div",
      { class: "fields" },
      select("st-model", t("stream.model"), "model", ["window-gbdt", "logistic", "hoeffding"]),
      numberField({ id: "st-window", label: t("stream.window"), params, key: "window", min: 1, step: 1 }),
      numberField({ id: "st-retrainEvery", label: t("stream.retrainEvery"), params, key: "retrainEvery", min: 1 }),
      select("st-unit", t("stream.unitField"), "unit", ["parts", "time"]),
      numberField({ id: "st-labelDelay", label: t("stream.labelDelay"), params, key: "labelDelay", min: 0 }),
      numberField({
        id: "st-threshold",
        label: t("stream.threshold"),
        params,
        key: "threshold",
        min: 0,
        max: 1,
        step: 0.01,
        emptyAs: t("stream.auto"),
      }),
      numberField({
        id: "st-targetPrecision",
        label: t("stream.targetPrecision"),
        params,
        key: "targetPrecision",
        min: 0.01,
        max: 1,
        step: 0.05,
        emptyAs: t("stream.auto"),
      }),
      select("st-detector", t("stream.detectorField"), "detector", ["page-hinkley", "adwin", "none"]),
      numberField({
        id: "st-replayMemoryMb",
        label: t("stream.replayMemory"),
        params,
        key: "replayMemoryMb",
        min: 1,
        step: 64,
      }),
      textParam("st-idColumn", t("stream.idColumn"), "idColumn"),
      textParam("st-targetColumn", t("stream.targetColumn"), "targetColumn"),
    ),
    checkField({ id: "st-retrainOnDrift", label: t("stream.retrainOnDrift"), params, key: "retrainOnDrift" }),
    h(
      "div",
      { class: "train-row" },
      h(
        "button",
        { type: "button", class: "button primary", id: "stream-run", disabled: busy, onClick: start },
        t("stream.run"),
      ),
      canFollow() && !local.following
        ? h(
            "button",
            { type: "button", class: "button secondary", id: "stream-follow", disabled: busy, onClick: followFile },
            t("stream.follow"),
          )
        : null,
      local.following
        ? h(
            "button",
            {
              type: "button",
              class: "button secondary",
              id: "stream-follow-stop",
              onClick: (event) => {
                event.currentTarget.disabled = true;
                controlStream({ stop: true });
              },
            },
            t("stream.followStop"),
          )
        : null,
      controls(running),
      h("span", { class: "muted small" }, t("stream.cancelHint")),
    ),
    local.following
      ? h("p", { class: "muted small", id: "stream-following" }, t("stream.following", { file: local.following }))
      : null,
  );
}

/** Reads the chosen source's files (generating the sample first) and runs the stream. */
async function start() {
  const chosen = await filesFor(state(), local);
  if (!chosen) {
    if (local.source === "chosen") update({ notice: t("stream.chooseFirst") });
    return;
  }
  await stream(chosen.files, chosen.entries ?? {}, chosen.changeRow);
}

/**
 * Runs the stream on `files` (`entries`: the CSV to read of an archive, by role; `changeRow`:
 * the sample's planted change or null; `follow`: the handle of a growing file to follow).
 */
async function stream(files, entries, changeRow, follow = null) {
  local.running = true;
  local.paused = false;
  local.change = changeRow;
  const run = runStream(NAME, "stream", { ...params }, files, { change: changeRow }, entries, follow);
  controlStream({ speed: local.speed, paused: false });
  try {
    await run;
  } finally {
    local.running = false;
    local.paused = false;
    local.following = null;
    update({});
  }
}

/**
 * Follows a growing file the user picks: the rows already in it, then those appended, until
 * Stop (where the browser has the File System Access API; the button is not shown elsewhere).
 */
async function followFile() {
  const handle = await pickGrowingFile();
  if (!handle) return;
  const file = await handle.getFile();
  local.following = file.name;
  await stream({ numeric: file }, {}, null, handle);
}

/** Pause/resume (while a stream runs) and the pace (set before or during a run). */
function controls(running) {
  const speed = h(
    "select",
    {
      id: "stream-speed",
      onChange: () => {
        local.speed = Number(speed.value);
        controlStream({ speed: local.speed });
      },
    },
    SPEEDS.map((v) =>
      h(
        "option",
        { value: String(v), selected: v === local.speed },
        v === 0 ? t("stream.speed.max") : t("stream.speed.rate", { rate: fmt.int(v) }),
      ),
    ),
  );
  const pause = h(
    "button",
    {
      type: "button",
      class: "button secondary",
      id: "stream-pause",
      disabled: !running,
      "aria-pressed": local.paused ? "true" : "false",
      onClick: () => {
        local.paused = !local.paused;
        pause.textContent = t(local.paused ? "stream.resume" : "stream.pause");
        pause.setAttribute("aria-pressed", local.paused ? "true" : "false");
        controlStream({ paused: local.paused });
      },
    },
    t(local.paused ? "stream.resume" : "stream.pause"),
  );
  return h(
    "div",
    { class: "stream-controls", id: "stream-controls" },
    pause,
    h(
      "label",
      { class: "field inline", for: "stream-speed" },
      h("span", { class: "field-label" }, t("stream.speed")),
      speed,
    ),
  );
}

/** One figure card: its key, label and value node (filled in by `fillFacts`). */
function fact(key, label) {
  const value = h("dd", {});
  const note = h("span", { class: "fact-note muted small" });
  const node = h("div", { class: "fact", "data-fact": key }, h("dt", {}, label), value, note);
  return { node, value, note };
}

const FACTS = [
  ["rows", "stream.fact.rows"],
  ["rate", "stream.fact.rate"],
  ["mcc", "stream.fact.mcc"],
  ["auc", "stream.fact.auc"],
  ["precision", "stream.fact.precision"],
  ["recall", "stream.fact.recall"],
  ["alerts", "stream.fact.alerts"],
  ["drifts", "stream.fact.drifts"],
  ["threshold", "stream.fact.threshold"],
  ["window", "stream.fact.window"],
  ["memory", "stream.fact.memory"],
  ["seconds", "stream.fact.seconds"],
];

/** The layout that shows a report, live or final; `fill(report)` updates it in place. */
function reportLayout(live) {
  const facts = Object.fromEntries(FACTS.map(([key, label]) => [key, fact(key, t(label))]));
  const factsNode = h(
    "dl",
    { class: "facts stream-facts", id: "stream-facts" },
    Object.values(facts).map((f) => f.node),
  );
  const status = h("p", { class: "muted small", id: "stream-status" });
  const holders = chartHolders();
  const feed = h("div", { class: "stream-feed-holder" });
  const baselines = h("div", { class: "stream-baselines-holder" });
  const nodes = [
    panel({ title: t(live ? "stream.liveTitle" : "stream.resultTitle"), className: "stream-live" }, status, factsNode),
    panel({ title: t("stream.chart.riskTitle"), hint: t("stream.chart.riskHint") }, holders.risk),
    panel({ title: t("stream.chart.metricsTitle"), hint: t("stream.chart.metricsHint") }, holders.metrics),
    panel({ title: t("stream.feedTitle"), hint: t("stream.feedHint") }, feed),
    panel({ title: t("stream.baselinesTitle"), hint: t("stream.baselinesHint") }, baselines),
    panel({ title: t("stream.chart.throughputTitle") }, holders.throughput),
  ];
  let shownAlerts = null;
  function fill(r, paused) {
    const set = (key, text, value, note = "") => {
      facts[key].value.textContent = text;
      facts[key].node.dataset.value = String(value);
      facts[key].note.textContent = note;
    };
    const num = (x) => fmt.num(x, 3);
    set("rows", fmt.int(r.rows), r.rows, r.total_rows ? t("stream.fact.of", { total: fmt.int(r.total_rows) }) : "");
    set("rate", fmt.int(r.rows_per_s), r.rows_per_s, r.parsing?.passesApart ? t("stream.fact.parsedApart") : "");
    facts.rate.node.dataset.parsedApart = String(r.parsing?.passesApart ?? 0);
    set("mcc", num(r.mcc), r.mcc, t("stream.fact.baseline", { value: num(r.baselines.rate_based.mcc) }));
    set("auc", num(r.auc), r.auc ?? "");
    set("precision", fmt.percent(r.precision), r.precision);
    set("recall", fmt.percent(r.recall), r.recall, t("stream.fact.failures", { n: fmt.int(r.failures) }));
    set(
      "alerts",
      fmt.int(r.alerts),
      r.alerts,
      t("stream.fact.trueFalse", { true: fmt.int(r.true_alerts), false: fmt.int(r.false_alerts) }),
    );
    facts.alerts.node.dataset.true = String(r.true_alerts);
    const first = r.drifts[0]?.row;
    set(
      "drifts",
      fmt.int(r.drifts.length),
      r.drifts.length,
      first === undefined ? "" : t("stream.fact.firstDrift", { row: fmt.int(first) }),
    );
    facts.drifts.node.dataset.first = first === undefined ? "" : String(first);
    set("threshold", r.threshold === null ? t("stream.fact.silent") : fmt.percent(r.threshold), r.threshold ?? "");
    set("window", num(r.window.mcc), r.window.mcc, t("stream.fact.windowAuc", { auc: num(r.window.auc) }));
    set(
      "memory",
      r.peak_memory_bytes ? fmt.bytes(r.peak_memory_bytes) : "–",
      r.peak_memory_bytes ?? "",
      r.parsing?.memoryBytes ? t("stream.fact.parserMemory", { bytes: fmt.bytes(r.parsing.memoryBytes) }) : "",
    );
    facts.memory.node.dataset.parser = String(r.parsing?.memoryBytes ?? 0);
    set("seconds", fmt.seconds(r.seconds), r.seconds);
    status.textContent = statusLine(r, paused);
    status.dataset.stage = r.stage;
    if (shownAlerts !== r.alerts || r.stage === "done") {
      shownAlerts = r.alerts;
      replace(feed, alertFeed(r.latest_alerts));
    }
    replace(baselines, baselineTable(r));
    fillCharts(holders, r, local.change);
  }
  return { nodes, fill };
}

function statusLine(r, paused) {
  if (paused) return t("stream.status.paused", { rows: fmt.int(r.rows) });
  const order = t(r.time_ordered ? "stream.status.timeOrder" : "stream.status.fileOrder");
  if (r.stage === "dates") return t("stream.status.dates");
  if (r.stage === "done") {
    return t("stream.status.done", { rows: fmt.int(r.rows), passes: fmt.int(r.passes), order });
  }
  return t("stream.status.running", { pass: r.pass, passes: r.passes, order });
}

function downloads(result, busy) {
  return panel(
    { title: t("stream.downloads"), hint: t("stream.downloadsHint") },
    h(
      "div",
      { class: "download-row" },
      result.downloads.map((d) =>
        h(
          "button",
          {
            type: "button",
            class: "button secondary",
            "data-download": d.key,
            disabled: busy,
            onClick: () => downloadResult(NAME, d),
          },
          t(`stream.download.${d.key}`),
        ),
      ),
    ),
  );
}

/** The stream view (use case 2.2). */
export const streamView = {
  id: "stream",
  label: "view.stream",
  order: 45,
  useCase: "2.2",
  // It needs no loaded file: it has its own sample and reads chosen files itself.
  available: () => true,
  render(container, s) {
    const result = s.results[NAME];
    const running = local.running && s.job !== null;
    if (!running) local.lastLive = null;
    else if (s.job.progress?.live) local.lastLive = s.job.progress.live;
    const live = running ? local.lastLive : null;
    const paused = Boolean(s.job?.progress?.paused);
    const key = [
      s.lang,
      result,
      running,
      s.job === null,
      s.tables,
      s.catalogue,
      local.source,
      local.chosen.numeric,
      local.chosen.date,
      local.following,
    ];
    if (container.key && key.every((k, i) => k === container.key[i])) {
      if (live && local.live && (live !== local.drawn.report || paused !== local.drawn.paused)) {
        local.live.fill(live, paused);
        local.drawn = { report: live, paused };
      }
      return;
    }
    container.key = key;
    if (!params && s.catalogue.length > 0) params = defaultParams(NAME);
    local.source ??= defaultSource(s);
    dropCharts();
    local.live = null;
    const redraw = () => {
      container.key = null;
      streamView.render(container, s);
    };
    const children = [h("h1", {}, t("stream.title")), h("p", { class: "muted" }, t("stream.intro"))];
    if (params) children.push(sourcePanel(s, local, redraw), settings(s.job !== null, running));
    let shown = null;
    if (running) {
      local.live = reportLayout(true);
      children.push(...local.live.nodes);
      shown = live;
    } else if (result) {
      local.change = result.change ?? null;
      local.live = reportLayout(false);
      children.push(...local.live.nodes, downloads(result, s.job !== null));
      shown = result.report;
    }
    replace(container, ...children);
    if (shown) local.live.fill(shown, false);
    local.drawn = { report: shown, paused: false };
  },
};
