// Use case 1.2: which stores (or any entities) have similar profiles. Gower distance and
// hierarchical clustering in the worker; here the settings, then the tree with its cut, the
// inertia gains behind the suggested k, a k slider that recuts the kept tree live, the map of the
// entities and its correlation circle, what sets each cluster apart, the entities far from their
// cluster, and the download of entity -> cluster. One colour per cluster across every chart.

import { askResult, defaultParams, downloadResult, ensureProfile, runUseCase, updateResult } from "../../actions.js";
import { h, replace } from "../../dom.js";
import * as fmt from "../../format.js";
import { state } from "../../store.js";
import { t } from "../../strings.js";
import { panel } from "../panel.js";
import { circleChart, dendrogram, gainsChart, mapChart } from "./charts.js";
import { MAX_SLIDER_K } from "./palette.js";
import { anomalies, legend, profileTable } from "./tables.js";

/** One colour per cluster (colour-blind-safe order first), reused past 12 clusters. */
/** The form's settings, kept between renders. */
const form = { source: null, table: null, id: undefined, linkage: null, k: "auto" };
/** DOM kept between renders: the slider must survive the recuts it triggers. */
const local = { slider: null, sliderLabel: null, cutRoot: null, shownCut: null };

function rossmannReady(s) {
  return s.useCases.some((u) => u.id === "1.2" && u.ready);
}

/** Settles the form's source, table and id column against what is loaded. */
function settleForm(s) {
  form.linkage ??= defaultParams("cluster").linkage ?? "ward";
  if (form.source === "rossmann" && !rossmannReady(s)) form.source = null;
  if (form.source === null) form.source = rossmannReady(s) ? "rossmann" : "table";
  const names = s.tables.map((tb) => tb.name);
  if (!names.includes(form.table)) {
    form.table = names.find((n) => s.tables.find((tb) => tb.name === n)?.dataset === "rossmann.store") ?? names[0];
    form.id = undefined;
  }
  const profile = s.profiles[form.table];
  if (form.table && !profile) ensureProfile(form.table);
  if (form.id === undefined && profile) {
    // The first column with a different value on every row names the entities.
    form.id = profile.columns.find((c) => c.distinct === profile.rows && c.missing === 0)?.name ?? "";
  }
}

function select(id, options, value, onChange) {
  const el = h(
    "select",
    { id, onChange: () => onChange(el.value) },
    options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)),
  );
  return el;
}

function field(id, label, control) {
  return h("label", { class: "field", for: id }, h("span", { class: "field-label" }, label), control);
}

function sourceChoice(value, label, hint, disabled, rerender) {
  return h(
    "label",
    { class: "choice" },
    h("input", {
      type: "radio",
      name: "cl-source",
      value,
      checked: form.source === value,
      disabled,
      onChange: () => {
        form.source = value;
        rerender();
      },
    }),
    h("span", {}, h("strong", {}, label), " ", hint),
  );
}

