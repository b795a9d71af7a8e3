//! Use case 3.2: which three products to recommend to each customer? The business asked for
//! user-based k-nearest-neighbour collaborative filtering on the product holdings
//! (`learn::neighbours`: r_ui = Σ sim(u, v) r_vi / Σ sim(u, v) over the k most similar
//! customers, grouped by holding pattern so that a million customers take seconds). It is shown
//! honestly beside its baselines on the held-out month (the products customers took up from the
//! second-last month to the last): the most popular recent take-ups, and the propensity forests
//! of 3.1 ranked by probability; and gone beyond: the neighbours' recent take-ups as r_vi, and a
//! blend of those with the forests. By default customers get the recommender that scored best
//! there (the report says which, and whether it beats popularity).
//!
//! The forests are the same independent fits as 3.1's ([`crate::santander::plan`]); the k-NN
//! runs once the forests are back, in [`Plan::finish`].

pub mod evaluate;

use std::collections::BTreeMap;
use std::io::Write;

use learn::neighbours::{KnnModel, KnnParams, Popularity, Ratings, Similarity, NO_ITEM};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::contract::{
    question_args, report_json, unknown_download, unknown_question, Download, Fitted, UseCase,
};
use crate::params::Check;
use crate::pool::{run_here, Fits, Plan, Pooled};
use crate::progress::{Clock, OnProgress};
use crate::propensity::PropensityParams;
use crate::santander::fits::TakeUpData;
use crate::santander::plan::ForestPlan;
use crate::santander::{read, Month, SantanderStore, PRODUCTS, PRODUCT_LABELS};
use crate::{Tables, UseCaseError};
use evaluate::{Choice, Method, Quality, Scorer, Tally, AT};

crate::params! {
    /// What the user can choose.
    pub struct RecommendParams {
        /// Neighbours per customer.
        pub k: usize = 40,
        /// How alike two customers' holdings are: cosine or jaccard.
        pub similarity: Similarity = Similarity::Cosine,
        /// Products recommended per customer (the quality is measured at 3).
        pub top: usize = 3,
        /// The recommender customers get: best (the highest MAP@3 on the held-out month),
        /// knn_holdings (the business's formula), knn_recent, popularity, forests or blend.
        pub method: Choice = Choice::Best,
        /// Weight of the neighbours' ranks in the blend, 0 to 1 (the forests' get the rest).
        pub blend_weight: f64 = 0.5,
        /// Trees per product forest.
        pub trees: usize = PropensityParams::default().trees,
        /// Fewest take-ups in the training month for a product to get a forest (without one,
        /// its take-up rate ranks it).
        pub min_take_ups: usize = PropensityParams::default().min_take_ups,
        /// Seed of the forests.
        pub seed: u64 = PropensityParams::default().seed,
    }
}

impl RecommendParams {
    /// The forests' settings: 3.1's defaults with these trees, take-ups and seed, without
    /// rules or permutation importance (the same forests as 3.1's).
    fn forests(&self) -> PropensityParams {
        PropensityParams {
            trees: self.trees,
            min_take_ups: self.min_take_ups,
            seed: self.seed,
            rules: 0,
            permutation_rows: 0,
            ..PropensityParams::default()
        }
    }

    fn knn(&self, top: usize) -> KnnParams {
        KnnParams {
            k: self.k,
            similarity: self.similarity,
            top_n: top,
        }
    }
}

impl Check for RecommendParams {
    fn check(&self) -> Result<(), UseCaseError> {
        if self.k == 0 {
            return Err(UseCaseError::param("k", "at least 1 neighbour"));
        }
        if !(1..=PRODUCTS.len()).contains(&self.top) {
            return Err(UseCaseError::param("top", "1 to 24 products"));
        }
        if !(0.0..=1.0).contains(&self.blend_weight) {
            return Err(UseCaseError::param("blendWeight", "a weight from 0 to 1"));
        }
        self.forests().check().map_err(|e| match e {
            UseCaseError::Param { name, message } if name == "trees" || name == "minTakeUps" => {
                UseCaseError::Param { name, message }
            }
            other => other,
        })
    }
}

