//! Picking the top-N items from per-item scores, shared by every recommender so that they break
//! ties alike: equal scores are ordered by a fixed item priority (the items' popularity), never
//! by chance.

/// The most items a bit pattern holds.
pub const MAX_ITEMS: usize = 32;

/// Padding of a recommendation slot left empty (the customer holds nearly every item).
pub const NO_ITEM: u8 = u8::MAX;

/// Writes into `out` the items of highest score not in `exclude`, best first, ties going to the
/// item earlier in `priority` (which lists every item once); returns how many were written
/// (fewer than `out.len()` when too few items are left).
pub fn top_items_into(scores: &[f64], exclude: u32, priority: &[u8], out: &mut [u8]) -> usize {
    let mut taken = exclude;
    let mut written = 0;
    for slot in out.iter_mut() {
        let mut best: Option<(u8, f64)> = None;
        for &item in priority {
            if taken >> item & 1 == 1 {
                continue;
            }
            let s = scores[item as usize];
            if best.is_none_or(|(_, b)| s > b) {
                best = Some((item, s));
            }
        }
        let Some((item, _)) = best else { break };
        *slot = item;
        taken |= 1 << item;
        written += 1;
    }
    for slot in &mut out[written..] {
        *slot = NO_ITEM;
    }
    written
}

/// The `n` items of highest score not in `exclude` (see [`top_items_into`]).
pub fn top_items(scores: &[f64], exclude: u32, priority: &[u8], n: usize) -> Vec<u8> {
    let mut out = vec![NO_ITEM; n.min(MAX_ITEMS)];
    let written = top_items_into(scores, exclude, priority, &mut out);
    out.truncate(written);
    out
}

/// Item indices by decreasing `weight`, ties by increasing index.
pub(crate) fn order_by_weight(weights: &[f64]) -> Vec<u8> {
    let mut order: Vec<u8> = (0..weights.len() as u8).collect();
    order.sort_by(|&a, &b| {
        weights[b as usize]
            .total_cmp(&weights[a as usize])
            .then(a.cmp(&b))
    });
    order
}

/// Every customer's top-N items, `top_n` slots each (padded with [`NO_ITEM`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendations {
    /// Slots per customer.
    pub top_n: usize,
    /// Customer `u`'s slots are `items[u * top_n..(u + 1) * top_n]`.
    pub items: Vec<u8>,
}

impl Recommendations {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.items.len() / self.top_n.max(1)
    }

    /// Whether there is no customer.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Customer `u`'s items, best first (without padding).
    pub fn of(&self, u: usize) -> &[u8] {
        let slots = &self.items[u * self.top_n..(u + 1) * self.top_n];
        let n = slots
            .iter()
            .position(|&i| i == NO_ITEM)
            .unwrap_or(self.top_n);
        &slots[..n]
    }
}

/// Blends two per-item scores of one customer by rank: each source's scores over the items not
/// in `exclude` become ranks scaled to [0, 1] (the best 1, the worst 0, tied items sharing their
/// mean rank), then `weight * rank_a + (1 - weight) * rank_b`. Ranks make sources of different
/// scales (k-NN scores, calibrated propensities) comparable; only their order within a customer
/// matters for a top-N. Excluded items score 0.
pub fn blend_by_rank(a: &[f64], b: &[f64], exclude: u32, weight: f64) -> Vec<f64> {
    let ra = rank_scaled(a, exclude);
    let rb = rank_scaled(b, exclude);
    ra.iter()
        .zip(&rb)
        .enumerate()
        .map(|(i, (x, y))| {
            if exclude >> i & 1 == 1 {
                0.0
            } else {
                weight * x + (1.0 - weight) * y
            }
        })
        .collect()
}

/// Ranks of the scores of the items not in `exclude`, scaled to [0, 1], ties sharing their mean.
fn rank_scaled(scores: &[f64], exclude: u32) -> Vec<f64> {
    let mut candidates: Vec<usize> = (0..scores.len())
        .filter(|&i| exclude >> i & 1 == 0)
        .collect();
    candidates.sort_by(|&x, &y| scores[x].total_cmp(&scores[y]));
    let m = candidates.len();
    let mut out = vec![0.0; scores.len()];
    let mut start = 0;
    while start < m {
        let mut end = start + 1;
        while end < m && scores[candidates[end]] == scores[candidates[start]] {
            end += 1;
        }
        // Ranks start..end (0-based) share their mean.
        let mean = (start + end - 1) as f64 / 2.0;
        for &i in &candidates[start..end] {
            out[i] = if m <= 1 { 1.0 } else { mean / (m - 1) as f64 };
        }
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_items_skip_held_and_break_ties_by_priority() {
        let scores = [0.5, 0.9, 0.5, 0.1, 0.5];
        // Item 1 is held; the three tied at 0.5 go in priority order 4, 0, 2.
        let priority = [4u8, 3, 2, 1, 0];
        assert_eq!(top_items(&scores, 0b10, &priority, 3), vec![4, 2, 0]);
        assert_eq!(top_items(&scores, 0b11111, &priority, 3), Vec::<u8>::new());
        let mut out = [0u8; 3];
        assert_eq!(top_items_into(&scores, 0b01111, &priority, &mut out), 1);
        assert_eq!(out, [4, NO_ITEM, NO_ITEM]);
        assert_eq!(order_by_weight(&[1.0, 3.0, 1.0]), vec![1, 0, 2]);
    }

    #[test]
    fn blend_by_rank_by_hand() {
        // Candidates 0, 2, 3 (item 1 held). Source a: 0.1, 0.3, 0.2 -> ranks 0, 1, 0.5.
        // Source b: 5, 5, 1 -> items 0 and 2 tie at the top: (1 + 0.5) / 2 = 0.75 each, 3 -> 0.
        let a = [0.1, 9.0, 0.3, 0.2];
        let b = [5.0, 0.0, 5.0, 1.0];
        let blended = blend_by_rank(&a, &b, 0b10, 0.5);
        let expected = [0.375, 0.0, 0.875, 0.25];
        for (x, y) in blended.iter().zip(expected) {
            assert!((x - y).abs() < 1e-12, "{blended:?}");
        }
        let rec = Recommendations {
            top_n: 2,
            items: vec![1, 2, 3, NO_ITEM],
        };
        assert_eq!(
            (rec.len(), rec.of(0), rec.of(1)),
            (2, &[1u8, 2][..], &[3u8][..])
        );
    }
}
