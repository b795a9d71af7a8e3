// Where the holes of the file are: the share missing by line and station, and the dominant
// visit patterns (the holes follow the parts' routes: missing not at random).

import { h } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";

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

export function missingness(summary) {
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

export function patterns(summary) {
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