/// Time per stage.
#[derive(Debug, Clone, Serialize)]
pub struct Seconds {
    /// Reading the file into the compact store.
    pub read: f64,
    /// Planning the forests.
    pub plan: f64,
    /// Fitting and scoring the forests (wall time).
    pub fit: f64,
    /// Every recommender on the held-out month.
    pub evaluate: f64,
    /// The business's k-NN for every customer of the last month: grouping by pattern, the
    /// neighbours, the top 3 of each customer.
    pub knn_all_customers: f64,
    /// The chosen recommender for every customer of the last month.
    pub recommend_all: f64,
    /// From the first byte read to the report.
    pub total: f64,
}

/// One forest's held-out AUC, beside the recommenders.
#[derive(Debug, Clone, Serialize)]
pub struct ForestAuc {
    /// Its product's column.
    pub product: String,
    /// Its label.
    pub label: String,
    /// Held-out AUC.
    pub auc: f64,
}

/// What a recommendation run reports. The top-level figures are the chosen recommender's.
#[derive(Debug, Clone, Serialize)]
pub struct RecommendReport {
    /// The file read.
    pub file: String,
    /// The recommender customers get (the best one unless the user named another).
    pub method: Method,
    /// The recommender of highest MAP@3 on the held-out month.
    pub best: Method,
    /// Whether the chosen recommender's MAP@3 beats popularity's.
    pub beats_popularity: bool,
    /// Customers with at least one take-up in the last month: those scored.
    pub customers: usize,
    /// Customers present in the second-last and last months.
    pub customers_valid: usize,
    /// The chosen recommender's precision@3.
    pub precision_at_3: f64,
    /// Its recall@3.
    pub recall_at_3: f64,
    /// Its MAP@3.
    pub map_at_3: f64,
    /// The baselines: popularity and the forests ranked by propensity.
    pub baseline: BTreeMap<&'static str, Quality>,
    /// Every recommender.
    pub variants: BTreeMap<&'static str, Quality>,
    /// Neighbours per customer.
    pub k: usize,
    /// The similarity.
    pub similarity: Similarity,
    /// Recommendations per customer.
    pub top: usize,
    /// Weight of the neighbours in the blend.
    pub blend_weight: f64,
    /// The month the forests learn from.
    pub train_month: String,
    /// The month whose holdings are the recommendations' basis on the held-out month.
    pub valid_month: String,
    /// The last month: its customers get the recommendations.
    pub last_month: String,
    /// Customers of the last month.
    pub customers_last: usize,
    /// Distinct holding patterns among them.
    pub patterns: usize,
    /// How often each product is recommended to the last month's customers (first place).
    pub recommended_first: Vec<u64>,
    /// The forests' held-out AUC.
    pub forests: Vec<ForestAuc>,
    /// Time per stage.
    pub seconds: Seconds,
}

/// The planned forests of a recommendation run.
pub struct RecommendPlan {
    forests: ForestPlan,
    params: RecommendParams,
    file: String,
    clock: Clock,
    read_seconds: f64,
    plan_seconds: f64,
}

/// Plans the forests of `store` (read in `read_seconds`).
pub fn plan_store(
    store: &SantanderStore,
    params: &RecommendParams,
    read_seconds: f64,
) -> Result<RecommendPlan, UseCaseError> {
    params.check()?;
    let clock = Clock::start();
    let forests = ForestPlan::new(
        store,
        &params.forests().settings()?,
        &[],
        params.min_take_ups,
    )?;
    Ok(RecommendPlan {
        forests,
        params: params.clone(),
        file: store.file.clone(),
        plan_seconds: clock.lap(),
        clock,
        read_seconds,
    })
}

/// Per customer of `after` present in `before`, what they took up (held in `after` only); 0
/// for customers new in `after`.
fn take_ups(pairs: &[(u32, u32)], before: &Month, after: &Month) -> Vec<u32> {
    let mut out = vec![0u32; after.len()];
    for &(i, j) in pairs {
        out[j as usize] = after.products[j as usize] & !before.products[i as usize];
    }
    out
}

