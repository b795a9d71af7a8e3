// The views and the tab bar that switches between them. A view registers itself once:
//   registerView({ id, label: "view.forecast", order: 30, useCase: "1.1",
//                  available: (state) => bool, render: (container, state) => void })
// `useCase` (optional) is the catalogue id of the use case the view runs: the start screen's
// entry for it opens the view, and only such a use case can read "Ready".
// `render` is called on every state change while the view is shown; a view keeps its own
// DOM between calls when it can (the profile grid does, to keep its scroll position).

import { update } from "./store.js";

const views = [];

/** Adds a view to the tab bar, ordered by `order`. */
export function registerView(view) {
  views.push({ order: 100, available: () => true, ...view });
  views.sort((a, b) => a.order - b.order);
}

/** The registered views, in tab order. */
export function allViews() {
  return views;
}

/** The view with this id, or the first one. */
export function viewById(id) {
  return views.find((v) => v.id === id) ?? views[0];
}

/** The view that runs use case `id` ("1.1"), if the page has one. */
export function viewForUseCase(id) {
  return views.find((v) => v.useCase === id) ?? null;
}

/** Shows a view. */
export function go(id) {
  update({ view: id });
}
