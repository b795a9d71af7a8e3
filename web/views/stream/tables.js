// The stream's tables: the alert feed (the latest alerts, newest first: part Id, time, risk,
// outcome once the test result is in, and the measurements that pushed the risk up) and the
// model beside the naive baselines.

import { h } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";

/** Alerts shown in the feed. */
const FEED_ROWS = 50;

function outcome(alert) {
  if (alert.failed === true) return h("span", { class: "badge bad" }, t("stream.feed.true"));
  if (alert.failed === false) return h("span", { class: "badge muted-badge" }, t("stream.feed.false"));
  return h("span", { class: "badge pending" }, t("stream.feed.pending"));
}

function measurements(alert) {
  return h(
    "ul",
    { class: "pushes" },
    alert.measurements.map((m) =>
      h(
        "li",
        { title: t("stream.feed.push", { push: fmt.num(m.push, 3) }) },
        h("code", {}, m.name),
        ` = ${fmt.num(m.value, 4)}`,
      ),
    ),
  );
}

/** The feed of `alerts` (oldest first, as the report lists them), newest first. */
export function alertFeed(alerts) {
  const rows = alerts.slice(-FEED_ROWS).reverse();
  if (rows.length === 0) return h("p", { class: "muted", id: "stream-feed-empty" }, t("stream.feed.none"));
  return h(
    "div",
    { class: "table-wrap stream-feed-wrap" },
    h(
      "table",
      { class: "stream-feed", id: "stream-feed" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, t("stream.feed.id")),
          h("th", { scope: "col", class: "num" }, t("stream.feed.row")),
          h("th", { scope: "col", class: "num" }, t("stream.feed.time")),
          h("th", { scope: "col", class: "num" }, t("stream.feed.risk")),
          h("th", { scope: "col" }, t("stream.feed.outcome")),
          h("th", { scope: "col" }, t("stream.feed.measurements")),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((a) =>
          h(
            "tr",
            { "data-id": String(a.id), "data-failed": String(a.failed) },
            h("th", { scope: "row" }, String(a.id)),
            h("td", { class: "num" }, fmt.int(a.index)),
            h("td", { class: "num" }, fmt.num(a.time, 6)),
            h("td", { class: "num", "data-risk": String(a.risk) }, fmt.percent(a.risk)),
            h("td", {}, outcome(a)),
            h("td", {}, measurements(a)),
          ),
        ),
      ),
    ),
  );
}

/** The model's MCC, AUC, precision and recall beside the always-pass and rate-based baselines. */
export function baselineTable(report) {
  const rows = [
    ["model", t("stream.base.model"), report.overall],
    ["always_pass", t("stream.base.alwaysPass"), report.baselines.always_pass],
    ["rate_based", t("stream.base.rateBased"), report.baselines.rate_based],
  ];
  const cell = (v) => h("td", { class: "num" }, v === null || v === undefined ? "–" : fmt.num(v, 3));
  return h(
    "table",
    { class: "stream-baselines", id: "stream-baselines" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, ""),
        h("th", { scope: "col", class: "num" }, t("stream.metric.mcc")),
        h("th", { scope: "col", class: "num" }, t("stream.metric.auc")),
        h("th", { scope: "col", class: "num" }, t("stream.metric.precision")),
        h("th", { scope: "col", class: "num" }, t("stream.metric.recall")),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map(([key, label, q]) =>
        h(
          "tr",
          { "data-baseline": key, "data-mcc": String(q.mcc) },
          h("th", { scope: "row" }, label),
          cell(q.mcc),
          cell(q.auc),
          cell(q.precision),
          cell(q.recall),
        ),
      ),
    ),
  );
}
