// The start screen: a drop zone (also a button opening the file picker), the files loaded so
// far, and the four datasets with their use cases and a "Try a sample" button each.

import { loadFiles, loadSample, removeTable, tableTextLimit } from "../actions.js";
import { h, replace } from "../dom.js";
import * as fmt from "../format.js";
import { go } from "../router.js";
import { update } from "../store.js";
import { t } from "../strings.js";
import { DATASETS, datasetOf, KNOWN_FILES } from "./datasets.js";
import { useCaseList } from "./usecases.js";

function dropZone(busy) {
  const input = h("input", {
    type: "file",
    id: "file-input",
    multiple: true,
    accept: ".csv,.tsv,.txt,.tab,.gz,.zip,text/csv,text/plain,application/gzip,application/zip",
    class: "visually-hidden",
    tabindex: "-1",
    "aria-hidden": "true",
    onChange: () => {
      const files = [...input.files];
      input.value = "";
      if (files.length > 0) loadFiles(files);
    },
  });
  const button = h(
    "button",
    {
      type: "button",
      class: "dropzone",
      id: "dropzone",
      disabled: busy,
      onClick: () => input.click(),
      onDragover: (event) => {
        event.preventDefault();
        button.classList.add("over");
      },
      onDragleave: () => button.classList.remove("over"),
      onDrop: (event) => {
        event.preventDefault();
        button.classList.remove("over");
        const files = [...(event.dataTransfer?.files ?? [])];
        if (files.length > 0) loadFiles(files);
      },
    },
    h("span", { class: "drop-icon", "aria-hidden": "true" }),
    h("span", { class: "drop-title" }, t("start.drop")),
    h("span", { class: "drop-hint" }, t("start.dropHintFiles", { limit: fmt.bytes(tableTextLimit()) })),
  );
  return [button, input];
}

function loadedFiles(s) {
  if (s.tables.length === 0) return h("p", { class: "muted" }, t("start.none"));
  return h(
    "ul",
    { class: "loaded" },
    s.tables.map((tb) => {
      const dataset = datasetOf(tb.dataset);
      const recognised = tb.dataset
        ? t("start.recognised", { dataset: t(`dataset.${dataset}`), file: KNOWN_FILES[tb.dataset] })
        : t("start.notRecognised");
      return h(
        "li",
        { class: "loaded-file", "data-file": tb.name },
        h(
          "div",
          { class: "loaded-main" },
          h("strong", { class: "file-name" }, tb.name),
          h(
            "span",
            { class: "muted" },
            `${t("job.rows", { rows: fmt.int(tb.rows) })} · ${fmt.int(tb.columns)} ${t("profile.columns").toLowerCase()} · ${fmt.bytes(tb.bytes)}`,
          ),
          h("span", { class: "muted small" }, recognised),
        ),
        h(
          "button",
          {
            type: "button",
            class: "button secondary",
            onClick: () => {
              update({ selected: tb.name });
              go("profile");
            },
          },
          t("start.viewProfile"),
        ),
        h(
          "button",
          {
            type: "button",
            class: "button icon",
            "aria-label": t("start.remove", { name: tb.name }),
            title: t("start.remove", { name: tb.name }),
            onClick: () => removeTable(tb.name),
          },
          "×",
        ),
      );
    }),
  );
}

function datasetCard(dataset, s, busy) {
  return h(
    "article",
    { class: "card dataset", "data-dataset": dataset.key },
    h("h3", {}, t(`dataset.${dataset.key}`)),
    h("p", { class: "muted" }, t(`dataset.${dataset.key}.what`)),
    h(
      "p",
      { class: "files" },
      h("span", { class: "label" }, `${t("start.files")}: `),
      h("code", {}, dataset.files.join(", ")),
    ),
    useCaseList(dataset.useCases, s.useCases),
    h(
      "button",
      {
        type: "button",
        class: "button primary",
        "data-sample": dataset.key,
        disabled: busy,
        onClick: () => loadSample(dataset.key),
      },
      t("start.trySample"),
    ),
  );
}

/** The start view. */
export const startView = {
  id: "start",
  label: "view.start",
  order: 0,
  render(container, s) {
    const busy = s.job !== null;
    // Progress updates arrive every 150 ms: rebuild only when what is shown changes, so that
    // keyboard focus stays where it is.
    const key = [s.tables, s.useCases, busy, s.lang];
    if (container.key && key.every((k, i) => k === container.key[i])) return;
    container.key = key;
    replace(
      container,
      h(
        "section",
        { class: "intro" },
        h("h1", {}, t("start.title")),
        h("p", { class: "lead" }, t("start.intro")),
        h(
          "div",
          { class: "intro-grid" },
          h("div", { class: "drop-wrap" }, dropZone(busy)),
          h("div", { class: "loaded-wrap" }, h("h2", {}, t("start.loaded")), loadedFiles(s)),
        ),
      ),
      h(
        "section",
        { class: "datasets" },
        h("h2", {}, t("start.datasets")),
        h(
          "div",
          { class: "cards" },
          DATASETS.map((d) => datasetCard(d, s, busy)),
        ),
      ),
    );
  },
};