fn model_error(e: impl std::fmt::Display) -> UseCaseError {
    UseCaseError::Model(e.to_string())
}

/// The recommenders of one month: k-NN both ways and popularity, with the seconds each took to
/// fit.
struct Recommenders {
    knn_holdings: KnnModel,
    knn_recent: KnnModel,
    popularity: Popularity,
    seconds: [f64; 3],
}

impl Recommenders {
    fn fit(
        params: &RecommendParams,
        holdings: &[u32],
        recent: &[u32],
        top: usize,
    ) -> Result<Self, UseCaseError> {
        let knn = params.knn(top);
        let clock = Clock::start();
        let knn_holdings = knn
            .fit(holdings, Ratings::Holdings, PRODUCTS.len())
            .map_err(model_error)?;
        let t_holdings = clock.lap();
        let knn_recent = knn
            .fit(holdings, Ratings::Vectors(recent), PRODUCTS.len())
            .map_err(model_error)?;
        let t_recent = clock.lap();
        let popularity = Popularity::fit(recent, PRODUCTS.len()).map_err(model_error)?;
        Ok(Recommenders {
            knn_holdings,
            knn_recent,
            popularity,
            seconds: [t_holdings, t_recent, clock.lap()],
        })
    }

    /// Seconds to fit what `method` reads (the forests are timed apart).
    fn fit_seconds(&self, method: Method) -> f64 {
        match method {
            Method::KnnHoldings => self.seconds[0],
            Method::KnnRecent | Method::Blend => self.seconds[1],
            Method::Popularity => self.seconds[2],
            Method::Forests => 0.0,
        }
    }

    fn scorer<'a>(
        &'a self,
        propensities: &'a [Option<Vec<f32>>],
        fallback: &'a [f64],
        blend_weight: f64,
    ) -> Scorer<'a> {
        Scorer {
            knn_holdings: &self.knn_holdings,
            knn_recent: &self.knn_recent,
            popularity: &self.popularity,
            propensities,
            fallback,
            blend_weight,
        }
    }
}

impl Plan for RecommendPlan {
    type Fitted = Recommendations;

    fn fits(&self) -> &Fits {
        &self.forests.fits
    }

