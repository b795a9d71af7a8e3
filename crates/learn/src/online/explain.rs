//! Which measurements pushed a part's risk up, for models without a linear form: the risk with
//! the part as measured, minus the risk with one reading replaced by the measurement's typical
//! value (its mean), one measurement at a time. (Leaving the cell empty instead would measure
//! the trees' empty-cell direction, arbitrary for a measurement that is never empty.) Alerts are
//! rare, so the cost (one score per measurement) is paid on a few parts only.

use super::{Contribution, Row};

/// What a measurement's reading is compared with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Baseline {
    /// The model does not read this measurement: it pushes nothing (and costs no score).
    Ignored,
    /// Its typical value.
    Typical(f32),
    /// An empty cell (no typical value is known).
    Empty,
}

/// The `k` measurements whose replacement by their baseline lowers `score(row)` most, largest
/// first; only those that push the risk up.
pub(crate) fn occlusion(
    mut score: impl FnMut(Row) -> f64,
    baseline: impl Fn(u32) -> Baseline,
    row: Row,
    k: usize,
) -> Vec<Contribution> {
    let full = score(row);
    let mut features = Vec::with_capacity(row.features.len());
    let mut values = Vec::with_capacity(row.values.len());
    let mut pushes = Vec::new();
    for i in 0..row.features.len() {
        let base = baseline(row.features[i]);
        if base == Baseline::Ignored {
            continue;
        }
        features.clear();
        values.clear();
        features.extend_from_slice(row.features);
        values.extend_from_slice(row.values);
        match base {
            Baseline::Typical(mean) => values[i] = mean,
            _ => {
                features.remove(i);
                values.remove(i);
            }
        }
        let without = score(Row {
            time: row.time,
            features: &features,
            values: &values,
        });
        let push = full - without;
        if push > 0.0 {
            pushes.push(Contribution {
                feature: row.features[i],
                value: row.values[i],
                push,
            });
        }
    }
    pushes.sort_by(|a, b| b.push.total_cmp(&a.push));
    pushes.truncate(k);
    pushes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushes_are_risk_differences_largest_first() {
        // Risk: 0.1 + 0.3 [feature 4 present and > 1] + 0.2 [feature 7 present].
        let score = |r: Row| {
            let mut s = 0.1;
            for (&f, &v) in r.features.iter().zip(r.values) {
                if f == 4 && v > 1.0 {
                    s += 0.3;
                }
                if f == 7 {
                    s += 0.2;
                }
            }
            s
        };
        let row = Row {
            time: 0.0,
            features: &[2, 4, 7],
            values: &[5.0, 2.0, -1.0],
        };
        // Feature 4 replaced by its mean 0.5; feature 7 (no mean) left out; 2 ignored.
        let typical = |f: u32| match f {
            2 => Baseline::Ignored,
            7 => Baseline::Empty,
            _ => Baseline::Typical(0.5),
        };
        let top = occlusion(score, typical, row, 5);
        assert_eq!(top.len(), 2);
        assert_eq!((top[0].feature, top[0].value), (4, 2.0));
        assert!((top[0].push - 0.3).abs() < 1e-12 && (top[1].push - 0.2).abs() < 1e-12);
        assert_eq!(occlusion(score, typical, row, 1).len(), 1);
        // A mean above 1: feature 4's reading no longer pushes, nor 7's (present either way).
        assert!(occlusion(score, |_| Baseline::Typical(3.0), row, 5).is_empty());
    }
}
