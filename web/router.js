// The views and the tab bar that switches between them. A view registers itself once:
//   registerView({ id, label: "view.forecast", order: 30, available: (state) => bool,
//                  render: (container, state) => void })
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

/** Shows a view. */
export function go(id) {
  update({ view: id });
}
