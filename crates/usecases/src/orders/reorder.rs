//! Use case 4.2: which products a customer has bought will be in its next order. One pooled
//! gradient-boosted binary classifier over every candidate (user, product) pair, beside one
//! classifier per frequently bought product (what the business asked for), both scored on the
//! same held-out users; the better one is the default. The threshold maximises F1 over the
//! validation pairs; the baseline picks the products the user reordered in its last order.

use learn::gbdt::{Dataset, GbdtModel, GbdtParams, Objective};
use serde::{Deserialize, Serialize};

use super::candidates::{build, Candidates};
use super::history::NONE;
use super::input::{Instacart, EVAL_SETS, TEST};
use super::metrics::{class_scores, pick_scores, ClassScores};
use super::next_order::check_share;
use super::split::{split_users, Side};
use super::training::{importance, train, Importance};
use super::{OrdersError, ProgressFn};

/// The per-product models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PerProductParams {
    /// How many of the most frequent products get a model of their own (0: none).
    pub products: usize,
    /// Fewest training pairs (users who bought the product) for a product to get a model.
    pub min_pairs: usize,
    /// Boosting parameters of each product's model (objective: logistic).
    pub gbdt: GbdtParams,
}

impl Default for PerProductParams {
    fn default() -> Self {
        PerProductParams {
            products: 20,
            min_pairs: 200,
            gbdt: GbdtParams {
                objective: Objective::Logistic,
                n_trees: 100,
                max_depth: 4,
                learning_rate: 0.1,
                min_child_weight: 5.0,
                ..GbdtParams::default()
            },
        }
    }
}

/// What the user can choose for 4.2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ReorderParams {
    /// Share of the users with a train order held out for validation.
    pub valid_share: f64,
    /// Seed of the validation draw.
    pub seed: u64,
    /// The pooled model's boosting parameters (objective: logistic).
    pub gbdt: GbdtParams,
    /// The per-product models.
    pub per_product: PerProductParams,
}

impl Default for ReorderParams {
    fn default() -> Self {
        ReorderParams {
            valid_share: 0.2,
            seed: 42,
            gbdt: GbdtParams {
                objective: Objective::Logistic,
                n_trees: 200,
                max_depth: 6,
                learning_rate: 0.1,
                min_child_weight: 5.0,
                ..GbdtParams::default()
            },
            per_product: PerProductParams::default(),
        }
    }
}

