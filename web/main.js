// The page's entry point on the main thread: builds the shell (header, tab bar, job bar, error
// banner), registers the views and re-renders on every state change. It only renders: all
// data work happens in the worker (jobs.js).

import { cancelJob, refresh } from "./actions.js";
import { h, replace } from "./dom.js";
import * as fmt from "./format.js";
import { startEngine, startJob } from "./jobs.js";
import { allViews, go, registerView, viewById } from "./router.js";
import { state, subscribe, update } from "./store.js";
import { LANGUAGES, setLanguage, t } from "./strings.js";
import { clustersView } from "./views/clusters.js";
import { forecastView } from "./views/forecast.js";
import { imputeView } from "./views/impute.js";
import { profileView } from "./views/profile.js";
import { startView } from "./views/start.js";

registerView(startView);
registerView(profileView);
registerView(forecastView);
registerView(clustersView);
registerView(imputeView);

const LANG_KEY = "vitrine.lang";

const nav = h("nav", { class: "tabs", "aria-label": "" });
const langSwitch = h("div", { class: "lang", role: "group" });
const jobBar = h("section", { class: "job", "aria-live": "polite", hidden: true });
const banner = h("div", { class: "banner", role: "alert", hidden: true });
const notice = h("p", { class: "notice", role: "status", hidden: true });
const viewRoot = h("main", { id: "view", tabindex: "-1" });
const tagline = h("p", { class: "tagline" });

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
  if (p.phase === "cluster") return t(`clusters.stage.${p.stage}`);
  if (p.phase === "impute") return imputeLabel(p);
  if (p.phase === "train") return t(p.model === "comparison" ? "forecast.trainingSeed" : "forecast.trainingMain");
  return t("job.reading", { file: p.file });
}

/** What an imputation run is doing: the EM on the data, bootstrap k of M, or the diagnostics. */
function imputeLabel(p) {
  if (p.stage === "em") return t("impute.stage.em", { iteration: fmt.int(p.iteration) });
  if (p.stage === "diagnostics") return t("impute.stage.diagnostics");
  return t(p.stage === "draw" ? "impute.stage.draw" : "impute.stage.bootstrap", {
    run: fmt.int(p.run),
    runs: fmt.int(p.runs),
    iteration: fmt.int(p.iteration),
  });
}

function renderJob(s) {
  const job = s.job;
  jobBar.hidden = !job;
  if (!job) {
    jobBar.replaceChildren();
    return;
  }
  const p = job.progress;
  let share = p?.total > 0 && p.phase === "read" ? p.bytes / p.total : null;
  if (p?.phase === "train" && p.nTrees > 0) share = p.trees / p.nTrees;
  if (p?.phase === "cluster") share = (p.step - 1 + (p.share ?? 0)) / p.stages;
  if (p?.phase === "impute") share = p.fraction;
  const bar = h("progress", { max: "1", class: "bar", "aria-label": jobLabel(job) });
  if (share !== null) bar.value = share;
  const figures = [];
  if (p?.phase === "cluster") figures.push(t("clusters.step", { step: p.step, stages: p.stages }));
  if (p?.phase === "train") figures.push(t("forecast.trees", { done: fmt.int(p.trees), total: fmt.int(p.nTrees) }));
  if (p?.phase === "impute" && p.stage !== "diagnostics" && p.stage !== "draw") {
    figures.push(t("impute.moving", { changed: fmt.int(p.changed), change: fmt.num(p.maxChange, 3) }));
  }
  if (p?.rows > 0) figures.push(t("job.rows", { rows: fmt.int(p.rows) }));
  if (p?.rowsPerSec > 0 && p.phase === "read") figures.push(t("job.rate", { rate: fmt.int(p.rowsPerSec) }));
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
      langSwitch,
    ),
    jobBar,
    banner,
    notice,
    viewRoot,
  );
  let lang = "en";
  try {
    lang = localStorage.getItem(LANG_KEY) ?? (navigator.language?.startsWith("fr") ? "fr" : "en");
  } catch {
    lang = navigator.language?.startsWith("fr") ? "fr" : "en";
  }
  subscribe(render);
  startEngine(
    (busy) => update({ job: busy ? { label: t("job.restoring"), progress: null } : null }),
    (message) => update({ error: { kind: "crash", message: t("error.engine", { message }) } }),
  );
  update({ lang: lang in LANGUAGES ? lang : "en" });
  // The use cases' "needs train.csv" badges come from the engine.
  refresh();
  // For the end-to-end tests (a panic has no button): the same jobs the page runs, nothing more.
  if (new URLSearchParams(location.search).has("debug")) globalThis.vitrine = { state, startJob };
}

boot();
