//! Use case 4.2: which products a customer has bought will be in its next order. One pooled
//! gradient-boosted binary classifier over every candidate (user, product) pair, beside one
//! classifier per frequently bought product (what the business asked for), both scored on the
//! same held-out users; the better one is the default. The threshold maximises F1 over the
//! validation pairs; the baseline picks the products the user reordered in its last order.

use std::io::Write;

use learn::gbdt::{GbdtModel, GbdtParams, Objective};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::candidates::{build, Candidates};
use super::history::NONE;
use super::input::{Instacart, InstacartTables, EVAL_SETS, TEST};
use super::metrics::{class_scores, pick_scores, threshold_curve, ClassScores, ThresholdPoint};
use super::next_order::{check_share, EXAMPLES};
use super::split::{split_users, Side};
use super::training::{predict_each, train, train_in, Span};
use crate::boosting::{gbdt_param_error, importance, write_importance_csv, Importance};
use crate::contract::{question_args, report_json, unknown_question, Download, Fitted, UseCase};
use crate::params::Check;
use crate::progress::{report, Clock, OnProgress, Progress};
use crate::{Tables, UseCaseError};

crate::params! {
    /// What the user can choose for 4.2.
    pub struct ReorderParams {
        /// Share of the customers with a train order held out for validation: scored, never
        /// trained on.
        pub valid_share: f64 = 0.2,
        /// Seed of the validation draw and of the rows that place the bin boundaries.
        pub seed: u64 = 42,
        /// Boosting rounds of the pooled model, one tree each.
        pub trees: usize = 200,
        /// Depth limit of the pooled model's trees.
        pub depth: u32 = 6,
        /// Shrinkage of each tree (both kinds of model).
        pub learning_rate: f64 = 0.1,
        /// Fewest pairs (hessian sum) on each side of a split (both kinds of model).
        pub min_child_weight: f64 = 5.0,
        /// Bins per feature, the missing-value bin included (2 to 256).
        pub bins: u32 = 256,
        /// How many of the most bought products also get a model of their own (0: none).
        pub per_product: usize = 20,
        /// Fewest training pairs (customers who bought it) for a product to get its own model.
        pub per_product_min_pairs: usize = 200,
        /// Boosting rounds of each product's model.
        pub per_product_trees: usize = 100,
        /// Depth limit of each product's model.
        pub per_product_depth: u32 = 4,
    }
}

impl ReorderParams {
    /// The pooled model's boosting settings.
    pub fn gbdt(&self) -> GbdtParams {
        GbdtParams {
            objective: Objective::Logistic,
            n_trees: self.trees,
            max_depth: self.depth,
            learning_rate: self.learning_rate,
            min_child_weight: self.min_child_weight,
            n_bins: self.bins,
            seed: self.seed,
            ..GbdtParams::default()
        }
    }

    /// Each product's model's boosting settings.
    pub fn per_product_gbdt(&self) -> GbdtParams {
        GbdtParams {
            n_trees: self.per_product_trees,
            max_depth: self.per_product_depth,
            ..self.gbdt()
        }
    }
}

impl Check for ReorderParams {
    fn check(&self) -> Result<(), UseCaseError> {
        check_share(self.valid_share)?;
        self.gbdt().check().map_err(|e| gbdt_param_error(e, ""))?;
        self.per_product_gbdt()
            .check()
            .map_err(|e| gbdt_param_error(e, "perProduct"))
    }
}

/// Which model the predictions come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelChoice {
    /// One model over every pair.
    Pooled,
    /// A model per frequent product, the pooled model for the other products.
    PerProduct,
}

/// One frequent product's own model against the pooled model, on its validation pairs.
#[derive(Debug, Clone, Serialize)]
pub struct ProductComparison {
    /// `product_id`.
    pub product_id: u32,
    /// Its name, when products.csv was given.
    pub name: Option<String>,
    /// Training pairs (fit users who bought it).
    pub pairs_fit: usize,
    /// Validation pairs.
    pub pairs_valid: usize,
    /// Validation pairs in the next order.
    pub positives_valid: usize,
    /// AUC of the pooled model on these pairs.
    pub auc_pooled: f64,
    /// AUC of the product's own model.
    pub auc_own: f64,
    /// Log loss of the pooled model.
    pub logloss_pooled: f64,
    /// Log loss of the product's own model.
    pub logloss_own: f64,
}

