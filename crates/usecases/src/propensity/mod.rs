//! Use case 3.1: will this customer take product P up next month? One random forest per product
//! (`learn::forest`: balanced bootstrap against the rarity of take-ups, probabilities calibrated
//! back to the true rate), trained on the take-ups from the third-last month of Santander's file
//! to the second-last, judged on the take-ups from the second-last to the last beside the
//! product's take-up rate in the customer's segment, and explained by rules ("age <= 24 and
//! segmento = 03 - UNIVERSITARIO -> 12 % take-up, 8 times the base rate") and feature
//! importance. The last month's customers are scored for a campaign.
//!
//! The forests are independent fits ([`crate::pool`]): the page fits them on a pool of workers,
//! the command line on rayon's threads; [`run`] fits them here.

mod report;

use std::io::Write;

use learn::forest::{
    CalibrationMethod, Criterion, ForestParams, MaxFeatures, RuleParams, Sampling,
};
use serde::Deserialize;
use serde_json::Value;

use crate::contract::{
    question_args, report_json, unknown_download, unknown_question, Download, Fitted, UseCase,
};
use crate::params::Check;
use crate::pool::{run_here, Fits, Plan, Pooled};
use crate::progress::{Clock, OnProgress};
use crate::santander::fits::{FitSettings, ProductFit};
use crate::santander::plan::{products_named, ForestPlan};
use crate::santander::{read, Month, SantanderStore, PRODUCTS, PRODUCT_LABELS};
use crate::{Tables, UseCaseError};
pub use report::{
    CampaignRow, CampaignSelection, MonthCount, ProductReport, PropensityReport, Seconds,
    TakeUpCounts,
};

crate::params! {
    /// What the user can choose. The forest's defaults are the rare-event setting measured in
    /// BENCHMARKS.md.
    pub struct PropensityParams {
        /// Product columns to fit (comma-separated); none: every product with enough take-ups.
        pub products: Vec<String> = Vec::new(),
        /// Trees per forest.
        pub trees: usize = 100,
        /// Depth limit of each tree (none: grown until its leaves are pure or too small).
        pub max_depth: Option<u32> = None,
        /// Fewest customers (drawn by the bootstrap) in a leaf.
        pub min_samples_leaf: u32 = 20,
        /// Features each split chooses from: sqrt, log2, all, a share (0.3) or a count (8).
        pub max_features: String = "sqrt".to_string(),
        /// Impurity a split reduces: gini or entropy.
        pub criterion: Criterion = Criterion::Gini,
        /// Balanced bootstrap: customers without a take-up drawn per take-up in each tree (0:
        /// Breiman's plain bootstrap).
        pub negatives_per_positive: f64 = 1.0,
        /// Probability at or above which a customer is predicted to take the product up (none:
        /// the threshold of best F1 on the training month's out-of-bag probabilities).
        pub threshold: Option<f64> = None,
        /// Fewest take-ups in the training month for a product to get a forest, and in the last
        /// month for its evaluation to be reported.
        pub min_take_ups: usize = 30,
        /// Rules shown per product.
        pub rules: usize = 10,
        /// Most conditions in a rule.
        pub rule_conditions: u32 = 3,
        /// Smallest share of the customers a rule covers.
        pub rule_support: f64 = 0.01,
        /// Held-out customers the permutation importance is measured on: every take-up up to a quarter of
        /// them and three customers without one per take-up (0: not measured).
        pub permutation_rows: usize = 4_000,
        /// Seed of the bootstraps and feature draws.
        pub seed: u64 = 0,
    }
}

