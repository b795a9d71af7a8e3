//! Random forest binary classifier (use case 3.1: will this customer take product P?), built for
//! rare events: each tree can draw a balanced bootstrap, and the forest's probabilities are
//! calibrated back to the true base rate, so that "12 % take-up, 8 times the base rate" is an
//! honest statement. Splits are found on histograms of `u8` bins (the boosting engine's binning,
//! shared), CART style: Gini or entropy, a fresh draw of `max_features` features at every node,
//! numeric thresholds and categorical partitions.
//!
//! The stages, one file each: `sample` draws each tree's rows, `split` finds a node's best split
//! on one feature's class-count histogram, `grow` grows one tree, `tree` holds it and predicts,
//! [`ForestTrainer`] grows the forest tree by tree with its out-of-bag estimate, `calibrate`
//! maps the trees' vote to a probability ([`Calibration`]: the prior shift back to the true base
//! rate, then Platt scaling fitted on the out-of-bag rows), [`RandomForest`] predicts and saves,
//! `importance` ranks features (impurity and permutation), `rules` turns the strongest decision
//! paths into readable rules measured on given rows.
//!
//! With the `threads` feature, [`ForestParams::fit`] grows trees on all of rayon's threads; the
//! forest is bit for bit the one [`ForestTrainer`] grows on one thread (tree `t` draws from its
//! own random stream), which is what the page does, one forest per worker.
//!
//! ```
//! use learn::forest::{ForestParams, Sampling};
//! use learn::gbdt::{Dataset, Feature};
//! // Take-up is 40 % above x = 0.8 and 2 % below.
//! let x: Vec<f32> = (0..2000).map(|i| (i % 100) as f32 / 100.0).collect();
//! let y: Vec<f32> = (0..2000).map(|i| {
//!     let high = x[i] > 0.8;
//!     let draw = (i * 7919 % 100) as f32 / 100.0;
//!     ((high && draw < 0.4) || (!high && draw < 0.02)) as u8 as f32
//! }).collect();
//! let data = Dataset::new(vec![Feature::numeric("x", x)], y).unwrap();
//! let params = ForestParams { n_trees: 50, min_samples_leaf: 20, ..ForestParams::default() };
//! let forest = params.fit(&data).unwrap();
//! let high = forest.predict_row(&[0.9]).unwrap();
//! let low = forest.predict_row(&[0.3]).unwrap();
//! assert!(high > 0.25 && low < 0.06, "{high} {low}");
//! ```

mod calibrate;
mod error;
mod grow;
mod importance;
mod model;
mod params;
mod rules;
mod sample;
mod split;
mod trainer;
mod tree;

pub use calibrate::{Calibration, Platt};
pub use error::ForestError;
pub use importance::{FeatureImportance, PermutationImportance, PermutationParams};
pub use model::{OobEstimate, RandomForest, MODEL_FORMAT, MODEL_VERSION};
pub use params::{CalibrationMethod, Criterion, ForestParams, MaxFeatures, Sampling};
pub use rules::{Condition, Rule, RuleParams, RuleSet, Test};
pub use trainer::{ForestProgress, ForestTrainer};
pub use tree::{ForestTree, NodeRule, TreeNode};
