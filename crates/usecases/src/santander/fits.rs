//! One take-up forest per product, each fitted on its own from the last three months: the
//! independent fits a run of 3.1 or 3.2 hands out ([`crate::pool`]), to rayon's threads on the
//! command line, to a pool of workers in the page. [`TakeUpData`] is what they share (one copy
//! per worker), a [`FitJob`] names one product, and [`ProductFit`] is what comes back: the
//! forest's scores on the held-out month and on the last month, its metrics beside the segment
//! baseline, its rules and feature importance.
//!
//! The split: train on the take-ups from the third-last month to the second-last (features and
//! holdings of the third-last, customers present in both who do not hold the product), score
//! the take-ups from the second-last to the last the same way, and score the last month's
//! customers for the campaign (their take-up the month after, unknown yet).

use learn::forest::{ForestParams, PermutationParams, RandomForest, RuleParams};
use learn::gbdt::Dataset;
use learn::metrics;
use serde::{Deserialize, Serialize};

use super::codec::{decode_months, encode_months, Reader, Writer};
use super::features::{self, describe};
use super::store::{join, Dictionary, Month};
use super::{SantanderStore, PRODUCTS, SEGMENT};
use crate::UseCaseError;

/// Held-out rows the rules are measured on at most (a uniform sample of them beyond): support
/// and lift are shares, which 50,000 rows measure to a fraction of a percent.
const RULE_ROWS: usize = 50_000;

/// Rows predicted at a time: bounds the feature columns a prediction builds (about 10 MB).
const BLOCK_ROWS: usize = 1 << 16;

/// What every product's fit reads: the last three months and the pairs of rows present in
/// consecutive ones.
#[derive(Debug, Clone)]
pub struct TakeUpData {
    /// The third-last, second-last and last months.
    pub months: [Month; 3],
    /// The coded fields' values.
    pub dictionaries: Vec<Dictionary>,
    /// Rows (third-last, second-last) of the customers present in both: the training pairs.
    pub train: Vec<(u32, u32)>,
    /// Rows (second-last, last) of the customers present in both: the held-out pairs.
    pub valid: Vec<(u32, u32)>,
}

impl TakeUpData {
    /// The last three months of `store`, or an error saying it has fewer.
    pub fn of(store: &SantanderStore) -> Result<TakeUpData, UseCaseError> {
        let last = store.last(3, "training on one month and validating on the next")?;
        Ok(TakeUpData::new(
            [last[0].clone(), last[1].clone(), last[2].clone()],
            store.dictionaries.clone(),
        ))
    }

    fn new(months: [Month; 3], dictionaries: Vec<Dictionary>) -> TakeUpData {
        let train = join(&months[0], &months[1]);
        let valid = join(&months[1], &months[2]);
        TakeUpData {
            months,
            dictionaries,
            train,
            valid,
        }
    }

    /// The bytes a worker of the pool reads it from.
    pub fn to_bytes(&self) -> Vec<u8> {
        encode_months(&self.months, &self.dictionaries)
    }

    /// Reads what [`Self::to_bytes`] wrote.
    pub fn from_bytes(bytes: &[u8]) -> Result<TakeUpData, UseCaseError> {
        let (months, dictionaries) = decode_months(bytes)?;
        let months: [Month; 3] = months
            .try_into()
            .map_err(|_| UseCaseError::Input("a fit needs three months".into()))?;
        Ok(TakeUpData::new(months, dictionaries))
    }

    /// Product `p`'s take-up rate in the training pairs, among customers not holding it.
    pub fn train_rate(&self, p: usize) -> f64 {
        let (rows, _) = not_holding(&self.train, &self.months[0], &self.months[1], p);
        self.take_ups(p).0 as f64 / rows.len().max(1) as f64
    }

    /// Take-ups of product `p` in the training pairs and in the held-out pairs.
    pub fn take_ups(&self, p: usize) -> (usize, usize) {
        let count = |pairs: &[(u32, u32)], a: &Month, b: &Month| {
            pairs
                .iter()
                .filter(|&&(i, j)| {
                    a.products[i as usize] >> p & 1 == 0 && b.products[j as usize] >> p & 1 == 1
                })
                .count()
        };
        (
            count(&self.train, &self.months[0], &self.months[1]),
            count(&self.valid, &self.months[1], &self.months[2]),
        )
    }
}

/// How each forest is fitted and judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitSettings {
    /// The forest.
    pub forest: ForestParams,
    /// The rules extracted.
    pub rules: RuleParams,
    /// Probability at or above which a customer is predicted to take the product up; `None`:
    /// the threshold of best F1 on the out-of-bag probabilities of the training month.
    pub threshold: Option<f64>,
    /// Held-out rows the permutation importance is measured on (0: not measured).
    pub permutation_rows: usize,
}