impl PropensityParams {
    /// How each forest is fitted and judged.
    pub fn settings(&self) -> Result<FitSettings, UseCaseError> {
        Ok(FitSettings {
            forest: ForestParams {
                n_trees: self.trees,
                criterion: self.criterion,
                max_features: max_features(&self.max_features)?,
                max_depth: self.max_depth,
                min_samples_leaf: self.min_samples_leaf,
                sampling: if self.negatives_per_positive == 0.0 {
                    Sampling::Bootstrap
                } else {
                    Sampling::Balanced {
                        negatives_per_positive: self.negatives_per_positive,
                    }
                },
                oob: true,
                calibration: CalibrationMethod::PriorShiftThenOobPlatt,
                seed: self.seed,
                ..ForestParams::default()
            },
            rules: RuleParams {
                max_conditions: self.rule_conditions,
                min_support: self.rule_support,
                max_rules: self.rules,
                ..RuleParams::default()
            },
            threshold: self.threshold,
            permutation_rows: self.permutation_rows,
        })
    }
}

/// `sqrt`, `log2`, `all`, a share in (0, 1) or a count.
fn max_features(text: &str) -> Result<MaxFeatures, UseCaseError> {
    let bad = || {
        UseCaseError::param(
            "maxFeatures",
            format!("\"{text}\": give sqrt, log2, all, a share such as 0.3 or a count such as 8"),
        )
    };
    Ok(match text.trim() {
        "sqrt" => MaxFeatures::Sqrt,
        "log2" => MaxFeatures::Log2,
        "all" => MaxFeatures::All,
        other => {
            let v: f64 = other.parse().map_err(|_| bad())?;
            if v > 0.0 && v < 1.0 {
                MaxFeatures::Share(v)
            } else if v >= 1.0 && v.fract() == 0.0 {
                MaxFeatures::Count(v as usize)
            } else {
                return Err(bad());
            }
        }
    })
}

impl Check for PropensityParams {
    fn check(&self) -> Result<(), UseCaseError> {
        if !(1..=2000).contains(&self.trees) {
            return Err(UseCaseError::param("trees", "1 to 2000 trees"));
        }
        if self.max_depth.is_some_and(|d| !(1..=64).contains(&d)) {
            return Err(UseCaseError::param("maxDepth", "1 to 64, or none"));
        }
        if self.min_samples_leaf == 0 {
            return Err(UseCaseError::param("minSamplesLeaf", "at least 1"));
        }
        if !(self.negatives_per_positive.is_finite() && self.negatives_per_positive >= 0.0) {
            return Err(UseCaseError::param(
                "negativesPerPositive",
                "a number >= 0 (0: plain bootstrap)",
            ));
        }
        if self.threshold.is_some_and(|t| !(t > 0.0 && t < 1.0)) {
            return Err(UseCaseError::param("threshold", "a probability in (0, 1)"));
        }
        if self.min_take_ups == 0 {
            return Err(UseCaseError::param("minTakeUps", "at least 1"));
        }
        if self.rules > 100 {
            return Err(UseCaseError::param("rules", "at most 100"));
        }
        if !(1..=5).contains(&self.rule_conditions) {
            return Err(UseCaseError::param("ruleConditions", "1 to 5"));
        }
        if !(self.rule_support > 0.0 && self.rule_support <= 1.0) {
            return Err(UseCaseError::param("ruleSupport", "a share in (0, 1]"));
        }
        products_named(&self.products)?;
        self.settings()?;
        Ok(())
    }
}

/// The planned forests of a propensity run.
pub struct PropensityPlan {
    forests: ForestPlan,
    params: PropensityParams,
    months: Vec<MonthCount>,
    take_ups: Vec<TakeUpCounts>,
    file: String,
    store_bytes: u64,
    clock: Clock,
    read_seconds: f64,
    plan_seconds: f64,
}

/// Plans the forests of `store` (read in `read_seconds`).
pub fn plan_store(
    store: &SantanderStore,
    params: &PropensityParams,
    read_seconds: f64,
) -> Result<PropensityPlan, UseCaseError> {
    params.check()?;
    let clock = Clock::start();
    let wanted = products_named(&params.products)?;
    let forests = ForestPlan::new(store, &params.settings()?, &wanted, params.min_take_ups)?;
    let take_ups = store.take_ups();
    Ok(PropensityPlan {
        months: store
            .months
            .iter()
            .map(|m| MonthCount {
                date: m.date(),
                customers: m.len(),
            })
            .collect(),
        take_ups: store
            .months
            .windows(2)
            .zip(take_ups)
            .map(|(pair, counts)| TakeUpCounts {
                from: pair[0].date(),
                to: pair[1].date(),
                counts: counts.to_vec(),
            })
            .collect(),
        file: store.file.clone(),
        store_bytes: store.bytes(),
        forests,
        params: params.clone(),
        plan_seconds: clock.lap(),
        clock,
        read_seconds,
    })
}

