//! The boosting loop with progress after every tree and cancel between trees.

use learn::gbdt::{Dataset, GbdtModel, GbdtParams, Trainer};
use serde::Serialize;

use super::{OrdersError, ProgressFn};

/// Trains `params` on `train`, reporting `(stage, trees, n_trees)` after each tree.
pub fn train(
    params: &GbdtParams,
    train: &Dataset,
    stage: &str,
    progress: &mut ProgressFn<'_>,
) -> Result<GbdtModel, OrdersError> {
    let mut trainer = Trainer::new(params, train, None)?;
    while !trainer.done() {
        trainer.step()?;
        let p = trainer.progress();
        if !progress(stage, p.trees as u64, p.n_trees as u64) {
            return Err(OrdersError::Cancelled);
        }
    }
    Ok(trainer.finish())
}

/// A feature's share of the model's gain.
#[derive(Debug, Clone, Serialize)]
pub struct Importance {
    /// Feature name.
    pub feature: String,
    /// Share of the total gain, 0-1.
    pub gain_share: f64,
    /// Number of splits on it.
    pub splits: u32,
}

/// Features by gain, largest first.
pub fn importance(model: &GbdtModel) -> Vec<Importance> {
    let all = model.feature_importance();
    let total: f64 = all.iter().map(|f| f.gain).sum();
    let mut out: Vec<Importance> = all
        .into_iter()
        .map(|f| Importance {
            feature: f.name,
            gain_share: if total > 0.0 { f.gain / total } else { 0.0 },
            splits: f.splits,
        })
        .collect();
    out.sort_by(|a, b| b.gain_share.total_cmp(&a.gain_share));
    out
}
