// The page's entry point on the main thread: builds the shell (header, tab bar, job bar, error
// banner, update notice, footer with the request count), registers the views and re-renders on
// every state change. It only renders: all data work happens in the worker (jobs.js).

import { cancelJob, loadCatalogue, refresh } from "./actions.js";
import { h, replace } from "./dom.js";
import * as fmt from "./format.js";
import { refreshEngineRequests, setTextLimit, startEngine, startJob } from "./jobs.js";
import { applyUpdate, startOffline } from "./offline.js";
import { recordEngineRequests, recordServiceWorkerRequest, startPrivacy } from "./privacy.js";
import { allViews, go, registerView, viewById } from "./router.js";
import { state, subscribe, update } from "./store.js";
import { LANGUAGES, setLanguage, t } from "./strings.js";
import { clustersView } from "./views/clusters/index.js";
import { forecastView } from "./views/forecast/index.js";
import { imputeView } from "./views/impute/index.js";
import { nextOrderView } from "./views/next-order/index.js";
import { countLine, openPrivacy, privacyDialog, renderPrivacy } from "./views/privacy.js";
import { profileView } from "./views/profile.js";
import { reorderView } from "./views/reorder/index.js";
import { propensityView } from "./views/santander/propensity.js";
import { recommendView } from "./views/santander/recommend.js";
import { startView } from "./views/start.js";
import { streamView } from "./views/stream/index.js";

registerView(startView);
registerView(profileView);
registerView(forecastView);
registerView(clustersView);
registerView(imputeView);
registerView(propensityView);
registerView(recommendView);
registerView(streamView);
registerView(nextOrderView);
registerView(reorderView);

const LANG_KEY = "vitrine.lang";

const nav = h("nav", { class: "tabs", "aria-label": "" });
const langSwitch = h("div", { class: "lang", role: "group" });
const jobBar = h("section", { class: "job", "aria-live": "polite", hidden: true });
const banner = h("div", { class: "banner", role: "alert", hidden: true });
const notice = h("p", { class: "notice", role: "status", hidden: true });
const viewRoot = h("main", { id: "view", tabindex: "-1" });
const tagline = h("p", { class: "tagline" });
const privacyButton = h("button", {
  type: "button",
  class: "button secondary privacy-open",
  id: "privacy-open",
  "aria-haspopup": "dialog",
  onClick: showPrivacy,
});
const updateBar = h("section", { class: "update", role: "status", hidden: true });
const footer = h("footer", { class: "foot" });

function showPrivacy() {
  // The engine worker's own requests (its wasm) are asked for afresh; the panel redraws when
  // they come (a job that holds the engine makes that wait, not the panel).
  openPrivacy(state, () => refreshEngineRequests().catch(() => {}));
}

function renderHeader(s) {
  tagline.textContent = t("app.tagline");
  nav.setAttribute("aria-label", t("nav.label"));
  replace(
    nav,
    allViews().map((v) =>
      h(
        "button",
        {
          type: "button",
          class: "tab",
          "data-view": v.id,
          "aria-current": v.id === s.view ? "page" : false,
          disabled: !v.available(s),
          onClick: () => go(v.id),
        },
        t(v.label),
      ),
    ),
  );
  privacyButton.textContent = t("privacy.open");
  langSwitch.setAttribute("aria-label", t("lang.label"));
  replace(
    langSwitch,
    Object.entries(LANGUAGES).map(([code, name]) =>
      h(
        "button",
        {
          type: "button",
          class: "lang-button",
          lang: code,
          "aria-pressed": code === s.lang ? "true" : "false",
          onClick: () => update({ lang: code }),
        },
        name,
      ),
    ),
  );
}

function jobLabel(job) {
  const p = job.progress;
  if (!p) return job.label;
  if (p.phase === "generate") return t("job.generating", { file: p.file });
  if (p.phase === "profile") return t("job.profiling", { file: p.file });
  if (p.phase === "compact") return t("job.compacting", { file: p.file });
  // A use case's stage, in its own words: `stage.NAME.STAGE` with {done} of {total}.
  if (p.phase === "usecase") {
    return t(`stage.${p.useCase}.${p.stage}`, { done: fmt.int(p.done), total: fmt.int(p.total) });
  }
  return t("job.reading", { file: p.file });
}

function renderJob(s) {
  const job = s.job;
  jobBar.hidden = !job;
  if (!job) {
    jobBar.replaceChildren();
    return;
  }
  const p = job.progress;
  const reading = p?.phase === "read" || p?.phase === "compact";
  let share = p?.total > 0 && reading ? p.bytes / p.total : null;
  if (p?.phase === "usecase") share = p.fraction;
  const bar = h("progress", { max: "1", class: "bar", "aria-label": jobLabel(job) });
  if (share !== null) bar.value = share;
  const figures = [];
  if (p?.phase === "usecase") {
    figures.push(fmt.percent(p.fraction));
    if (p.value !== null && p.value !== undefined) {
      figures.push(t(`stage.${p.useCase}.value`, { value: fmt.num(p.value, 4) }));
    }
  }
  if (p?.rows > 0) figures.push(t("job.rows", { rows: fmt.int(p.rows) }));
  if (p?.rowsPerSec > 0 && reading) figures.push(t("job.rate", { rate: fmt.int(p.rowsPerSec) }));
  if (p?.total > 0) figures.push(t("job.bytes", { done: fmt.bytes(p.bytes), total: fmt.bytes(p.total) }));
  if (p?.textBytes > p?.bytes) figures.push(t("job.text", { text: fmt.bytes(p.textBytes) }));
  else if (p?.bytes > 0) figures.push(fmt.bytes(p.bytes));
  replace(
    jobBar,
    h(
      "div",
      { class: "job-text" },
      h("strong", { class: "job-label" }, jobLabel(job)),
      h("span", { class: "job-figures" }, figures.join(" · ")),
    ),
    bar,
    h("button", { type: "button", class: "button secondary", id: "cancel", onClick: cancelJob }, t("job.cancel")),
  );
}

