// Where the stream's parts come from: the stream sample (generated in the tab: parts in time
// order whose defect rule changes half-way), the Bosch files loaded on the start screen, or
// files chosen here. A chosen file is read as a stream and never loaded as a table, so it may
// be of any size (the 2 GB train_numeric.csv included). A file in the browser is a snapshot
// taken when it is chosen: rows appended later are not read, unless the file is followed
// (where the browser has the File System Access API: pickGrowingFile).

import { loadedFile, makeStreamSample } from "../../actions.js";
import { h } from "../../dom.js";
import * as fmt from "../../format.js";
import { t } from "../../strings.js";
import { panel } from "../panel.js";

/** The stream sample: its size, seed and where its rule changes (a share of the parts). */
export const SAMPLE = { parts: 30_000, seed: 42, change: 0.5 };

/** The loaded Bosch files the stream can read: {numeric, date} tables with their File, or null. */
export function loadedBosch(s) {
  const find = (dataset) => {
    const table = s.tables.find((tb) => tb.dataset === dataset);
    const source = table && loadedFile(table.name);
    // A table read from an archive streams from the archive, unpacked as it goes.
    return source ? { table, file: source.file, entry: source.entry ? table.name : null } : null;
  };
  const numeric = find("bosch.numeric");
  return numeric ? { numeric, date: find("bosch.date") } : null;
}

/** The source chosen by default: the user's own loaded files, else the stream sample. */
export function defaultSource(s) {
  const loaded = loadedBosch(s);
  return loaded && loaded.numeric.table.source !== "sample" ? "loaded" : "sample";
}

function choice(local, value, label, hint, disabled, onChange) {
  return h(
    "label",
    { class: "choice" },
    h("input", {
      type: "radio",
      name: "stream-source",
      value,
      checked: local.source === value,
      disabled,
      onChange: () => {
        local.source = value;
        onChange();
      },
    }),
    h("span", {}, h("strong", {}, label), " ", h("span", { class: "muted" }, hint)),
  );
}

function fileInput(local, role, onChange) {
  const input = h("input", {
    type: "file",
    id: `stream-file-${role}`,
    accept: ".csv,.txt,.gz,.zip,text/csv",
    onChange: () => {
      local.chosen[role] = input.files[0] ?? null;
      local.source = "chosen";
      onChange();
    },
  });
  const chosen = local.chosen[role];
  return h(
    "label",
    { class: "field", for: `stream-file-${role}` },
    h("span", { class: "field-label" }, t(`stream.source.${role}File`)),
    input,
    chosen ? h("span", { class: "muted small" }, `${chosen.name} · ${fmt.bytes(chosen.size)}`) : null,
  );
}

/** The source panel; `onChange` redraws the view. */
export function sourcePanel(s, local, onChange) {
  const loaded = loadedBosch(s);
  const loadedHint = loaded
    ? t(loaded.date ? "stream.source.loadedDate" : "stream.source.loadedNoDate", {
        file: loaded.numeric.table.name,
        rows: fmt.int(loaded.numeric.table.rows),
        date: loaded.date?.table.name ?? "",
      })
    : t("stream.source.noneLoaded");
  return panel(
    { title: t("stream.source"), className: "stream-source" },
    h(
      "fieldset",
      { class: "choices" },
      h("legend", { class: "visually-hidden" }, t("stream.source")),
      choice(
        local,
        "sample",
        t("stream.source.sample"),
        t("stream.source.sampleHint", {
          parts: fmt.int(SAMPLE.parts),
          change: fmt.int(Math.ceil(SAMPLE.parts * SAMPLE.change)),
        }),
        false,
        onChange,
      ),
      choice(local, "loaded", t("stream.source.loaded"), loadedHint, !loaded, onChange),
      choice(local, "chosen", t("stream.source.chosen"), t("stream.source.chosenHint"), false, onChange),
    ),
    local.source === "chosen"
      ? h("div", { class: "fields" }, fileInput(local, "numeric", onChange), fileInput(local, "date", onChange))
      : null,
    h(
      "p",
      { class: "muted small", id: "stream-live-note" },
      t(canFollow() ? "stream.source.snapshotFollow" : "stream.source.snapshot"),
    ),
  );
}

/**
 * Whether this browser lets the page follow a growing file: the File System Access API
 * (Chromium) gives a handle whose getFile() is a fresh snapshot each time; elsewhere a chosen
 * file stays as it was when chosen.
 */
export function canFollow() {
  return typeof window.showOpenFilePicker === "function";
}

/** Asks the user for the file to follow: its handle, or null if the picker was closed. */
export async function pickGrowingFile() {
  try {
    const [handle] = await window.showOpenFilePicker({
      multiple: false,
      types: [{ description: "CSV", accept: { "text/csv": [".csv", ".txt"] } }],
    });
    return handle ?? null;
  } catch {
    // Closed without a choice (AbortError), or refused.
    return null;
  }
}

/**
 * The files of the chosen source, as {files: {numeric, date?}, entries, changeRow} (`entries`:
 * the CSV file of an archive to read, by role), generating the stream
 * sample on first use; null when there is nothing to read (or the generation failed).
 */
export async function filesFor(s, local) {
  if (local.source === "sample") {
    local.sample ??= await makeStreamSample(SAMPLE);
    return local.sample ? { files: local.sample.files, changeRow: local.sample.changeRow } : null;
  }
  if (local.source === "loaded") {
    const loaded = loadedBosch(s);
    if (!loaded) return null;
    const files = { numeric: loaded.numeric.file };
    const entries = { numeric: loaded.numeric.entry };
    if (loaded.date) {
      files.date = loaded.date.file;
      entries.date = loaded.date.entry;
    }
    return { files, entries, changeRow: null };
  }
  if (!local.chosen.numeric) return null;
  const files = { numeric: local.chosen.numeric };
  if (local.chosen.date) files.date = local.chosen.date;
  return { files, changeRow: null };
}