/// One product's fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitJob {
    /// Index into [`PRODUCTS`].
    pub product: usize,
    /// How.
    pub settings: FitSettings,
}

/// A ranking's quality on the held-out month.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    /// ROC AUC.
    pub auc: f64,
    /// Take-up rate among the 1 % scored highest.
    pub precision_at_1pct: f64,
    /// Take-up rate among the 5 % scored highest.
    pub precision_at_5pct: f64,
}

impl Ranking {
    fn of(labels: &[bool], scores: &[f64]) -> Ranking {
        Ranking {
            auc: metrics::auc(labels, scores),
            precision_at_1pct: metrics::precision_at_top(labels, scores, 0.01),
            precision_at_5pct: metrics::precision_at_top(labels, scores, 0.05),
        }
    }
}

/// A rule in words with its measures on the held-out month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleText {
    /// "age <= 24 and segmento = 03 - UNIVERSITARIO and holds Current account".
    pub text: String,
    /// Customers it covers.
    pub rows: usize,
    /// Their share of the customers.
    pub support: f64,
    /// Take-ups among them.
    pub positives: usize,
    /// Their take-up rate.
    pub take_up_rate: f64,
    /// The rate over the base rate.
    pub lift: f64,
}

/// One feature's importance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Importance {
    /// Its name.
    pub feature: String,
    /// Share of the impurity decrease (the shares sum to 1).
    pub impurity: f64,
    /// Drop of the held-out AUC when it is shuffled, if measured.
    pub permutation: Option<f64>,
}

/// What a product's fit reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductMetrics {
    /// Index into [`PRODUCTS`].
    pub index: usize,
    /// The product's column.
    pub product: String,
    /// Training rows (customers of the third-last month present in the second-last who did not
    /// hold it).
    pub rows_train: usize,
    /// Take-ups among them.
    pub positives_train: usize,
    /// Held-out rows.
    pub rows_valid: usize,
    /// Take-ups among them.
    pub positives_valid: usize,
    /// The forest's ranking of the held-out rows.
    pub forest: Ranking,
    /// The segment baseline's: the product's take-up rate in the customer's segment.
    pub baseline: Ranking,
    /// The threshold used.
    pub threshold: f64,
    /// Precision at the threshold on the held-out rows.
    pub precision: f64,
    /// Recall at the threshold.
    pub recall: f64,
    /// F1 at the threshold.
    pub f1: f64,
    /// Mean calibrated probability on the held-out rows (against `positives_valid /
    /// rows_valid`: whether the probabilities are honest).
    pub mean_probability: f64,
    /// Out-of-bag AUC on the training rows.
    pub oob_auc: Option<f64>,
    /// The rules, highest lift first, measured on the held-out rows.
    pub rules: Vec<RuleText>,
    /// Every feature's importance, highest impurity share first.
    pub importance: Vec<Importance>,
    /// Seconds the fit took (forest, scores, rules, importance).
    pub seconds: f64,
}

/// A product's fit: its metrics and scores.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductFit {
    /// What it reports.
    pub metrics: ProductMetrics,
    /// Calibrated take-up probability of each held-out pair ([`TakeUpData::valid`]), NaN where
    /// the customer held the product in the second-last month.
    pub valid_scores: Vec<f32>,
    /// The same for each customer of the last month (the campaign's scores), NaN where held.
    pub campaign_scores: Vec<f32>,
}

impl ProductFit {
    /// As bytes, for the page's pool.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        let json = serde_json::to_vec(&self.metrics).unwrap_or_default();
        w.bytes(&json);
        w.f32s(&self.valid_scores);
        w.f32s(&self.campaign_scores);
        w.0
    }

    /// Reads what [`Self::to_bytes`] wrote.
    pub fn from_bytes(bytes: &[u8]) -> Result<ProductFit, UseCaseError> {
        let mut r = Reader::new(bytes);
        let metrics = serde_json::from_slice(r.bytes()?)
            .map_err(|e| UseCaseError::Input(format!("a forest's result is damaged: {e}")))?;
        Ok(ProductFit {
            metrics,
            valid_scores: r.f32s()?,
            campaign_scores: r.f32s()?,
        })
    }
}