    fn finish(
        self,
        results: Vec<Vec<u8>>,
        on_progress: OnProgress<'_>,
    ) -> Result<Recommendations, UseCaseError> {
        let fit_seconds = self.clock.lap();
        crate::contract::stage(on_progress, "evaluate", 0.95)?;
        let params = &self.params;
        let fits = self.forests.collect(&results)?;
        drop(results);
        let data: &TakeUpData = &self.forests.data;
        let [before, now, last] = &data.months;
        let fallback: Vec<f64> = (0..PRODUCTS.len()).map(|p| data.train_rate(p)).collect();
        let mut valid_scores: Vec<Option<Vec<f32>>> = vec![None; PRODUCTS.len()];
        let mut last_scores: Vec<Option<Vec<f32>>> = vec![None; PRODUCTS.len()];
        let mut forests = Vec::new();
        for fit in fits {
            let p = fit.metrics.index;
            forests.push(ForestAuc {
                product: PRODUCTS[p].into(),
                label: PRODUCT_LABELS[p].into(),
                auc: fit.metrics.forest.auc,
            });
            valid_scores[p] = Some(fit.valid_scores);
            last_scores[p] = Some(fit.campaign_scores);
        }

        // The held-out month: recommendations from the second-last month's holdings, judged
        // against the take-ups of the last.
        let recent_now = take_ups(&data.train, before, now);
        let mut variants = BTreeMap::new();
        let mut tallies: Vec<(Method, Tally, f64)> = Vec::new();
        let clock = Clock::start();
        let held_out = Recommenders::fit(params, &now.products, &recent_now, AT)?;
        let scorer = held_out.scorer(&valid_scores, &fallback, params.blend_weight);
        let scored: Vec<(usize, usize, u32)> = data
            .valid
            .iter()
            .enumerate()
            .filter_map(|(k, &(i, j))| {
                let taken = last.products[j as usize] & !now.products[i as usize];
                (taken != 0).then_some((k, i as usize, taken))
            })
            .collect();
        for method in Method::ALL {
            let method_clock = Clock::start();
            let mut tally = Tally::default();
            let mut list = [NO_ITEM; AT];
            for &(k, u, taken) in &scored {
                scorer.recommend(method, u, k, &mut list);
                tally.add(&list, taken);
            }
            let seconds = method_clock.total() + held_out.fit_seconds(method);
            tallies.push((method, tally, seconds));
        }
        for (method, tally, seconds) in &tallies {
            variants.insert(method.name(), tally.quality(*seconds));
        }
        let evaluate_seconds = clock.lap();
        let quality = |m: Method| variants[m.name()];
        let best = Method::ALL
            .into_iter()
            .max_by(|a, b| quality(*a).map_at_3.total_cmp(&quality(*b).map_at_3))
            .unwrap_or(Method::Popularity);
        let method = params.method.method(best);
        let chosen = quality(method);

        // The last month: every customer gets the chosen recommender's top products. The
        // business's k-NN over the whole base is timed on its own.
        crate::contract::stage(on_progress, "recommend", 0.98)?;
        let knn_clock = Clock::start();
        let business = params
            .knn(params.top)
            .fit(&last.products, Ratings::Holdings, PRODUCTS.len())
            .map_err(model_error)?;
        let _ = business.recommend_all();
        let knn_all_customers = knn_clock.total();
        let patterns = business.n_patterns();
        drop(business);
        let clock = Clock::start();
        let recent_last = take_ups(&data.valid, now, last);
        let deployed = Recommenders::fit(params, &last.products, &recent_last, params.top)?;
        let scorer = deployed.scorer(&last_scores, &fallback, params.blend_weight);
        let top = params.top;
        let mut items = vec![NO_ITEM; last.len() * top];
        let mut recommended_first = vec![0u64; PRODUCTS.len()];
        for (u, slots) in items.chunks_exact_mut(top).enumerate() {
            scorer.recommend(method, u, u, slots);
            if slots[0] != NO_ITEM {
                recommended_first[slots[0] as usize] += 1;
            }
        }
        let recommend_all = clock.total();

        let report = RecommendReport {
            file: self.file,
            method,
            best,
            beats_popularity: chosen.map_at_3 > quality(Method::Popularity).map_at_3,
            customers: chosen.customers,
            customers_valid: data.valid.len(),
            precision_at_3: chosen.precision_at_3,
            recall_at_3: chosen.recall_at_3,
            map_at_3: chosen.map_at_3,
            baseline: [Method::Popularity, Method::Forests]
                .into_iter()
                .map(|m| (m.name(), quality(m)))
                .collect(),
            variants,
            k: params.k,
            similarity: params.similarity,
            top,
            blend_weight: params.blend_weight,
            train_month: before.date(),
            valid_month: now.date(),
            last_month: last.date(),
            customers_last: last.len(),
            patterns,
            recommended_first,
            forests,
            seconds: Seconds {
                read: self.read_seconds,
                plan: self.plan_seconds,
                fit: fit_seconds,
                evaluate: evaluate_seconds,
                knn_all_customers,
                recommend_all,
                total: self.read_seconds + self.clock.total(),
            },
        };
        Ok(Recommendations {
            report,
            ids: last.ids.clone(),
            items,
            deployed,
            propensities: last_scores,
            fallback,
        })
    }
}

/// A finished recommendation run: the report and the last month's customers' recommendations.
pub struct Recommendations {
    /// What the page and the command line show.
    pub report: RecommendReport,
    ids: Vec<u32>,
    /// `top` products per customer of the last month ([`NO_ITEM`] pads).
    items: Vec<u8>,
    deployed: Recommenders,
    propensities: Vec<Option<Vec<f32>>>,
    fallback: Vec<f64>,
}