/// Per-product models against the pooled model.
#[derive(Debug, Clone, Serialize)]
pub struct PerProductReport {
    /// Each product with its own model.
    pub products: Vec<ProductComparison>,
    /// Validation pairs of those products.
    pub pairs_valid: usize,
    /// Log loss of the pooled model over those pairs.
    pub logloss_pooled: f64,
    /// Log loss of the own models over those pairs.
    pub logloss_own: f64,
    /// Scores over every validation pair with the own models where they exist.
    pub combined: ClassScores,
}

/// A product's expected place in the next orders, for stocking.
#[derive(Debug, Clone, Serialize)]
pub struct ProductDemand {
    /// `product_id`.
    pub product_id: u32,
    /// Its name, when products.csv was given.
    pub name: Option<String>,
    /// Sum of reorder probabilities over the users predicted out of sample (validation and
    /// test users): the expected number of their next orders holding it.
    pub expected_orders: f64,
    /// Of those users, how many have it in their predicted basket.
    pub predicted_in: u32,
}

/// Where the time went, in seconds.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Seconds {
    /// Typing and checking the files, ordering each user's orders.
    pub read: f64,
    /// Building the candidate pairs and their features.
    pub features: f64,
    /// Training the pooled model.
    pub train: f64,
    /// Predicting every pair.
    pub predict: f64,
    /// Training and scoring the per-product models.
    pub per_product: f64,
    /// The whole run.
    pub total: f64,
}

/// What a 4.2 run reports.
#[derive(Debug, Clone, Serialize)]
pub struct ReorderReport {
    /// The default model's scores on the validation users: `f1` over every candidate pair of
    /// those users at the threshold that maximises it, `mean_user_f1` beside it.
    pub metrics: ClassScores,
    /// The baseline: the products the user reordered in its last order.
    pub baseline: ClassScores,
    /// Another baseline: every product of the user's last order.
    pub baseline_last_order: ClassScores,
    /// The default model's threshold (a pair is predicted at or above it).
    pub threshold: f64,
    /// The default model's precision, recall and F1 over the validation pairs at thresholds
    /// 0, 0.01, ..., 1.
    pub threshold_curve: Vec<ThresholdPoint>,
    /// Candidate pairs (users with a train or test order).
    pub pairs: usize,
    /// Pairs fitted on.
    pub pairs_fit: usize,
    /// Pairs scored.
    pub pairs_valid: usize,
    /// Users fitted on.
    pub users_fit: usize,
    /// Users scored.
    pub users_valid: usize,
    /// Users whose next order is `test`: predicted, never scored.
    pub users_test: usize,
    /// Share of validation pairs in the next order.
    pub positive_share: f64,
    /// The default model.
    pub default_model: ModelChoice,
    /// The pooled model's scores.
    pub pooled: ClassScores,
    /// The per-product comparison, when asked for and some product qualifies.
    pub per_product: Option<PerProductReport>,
    /// Feature names.
    pub features: Vec<String>,
    /// The pooled model's features by gain.
    pub importance: Vec<Importance>,
    /// Products by expected reorders, most first (the first 50).
    pub top_products: Vec<ProductDemand>,
    /// Whether product names come from products.csv.
    pub named: bool,
    /// A few validation users to look up first, in id order.
    pub examples: Vec<u32>,
    /// Trees of the pooled model.
    pub trees: usize,
    /// Where the time went.
    pub seconds: Seconds,
}

/// One product of a predicted basket.
#[derive(Debug, Clone, Serialize)]
pub struct BasketItem {
    /// `product_id`.
    pub product_id: u32,
    /// Its name, when products.csv was given.
    pub name: Option<String>,
    /// Probability that it is in the next order.
    pub probability: f64,
    /// Whether it is in the predicted basket (probability at or above the threshold).
    pub predicted: bool,
    /// Whether it is in the actual next order (train users).
    pub actual: Option<bool>,
}

/// A product of the next order never bought before.
#[derive(Debug, Clone, Serialize)]
pub struct NewProduct {
    /// `product_id`.
    pub product_id: u32,
    /// Its name, when products.csv was given.
    pub name: Option<String>,
}

/// A customer's predicted next basket against the actual one.
#[derive(Debug, Clone, Serialize)]
pub struct Basket {
    /// `user_id`.
    pub user_id: u32,
    /// `order_id` of the next order.
    pub order_id: u32,
    /// `train` or `test`.
    pub eval_set: &'static str,
    /// Whether the user was held out (its prediction is out of sample).
    pub validation: bool,
    /// The threshold the basket is cut at.
    pub threshold: f64,
    /// Every product the user bought before, most probable first.
    pub items: Vec<BasketItem>,
    /// Products of the actual next order never bought before (train users): no model can
    /// predict them from the history.
    pub new_products: Vec<NewProduct>,
}

