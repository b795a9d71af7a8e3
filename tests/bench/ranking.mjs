// Ranking metrics of a binary classifier's scores, for the peers that report none: the AUC (the
// probability that a positive outranks a negative, ties counting half) and the best F1 over
// every threshold.

/** Indices of `scores`, highest score first. */
function ranked(scores) {
  return scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
}

/** Area under the ROC curve of `scores` against 0/1 `labels`; tied scores count half. */
export function auc(scores, labels) {
  const order = ranked(scores);
  const positives = labels.filter((y) => y === 1).length;
  const negatives = labels.length - positives;
  let above = 0; // negatives ranked above the current group
  let wins = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    let pos = 0;
    let neg = 0;
    while (j < order.length && scores[order[j]] === scores[order[i]]) {
      if (labels[order[j]] === 1) pos += 1;
      else neg += 1;
      j += 1;
    }
    // Positives of this group beat the negatives below it and tie with those in it.
    wins += pos * (negatives - above - neg) + 0.5 * pos * neg;
    above += neg;
    i = j;
  }
  return wins / (positives * negatives);
}

/** The highest F1 reached by any threshold on `scores` (all tied scores on the same side). */
export function bestF1(scores, labels) {
  const order = ranked(scores);
  const positives = labels.filter((y) => y === 1).length;
  let tp = 0;
  let flagged = 0;
  let best = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && scores[order[j]] === scores[order[i]]) {
      tp += labels[order[j]];
      flagged += 1;
      j += 1;
    }
    best = Math.max(best, (2 * tp) / (flagged + positives));
    i = j;
  }
  return best;
}