/// A product and a figure about it.
#[derive(Debug, Clone, Serialize)]
pub struct ProductShare {
    /// Its column.
    pub product: String,
    /// Its label.
    pub label: String,
    /// The figure (a share of neighbours, a probability).
    pub value: f64,
}

/// One recommendation, with what explains it.
#[derive(Debug, Clone, Serialize)]
pub struct Recommended {
    /// Its column.
    pub product: String,
    /// Its label.
    pub label: String,
    /// Share of the customer's neighbours who hold it.
    pub neighbours_hold: f64,
    /// Share of them who took it up the month before.
    pub neighbours_took_up: f64,
    /// The forest's probability that the customer takes it up (the training month's take-up
    /// rate for a product without a forest).
    pub propensity: f64,
}

/// A customer as the customer view shows them.
#[derive(Debug, Clone, Serialize)]
pub struct CustomerView {
    /// `ncodpers`.
    pub id: u32,
    /// The month described.
    pub month: String,
    /// The products held.
    pub holds: Vec<ProductShare>,
    /// The recommendations, best first.
    pub recommendations: Vec<Recommended>,
    /// What the customer's neighbours hold most ("customers like you hold ..."), held or not.
    pub neighbours_hold: Vec<ProductShare>,
    /// Take-up probability of each product not held, highest first.
    pub propensities: Vec<ProductShare>,
}

#[derive(Debug, Deserialize)]
struct CustomerQuestion {
    id: u32,
}

fn share(p: usize, value: f64) -> ProductShare {
    ProductShare {
        product: PRODUCTS[p].into(),
        label: PRODUCT_LABELS[p].into(),
        value,
    }
}

impl Recommendations {
    /// The last month's customer `id` with their recommendations and what explains them.
    pub fn customer(&self, id: u32) -> Result<CustomerView, UseCaseError> {
        let u = self.ids.binary_search(&id).map_err(|_| {
            UseCaseError::Unavailable(format!(
                "customer {id} is not in the last month ({})",
                self.report.last_month
            ))
        })?;
        let held = self.deployed.knn_holdings.holding(u);
        let hold = self.deployed.knn_holdings.scores(u);
        let took = self.deployed.knn_recent.scores(u);
        let propensity = |p: usize| match &self.propensities[p] {
            Some(s) if !s[u].is_nan() => f64::from(s[u]),
            Some(_) => 0.0,
            None => self.fallback[p],
        };
        let top = self.report.top;
        let recommendations = self.items[u * top..(u + 1) * top]
            .iter()
            .filter(|&&i| i != NO_ITEM)
            .map(|&i| {
                let p = i as usize;
                Recommended {
                    product: PRODUCTS[p].into(),
                    label: PRODUCT_LABELS[p].into(),
                    neighbours_hold: hold[p],
                    neighbours_took_up: took[p],
                    propensity: propensity(p),
                }
            })
            .collect();
        let mut neighbours: Vec<ProductShare> = (0..PRODUCTS.len())
            .filter(|&p| hold[p] > 0.0)
            .map(|p| share(p, hold[p]))
            .collect();
        neighbours.sort_by(|a, b| b.value.total_cmp(&a.value));
        neighbours.truncate(5);
        let mut propensities: Vec<ProductShare> = (0..PRODUCTS.len())
            .filter(|&p| held >> p & 1 == 0)
            .map(|p| share(p, propensity(p)))
            .collect();
        propensities.sort_by(|a, b| b.value.total_cmp(&a.value));
        Ok(CustomerView {
            id,
            month: self.report.last_month.clone(),
            holds: crate::santander::items(held)
                .map(|p| share(p, 1.0))
                .collect(),
            recommendations,
            neighbours_hold: neighbours,
            propensities,
        })
    }

