// A lookup by id, shared by the views that answer questions about one customer: a number field
// with its button, and a row of example ids to try. `show(id)` runs on a submit or a click.

import { h } from "../dom.js";

/**
 * The form and the examples: `prefix` names the field (`PREFIX-user`) and the button
 * (`PREFIX-lookup`); `value` is the id shown (null for none).
 */
export function lookupForm({ prefix, label, button, examplesLabel, examples, value, show }) {
  const inputId = `${prefix}-user`;
  const input = h("input", {
    type: "number",
    id: inputId,
    min: "1",
    step: "1",
    value: value === null ? "" : String(value),
  });
  const pick = (id) => {
    input.value = String(id);
    show(id);
  };
  const form = h(
    "form",
    {
      class: "lookup-form",
      onSubmit: (event) => {
        event.preventDefault();
        const id = Number(input.value);
        if (Number.isInteger(id) && id > 0) pick(id);
      },
    },
    h("label", { class: "field inline", for: inputId }, h("span", { class: "field-label" }, label), input),
    h("button", { type: "submit", class: "button secondary", id: `${prefix}-lookup` }, button),
  );
  const chips = h(
    "p",
    { class: "examples small" },
    examplesLabel,
    " ",
    examples.map((id) =>
      h("button", { type: "button", class: "chip", "data-user": String(id), onClick: () => pick(id) }, String(id)),
    ),
  );
  return { form, chips, pick };
}
