//! The forests of a run, planned: which products get one (those with enough take-ups in the
//! training month pair), the shared bytes and one job each ([`crate::pool::Fits`]), and the
//! kind of fit a worker runs them with ([`TAKE_UP_FOREST`]). Use cases 3.1 and 3.2 both plan
//! their forests here, so that they fit the same ones.

use std::any::Any;

use serde::Serialize;
use serde_json::Value;

use super::fits::{fit_product, FitJob, FitSettings, ProductFit, TakeUpData};
use super::{SantanderStore, PRODUCTS, PRODUCT_LABELS};
use crate::pool::{FitKind, Fits, Shared};
use crate::UseCaseError;

/// The take-up forest of one product on the last three months of a Santander file.
pub static TAKE_UP_FOREST: FitKind = FitKind {
    name: "santander-take-up-forest",
    load,
    run,
};

fn load(bytes: &[u8]) -> Result<Shared, UseCaseError> {
    Ok(Box::new(TakeUpData::from_bytes(bytes)?))
}

fn run(shared: &(dyn Any + Send + Sync), job: &Value) -> Result<Vec<u8>, UseCaseError> {
    let data = shared
        .downcast_ref::<TakeUpData>()
        .ok_or_else(|| UseCaseError::Input("a forest job was given other data".into()))?;
    let job: FitJob = serde_json::from_value(job.clone())
        .map_err(|e| UseCaseError::Input(format!("a forest job is damaged: {e}")))?;
    Ok(fit_product(data, &job)?.to_bytes())
}

/// A product left without a forest, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    /// Its column.
    pub product: String,
    /// Its readable label.
    pub label: String,
    /// Take-ups in the training month pair.
    pub positives_train: usize,
    /// Take-ups in the held-out month pair.
    pub positives_valid: usize,
}

/// The forests to fit.
#[derive(Debug)]
pub struct ForestPlan {
    /// What they are fitted from.
    pub data: TakeUpData,
    /// The fits, one job per product in `products`.
    pub fits: Fits,
    /// The product of each job.
    pub products: Vec<usize>,
    /// Products asked for but left without a forest.
    pub skipped: Vec<Skipped>,
}

impl ForestPlan {
    /// Plans a forest for each of `wanted` (all products when empty) with at least
    /// `min_take_ups` take-ups in the training pair.
    pub fn new(
        store: &SantanderStore,
        settings: &FitSettings,
        wanted: &[usize],
        min_take_ups: usize,
    ) -> Result<ForestPlan, UseCaseError> {
        let data = TakeUpData::of(store)?;
        let all: Vec<usize> = (0..PRODUCTS.len()).collect();
        let wanted = if wanted.is_empty() { &all } else { wanted };
        let mut products = Vec::new();
        let mut skipped = Vec::new();
        for &p in wanted {
            let (train, valid) = data.take_ups(p);
            // A forest needs take-ups to learn from (and at least two to split them).
            if train >= min_take_ups.max(2) {
                products.push(p);
            } else {
                skipped.push(Skipped {
                    product: PRODUCTS[p].into(),
                    label: PRODUCT_LABELS[p].into(),
                    positives_train: train,
                    positives_valid: valid,
                });
            }
        }
        let jobs = products
            .iter()
            .map(|&product| {
                serde_json::to_value(FitJob {
                    product,
                    settings: settings.clone(),
                })
                .unwrap_or_default()
            })
            .collect();
        let fits = Fits {
            kind: TAKE_UP_FOREST.name,
            shared: data.to_bytes(),
            jobs,
            labels: products.iter().map(|&p| PRODUCTS[p].to_string()).collect(),
        };
        Ok(ForestPlan {
            data,
            fits,
            products,
            skipped,
        })
    }

    /// Reads the fits' results (in job order).
    pub fn collect(&self, results: &[Vec<u8>]) -> Result<Vec<ProductFit>, UseCaseError> {
        if results.len() != self.products.len() {
            return Err(UseCaseError::Input(format!(
                "{} forests were planned, {} came back",
                self.products.len(),
                results.len()
            )));
        }
        results.iter().map(|r| ProductFit::from_bytes(r)).collect()
    }
}

/// The products named in `names` (columns), or an error naming the unknown one.
pub fn products_named(names: &[String]) -> Result<Vec<usize>, UseCaseError> {
    names
        .iter()
        .map(|name| {
            super::product_index(name.trim()).ok_or_else(|| {
                UseCaseError::param(
                    "products",
                    format!(
                        "no product column {name}; the products are {}",
                        PRODUCTS.join(", ")
                    ),
                )
            })
        })
        .collect()
}