function settings(s, rerender) {
  settleForm(s);
  const busy = s.job !== null;
  const profile = s.profiles[form.table];
  const tableFields =
    form.source === "table"
      ? [
          field(
            "cl-table",
            t("clusters.table"),
            select(
              "cl-table",
              s.tables.map((tb) => [tb.name, tb.name]),
              form.table,
              (v) => {
                form.table = v;
                form.id = undefined;
                rerender();
              },
            ),
          ),
          field(
            "cl-id",
            t("clusters.idColumn"),
            select(
              "cl-id",
              [["", t("clusters.rowNumber")], ...(profile?.columns ?? []).map((c) => [c.name, c.name])],
              form.id ?? "",
              (v) => {
                form.id = v;
              },
            ),
          ),
        ]
      : [];
  const ks = [["auto", t("clusters.kAuto")]];
  for (let k = 2; k <= MAX_SLIDER_K; k++) ks.push([String(k), String(k)]);
  return panel(
    { title: t("forecast.settings"), className: "forecast-form" },
    h(
      "fieldset",
      { class: "choices" },
      h("legend", {}, t("clusters.source")),
      sourceChoice(
        "rossmann",
        t("clusters.source.rossmann"),
        t("clusters.source.rossmann.hint"),
        !rossmannReady(s),
        rerender,
      ),
      sourceChoice(
        "table",
        t("clusters.source.table"),
        t("clusters.source.table.hint"),
        s.tables.length === 0,
        rerender,
      ),
    ),
    h(
      "div",
      { class: "fields" },
      tableFields,
      field(
        "cl-linkage",
        t("clusters.linkage"),
        select(
          "cl-linkage",
          ["ward", "average", "complete", "single"].map((l) => [l, t(`clusters.linkage.${l}`)]),
          form.linkage,
          (v) => {
            form.linkage = v;
          },
        ),
      ),
      field(
        "cl-k",
        t("clusters.k"),
        select("cl-k", ks, form.k, (v) => {
          form.k = v;
        }),
      ),
    ),
    h(
      "div",
      { class: "train-row" },
      h(
        "button",
        {
          type: "button",
          class: "button primary",
          id: "cluster-run",
          disabled: busy,
          onClick: () =>
            runUseCase("cluster", "clusters", {
              source: form.source,
              table: form.source === "table" ? form.table : null,
              id: form.source === "table" ? form.id || null : null,
              linkage: form.linkage,
              k: form.k === "auto" ? null : Number(form.k),
            }),
        },
        t("clusters.run"),
      ),
      h("span", { class: "muted small" }, t("clusters.cancelHint")),
    ),
  );
}

/** Everything that follows the cut: rebuilt on every recut, while the slider stays. */
function cutCharts(result, cut, width) {
  const half = Math.max(300, Math.floor((width - 16) / 2));
  const children = [
    legend(cut),
    h(
      "div",
      { class: "cl-grid" },
      panel(
        { title: t("clusters.dendrogramTitle"), hint: t("clusters.dendrogramHint"), className: "cl-dendrogram" },
        dendrogram(result, cut, half - 36, 300),
      ),
      panel(
        {
          title: t(result.k_choice.measure === "inertia_gain" ? "clusters.gainsTitle" : "clusters.heightsTitle"),
          hint: t("clusters.gainsHint", { k: result.suggested_k }),
          className: "cl-gains",
        },
        gainsChart(result, cut, half - 36, 300),
      ),
    ),
  ];
  if (result.pca) {
    children.push(
      h(
        "div",
        { class: "cl-grid" },
        panel(
          {
            title: t(result.pca.method === "famd" ? "clusters.mapTitleFamd" : "clusters.mapTitle"),
            hint: t("clusters.mapHint"),
          },
          mapChart(result, cut, half - 36, 360),
        ),
        panel(
          { title: t("clusters.circleTitle"), hint: t("clusters.circleHint") },
          circleChart(result, half - 36, 360),
        ),
      ),
    );
  }
  children.push(profileTable(result, cut), anomalies(result, cut));
  return children;
}

let recutWanted = null;
let recutRunning = false;

/**
 * Cuts the kept tree at `k` (the slider): no new distance or tree, a few milliseconds. While a
 * cut is computed, later requests collapse into the last one, so dragging stays smooth.
 */
async function recut(k) {
  recutWanted = k;
  if (recutRunning) return;
  recutRunning = true;
  try {
    while (recutWanted !== null) {
      const wanted = recutWanted;
      recutWanted = null;
      const cut = await askResult("cluster", "cut", { k: wanted });
      if (cut) updateResult("cluster", { cut });
      else recutWanted = null;
    }
  } finally {
    recutRunning = false;
  }
}

/** The cut shown: the last one asked for, or the run's. */
function currentCut(entry) {
  if (entry.cut) return entry.cut;
  const { k, labels, clusters, anomalies: flagged } = entry.report;
  return { k, labels, clusters, anomalies: flagged };
}

