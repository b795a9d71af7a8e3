// The titled panel every view lays its results out in.

import { h } from "../dom.js";

/**
 * `<section class="panel …">` with its `<h2>` title, an optional muted hint under it, then
 * `children`. `className` adds classes to the section.
 */
export function panel({ title, hint, className = "" }, ...children) {
  return h(
    "section",
    { class: `panel ${className}`.trim() },
    h("h2", {}, title),
    hint === undefined ? null : h("p", { class: "muted small" }, hint),
    ...children,
  );
}
