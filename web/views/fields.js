// Form fields shared by the use-case views.

import { h } from "../dom.js";

/**
 * A labelled number input bound to `params[key]`: a finite value typed in is stored there, then
 * `onChange` (if given) runs. `id` is the input's id (views prefix it with their own name). With
 * `emptyAs` (the placeholder's text), the field may be left empty: `params[key]` is then null
 * (a setting the engine chooses).
 */
export function numberField({ id, label, params, key, min, max, step, onChange, emptyAs }) {
  const optional = emptyAs !== undefined;
  const input = h("input", {
    type: "number",
    id,
    min,
    max,
    step,
    placeholder: emptyAs,
    value: params[key] === null ? "" : String(params[key]),
    onChange: () => {
      const value = Number(input.value);
      if (optional && (input.value.trim() === "" || !Number.isFinite(value))) params[key] = null;
      else if (Number.isFinite(value)) params[key] = value;
      onChange?.();
    },
  });
  return h("label", { class: "field", for: id }, h("span", { class: "field-label" }, label), input);
}

/** A labelled checkbox bound to the boolean `params[key]`. */
export function checkField({ id, label, params, key }) {
  return h(
    "label",
    { class: "choice" },
    h("input", {
      type: "checkbox",
      id,
      checked: params[key],
      onChange: (event) => {
        params[key] = event.target.checked;
      },
    }),
    h("span", {}, label),
  );
}
