//! Use case 4.2: which products a customer has bought will be in its next order. One pooled
//! gradient-boosted binary classifier over every candidate (user, product) pair, beside one
//! classifier per frequently bought product (what the business asked for), both scored on the
//! same held-out users; the better one is the default. The threshold maximises F1 over the
//! validation pairs; the baseline picks the products the user reordered in its last order.

use learn::gbdt::{GbdtModel, GbdtParams, Objective};

use super::candidates::{build, Candidates};
use super::history::NONE;
use super::input::{read_reporting, Instacart, InstacartTables, TEST};
use super::metrics::{class_scores, pick_scores, threshold_curve};
use super::next_order::{check_share, EXAMPLES};
use super::reorder_result::products_by_demand;
pub use super::reorder_result::{
    Basket, BasketItem, ModelChoice, NewProduct, PerProductReport, ProductComparison,
    ProductDemand, Reorder, ReorderReport, Seconds,
};
use super::split::{split_users, Side};
use super::training::{predict_each, train, train_in, Span};
use crate::boosting::{gbdt_param_error, importance};
use crate::contract::UseCase;
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
    let need = super::memory::reorder_need(&inputs);
    let (data, seconds_read) = read_reporting(inputs, &need, 0.05, on_progress)?;
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
        importance: importance(model.feature_importance()),
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
        let own = train(&gbdt, &c.table, &fit_by[k], labels_fit, &mut |trainer| {
            let done = k as u64 * n_trees + trainer.progress().trees as u64;
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
