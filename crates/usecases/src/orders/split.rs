//! The validation split: a seeded share of the users with a train order is held out, whole
//! (all of a user's pairs go to one side), so that no user is scored on rows it was trained on.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::history::{History, NONE};
use super::input::{Instacart, TRAIN};

/// Which side each user is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A train user the model is fitted on.
    Fit,
    /// A train user held out for scoring.
    Valid,
    /// A user whose last order is `test` (or prior): predicted, never scored.
    Predict,
}

/// Sends `share` of the train users (at least one, and at least one left to fit on when there
/// are two or more) to validation, drawn with `seed`.
pub fn split_users(data: &Instacart, history: &History, share: f64, seed: u64) -> Vec<Side> {
    let mut sides: Vec<Side> = (0..history.n_users())
        .map(|u| {
            let t = history.target[u];
            if t != NONE && data.orders.eval_set[t as usize] == TRAIN {
                Side::Fit
            } else {
                Side::Predict
            }
        })
        .collect();
    let mut train: Vec<usize> = (0..sides.len())
        .filter(|&u| sides[u] == Side::Fit)
        .collect();
    train.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let mut n_valid = (share * train.len() as f64).round() as usize;
    if train.len() >= 2 {
        n_valid = n_valid.clamp(1, train.len() - 1);
    }
    for &u in &train[..n_valid.min(train.len())] {
        sides[u] = Side::Valid;
    }
    sides
}