/// A finished 4.2 run: the report, the models, and per customer and candidate pair what the
/// lookups and downloads need (compact: 9 bytes a pair).
#[derive(Debug, Clone)]
pub struct Reorder {
    /// What the page and the command line show first.
    pub report: ReorderReport,
    /// The pooled model.
    pub model: GbdtModel,
    /// The per-product models, by product id.
    pub product_models: Vec<(u32, GbdtModel)>,
    /// `user_id` of each user slot, ascending.
    user_id: Vec<u32>,
    /// `order_id` of each user's next order (0 without one).
    next_order: Vec<u32>,
    /// `eval_set` code of each user's next order, `u8::MAX` without one.
    next_set: Vec<u8>,
    /// Side of each user.
    sides: Vec<Side>,
    /// Slot `u`'s pairs are `pair_start[u]..pair_start[u + 1]`.
    pair_start: Vec<u32>,
    /// Product of each pair.
    product: Vec<u32>,
    /// The default model's probability for each pair (NaN for the fitted customers' pairs).
    probability: Vec<f32>,
    /// Label of each pair (0 for test users).
    label: Vec<u8>,
    /// Slot `u`'s new products are `new_products[new_start[u]..new_start[u + 1]]`.
    new_start: Vec<u32>,
    new_products: Vec<u32>,
    /// Product names by id, when products.csv was given.
    names: Option<Vec<String>>,
    /// Expected orders and predicted baskets holding each product id (out-of-sample users).
    demand: Vec<(f64, u32)>,
}

impl Reorder {
    /// The name of product `p`, if products.csv lists it.
    pub fn name(&self, p: u32) -> Option<String> {
        let names = self.names.as_ref()?;
        names.get(p as usize).filter(|n| !n.is_empty()).cloned()
    }

    fn is_predicted(&self, i: usize) -> bool {
        f64::from(self.probability[i]) >= self.report.threshold
    }

    fn pairs_of(&self, u: usize) -> std::ops::Range<usize> {
        self.pair_start[u] as usize..self.pair_start[u + 1] as usize
    }