impl Plan for PropensityPlan {
    type Fitted = Propensity;

    fn fits(&self) -> &Fits {
        &self.forests.fits
    }

    fn finish(
        self,
        results: Vec<Vec<u8>>,
        on_progress: OnProgress<'_>,
    ) -> Result<Propensity, UseCaseError> {
        let fit_seconds = self.clock.lap();
        crate::contract::stage(on_progress, "report", 0.97)?;
        let fits = self.forests.collect(&results)?;
        drop(results);
        let last: &Month = &self.forests.data.months[2];
        let products: Vec<ProductReport> = fits
            .iter()
            .map(|f| ProductReport::of(&f.metrics, self.params.min_take_ups))
            .collect();
        let mut scores: Vec<Option<Vec<f32>>> = vec![None; PRODUCTS.len()];
        for ProductFit {
            metrics,
            campaign_scores,
            ..
        } in fits
        {
            scores[metrics.index] = Some(campaign_scores);
        }
        let dates: Vec<String> = self.forests.data.months.iter().map(Month::date).collect();
        let report = PropensityReport {
            file: self.file,
            months: self.months,
            take_ups: self.take_ups,
            train_month: dates[0].clone(),
            valid_month: dates[1].clone(),
            last_month: dates[2].clone(),
            customers_train: self.forests.data.train.len(),
            customers_valid: self.forests.data.valid.len(),
            customers_last: last.len(),
            products,
            skipped: self.forests.skipped,
            trees: self.params.trees,
            store_bytes: self.store_bytes,
            seconds: Seconds {
                read: self.read_seconds,
                plan: self.plan_seconds,
                fit: fit_seconds,
                total: self.read_seconds + self.clock.total(),
            },
        };
        let default_product = report.products.first().map(|p| p.index);
        let mut fitted = Propensity {
            report,
            ids: last.ids.clone(),
            holdings: last.products.clone(),
            scores,
            campaign: None,
        };
        if let Some(p) = default_product {
            fitted.campaign = Some(fitted.select(p, Some(0.01), None, None)?);
        }
        Ok(fitted)
    }
}

/// A finished propensity run: the report, and the last month's customers with their scores.
#[derive(Debug, Clone)]
pub struct Propensity {
    /// What the page and the command line show.
    pub report: PropensityReport,
    ids: Vec<u32>,
    holdings: Vec<u32>,
    /// Per product (by index), the last month's customers' take-up probabilities (NaN where
    /// held); `None` for a product without a forest.
    scores: Vec<Option<Vec<f32>>>,
    campaign: Option<CampaignSelection>,
}

/// The arguments of the `campaign` question: a product, and a share, a count or a threshold.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CampaignQuestion {
    product: String,
    #[serde(default)]
    share: Option<f64>,
    #[serde(default)]
    top: Option<usize>,
    #[serde(default)]
    threshold: Option<f64>,
}

/// The arguments of the `customer` and `product` questions.
#[derive(Debug, Deserialize)]
struct Key<T> {
    #[serde(alias = "id", alias = "product")]
    key: T,
}

impl Propensity {
    fn product(&self, name: &str) -> Result<usize, UseCaseError> {
        let p = products_named(&[name.to_string()])?[0];
        if self.scores[p].is_none() {
            return Err(UseCaseError::Unavailable(format!(
                "{name} has no forest in this run (too few take-ups, or not asked for)"
            )));
        }
        Ok(p)
    }

