// The privacy panel: a dialog listing every request the page has made since it opened (from
// privacy.js: the page's, the engine worker's and the service worker's), each with its origin,
// the plain count of those outside the page's origin, and what the browser keeps for use
// offline. Opened from the header's "Privacy" button and from the footer.

import { h, replace } from "../dom.js";
import * as fmt from "../format.js";
import { classify, requestsSeen, tally } from "../privacy.js";
import { t, tn } from "../strings.js";

const dialog = h("dialog", { class: "privacy", id: "privacy", "aria-labelledby": "privacy-title" });
// Closing (Escape, the button) forgets the last refresh: the next opening asks again.
dialog.addEventListener("close", () => delete dialog.dataset.refreshed);

/** The dialog element, for the shell to place once. */
export function privacyDialog() {
  return dialog;
}

/** The count sentence shared by the panel and the footer: "N requests … · M outside …". */
export function countLine(summary) {
  return [
    tn("privacy.requests", summary.total, { n: fmt.int(summary.total) }),
    tn("privacy.outside", summary.outside, { n: fmt.int(summary.outside) }),
  ];
}

/** What the browser keeps for use offline, in a sentence. */
export function offlineLine(offline) {
  if (offline.status === "ready") {
    return t("offline.ready", {
      files: fmt.int(offline.files),
      size: fmt.bytes(offline.bytes),
      version: offline.version,
    });
  }
  return t(`offline.${offline.status}`);
}

function pathOf(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol.startsWith("http") ? `${parsed.pathname}${parsed.search}` : url;
  } catch {
    return url;
  }
}

function originOf(url) {
  try {
    return new URL(url).origin;
  } catch {
    return "–";
  }
}

function outsideFirst(entry, origin) {
  return classify(entry.url, origin) === "outside" ? 0 : 1;
}

function row(entry, index, origin) {
  const where = classify(entry.url, origin);
  const served = entry.blocked ? "blocked" : entry.servedBy;
  return h(
    "tr",
    {
      "data-where": where,
      "data-source": entry.source,
      "data-type": entry.type,
      "data-served": served ?? "unknown",
      "data-origin": originOf(entry.url),
    },
    h("td", { class: "num" }, fmt.int(index + 1)),
    h("td", { class: "request-path" }, h("code", {}, pathOf(entry.url))),
    h(
      "td",
      { class: "request-origin" },
      originOf(entry.url),
      where === "outside" ? h("strong", { class: "request-outside" }, ` ${t("privacy.where.outside")}`) : null,
    ),
    h("td", {}, entry.type),
    h("td", {}, t(`privacy.source.${entry.source}`)),
    h("td", {}, served ? t(`privacy.served.${served}`) : "–"),
    h("td", { class: "num" }, entry.bytes === null ? "–" : fmt.bytes(entry.bytes)),
    h("td", { class: "num" }, t("privacy.seconds", { s: fmt.seconds(Math.max(0, entry.time) / 1000) })),
  );
}

/** What the panel last drew from: it is redrawn only when that changes (focus and scroll stay). */
let drawn = null;

function render(s) {
  const origin = location.origin;
  const entries = requestsSeen();
  const summary = tally(entries, origin);
  drawn = JSON.stringify([s.lang, s.offline, summary, entries.length]);
  const [requests, outside] = countLine(summary);
  replace(
    dialog,
    h(
      "div",
      { class: "privacy-head" },
      h("h2", { id: "privacy-title" }, t("privacy.title")),
      h(
        "button",
        { type: "button", class: "button secondary", id: "privacy-close", onClick: close },
        t("privacy.close"),
      ),
    ),
    h(
      "p",
      {
        class: `privacy-verdict ${summary.outside === 0 ? "clean" : "alarm"}`,
        "data-total": summary.total,
        "data-outside": summary.outside,
        "data-blocked": summary.blocked,
      },
      h("span", {}, requests),
      h("strong", { class: "privacy-outside" }, outside),
    ),
    summary.blocked > 0
      ? h("p", { class: "privacy-blocked" }, t("privacy.blocked", { n: fmt.int(summary.blocked) }))
      : null,
    h("p", { class: "muted small" }, t("privacy.how", { origin })),
    h("p", { class: "privacy-offline", "data-status": s.offline.status }, offlineLine(s.offline)),
    entries.length === 0
      ? h("p", { class: "muted" }, t("privacy.empty"))
      : h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "requests" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                ["number", "path", "origin", "type", "source", "served", "size", "time"].map((col) =>
                  h("th", { scope: "col" }, t(`privacy.col.${col}`)),
                ),
              ),
            ),
            h(
              "tbody",
              {},
              // Numbered in time order; any outside the origin listed first, where they are seen.
              entries
                .map((entry, i) => [entry, i])
                .sort(([a], [b]) => outsideFirst(a, origin) - outsideFirst(b, origin))
                .map(([entry, i]) => row(entry, i, origin)),
            ),
          ),
        ),
    h("p", { class: "muted small" }, t("privacy.browserOwn")),
  );
}

function close() {
  dialog.close();
}

/**
 * Opens the panel drawn from `current()` (the state), then awaits `refresh()` (the engine
 * worker's requests asked afresh) and redraws it; `data-refreshed` marks that moment.
 */
export async function openPrivacy(current, refresh) {
  delete dialog.dataset.refreshed;
  render(current());
  if (!dialog.open) dialog.showModal();
  await refresh();
  if (!dialog.open) return;
  render(current());
  dialog.dataset.refreshed = "true";
}

/** Redraws the panel when it is open and what it lists changed (the shell calls this on every state change). */
export function renderPrivacy(s) {
  if (!dialog.open) return;
  const entries = requestsSeen();
  const key = JSON.stringify([s.lang, s.offline, tally(entries, location.origin), entries.length]);
  if (key === drawn) return;
  const focused = document.activeElement?.id;
  render(s);
  if (focused) document.getElementById(focused)?.focus();
}