    /// The user slots predicted out of sample (validation and test customers), in id order.
    fn predicted_users(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.user_id.len())
            .filter(|&u| self.next_set[u] != u8::MAX && self.sides[u] != Side::Fit)
    }

    /// Every candidate pair of the validation and test customers as CSV:
    /// `user_id,product_id,probability,predicted,actual,validation` (`actual` empty for test
    /// users). At full size, 7 M lines: the command line writes it.
    pub fn write_pairs_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(
            out,
            "user_id,product_id,probability,predicted,actual,validation"
        )?;
        for u in self.predicted_users() {
            self.write_user_pairs(u, true, out)?;
        }
        Ok(())
    }

    /// The validation users' pairs as CSV: `user_id,product_id,probability,predicted,actual`.
    pub fn write_validation_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "user_id,product_id,probability,predicted,actual")?;
        for u in self.predicted_users() {
            if self.sides[u] == Side::Valid {
                self.write_user_pairs(u, false, out)?;
            }
        }
        Ok(())
    }

    fn write_user_pairs(
        &self,
        u: usize,
        with_side: bool,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let is_test = self.next_set[u] == TEST;
        for i in self.pairs_of(u) {
            write!(
                out,
                "{},{},{:.4},{},",
                self.user_id[u],
                self.product[i],
                self.probability[i],
                u8::from(self.is_predicted(i))
            )?;
            if !is_test {
                write!(out, "{}", self.label[i])?;
            }
            if with_side {
                write!(out, ",{}", u8::from(self.sides[u] == Side::Valid))?;
            }
            writeln!(out)?;
        }
        Ok(())
    }

    /// Products as the competition writes a basket: ids separated by spaces, `None` for none.
    fn basket_text(products: impl Iterator<Item = u32>) -> String {
        let ids: Vec<String> = products.map(|p| p.to_string()).collect();
        if ids.is_empty() {
            "None".to_string()
        } else {
            ids.join(" ")
        }
    }

    /// Every validation and test customer's predicted next basket as CSV:
    /// `user_id,order_id,eval_set,validation,products,actual` (product ids separated by spaces,
    /// `None` for an empty basket; `actual` the reordered products of a train order, empty for
    /// test orders).
    pub fn write_baskets_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "user_id,order_id,eval_set,validation,products,actual")?;
        for u in self.predicted_users() {
            let range = self.pairs_of(u);
            let predicted = Self::basket_text(
                range
                    .clone()
                    .filter(|&i| self.is_predicted(i))
                    .map(|i| self.product[i]),
            );
            let actual = if self.next_set[u] == TEST {
                String::new()
            } else {
                Self::basket_text(
                    range
                        .filter(|&i| self.label[i] == 1)
                        .map(|i| self.product[i]),
                )
            };
            writeln!(
                out,
                "{},{},{},{},{predicted},{actual}",
                self.user_id[u],
                self.next_order[u],
                EVAL_SETS[self.next_set[u] as usize],
                u8::from(self.sides[u] == Side::Valid)
            )?;
        }
        Ok(())
    }

    /// The competition's submission for the test orders: `order_id,products`.
    pub fn write_submission_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "order_id,products")?;
        for u in self.predicted_users() {
            if self.next_set[u] == TEST {
                let basket = Self::basket_text(
                    self.pairs_of(u)
                        .filter(|&i| self.is_predicted(i))
                        .map(|i| self.product[i]),
                );
                writeln!(out, "{},{basket}", self.next_order[u])?;
            }
        }
        Ok(())
    }

    /// Every product by expected reorders, most first:
    /// `product_id,product_name,expected_orders,predicted_in`.
    pub fn write_stock_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "product_id,product_name,expected_orders,predicted_in")?;
        for p in products_by_demand(&self.demand, usize::MAX) {
            let (expected, predicted_in) = self.demand[p as usize];
            let name = self.name(p).unwrap_or_default();
            writeln!(
                out,
                "{p},{},{expected:.3},{predicted_in}",
                tabular::write::escape_cell(&name, true)
            )?;
        }
        Ok(())
    }

    /// The per-product comparison as CSV (nothing but the header without per-product models).
    pub fn write_per_product_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(
            out,
            "product_id,product_name,pairs_fit,pairs_valid,positives_valid,auc_pooled,auc_own,logloss_pooled,logloss_own"
        )?;
        for c in self.report.per_product.iter().flat_map(|p| &p.products) {
            writeln!(
                out,
                "{},{},{},{},{},{:.5},{:.5},{:.5},{:.5}",
                c.product_id,
                tabular::write::escape_cell(c.name.as_deref().unwrap_or(""), true),
                c.pairs_fit,
                c.pairs_valid,
                c.positives_valid,
                c.auc_pooled,
                c.auc_own,
                c.logloss_pooled,
                c.logloss_own
            )?;
        }
        Ok(())
    }

    /// The basket of `user_id`, a validation or test customer; why not, for another.
    pub fn basket(&self, user_id: u32) -> Result<Basket, String> {
        let u = self
            .user_id
            .binary_search(&user_id)
            .map_err(|_| format!("user {user_id} is not in orders.csv"))?;
        if self.next_set[u] == u8::MAX {
            return Err(format!(
                "user {user_id}'s last order is a prior one: there is no next order to predict"
            ));
        }
        if self.sides[u] == Side::Fit {
            return Err(format!(
                "user {user_id} is one of the customers the model learnt from (its next order \
                 is known to it): look up a validation or test customer"
            ));
        }
        let is_test = self.next_set[u] == TEST;
        let mut items: Vec<BasketItem> = self
            .pairs_of(u)
            .map(|i| BasketItem {
                product_id: self.product[i],
                name: self.name(self.product[i]),
                probability: f64::from(self.probability[i]),
                predicted: self.is_predicted(i),
                actual: (!is_test).then_some(self.label[i] == 1),
            })
            .collect();
        items.sort_by(|a, b| b.probability.total_cmp(&a.probability));
        let new_products = self.new_products
            [self.new_start[u] as usize..self.new_start[u + 1] as usize]
            .iter()
            .map(|&p| NewProduct {
                product_id: p,
                name: self.name(p),
            })
            .collect();
        Ok(Basket {
            user_id,
            order_id: self.next_order[u],
            eval_set: EVAL_SETS[self.next_set[u] as usize],
            validation: self.sides[u] == Side::Valid,
            threshold: self.report.threshold,
            items,
            new_products,
        })
    }
}

/// Product ids with some expected demand, most expected first (ties by id), the first `limit`.
fn products_by_demand(demand: &[(f64, u32)], limit: usize) -> Vec<u32> {
    let mut top: Vec<u32> = (0..demand.len() as u32)
        .filter(|&p| demand[p as usize].0 > 0.0)
        .collect();
    top.sort_by(|&a, &b| {
        demand[b as usize]
            .0
            .total_cmp(&demand[a as usize].0)
            .then(a.cmp(&b))
    });
    top.truncate(limit);
    top
}

