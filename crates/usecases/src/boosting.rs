//! What the use cases that boost trees share: the learner's errors in the pipelines' type (a
//! parameter named as the page's form names it), and what a model leans on (each feature's
//! total split gain and split count, largest first, also as a CSV download).

use std::io::{self, Write};

use learn::gbdt::{FeatureImportance, GbdtError};
use serde::Serialize;

use crate::UseCaseError;

/// A learner's refusal, in the pipelines' error type.
pub fn model_error(error: GbdtError) -> UseCaseError {
    UseCaseError::Model(error.to_string())
}

/// A boosting parameter error, naming the parameter as the page's form does: `n_trees` is
/// `trees`, or `perProductTrees` under `prefix` `perProduct`.
pub fn gbdt_param_error(error: GbdtError, prefix: &str) -> UseCaseError {
    match error {
        GbdtError::InvalidParam { name, .. } => {
            let ours = match name {
                "n_trees" => "trees",
                "max_depth" => "depth",
                "max_leaves" => "leaves",
                "learning_rate" => "learningRate",
                "n_bins" => "bins",
                "min_child_weight" => "minChildWeight",
                "colsample_bytree" => "featureFraction",
                other => other,
            };
            let name = if prefix.is_empty() {
                ours.to_string()
            } else {
                let mut chars = ours.chars();
                let first = chars.next().map(|c| c.to_ascii_uppercase());
                format!("{prefix}{}{}", first.unwrap_or_default(), chars.as_str())
            };
            UseCaseError::param(&name, error.to_string())
        }
        other => model_error(other),
    }
}

/// A feature's share of the model's total split gain.
#[derive(Debug, Clone, Serialize)]
pub struct Importance {
    /// Feature name.
    pub feature: String,
    /// Total gain of the splits on this feature.
    pub gain: f64,
    /// Number of splits on this feature.
    pub splits: u64,
}

/// A model's features (`feature_importance()` of a trained or a loaded model) by total gain,
/// largest first.
pub fn importance(features: Vec<FeatureImportance>) -> Vec<Importance> {
    let mut importance: Vec<Importance> = features
        .into_iter()
        .map(|f| Importance {
            feature: f.name,
            gain: f.gain,
            splits: u64::from(f.splits),
        })
        .collect();
    importance.sort_by(|a, b| b.gain.total_cmp(&a.gain));
    importance
}

/// Writes `feature,gain,gain_share,splits`, one line per feature.
pub fn write_importance_csv(importance: &[Importance], out: &mut dyn Write) -> io::Result<()> {
    let total: f64 = importance.iter().map(|i| i.gain).sum();
    writeln!(out, "feature,gain,gain_share,splits")?;
    for i in importance {
        let share = if total > 0.0 { i.gain / total } else { 0.0 };
        writeln!(
            out,
            "{},{},{share:.6},{}",
            tabular::write::escape_cell(&i.feature, true),
            i.gain,
            i.splits
        )?;
    }
    Ok(())
}