function renderBanner(s) {
  banner.hidden = !s.error;
  if (!s.error) {
    banner.replaceChildren();
    return;
  }
  replace(
    banner,
    h(
      "div",
      {},
      h("strong", {}, t(s.error.title ?? "error.title")),
      h("p", { class: "error-message" }, s.error.message),
    ),
    h(
      "button",
      { type: "button", class: "button secondary", onClick: () => update({ error: null }) },
      t("error.dismiss"),
    ),
  );
}

let updateShown = null;

/** A newer build waits: say so, and reload on request, never while a job runs. */
function renderUpdate(s) {
  updateBar.hidden = !s.offline.updateReady;
  // Redrawn only when it changes: a live region re-announces what is put in it.
  const key = JSON.stringify([s.lang, s.offline.updateReady, Boolean(s.job)]);
  if (!s.offline.updateReady || key === updateShown) return;
  updateShown = key;
  replace(
    updateBar,
    h("span", { class: "update-text" }, t("offline.update")),
    s.job ? h("span", { class: "muted small" }, t("offline.waitJob")) : null,
    h(
      "button",
      {
        type: "button",
        class: "button primary",
        id: "update-reload",
        disabled: Boolean(s.job),
        onClick: () => {
          if (!state().job) applyUpdate();
        },
      },
      t("offline.reload"),
    ),
  );
}

let footerShown = null;

/** The footer: the same request count as the privacy panel, and whether the page works offline. */
function renderFooter(s) {
  const key = JSON.stringify([s.lang, s.requests, s.offline.status]);
  if (key === footerShown) return;
  footerShown = key;
  const [requests, outside] = countLine(s.requests);
  replace(
    footer,
    h(
      "p",
      {
        class: "foot-requests",
        id: "request-count",
        "data-total": s.requests.total,
        "data-outside": s.requests.outside,
      },
      h("span", {}, requests),
      " · ",
      h("strong", {}, outside),
      " · ",
      h(
        "button",
        { type: "button", class: "link-button", id: "privacy-list", onClick: showPrivacy },
        t("privacy.seeList"),
      ),
    ),
    h("p", { class: "foot-offline", "data-status": s.offline.status }, t(`offline.short.${s.offline.status}`)),
  );
}

let shownLang = null;
let shownView = null;

function render(s) {
  if (s.lang !== shownLang) {
    setLanguage(s.lang);
    try {
      localStorage.setItem(LANG_KEY, s.lang);
    } catch {
      // Private mode: the choice lasts for this visit.
    }
  }
  renderHeader(s);
  renderJob(s);
  renderBanner(s);
  renderUpdate(s);
  renderFooter(s);
  renderPrivacy(s);
  notice.hidden = !s.notice;
  notice.textContent = s.notice ?? "";
  const view = viewById(s.view);
  if (view.id !== shownView || s.lang !== shownLang) {
    viewRoot.replaceChildren();
    viewRoot.key = null;
    viewRoot.dataset.view = view.id;
  }
  view.render(viewRoot, s);
  shownView = view.id;
  shownLang = s.lang;
  document.title = `Vitrine · ${t(view.label)}`;
}

function boot() {
  const root = document.getElementById("app");
  replace(
    root,
    h(
      "header",
      { class: "top" },
      h(
        "div",
        { class: "brand" },
        h("span", { class: "logo", "aria-hidden": "true" }),
        h("span", { class: "name" }, "Vitrine"),
        tagline,
      ),
      nav,
      privacyButton,
      langSwitch,
    ),
    updateBar,
    jobBar,
    banner,
    notice,
    viewRoot,
    footer,
    privacyDialog(),
  );
  let lang = "en";
  try {
    lang = localStorage.getItem(LANG_KEY) ?? (navigator.language?.startsWith("fr") ? "fr" : "en");
  } catch {
    lang = navigator.language?.startsWith("fr") ? "fr" : "en";
  }
  subscribe(render);
  startPrivacy((requests) => update({ requests }));
  startOffline(recordServiceWorkerRequest);
  startEngine(
    (busy) => {
      // A fresh engine holds none of the results the old one kept for follow-up questions.
      if (busy) update({ results: {} });
      update({ job: busy ? { label: t("job.restoring"), progress: null } : null });
    },
    (message) => update({ error: { kind: "crash", message: t("error.engine", { message }) } }),
    recordEngineRequests,
  );
  update({ lang: lang in LANGUAGES ? lang : "en" });
  // The use cases' "needs train.csv" badges, and their parameters, come from the engine.
  refresh();
  loadCatalogue();
  // For the end-to-end tests (a panic has no button): the same jobs the page runs, nothing more.
  const query = new URLSearchParams(location.search);
  if (query.has("textLimit")) setTextLimit(Number(query.get("textLimit")));
  if (query.has("debug")) globalThis.vitrine = { state, startJob };
}

boot();