    /// The customers to target for product `p`: the highest scored who do not hold it, a
    /// `share` of them, the `top` N, or those at or above `threshold` (one of the three).
    pub fn select(
        &self,
        p: usize,
        share: Option<f64>,
        top: Option<usize>,
        threshold: Option<f64>,
    ) -> Result<CampaignSelection, UseCaseError> {
        let scores = self.scores[p].as_ref().ok_or_else(|| {
            UseCaseError::Unavailable(format!("{} has no forest in this run", PRODUCTS[p]))
        })?;
        let mut order: Vec<u32> = (0..scores.len() as u32)
            .filter(|&r| !scores[r as usize].is_nan())
            .collect();
        order.sort_by(|&a, &b| {
            scores[b as usize]
                .total_cmp(&scores[a as usize])
                .then(self.ids[a as usize].cmp(&self.ids[b as usize]))
        });
        let eligible = order.len();
        let n = match (share, top, threshold) {
            (Some(s), None, None) if s > 0.0 && s <= 1.0 => {
                ((s * eligible as f64).round() as usize).clamp(1, eligible.max(1))
            }
            (None, Some(k), None) if k > 0 => k.min(eligible),
            (None, None, Some(t)) if t > 0.0 && t < 1.0 => order
                .iter()
                .take_while(|&&r| f64::from(scores[r as usize]) >= t)
                .count(),
            _ => {
                return Err(UseCaseError::param(
                    "campaign",
                    "give one of share (0 to 1], top (at least 1) or threshold (0 to 1)",
                ))
            }
        };
        order.truncate(n.min(eligible));
        let expected: f64 = order.iter().map(|&r| f64::from(scores[r as usize])).sum();
        Ok(CampaignSelection {
            product: PRODUCTS[p].into(),
            label: PRODUCT_LABELS[p].into(),
            eligible,
            customers: order.len(),
            expected_take_ups: expected,
            lowest_probability: order.last().map(|&r| f64::from(scores[r as usize])),
            rows: order,
            share,
            top,
            threshold,
        })
    }

    fn write_campaign(&self, out: &mut dyn Write) -> Result<(), UseCaseError> {
        let Some(selection) = &self.campaign else {
            return Err(UseCaseError::Unavailable(
                "no campaign chosen: ask for one (product and share, top or threshold)".into(),
            ));
        };
        let p = self.product(&selection.product)?;
        let scores = self.scores[p]
            .as_ref()
            .expect("selected products have scores");
        writeln!(out, "rank,ncodpers,product,probability")?;
        for (rank, &r) in selection.rows.iter().enumerate() {
            writeln!(
                out,
                "{},{},{},{:.6}",
                rank + 1,
                self.ids[r as usize],
                selection.product,
                scores[r as usize]
            )?;
        }
        Ok(())
    }

    fn write_scores(&self, out: &mut dyn Write) -> Result<(), UseCaseError> {
        let fitted: Vec<usize> = (0..PRODUCTS.len())
            .filter(|&p| self.scores[p].is_some())
            .collect();
        write!(out, "ncodpers")?;
        for &p in &fitted {
            write!(out, ",{}", PRODUCTS[p])?;
        }
        writeln!(out)?;
        let mut line = String::new();
        for (r, id) in self.ids.iter().enumerate() {
            line.clear();
            line.push_str(&id.to_string());
            for &p in &fitted {
                let s = self.scores[p].as_ref().expect("fitted")[r];
                line.push(',');
                if !s.is_nan() {
                    line.push_str(&format!("{s:.6}"));
                }
            }
            writeln!(out, "{line}")?;
        }
        Ok(())
    }

    /// One customer of the last month: what they hold and their probability of taking up each
    /// product they do not hold.
    pub fn customer(&self, id: u32) -> Result<Value, UseCaseError> {
        let r = self.ids.binary_search(&id).map_err(|_| {
            UseCaseError::Unavailable(format!(
                "customer {id} is not in the last month ({})",
                self.report.last_month
            ))
        })?;
        let held = self.holdings[r];
        let propensities: Vec<Value> = (0..PRODUCTS.len())
            .filter_map(|p| {
                let s = self.scores[p].as_ref()?[r];
                (!s.is_nan()).then(|| {
                    serde_json::json!({
                        "product": PRODUCTS[p],
                        "label": PRODUCT_LABELS[p],
                        "probability": s,
                    })
                })
            })
            .collect();
        Ok(serde_json::json!({
            "id": id,
            "holds": crate::santander::items(held).map(|p| PRODUCTS[p]).collect::<Vec<_>>(),
            "propensities": propensities,
        }))
    }
}

