//! Histogram gradient-boosted trees (use cases 1.1, 4.1 and 4.2), built to match XGBoost's
//! `hist` method on one thread, since the browser's wasm build runs on one.
//!
//! The stages, one file each (after LightGBM's tree learner): [`binning`] turns each feature into
//! `u8` bins (quantiles; bin 0 for missing; categorical codes natively), `bundle` packs few-bin
//! features into shared codes, `histogram` sums gradients and hessians per code, `partition`
//! keeps each node's rows, `split` finds a node's best split, `grow` grows one tree,
//! `objective` gives the losses, [`model`] predicts and saves, [`xgboost`] writes and reads
//! XGBoost's JSON model format (and [`LoadedModel`] scores either format by feature name).
//! [`Trainer`] runs the boosting loop one tree per step, so that the page can report progress and
//! cancel; [`GbdtParams::fit`] runs it to the end.
//!
//! ```
//! use learn::gbdt::{Dataset, Feature, GbdtParams};
//! let x: Vec<f32> = (0..200).map(|i| i as f32 / 200.0).collect();
//! let y: Vec<f32> = x.iter().map(|&v| if v > 0.5 { 3.0 } else { 0.0 }).collect();
//! let train = Dataset::new(vec![Feature::numeric("x", x)], y).unwrap();
//! let params = GbdtParams { n_trees: 50, max_depth: 2, ..GbdtParams::default() };
//! let model = params.fit(&train, None).unwrap();
//! assert!((model.predict_row(&[0.9]).unwrap() - 3.0).abs() < 0.1);
//! ```

pub mod binning;
mod bundle;
pub(crate) mod data;
mod error;
mod grow;
mod histogram;
pub mod model;
mod objective;
mod params;
pub(crate) mod partition;
pub(crate) mod split;
mod trainer;
pub mod xgboost;

pub use binning::FeatureBins;
pub use data::{Dataset, Feature, FeatureKind, MAX_CATEGORIES};
pub use error::GbdtError;
pub use model::{
    FeatureImportance, GbdtModel, ModelFeature, Node, Tree, MODEL_FORMAT, MODEL_VERSION,
};
pub use objective::Objective;
pub use params::{GbdtParams, Growth, TargetTransform};
pub use trainer::{Progress, Trainer};
pub use xgboost::{LoadedModel, XgbModel};

impl GbdtParams {
    /// Trains all trees (stopping early if asked and `valid` is given) and returns the model.
    pub fn fit(&self, train: &Dataset, valid: Option<&Dataset>) -> Result<GbdtModel, GbdtError> {
        let mut trainer = Trainer::new(self, train, valid)?;
        while !trainer.done() {
            trainer.step()?;
        }
        Ok(trainer.finish())
    }
}
