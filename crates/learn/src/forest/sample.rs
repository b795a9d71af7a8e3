//! The rows each tree is grown on: Breiman's bootstrap, or the balanced bootstrap that draws the
//! rare class as often as the common one. A tree keeps each drawn row once with the number of
//! times it was drawn (scikit-learn grows on bootstrap counts as sample weights the same way), so
//! that a row drawn twice costs no second pass.

use super::params::Sampling;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The training rows split by class, drawn from by the balanced bootstrap.
pub(crate) struct ClassRows {
    pub(crate) positives: Vec<u32>,
    pub(crate) negatives: Vec<u32>,
}

impl ClassRows {
    /// Rows whose label is positive, and the others, in increasing order.
    pub(crate) fn new(labels: &[bool]) -> ClassRows {
        let (mut positives, mut negatives) = (Vec::new(), Vec::new());
        for (r, &y) in labels.iter().enumerate() {
            if y {
                positives.push(r as u32);
            } else {
                negatives.push(r as u32);
            }
        }
        ClassRows {
            positives,
            negatives,
        }
    }

    /// Number of rows.
    pub(crate) fn n_rows(&self) -> usize {
        self.positives.len() + self.negatives.len()
    }

    /// How many negatives each tree draws under `sampling` (all rows' worth for the bootstrap,
    /// which draws without regard to class).
    pub(crate) fn negatives_drawn(&self, sampling: Sampling) -> usize {
        match sampling {
            Sampling::Bootstrap => self.negatives.len(),
            Sampling::Balanced {
                negatives_per_positive,
            } => ((self.positives.len() as f64 * negatives_per_positive).round() as usize).max(1),
        }
    }
}

/// One tree's draw: the distinct rows drawn, in increasing order, and how often each was drawn.
pub(crate) struct TreeSample {
    pub(crate) rows: Vec<u32>,
    pub(crate) counts: Vec<u32>,
}

/// Draws one tree's rows. `scratch` is an all-zero buffer of one count per row, left all zero.
pub(crate) fn draw(
    sampling: Sampling,
    classes: &ClassRows,
    rng: &mut ChaCha8Rng,
    scratch: &mut Vec<u32>,
) -> TreeSample {
    let n = classes.n_rows();
    scratch.resize(n, 0);
    match sampling {
        Sampling::Bootstrap => {
            for _ in 0..n {
                scratch[rng.random_range(0..n as u32) as usize] += 1;
            }
        }
        Sampling::Balanced { .. } => {
            let from = |rows: &[u32], draws: usize, rng: &mut ChaCha8Rng, scratch: &mut [u32]| {
                for _ in 0..draws {
                    let i = rng.random_range(0..rows.len() as u32) as usize;
                    scratch[rows[i] as usize] += 1;
                }
            };
            from(&classes.positives, classes.positives.len(), rng, scratch);
            from(
                &classes.negatives,
                classes.negatives_drawn(sampling),
                rng,
                scratch,
            );
        }
    }
    let mut sample = TreeSample {
        rows: Vec::new(),
        counts: Vec::new(),
    };
    for (r, c) in scratch.iter_mut().enumerate() {
        if *c > 0 {
            sample.rows.push(r as u32);
            sample.counts.push(*c);
            *c = 0;
        }
    }
    sample
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;

    proptest! {
        /// A balanced draw holds exactly as many positive draws as there are positives and the
        /// asked number of negative draws; a bootstrap draws as many rows as there are; every
        /// drawn row exists, once, in increasing order.
        #[test]
        fn draws_have_the_asked_class_counts(
            labels in proptest::collection::vec(proptest::bool::weighted(0.1), 1..400),
            ratio in 0.2f64..5.0,
            seed in 0u64..1000,
        ) {
            let classes = ClassRows::new(&labels);
            prop_assume!(!classes.positives.is_empty() && !classes.negatives.is_empty());
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut scratch = Vec::new();
            let sampling = Sampling::Balanced { negatives_per_positive: ratio };
            let s = draw(sampling, &classes, &mut rng, &mut scratch);
            prop_assert!(s.rows.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(scratch.iter().all(|&c| c == 0));
            let drawn = |positive: bool| -> u32 {
                s.rows.iter().zip(&s.counts)
                    .filter(|(&r, _)| labels[r as usize] == positive)
                    .map(|(_, &c)| c)
                    .sum()
            };
            prop_assert_eq!(drawn(true) as usize, classes.positives.len());
            prop_assert_eq!(drawn(false) as usize, classes.negatives_drawn(sampling));
            let s = draw(Sampling::Bootstrap, &classes, &mut rng, &mut scratch);
            prop_assert_eq!(s.counts.iter().sum::<u32>() as usize, labels.len());
        }
    }
}