function summaryPanel(s) {
  const entry = s.results.cluster;
  const result = entry.report;
  const cut = currentCut(entry);
  const maxK = Math.min(MAX_SLIDER_K, result.n);
  const slider = h("input", {
    type: "range",
    id: "cl-slider",
    min: "2",
    max: String(maxK),
    step: "1",
    value: String(cut.k),
    onInput: () => {
      local.sliderLabel.textContent = t("clusters.kValue", { k: slider.value });
      recut(Number(slider.value));
    },
  });
  local.slider = slider;
  local.sliderLabel = h("output", { for: "cl-slider", class: "cl-k-value" }, t("clusters.kValue", { k: cut.k }));
  const distanceTree = result.seconds.distance + result.seconds.tree;
  const facts = [
    ["entities", t("clusters.entities"), fmt.int(result.n), { "data-value": String(result.n) }],
    ["variables", t("clusters.variables"), fmt.int(result.variables.filter((v) => v.weight > 0).length)],
    ["linkage", t("clusters.linkage"), t(`clusters.linkage.${result.linkage}`)],
    ["suggested", t("clusters.suggested"), String(result.suggested_k), { "data-value": String(result.suggested_k) }],
    [
      "seconds",
      t("clusters.seconds"),
      `${fmt.num(result.seconds.total, 2)} s`,
      { "data-seconds": String(result.seconds.total) },
    ],
    [
      "distanceTree",
      t("clusters.distanceTree"),
      `${fmt.int(Math.round(distanceTree * 1000))} ms`,
      { "data-seconds": String(distanceTree) },
    ],
  ];
  return panel(
    { title: t("clusters.results") },
    h(
      "dl",
      { class: "facts" },
      facts.map(([key, label, value, attributes = {}]) =>
        h("div", { class: "fact", "data-fact": key }, h("dt", {}, label), h("dd", attributes, value)),
      ),
    ),
    result.notes.length > 0
      ? h(
          "ul",
          { class: "muted small cl-notes" },
          result.notes.map((n) => h("li", {}, n)),
        )
      : null,
    h(
      "div",
      { class: "cl-slider-row" },
      h("label", { for: "cl-slider", class: "field-label" }, t("clusters.slider")),
      slider,
      local.sliderLabel,
      entry.downloads.map((d) =>
        h(
          "button",
          {
            type: "button",
            class: "button secondary",
            "data-download": d.key,
            disabled: s.job !== null,
            onClick: () => downloadResult("cluster", d),
          },
          t(`clusters.download.${d.key}`),
        ),
      ),
    ),
  );
}

function showCut(s, container) {
  const entry = s.results.cluster;
  const result = entry.report;
  const cut = currentCut(entry);
  local.shownCut = cut;
  if (local.slider && Number(local.slider.value) !== cut.k && document.activeElement !== local.slider) {
    local.slider.value = String(cut.k);
    local.sliderLabel.textContent = t("clusters.kValue", { k: cut.k });
  }
  local.cutRoot.dataset.k = String(cut.k);
  replace(local.cutRoot, ...cutCharts(result, cut, container.clientWidth || 1100));
}

/** The clusters view (use case 1.2). */
export const clustersView = {
  id: "clusters",
  label: "view.clusters",
  order: 35,
  useCase: "1.2",
  available: (s) => s.tables.length > 0,
  render(container, s) {
    const entry = s.results.cluster;
    const key = [s.lang, entry?.report, s.job === null, s.useCases, s.tables, s.profiles];
    if (container.key && key.every((k, i) => k === container.key[i])) {
      if (entry && currentCut(entry) !== local.shownCut) showCut(s, container);
      return;
    }
    container.key = key;
    const rerender = () => {
      container.key = null;
      clustersView.render(container, state());
    };
    const children = [
      h("h1", {}, t("clusters.title")),
      h("p", { class: "muted" }, t("clusters.intro")),
      s.tables.length > 0 ? settings(s, rerender) : h("p", { class: "notice-inline" }, t("clusters.needs")),
    ];
    local.slider = null;
    local.shownCut = null;
    if (entry) {
      local.cutRoot = h("div", { class: "cl-cut" });
      children.push(summaryPanel(s), local.cutRoot);
    }
    replace(container, ...children);
    if (entry) showCut(s, container);
  },
};