fn logloss(labels: &[bool], p: &[f64]) -> f64 {
    let sum: f64 = labels
        .iter()
        .zip(p)
        .map(|(&l, &p)| {
            let p = p.clamp(1e-7, 1.0 - 1e-7);
            -if l { p.ln() } else { (1.0 - p).ln() }
        })
        .sum();
    sum / labels.len() as f64
}

/// Reads the files, then runs 4.2 on them ([`run_on`]); `on_progress` hears `read` first.
pub fn run(
    inputs: InstacartTables<'_>,
    params: &ReorderParams,
    on_progress: OnProgress<'_>,
) -> Result<Reorder, UseCaseError> {
    params.check()?;
    super::memory::check(&super::memory::reorder_need(&inputs))?;
    let clock = Clock::start();
    let read = Span {
        stage: "read",
        from: 0.0,
        share: 0.05,
    };
    read.report(on_progress, 0, 1, None)?;
    let data = Instacart::read(inputs)?;
    read.report(on_progress, 1, 1, None)?;
    let seconds_read = clock.total();
    let mut fitted = run_on(&data, params, on_progress)?;
    fitted.report.seconds.read = seconds_read;
    fitted.report.seconds.total += seconds_read;
    Ok(fitted)
}

/// The per-product models: the products chosen, their training and validation rows.
struct PerProductRun {
    report: PerProductReport,
    models: Vec<(u32, GbdtModel)>,
    /// The validation probabilities with each chosen product's own model.
    combined: Vec<f64>,
}