impl Fitted for Propensity {
    fn report(&self) -> Value {
        report_json(&self.report)
    }

    /// `product` `{product}`: one product's report in full; `campaign` `{product, share | top
    /// | threshold}`: the customers to target (the first 50 shown, the download writes all);
    /// `customer` `{id}`: a customer's holdings and propensities.
    fn ask(&mut self, question: &str, args: &Value) -> Result<Value, UseCaseError> {
        match question {
            "product" => {
                let q: Key<String> = question_args(question, args)?;
                let p = self.product(&q.key)?;
                let report = self.report.products.iter().find(|r| r.index == p);
                Ok(report_json(&report))
            }
            "campaign" => {
                let q: CampaignQuestion = question_args(question, args)?;
                let p = self.product(&q.product)?;
                let selection = self.select(p, q.share, q.top, q.threshold)?;
                let scores = self.scores[p].as_ref().expect("selected");
                let shown: Vec<CampaignRow> = selection
                    .rows
                    .iter()
                    .take(50)
                    .map(|&r| CampaignRow {
                        ncodpers: self.ids[r as usize],
                        probability: f64::from(scores[r as usize]),
                    })
                    .collect();
                let mut answer = report_json(&selection);
                answer["first"] = report_json(&shown);
                self.campaign = Some(selection);
                Ok(answer)
            }
            "customer" => {
                let q: Key<u32> = question_args(question, args)?;
                self.customer(q.key)
            }
            _ => Err(unknown_question(question)),
        }
    }

    fn downloads(&self) -> Vec<Download> {
        vec![
            Download::csv("metrics", "propensity_metrics.csv"),
            Download::csv("rules", "propensity_rules.csv"),
            Download::csv("importance", "propensity_importance.csv"),
            Download::csv("campaign", "campaign.csv"),
            Download::csv("scores", "propensity_scores.csv"),
            Download::json("report", "propensity_report.json"),
        ]
    }

    fn download(&self, key: &str, out: &mut dyn Write) -> Result<(), UseCaseError> {
        match key {
            "metrics" => report::write_metrics(&self.report, out)?,
            "rules" => report::write_rules(&self.report, out)?,
            "importance" => report::write_importance(&self.report, out)?,
            "campaign" => self.write_campaign(out)?,
            "scores" => self.write_scores(out)?,
            "report" => out.write_all(self.report().to_string().as_bytes())?,
            _ => return Err(unknown_download("a propensity run", key)),
        }
        Ok(())
    }
}

/// Use case 3.1 as the catalogue runs it.
pub struct PropensityForests;

impl UseCase for PropensityForests {
    const NAME: &'static str = "propensity";
    type Params = PropensityParams;
    type Inputs<'a> = read::Source<'a>;
    type Fitted = Propensity;

    fn inputs<'a>(
        tables: &'a dyn Tables,
        _params: &PropensityParams,
    ) -> Result<read::Source<'a>, UseCaseError> {
        read::Source::of(tables, Self::NAME)
    }

    fn run(
        inputs: read::Source<'_>,
        params: &PropensityParams,
        on_progress: OnProgress<'_>,
    ) -> Result<Propensity, UseCaseError> {
        let plan = Self::plan(inputs, params, on_progress)?;
        run_here(plan, on_progress)
    }
}

impl Pooled for PropensityForests {
    type Plan = PropensityPlan;

    fn plan(
        inputs: read::Source<'_>,
        params: &PropensityParams,
        on_progress: OnProgress<'_>,
    ) -> Result<PropensityPlan, UseCaseError> {
        params.check()?;
        let (store, read_seconds) = read::for_plan(inputs, on_progress)?;
        plan_store(&store, params, read_seconds)
    }
}

#[cfg(test)]
mod tests;