/// Rows (in month `a`) of the pairs whose customer does not hold `p` in `a`, with whether they
/// hold it in `b`.
fn not_holding(pairs: &[(u32, u32)], a: &Month, b: &Month, p: usize) -> (Vec<u32>, Vec<bool>) {
    pairs
        .iter()
        .filter(|&&(i, _)| a.products[i as usize] >> p & 1 == 0)
        .map(|&(i, j)| (i, b.products[j as usize] >> p & 1 == 1))
        .unzip()
}

/// Scores `rows` of `month` with `forest`, block by block.
fn score(
    forest: &RandomForest,
    month: &Month,
    rows: &[u32],
    dictionaries: &[Dictionary],
) -> Result<Vec<f64>, UseCaseError> {
    let mut out = Vec::with_capacity(rows.len());
    for block in rows.chunks(BLOCK_ROWS) {
        let columns = features::columns(month, block, dictionaries);
        out.extend(forest.predict_proba(&columns).map_err(model_error)?);
    }
    Ok(out)
}

fn model_error(e: impl std::fmt::Display) -> UseCaseError {
    UseCaseError::Model(e.to_string())
}

/// Each segment's take-up rate among `rows` of `month` (by the segment's code, the missing code
/// last), and the overall rate for a segment without rows.
fn segment_rates(month: &Month, rows: &[u32], labels: &[bool]) -> Vec<f64> {
    let mut counts = vec![(0u64, 0u64); 256];
    for (&r, &y) in rows.iter().zip(labels) {
        let c = &mut counts[month.people[r as usize].codes[SEGMENT] as usize];
        c.0 += 1;
        c.1 += y as u64;
    }
    let overall = labels.iter().filter(|&&y| y).count() as f64 / labels.len().max(1) as f64;
    counts
        .iter()
        .map(|&(n, k)| if n == 0 { overall } else { k as f64 / n as f64 })
        .collect()
}

/// The rows `picks` (indices into `rows` and `labels`) of `month` as a dataset.
fn picked(
    month: &Month,
    rows: &[u32],
    labels: &[bool],
    picks: &[usize],
    dictionaries: &[Dictionary],
) -> Result<Dataset, UseCaseError> {
    let chosen: Vec<u32> = picks.iter().map(|&k| rows[k]).collect();
    let target = picks.iter().map(|&k| labels[k] as u8 as f32).collect();
    Dataset::new(features::columns(month, &chosen, dictionaries), target).map_err(model_error)
}

/// `n` of the indices `0..total` drawn at random, increasing.
fn uniform(total: usize, n: usize, seed: u64) -> Vec<usize> {
    use rand::seq::SliceRandom;
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut all: Vec<usize> = (0..total).collect();
    all.shuffle(&mut rng);
    all.truncate(n);
    all.sort_unstable();
    all
}

/// At most `budget` indices of `labels`: every positive up to a quarter of the budget, and
/// three negatives per positive drawn at random. A rare class leaves a uniform sample with
/// too few positives to measure an AUC's drop on; the AUC does not depend on the class mix.
fn stratified(labels: &[bool], budget: usize, seed: u64) -> Vec<usize> {
    use rand::seq::SliceRandom;
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let (mut positives, mut negatives): (Vec<usize>, Vec<usize>) =
        (0..labels.len()).partition(|&k| labels[k]);
    positives.shuffle(&mut rng);
    positives.truncate(budget / 4);
    negatives.shuffle(&mut rng);
    negatives.truncate(budget - positives.len());
    negatives.truncate(positives.len() * 3);
    let mut out = positives;
    out.extend(negatives);
    out.sort_unstable();
    out
}