impl ReorderParams {
    /// Checks every field, naming the one out of range.
    pub fn check(&self) -> Result<(), OrdersError> {
        check_share(self.valid_share)?;
        for (name, gbdt) in [
            ("gbdt", &self.gbdt),
            ("perProduct.gbdt", &self.per_product.gbdt),
        ] {
            gbdt.check()?;
            if gbdt.objective != Objective::Logistic {
                return Err(OrdersError::Input(format!(
                    "{name}.objective is {:?}: 4.2 is a binary classification, expected logistic",
                    gbdt.objective
                )));
            }
        }
        Ok(())
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

/// What a 4.2 run reports.
#[derive(Debug, Clone, Serialize)]
pub struct ReorderReport {
    /// The default model's scores on the validation users.
    pub metrics: ClassScores,
    /// The baseline: the products the user reordered in its last order.
    pub baseline: ClassScores,
    /// Another baseline: every product of the user's last order.
    pub baseline_last_order: ClassScores,
    /// The default model's threshold (a pair is predicted at or above it).
    pub threshold: f64,
    /// Candidate pairs (users with a train or test order).
    pub pairs: usize,
    /// Pairs fitted on.
    pub pairs_fit: usize,
    /// Pairs scored.
    pub pairs_valid: usize,
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
    /// Trees of the pooled model.
    pub trees: usize,
    /// Where the time went.
    pub seconds: super::next_order::Seconds,
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

/// A customer's predicted next basket against the actual one.
#[derive(Debug, Clone, Serialize)]
pub struct Basket {
    /// `user_id`.
    pub user_id: u32,
    /// `train` or `test`.
    pub eval_set: &'static str,
    /// Whether the user was held out (its prediction is out of sample).
    pub validation: bool,
    /// Every product the user bought before, most probable first.
    pub items: Vec<BasketItem>,
    /// Products of the actual next order never bought before (train users): no model can
    /// predict them from the history.
    pub new_products: Vec<u32>,
}

/// A finished 4.2 run.
#[derive(Debug, Clone)]
pub struct Reorder {
    /// What the page and the command line show first.
    pub report: ReorderReport,
    /// The pooled model.
    pub model: GbdtModel,
    /// The per-product models, by product id.
    pub product_models: Vec<(u32, GbdtModel)>,
    /// User slot and product of each candidate pair.
    pub pairs: Vec<(u32, u32)>,
    /// The default model's probability for each pair.
    pub probability: Vec<f32>,
    /// Label of each pair (0 for test users).
    pub label: Vec<u8>,
    sides: Vec<Side>,
    pair_start: Vec<u32>,
}

impl Reorder {
    /// Every candidate pair of the users with a train or test order as CSV, for download:
    /// `user_id,product_id,probability,predicted,actual,validation` (`actual` empty for test
    /// users).
    pub fn write_csv(&self, data: &Instacart, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        writeln!(
            out,
            "user_id,product_id,probability,predicted,actual,validation"
        )?;
        let history = &data.history;
        for u in 0..history.n_users() {
            let t = history.target[u];
            if t == NONE {
                continue;
            }
            let is_test = data.orders.eval_set[t as usize] == TEST;
            for i in self.pair_start[u] as usize..self.pair_start[u + 1] as usize {
                let q = self.probability[i];
                write!(
                    out,
                    "{},{},{q:.4},{},",
                    history.user_id[u],
                    self.pairs[i].1,
                    u8::from(f64::from(q) >= self.report.threshold)
                )?;
                if !is_test {
                    write!(out, "{}", self.label[i])?;
                }
                writeln!(out, ",{}", u8::from(self.sides[u] == Side::Valid))?;
            }
        }
        Ok(())
    }

    /// The basket of `user_id` (whose next order is train or test), read against the `data`
    /// this run was made from.
    pub fn basket(&self, data: &Instacart, user_id: u32) -> Option<Basket> {
        let history = &data.history;
        let u = history.slot_of(user_id)?;
        let t = history.target[u];
        if t == NONE {
            return None;
        }
        let name = |p: u32| {
            data.products
                .as_ref()
                .and_then(|ps| ps.name_of(p))
                .map(str::to_string)
        };
        let is_test = data.orders.eval_set[t as usize] == TEST;
        let range = self.pair_start[u] as usize..self.pair_start[u + 1] as usize;
        let mut items: Vec<BasketItem> = range
            .clone()
            .map(|i| BasketItem {
                product_id: self.pairs[i].1,
                name: name(self.pairs[i].1),
                probability: f64::from(self.probability[i]),
                predicted: f64::from(self.probability[i]) >= self.report.threshold,
                actual: (!is_test).then_some(self.label[i] == 1),
            })
            .collect();
        items.sort_by(|a, b| b.probability.total_cmp(&a.probability));
        let mut new_products = Vec::new();
        if let Some(train) = &data.train {
            for (&o, &p) in train.order_row.iter().zip(&train.product) {
                if o == t
                    && self.pairs[range.clone()]
                        .binary_search_by_key(&p, |x| x.1)
                        .is_err()
                {
                    new_products.push(p);
                }
            }
        }
        Some(Basket {
            user_id,
            eval_set: EVAL_SETS[data.orders.eval_set[t as usize] as usize],
            validation: self.sides[u] == Side::Valid,
            items,
            new_products,
        })
    }
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

/// Builds the candidates, trains the pooled and per-product models, scores them and the
/// baselines on the validation users, and predicts every candidate.
pub fn run_reorder(
    data: &Instacart,
    params: &ReorderParams,
    progress: &mut ProgressFn<'_>,
) -> Result<Reorder, OrdersError> {
    params.check()?;
    if data.train.is_none() {
        return Err(OrdersError::Input(
            "4.2 learns from the products of the train orders: give order_products__train.csv"
                .to_string(),
        ));
    }
    let clock = web_time::Instant::now();
    let history = &data.history;
    let c: Candidates = build(data, history, &mut |done, total| {
        progress("features", done, total)
    })
    .ok_or(OrdersError::Cancelled)?;
    let sides = split_users(data, history, params.valid_share, params.seed);
    let side_of_pair = |i: usize| sides[c.user[i] as usize];
    let fit_rows: Vec<u32> = (0..c.len() as u32)
        .filter(|&i| side_of_pair(i as usize) == Side::Fit)
        .collect();
    let valid_rows: Vec<u32> = (0..c.len() as u32)
        .filter(|&i| side_of_pair(i as usize) == Side::Valid)
        .collect();
    if fit_rows.is_empty() || valid_rows.is_empty() {
        return Err(OrdersError::Input(format!(
            "{} has too few users with a train order to fit and validate on",
            data.orders.file
        )));
    }
    let seconds_features = clock.elapsed().as_secs_f64();
    let clock = web_time::Instant::now();
    let labels_of = |rows: &[u32]| -> Vec<f32> {
        rows.iter()
            .map(|&i| f32::from(c.label[i as usize]))
            .collect()
    };
    let fit = Dataset::new(c.table.gather(&fit_rows, false), labels_of(&fit_rows))?;
    let model = train(&params.gbdt, &fit, "train", progress)?;
    drop(fit);

    // Pooled probabilities for every pair, in blocks to bound the gathered copy.
    let mut probability = vec![0f32; c.len()];
    const BLOCK: usize = 1 << 18;
    let all: Vec<u32> = (0..c.len() as u32).collect();
    for (b, block) in all.chunks(BLOCK).enumerate() {
        let p = model.predict(&c.table.gather(block, false))?;
        for (&i, p) in block.iter().zip(p) {
            probability[i as usize] = p as f32;
        }
        if !progress(
            "predict",
            ((b + 1) * BLOCK).min(c.len()) as u64,
            c.len() as u64,
        ) {
            return Err(OrdersError::Cancelled);
        }
    }

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

    // Per-product models for the most frequent products.
    let name = |p: u32| {
        data.products
            .as_ref()
            .and_then(|ps| ps.name_of(p))
            .map(str::to_string)
    };
    let mut product_models = Vec::new();
    let mut per_product = None;
    let mut default_model = ModelChoice::Pooled;
    let mut metrics = pooled;
    if params.per_product.products > 0 {
        let slots = data.product_slots();
        let mut fit_count = vec![0u32; slots];
        let mut fit_positive = vec![0u32; slots];
        for &i in &fit_rows {
            let p = c.product[i as usize] as usize;
            fit_count[p] += 1;
            fit_positive[p] += u32::from(c.label[i as usize]);
        }
        let mut chosen: Vec<u32> = (0..slots as u32)
            .filter(|&p| {
                let (n, pos) = (fit_count[p as usize], fit_positive[p as usize]);
                n as usize >= params.per_product.min_pairs && pos >= 10 && n - pos >= 10
            })
            .collect();
        chosen.sort_by_key(|&p| (std::cmp::Reverse(fit_count[p as usize]), p));
        chosen.truncate(params.per_product.products);
        if !chosen.is_empty() {
            let mut which = vec![u16::MAX; slots];
            for (k, &p) in chosen.iter().enumerate() {
                which[p as usize] = k as u16;
            }
            let mut fit_by: Vec<Vec<u32>> = vec![Vec::new(); chosen.len()];
            let mut valid_by: Vec<Vec<usize>> = vec![Vec::new(); chosen.len()];
            for &i in &fit_rows {
                let k = which[c.product[i as usize] as usize];
                if k != u16::MAX {
                    fit_by[k as usize].push(i);
                }
            }
            for (v, &i) in valid_rows.iter().enumerate() {
                let k = which[c.product[i as usize] as usize];
                if k != u16::MAX {
                    valid_by[k as usize].push(v);
                }
            }
            let mut combined = pooled_valid.clone();
            let mut comparisons = Vec::new();
            let (mut all_labels, mut all_pooled, mut all_own) =
                (Vec::new(), Vec::new(), Vec::new());
            let n_trees = params.per_product.gbdt.n_trees as u64;
            let total = n_trees * chosen.len() as u64;
            for (k, &p) in chosen.iter().enumerate() {
                let data_k =
                    Dataset::new(c.table.gather(&fit_by[k], false), labels_of(&fit_by[k]))?;
                let mut inner = |_: &str, done: u64, _: u64| {
                    progress("train_per_product", k as u64 * n_trees + done, total)
                };
                let own = train(
                    &params.per_product.gbdt,
                    &data_k,
                    "train_per_product",
                    &mut inner,
                )?;
                let rows: Vec<u32> = valid_by[k].iter().map(|&v| valid_rows[v]).collect();
                let own_p = if rows.is_empty() {
                    Vec::new()
                } else {
                    own.predict(&c.table.gather(&rows, false))?
                };
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
                product_models.push((p, own));
            }
            let combined_scores = class_scores(&ranges, &valid_labels, &combined);
            if combined_scores.f1 > pooled.f1 {
                default_model = ModelChoice::PerProduct;
                metrics = combined_scores;
                // Every pair of a chosen product takes its own model's probability.
                for (p, own) in &product_models {
                    let rows: Vec<u32> = (0..c.len() as u32)
                        .filter(|&i| c.product[i as usize] == *p)
                        .collect();
                    let q = own.predict(&c.table.gather(&rows, false))?;
                    for (&i, q) in rows.iter().zip(q) {
                        probability[i as usize] = q as f32;
                    }
                }
            }
            per_product = Some(PerProductReport {
                products: comparisons,
                pairs_valid: all_labels.len(),
                logloss_pooled: logloss(&all_labels, &all_pooled),
                logloss_own: logloss(&all_labels, &all_own),
                combined: combined_scores,
            });
        }
    }
    let seconds_train = clock.elapsed().as_secs_f64();

    // Expected reorders per product over the users predicted out of sample.
    let slots = data.product_slots();
    let mut expected = vec![0f64; slots];
    let mut predicted_in = vec![0u32; slots];
    for (i, &q) in probability.iter().enumerate() {
        if side_of_pair(i) != Side::Fit {
            let p = c.product[i] as usize;
            expected[p] += f64::from(q);
            predicted_in[p] += u32::from(f64::from(q) >= metrics.threshold);
        }
    }
    let mut top: Vec<u32> = (0..slots as u32)
        .filter(|&p| expected[p as usize] > 0.0)
        .collect();
    top.sort_by(|&a, &b| {
        expected[b as usize]
            .total_cmp(&expected[a as usize])
            .then(a.cmp(&b))
    });
    top.truncate(50);
    let top_products = top
        .into_iter()
        .map(|p| ProductDemand {
            product_id: p,
            name: name(p),
            expected_orders: expected[p as usize],
            predicted_in: predicted_in[p as usize],
        })
        .collect();

    let report = ReorderReport {
        metrics,
        baseline,
        baseline_last_order,
        threshold: metrics.threshold,
        pairs: c.len(),
        pairs_fit: fit_rows.len(),
        pairs_valid: valid_rows.len(),
        users_valid: valid_users.len(),
        users_test: (0..history.n_users())
            .filter(|&u| {
                history.target[u] != NONE
                    && data.orders.eval_set[history.target[u] as usize] == TEST
            })
            .count(),
        positive_share: valid_labels.iter().filter(|&&l| l).count() as f64
            / valid_labels.len() as f64,
        default_model,
        pooled,
        per_product,
        features: c.table.names(),
        importance: importance(&model),
        top_products,
        trees: model.n_trees(),
        seconds: super::next_order::Seconds {
            features: seconds_features,
            train: seconds_train,
        },
    };
    Ok(Reorder {
        report,
        model,
        product_models,
        pairs: c
            .user
            .iter()
            .copied()
            .zip(c.product.iter().copied())
            .collect(),
        probability,
        label: c.label,
        sides,
        pair_start: c.pair_start,
    })
}