    /// Writes `ncodpers,rank,product,label` per recommendation of every customer.
    pub fn write_recommendations(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "ncodpers,rank,product,label")?;
        let top = self.report.top;
        for (u, id) in self.ids.iter().enumerate() {
            for (rank, &i) in self.items[u * top..(u + 1) * top].iter().enumerate() {
                if i != NO_ITEM {
                    let p = i as usize;
                    writeln!(
                        out,
                        "{id},{},{},{}",
                        rank + 1,
                        PRODUCTS[p],
                        PRODUCT_LABELS[p]
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Writes `method,customers,precision_at_3,recall_at_3,map_at_3,seconds,chosen`.
    fn write_evaluation(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(
            out,
            "method,customers,precision_at_3,recall_at_3,map_at_3,seconds,chosen"
        )?;
        for method in Method::ALL {
            let q = &self.report.variants[method.name()];
            writeln!(
                out,
                "{},{},{:.6},{:.6},{:.6},{:.4},{}",
                method.name(),
                q.customers,
                q.precision_at_3,
                q.recall_at_3,
                q.map_at_3,
                q.seconds,
                method == self.report.method
            )?;
        }
        Ok(())
    }
}

impl Fitted for Recommendations {
    fn report(&self) -> Value {
        report_json(&self.report)
    }

    /// `customer` `{id}`: a customer of the last month, their holdings, recommendations and
    /// what explains them.
    fn ask(&mut self, question: &str, args: &Value) -> Result<Value, UseCaseError> {
        match question {
            "customer" => {
                let q: CustomerQuestion = question_args(question, args)?;
                Ok(report_json(&self.customer(q.id)?))
            }
            "customers" => {
                // A few customers to start from: the first ids of the last month.
                Ok(report_json(&self.ids.iter().take(20).collect::<Vec<_>>()))
            }
            _ => Err(unknown_question(question)),
        }
    }

    fn downloads(&self) -> Vec<Download> {
        vec![
            Download::csv("recommendations", "recommendations.csv"),
            Download::csv("evaluation", "recommenders_evaluation.csv"),
            Download::json("report", "recommend_report.json"),
        ]
    }

    fn download(&self, key: &str, out: &mut dyn Write) -> Result<(), UseCaseError> {
        match key {
            "recommendations" => self.write_recommendations(out)?,
            "evaluation" => self.write_evaluation(out)?,
            "report" => out.write_all(self.report().to_string().as_bytes())?,
            _ => return Err(unknown_download("a recommendation run", key)),
        }
        Ok(())
    }
}

/// Use case 3.2 as the catalogue runs it.
pub struct ProductRecommendations;

impl UseCase for ProductRecommendations {
    const NAME: &'static str = "recommend";
    type Params = RecommendParams;
    type Inputs<'a> = read::Source<'a>;
    type Fitted = Recommendations;

    fn inputs<'a>(
        tables: &'a dyn Tables,
        _params: &RecommendParams,
    ) -> Result<read::Source<'a>, UseCaseError> {
        read::Source::of(tables, Self::NAME)
    }

    fn run(
        inputs: read::Source<'_>,
        params: &RecommendParams,
        on_progress: OnProgress<'_>,
    ) -> Result<Recommendations, UseCaseError> {
        let plan = Self::plan(inputs, params, on_progress)?;
        run_here(plan, on_progress)
    }
}

impl Pooled for ProductRecommendations {
    type Plan = RecommendPlan;

    fn plan(
        inputs: read::Source<'_>,
        params: &RecommendParams,
        on_progress: OnProgress<'_>,
    ) -> Result<RecommendPlan, UseCaseError> {
        params.check()?;
        let (store, read_seconds) = read::for_plan(inputs, on_progress)?;
        plan_store(&store, params, read_seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::santander::testing::{planted_store, STUDENT_PRODUCT, TOP_PRODUCT};

    fn run(store: &SantanderStore, params: &RecommendParams) -> Recommendations {
        run_here(
            plan_store(store, params, 0.0).unwrap(),
            &mut crate::progress::ignore,
        )
        .unwrap()
    }

    #[test]
    fn forests_read_the_segment_that_popularity_and_holdings_cannot() {
        let store = planted_store(3000, 4, 11);
        let params = RecommendParams {
            trees: 20,
            min_take_ups: 10,
            ..RecommendParams::default()
        };
        let mut fitted = run(&store, &params);
        let r = &fitted.report;
        let map = |m: Method| r.variants[m.name()].map_at_3;
        // Popularity puts the same product first for everyone: half the customers find theirs
        // second (AP 1/2). The forests put each segment's own product first.
        assert!(
            map(Method::Forests) > map(Method::Popularity) + 0.15,
            "{:?}",
            r.variants
        );
        // By default customers get the best on the held-out month, here one that reads the
        // segments.
        assert!(
            matches!(r.best, Method::Forests | Method::Blend),
            "{:?}",
            r.best
        );
        assert_eq!(r.method, r.best);
        assert!(r.beats_popularity);
        assert_eq!(r.map_at_3, map(r.best));
        assert_eq!(r.baseline.len(), 2);
        assert!(r.customers > 100 && r.customers == r.variants["knn_holdings"].customers);
        // Customers who hold only the current account are all alike to the k-NN: its scores
        // cannot tell the segments apart, so it ranks no better than popularity.
        assert!(map(Method::KnnHoldings) < map(Method::Forests));

        // A student who holds neither product gets the students' product first, explained.
        let last = store.months.last().unwrap();
        let student = (0..last.len())
            .find(|&r| last.ids[r] % 2 == 1 && last.products[r] == 1 << 2)
            .map(|r| last.ids[r])
            .unwrap();
        let view = fitted
            .ask("customer", &serde_json::json!({ "id": student }))
            .unwrap();
        let recs = view["recommendations"].as_array().unwrap();
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[0]["product"], PRODUCTS[STUDENT_PRODUCT]);
        assert!(recs[0]["propensity"].as_f64().unwrap() > 0.1);
        for rec in recs {
            let share = rec["neighbours_hold"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&share));
        }
        assert_eq!(view["holds"][0]["product"], "ind_cco_fin_ult1");
        assert_eq!(view["neighbours_hold"][0]["product"], "ind_cco_fin_ult1");
        assert!(fitted
            .ask("customer", &serde_json::json!({ "id": 1 }))
            .is_err());

        let mut csv = Vec::new();
        fitted.download("recommendations", &mut csv).unwrap();
        let text = String::from_utf8(csv).unwrap();
        assert_eq!(text.lines().count(), 1 + 3 * last.len());
        let top_first = text
            .lines()
            .filter(|l| l.contains(",1,") && l.contains(PRODUCTS[TOP_PRODUCT]))
            .count();
        assert!(top_first > 0);
        let mut csv = Vec::new();
        fitted.download("evaluation", &mut csv).unwrap();
        assert_eq!(String::from_utf8(csv).unwrap().lines().count(), 6);

        // A recommender named by the user is the one customers get, even a weaker one.
        let named = run(
            &store,
            &RecommendParams {
                method: Choice::Popularity,
                ..params
            },
        );
        let r = &named.report;
        assert_eq!((r.method, r.best), (Method::Popularity, fitted.report.best));
        assert!(!r.beats_popularity);
        assert_eq!(r.map_at_3, r.variants["popularity"].map_at_3);
    }

    #[test]
    fn parameters_are_checked_by_name() {
        let bad = |params: RecommendParams| match params.check() {
            Err(UseCaseError::Param { name, .. }) => name,
            other => panic!("{other:?}"),
        };
        let base = RecommendParams::default;
        assert_eq!(bad(RecommendParams { k: 0, ..base() }), "k");
        assert_eq!(bad(RecommendParams { top: 25, ..base() }), "top");
        assert_eq!(
            bad(RecommendParams {
                blend_weight: 1.5,
                ..base()
            }),
            "blendWeight"
        );
        assert_eq!(bad(RecommendParams { trees: 0, ..base() }), "trees");
        let json = serde_json::json!({"method": "knn_recent", "similarity": "jaccard"});
        let p: RecommendParams = crate::params::from_json(&json).unwrap();
        assert_eq!(
            (p.method, p.similarity),
            (Choice::KnnRecent, Similarity::Jaccard)
        );
    }
}