/// Fits product `job.product`'s forest and scores it. Products with fewer than two take-ups of
/// each class in training are refused (the planner skips them).
pub fn fit_product(data: &TakeUpData, job: &FitJob) -> Result<ProductFit, UseCaseError> {
    let clock = crate::Clock::start();
    let p = job.product;
    let settings = &job.settings;
    let [before, now, last] = &data.months;
    let dictionaries = &data.dictionaries;

    let (train_rows, train_labels) = not_holding(&data.train, before, now, p);
    let positives_train = train_labels.iter().filter(|&&y| y).count();
    let target: Vec<f32> = train_labels.iter().map(|&y| y as u8 as f32).collect();
    let train = Dataset::new(features::columns(before, &train_rows, dictionaries), target)
        .map_err(model_error)?;
    let forest = settings.forest.fit(&train).map_err(model_error)?;
    let threshold = match settings.threshold {
        Some(t) => t,
        None => forest
            .oob_probabilities()
            .and_then(|oob| {
                let (y, s): (Vec<bool>, Vec<f64>) = train_labels
                    .iter()
                    .zip(oob)
                    .filter(|(_, s)| !s.is_nan())
                    .map(|(&y, &s)| (y, s))
                    .unzip();
                metrics::best_f1_threshold(&y, &s).map(|b| b.threshold)
            })
            .unwrap_or(0.5),
    };
    drop(train);

    let (valid_rows, valid_labels) = not_holding(&data.valid, now, last, p);
    // Rules are measured on the held-out month: a path the forest fitted to the training
    // month's noise (a province with a few take-ups) reads a lift near 1 there.
    let rule_set = if settings.rules.max_rules == 0 || valid_rows.is_empty() {
        None
    } else {
        let sample = uniform(valid_rows.len(), RULE_ROWS, settings.forest.seed);
        let data = picked(now, &valid_rows, &valid_labels, &sample, dictionaries)?;
        Some(forest.rules(&data, &settings.rules).map_err(model_error)?)
    };
    let valid_p = score(&forest, now, &valid_rows, dictionaries)?;
    let rates = segment_rates(before, &train_rows, &train_labels);
    let baseline: Vec<f64> = valid_rows
        .iter()
        .map(|&r| rates[now.people[r as usize].codes[SEGMENT] as usize])
        .collect();
    let at = metrics::f1_at_threshold(&valid_labels, &valid_p, threshold);
    let positives_valid = valid_labels.iter().filter(|&&y| y).count();
    let two_classes = positives_valid > 0 && positives_valid < valid_labels.len();

    let permutation = if settings.permutation_rows >= 4 && two_classes {
        let sample = stratified(
            &valid_labels,
            settings.permutation_rows,
            settings.forest.seed,
        );
        let data = picked(now, &valid_rows, &valid_labels, &sample, dictionaries)?;
        let params = PermutationParams {
            repeats: 2,
            max_rows: data.n_rows(),
            seed: settings.forest.seed,
        };
        forest.permutation_importance(&data, &params).ok()
    } else {
        None
    };
    let mut importance: Vec<Importance> = forest
        .impurity_importance()
        .into_iter()
        .enumerate()
        .map(|(f, i)| Importance {
            feature: i.name,
            impurity: i.importance,
            permutation: permutation.as_ref().map(|p| p[f].auc_drop),
        })
        .collect();
    importance.sort_by(|a, b| b.impurity.total_cmp(&a.impurity));

    let mut valid_scores = vec![f32::NAN; data.valid.len()];
    let mut k = 0;
    for (slot, &(i, _)) in valid_scores.iter_mut().zip(&data.valid) {
        if now.products[i as usize] >> p & 1 == 0 {
            *slot = valid_p[k] as f32;
            k += 1;
        }
    }
    let campaign_rows: Vec<u32> = (0..last.len() as u32)
        .filter(|&r| last.products[r as usize] >> p & 1 == 0)
        .collect();
    let campaign_p = score(&forest, last, &campaign_rows, dictionaries)?;
    let mut campaign_scores = vec![f32::NAN; last.len()];
    for (&r, &s) in campaign_rows.iter().zip(&campaign_p) {
        campaign_scores[r as usize] = s as f32;
    }

    let rules = rule_set
        .iter()
        .flat_map(|set| &set.rules)
        .map(|r| RuleText {
            text: r
                .conditions
                .iter()
                .map(|c| describe(c, dictionaries))
                .collect::<Vec<_>>()
                .join(" and "),
            rows: r.rows,
            support: r.support,
            positives: r.positives,
            take_up_rate: r.positive_rate,
            lift: r.lift,
        })
        .collect();
    let nan_if_one_class = |v: f64| if two_classes { v } else { f64::NAN };
    let forest_ranking = Ranking::of(&valid_labels, &valid_p);
    let baseline_ranking = Ranking::of(&valid_labels, &baseline);
    let metrics = ProductMetrics {
        index: p,
        product: PRODUCTS[p].to_string(),
        rows_train: train_rows.len(),
        positives_train,
        rows_valid: valid_rows.len(),
        positives_valid,
        forest: Ranking {
            auc: nan_if_one_class(forest_ranking.auc),
            ..forest_ranking
        },
        baseline: Ranking {
            auc: nan_if_one_class(baseline_ranking.auc),
            ..baseline_ranking
        },
        threshold,
        precision: at.precision,
        recall: at.recall,
        f1: at.f1,
        mean_probability: valid_p.iter().sum::<f64>() / valid_p.len().max(1) as f64,
        oob_auc: forest.oob().map(|o| o.auc),
        rules,
        importance,
        seconds: clock.total(),
    };
    Ok(ProductFit {
        metrics,
        valid_scores,
        campaign_scores,
    })
}