/// Builds the candidates, trains the pooled and per-product models, scores them and the
/// baselines on the validation users, and predicts every candidate, on files already read.
/// Stages: `features` (users), `train` (trees), `predict` (pairs), `train_per_product` (trees
/// of every product's model).
pub fn run_on(
    data: &Instacart,
    params: &ReorderParams,
    on_progress: OnProgress<'_>,
) -> Result<Reorder, UseCaseError> {
    params.check()?;
    if data.train.is_none() {
        return Err(UseCaseError::MissingFile {
            use_case: ReorderUseCase::NAME,
            file: tabular::KnownFile::InstacartOrderProductsTrain,
        });
    }
    let clock = Clock::start();
    let history = &data.history;
    let features = Span {
        stage: "features",
        from: 0.05,
        share: 0.2,
    };
    features.report(on_progress, 0, history.n_users() as u64, None)?;
    let built = build(data, history, &mut |done, total| {
        features.report(on_progress, done, total, None).is_ok()
    });
    let mut c: Candidates = built.ok_or(UseCaseError::Cancelled)?;
    let sides = split_users(data, history, params.valid_share, params.seed);
    let side_of_pair = |i: usize| sides[c.user()[i] as usize];
    let fit_rows: Vec<u32> = (0..c.len() as u32)
        .filter(|&i| side_of_pair(i as usize) == Side::Fit)
        .collect();
    let valid_rows: Vec<u32> = (0..c.len() as u32)
        .filter(|&i| side_of_pair(i as usize) == Side::Valid)
        .collect();
    if fit_rows.is_empty() || valid_rows.is_empty() {
        return Err(UseCaseError::Input(format!(
            "{} has too few users with a train order to fit and validate on",
            data.orders.file
        )));
    }
    let seconds_features = clock.lap();
    let labels_of = |rows: &[u32]| -> Vec<f32> {
        rows.iter()
            .map(|&i| f32::from(c.label[i as usize]))
            .collect()
    };
    let model = train_in(
        &params.gbdt(),
        &c.table,
        &fit_rows,
        labels_of(&fit_rows),
        Span {
            stage: "train",
            from: 0.25,
            share: 0.45,
        },
        on_progress,
    )?;
    let seconds_train = clock.lap();

    // Pooled probabilities for the pairs of the customers predicted out of sample (validation
    // and test): the fitted customers' next orders are known, and their in-sample
    // probabilities would flatter the model. NaN marks a pair not predicted.
    let mut probability = vec![f32::NAN; c.len()];
    let every_pair: Vec<u32> = (0..c.len() as u32)
        .filter(|&i| side_of_pair(i as usize) != Side::Fit)
        .collect();
    predict_each(
        &model,
        &c.table,
        &every_pair,
        Some(Span {
            stage: "predict",
            from: 0.7,
            share: 0.1,
        }),
        on_progress,
        &mut |k, p| probability[every_pair[k] as usize] = p as f32,
    )?;
    drop(every_pair);
    let seconds_predict = clock.lap();

    // Validation users' pair ranges, in the order of `valid_rows`.
    let valid_users: Vec<usize> = (0..history.n_users())
        .filter(|&u| sides[u] == Side::Valid)
        .collect();
    let mut ranges = Vec::with_capacity(valid_users.len());
    let mut offset = 0;
    for &u in &valid_users {
        let n = c.pairs_of(u).len();
        ranges.push(offset..offset + n);
        offset += n;
    }
    let valid_labels: Vec<bool> = valid_rows
        .iter()
        .map(|&i| c.label[i as usize] == 1)
        .collect();
    let pooled_valid: Vec<f64> = valid_rows
        .iter()
        .map(|&i| f64::from(probability[i as usize]))
        .collect();
    let pooled = class_scores(&ranges, &valid_labels, &pooled_valid);
    let picks = |flags: &[u8]| -> Vec<bool> {
        valid_rows.iter().map(|&i| flags[i as usize] == 1).collect()
    };
    let baseline = pick_scores(&ranges, &valid_labels, &picks(&c.reordered_in_last_order));
    let baseline_last_order = pick_scores(&ranges, &valid_labels, &picks(&c.in_last_order));

    let name = |p: u32| {
        data.products
            .as_ref()
            .and_then(|ps| ps.name_of(p))
            .map(str::to_string)
    };
    let mut default_model = ModelChoice::Pooled;
    let mut metrics = pooled;
    let mut product_models = Vec::new();
    let mut per_product = None;
    if let Some(run) = per_product_models(
        data,
        params,
        &c,
        (&fit_rows, &valid_rows),
        (&valid_labels, &pooled_valid),
        &ranges,
        &name,
        on_progress,
    )? {
        if run.report.combined.f1 > pooled.f1 {
            default_model = ModelChoice::PerProduct;
            metrics = run.report.combined;
            // Every predicted pair of a chosen product takes its own model's probability.
            for (p, own) in &run.models {
                let rows: Vec<u32> = (0..c.len() as u32)
                    .filter(|&i| c.product()[i as usize] == *p && !probability[i as usize].is_nan())
                    .collect();
                predict_each(own, &c.table, &rows, None, on_progress, &mut |k, q| {
                    probability[rows[k] as usize] = q as f32
                })?;
            }
        }
        drop(run.combined);
        product_models = run.models;
        per_product = Some(run.report);
    }
    let seconds_per_product = clock.lap();

    // Expected reorders per product over the users predicted out of sample.
    let slots = data.product_slots();
    let mut demand = vec![(0f64, 0u32); slots];
    for (i, &q) in probability.iter().enumerate() {
        if !q.is_nan() {
            let d = &mut demand[c.product()[i] as usize];
            d.0 += f64::from(q);
            d.1 += u32::from(f64::from(q) >= metrics.threshold);
        }
    }
    let valid_probability: Vec<f64> = valid_rows
        .iter()
        .map(|&i| f64::from(probability[i as usize]))
        .collect();
    let curve = threshold_curve(&valid_labels, &valid_probability, 100);
    drop(valid_probability);
    let top_products = products_by_demand(&demand, 50)
        .into_iter()
        .map(|p| ProductDemand {
            product_id: p,
            name: name(p),
            expected_orders: demand[p as usize].0,
            predicted_in: demand[p as usize].1,
        })
        .collect();

    let (new_start, new_products) = new_products_of(data, &c);
    let next_order: Vec<u32> = history
        .target
        .iter()
        .map(|&t| {
            if t == NONE {
                0
            } else {
                data.orders.order_id[t as usize]
            }
        })
        .collect();
    let next_set: Vec<u8> = history
        .target
        .iter()
        .map(|&t| {
            if t == NONE {
                u8::MAX
            } else {
                data.orders.eval_set[t as usize]
            }
        })
        .collect();
    let report = ReorderReport {
        metrics,
        baseline,
        baseline_last_order,
        threshold: metrics.threshold,
        threshold_curve: curve,
        pairs: c.len(),
        pairs_fit: fit_rows.len(),
        pairs_valid: valid_rows.len(),
        users_fit: sides.iter().filter(|&&s| s == Side::Fit).count(),
        users_valid: valid_users.len(),
        users_test: next_set.iter().filter(|&&s| s == TEST).count(),
        positive_share: valid_labels.iter().filter(|&&l| l).count() as f64
            / valid_labels.len() as f64,
        default_model,
        pooled,
        per_product,
        features: c.table.names(),
        importance: importance(&model),
        top_products,
        named: data.products.is_some(),
        examples: valid_users
            .iter()
            .take(EXAMPLES)
            .map(|&u| history.user_id[u])
            .collect(),
        trees: model.n_trees(),
        seconds: Seconds {
            read: 0.0,
            features: seconds_features,
            train: seconds_train,
            predict: seconds_predict,
            per_product: seconds_per_product,
            total: clock.total(),
        },
    };
    // The pair table's product key becomes the result's product column; the rest is dropped.
    let product_key = c.product_key();
    let product = std::mem::take(&mut c.table.keys[product_key]);
    Ok(Reorder {
        report,
        model,
        product_models,
        user_id: history.user_id.clone(),
        next_order,
        next_set,
        sides,
        pair_start: std::mem::take(&mut c.pair_start),
        product,
        probability,
        label: std::mem::take(&mut c.label),
        new_start,
        new_products,
        names: data.products.as_ref().map(|p| p.name.clone()),
        demand,
    })
}

