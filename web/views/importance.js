// What a boosted model leans on: each feature's share of the total split gain, as a list of bars.
// Shared by the views of the use cases that train gradient-boosted trees.

import { h } from "../dom.js";
import * as fmt from "../format.js";
import { panel } from "./panel.js";

/** The panel titled `title` (with `hint`) listing `items` ({feature, gain}) largest first. */
export function importancePanel(items, { title, hint, limit = Infinity }) {
  const gaining = items.filter((i) => i.gain > 0).slice(0, limit);
  const top = gaining[0]?.gain || 1;
  const total = items.reduce((sum, i) => sum + Math.max(0, i.gain), 0) || 1;
  return panel(
    { title, hint },
    h(
      "ol",
      { class: "importance" },
      gaining.map((i) => {
        const fill = h("span", { class: "imp-fill" });
        fill.style.width = `${(100 * i.gain) / top}%`;
        return h(
          "li",
          { "data-feature": i.feature },
          h("span", { class: "imp-name" }, i.feature),
          h("span", { class: "imp-bar", "aria-hidden": "true" }, fill),
          h("span", { class: "imp-share num" }, fmt.percent(i.gain / total)),
        );
      }),
    ),
  );
}
