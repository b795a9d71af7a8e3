// One colour per cluster across every chart and table of the clusters view, and the charts' inks.

/** One colour per cluster (colour-blind-safe order first), reused past 12 clusters. */
const PALETTE = [
  "#1f77b4",
  "#e6820e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#bcbd22",
  "#7f7f7f",
  "#393b79",
  "#637939",
];
export const GRID = "#dde3ea";
export const AXIS = "#5b6b7b";
export const INK = "#1d2733";
/** Largest k the slider offers: past it a dendrogram cut reads as noise. */
export const MAX_SLIDER_K = 20;

/** The colour of cluster `label` (1-based). */
export function clusterColour(label) {
  return PALETTE[(label - 1) % PALETTE.length];
}