/// Per user slot, the products of its train order it never bought before.
fn new_products_of(data: &Instacart, c: &Candidates) -> (Vec<u32>, Vec<u32>) {
    let history = &data.history;
    let n_users = history.n_users();
    let mut per_user: Vec<Vec<u32>> = vec![Vec::new(); n_users];
    if let Some(train) = &data.train {
        for (&o, &p) in train.order_row.iter().zip(&train.product) {
            let u = history.user_of_order[o as usize] as usize;
            let range = c.pairs_of(u);
            if c.product()[range].binary_search(&p).is_err() {
                per_user[u].push(p);
            }
        }
    }
    let mut start = Vec::with_capacity(n_users + 1);
    let mut products = Vec::new();
    start.push(0);
    for list in per_user {
        products.extend(list);
        start.push(products.len() as u32);
    }
    (start, products)
}

/// Trains a model for each of the most bought products (when asked for and some qualify) and
/// scores it beside the pooled model on the product's validation pairs.
#[allow(clippy::too_many_arguments)]
fn per_product_models(
    data: &Instacart,
    params: &ReorderParams,
    c: &Candidates,
    (fit_rows, valid_rows): (&[u32], &[u32]),
    (valid_labels, pooled_valid): (&[bool], &[f64]),
    ranges: &[std::ops::Range<usize>],
    name: &dyn Fn(u32) -> Option<String>,
    on_progress: OnProgress<'_>,
) -> Result<Option<PerProductRun>, UseCaseError> {
    if params.per_product == 0 {
        return Ok(None);
    }
    let slots = data.product_slots();
    let mut fit_count = vec![0u32; slots];
    let mut fit_positive = vec![0u32; slots];
    for &i in fit_rows {
        let p = c.product()[i as usize] as usize;
        fit_count[p] += 1;
        fit_positive[p] += u32::from(c.label[i as usize]);
    }
    let mut chosen: Vec<u32> = (0..slots as u32)
        .filter(|&p| {
            let (n, pos) = (fit_count[p as usize], fit_positive[p as usize]);
            n as usize >= params.per_product_min_pairs && pos >= 10 && n - pos >= 10
        })
        .collect();
    chosen.sort_by_key(|&p| (std::cmp::Reverse(fit_count[p as usize]), p));
    chosen.truncate(params.per_product);
    if chosen.is_empty() {
        return Ok(None);
    }
    let mut which = vec![u16::MAX; slots];
    for (k, &p) in chosen.iter().enumerate() {
        which[p as usize] = k as u16;
    }
    let mut fit_by: Vec<Vec<u32>> = vec![Vec::new(); chosen.len()];
    let mut valid_by: Vec<Vec<usize>> = vec![Vec::new(); chosen.len()];
    for &i in fit_rows {
        let k = which[c.product()[i as usize] as usize];
        if k != u16::MAX {
            fit_by[k as usize].push(i);
        }
    }
    for (v, &i) in valid_rows.iter().enumerate() {
        let k = which[c.product()[i as usize] as usize];
        if k != u16::MAX {
            valid_by[k as usize].push(v);
        }
    }
    let gbdt = params.per_product_gbdt();
    let n_trees = gbdt.n_trees as u64;
    let total = n_trees * chosen.len() as u64;
    let mut combined = pooled_valid.to_vec();
    let mut comparisons = Vec::new();
    let mut models = Vec::new();
    let (mut all_labels, mut all_pooled, mut all_own) = (Vec::new(), Vec::new(), Vec::new());
    for (k, &p) in chosen.iter().enumerate() {
        let labels_fit: Vec<f32> = fit_by[k]
            .iter()
            .map(|&i| f32::from(c.label[i as usize]))
            .collect();
        let own = train(&gbdt, &c.table, &fit_by[k], labels_fit, &mut |tree| {
            let done = k as u64 * n_trees + tree.trees as u64;
            report(
                on_progress,
                Progress {
                    stage: "train_per_product",
                    done,
                    total,
                    fraction: 0.8 + 0.19 * done as f64 / total as f64,
                    value: None,
                },
            )
        })?;
        let rows: Vec<u32> = valid_by[k].iter().map(|&v| valid_rows[v]).collect();
        let mut own_p = Vec::with_capacity(rows.len());
        predict_each(&own, &c.table, &rows, None, on_progress, &mut |_, q| {
            own_p.push(q)
        })?;
        let labels: Vec<bool> = valid_by[k].iter().map(|&v| valid_labels[v]).collect();
        let pooled_p: Vec<f64> = valid_by[k].iter().map(|&v| pooled_valid[v]).collect();
        for (&v, &q) in valid_by[k].iter().zip(&own_p) {
            combined[v] = q;
        }
        comparisons.push(ProductComparison {
            product_id: p,
            name: name(p),
            pairs_fit: fit_by[k].len(),
            pairs_valid: rows.len(),
            positives_valid: labels.iter().filter(|&&l| l).count(),
            auc_pooled: learn::metrics::auc(&labels, &pooled_p),
            auc_own: learn::metrics::auc(&labels, &own_p),
            logloss_pooled: logloss(&labels, &pooled_p),
            logloss_own: logloss(&labels, &own_p),
        });
        all_labels.extend_from_slice(&labels);
        all_pooled.extend_from_slice(&pooled_p);
        all_own.extend_from_slice(&own_p);
        models.push((p, own));
    }
    let combined_scores = class_scores(ranges, valid_labels, &combined);
    Ok(Some(PerProductRun {
        report: PerProductReport {
            products: comparisons,
            pairs_valid: all_labels.len(),
            logloss_pooled: logloss(&all_labels, &all_pooled),
            logloss_own: logloss(&all_labels, &all_own),
            combined: combined_scores,
        },
        models,
        combined,
    }))
}

