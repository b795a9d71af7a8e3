// The downloads of a use case's last result: one button per file the engine offers.

import { downloadResult } from "../actions.js";
import { h } from "../dom.js";
import { t } from "../strings.js";
import { panel } from "./panel.js";

/**
 * The panel titled `title` with a button per download of use case `name` (each labelled by the
 * strings key `PREFIX.download.KEY`), then `extra` children; the buttons wait while `busy`.
 */
export function downloadsPanel({ name, prefix, result, busy, title }, ...extra) {
  return panel(
    { title },
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
            onClick: () => downloadResult(name, d),
          },
          t(`${prefix}.download.${d.key}`),
        ),
      ),
    ),
    ...extra,
  );
}