/// Use case 4.2 as the catalogue runs it.
pub struct ReorderUseCase;

impl UseCase for ReorderUseCase {
    const NAME: &'static str = "reorder";
    type Params = ReorderParams;
    type Inputs<'a> = InstacartTables<'a>;
    type Fitted = Reorder;

    fn inputs<'a>(
        tables: &'a dyn Tables,
        _params: &ReorderParams,
    ) -> Result<InstacartTables<'a>, UseCaseError> {
        InstacartTables::from_tables(tables, Self::NAME, true)
    }

    fn run(
        inputs: InstacartTables<'_>,
        params: &ReorderParams,
        on_progress: OnProgress<'_>,
    ) -> Result<Reorder, UseCaseError> {
        run(inputs, params, on_progress)
    }
}

/// The arguments of the `basket` question.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BasketQuestion {
    user_id: u32,
}

impl Fitted for Reorder {
    fn report(&self) -> Value {
        report_json(&self.report)
    }

    /// `basket` `{userId}`: the customer's predicted next basket against the actual one.
    fn ask(&mut self, question: &str, args: &Value) -> Result<Value, UseCaseError> {
        match question {
            "basket" => {
                let q: BasketQuestion = question_args(question, args)?;
                let basket = self
                    .basket(q.user_id)
                    .map_err(|message| UseCaseError::param("userId", message))?;
                Ok(report_json(&basket))
            }
            _ => Err(unknown_question(question)),
        }
    }

    fn downloads(&self) -> Vec<Download> {
        let mut downloads = vec![
            Download::csv("baskets", "reorder_baskets.csv"),
            Download::csv("validation", "reorder_validation_pairs.csv"),
            Download::csv("stock", "reorder_products_to_stock.csv"),
        ];
        if self.report.users_test > 0 {
            downloads.push(Download::csv("submission", "reorder_submission.csv"));
        }
        if self.report.per_product.is_some() {
            downloads.push(Download::csv("per_product", "reorder_per_product.csv"));
        }
        downloads.push(Download::csv("importance", "reorder_importance.csv"));
        downloads.push(Download::json("model", "reorder_model.json"));
        downloads
    }

    fn download(&self, key: &str, out: &mut dyn Write) -> Result<(), UseCaseError> {
        match key {
            "baskets" => self.write_baskets_csv(out)?,
            "validation" => self.write_validation_csv(out)?,
            "stock" => self.write_stock_csv(out)?,
            "submission" => self.write_submission_csv(out)?,
            "per_product" => self.write_per_product_csv(out)?,
            "importance" => write_importance_csv(&self.report.importance, out)?,
            "model" => out.write_all(self.model.to_json().as_bytes())?,
            _ => {
                return Err(UseCaseError::Unavailable(format!(
                    "4.2 has no download named {key}"
                )))
            }
        }
        Ok(())
    }
}
