//! Use case 1.1: daily sales of each Rossmann store, forecast by gradient-boosted trees and
//! judged on the last weeks of the file beside a naive baseline.
//!
//! Stages: [`features`] reads `train.csv` (+ `store.csv`, `test.csv`) into typed rows and model
//! features ([`history`] for the store's level, patterns, trend and events), [`split`] holds out
//! the last days, [`baseline`] is the naive forecast, `train` fits the trees (early stopping,
//! then a refit) and [`run`] predicts and scores, with a trained model or one read from a model
//! file (ours or XGBoost's JSON); [`report`] holds what the page and the command line show.
//! [`SalesForecast`] is the use case as the catalogue runs it.

pub mod baseline;
pub mod features;
pub mod history;
mod output;
pub mod report;
pub mod split;
mod train;

use std::io::{self, Write};

use learn::gbdt::{Feature, GbdtModel, GbdtParams, Growth, LoadedModel, TargetTransform, XgbModel};
use serde::Serialize;
use serde_json::Value;
use tabular::{KnownFile, Table};

use crate::boosting::{gbdt_param_error, importance, model_error};
use crate::calendar::iso_date;
use crate::contract::{
    question_args, report_json, unknown_download, unknown_question, Download, Fitted, UseCase,
};
use crate::params::Check;
use crate::progress::{Clock, OnProgress};
use crate::rossmann::{DailyRows, StoreTable};
use crate::{Tables, UseCaseError};
use baseline::WeekdayPromoMean;
use features::FeatureSet;
pub use output::{StoreSeries, SERIES_HISTORY_DAYS};
use report::{
    ComparisonSeconds, DayError, EarlyStopping, Holdout, Importance, Losses, ModelInfo, Scores,
    Seconds, StoreError,
};
use split::TimeSplit;
use train::{subset, TrainingRows};

/// A model file to score with instead of training: its name and its JSON text.
#[derive(Debug, Clone)]
pub struct ModelFile<'a> {
    /// The file's name, shown in the report.
    pub name: String,
    /// Its text: a model saved by `vitrine` or by XGBoost (`Booster.save_model("x.json")`).
    pub text: &'a str,
}

/// The loaded files of one forecast.
#[derive(Debug, Clone)]
pub struct ForecastInputs<'a> {
    /// `train.csv`: required.
    pub train: &'a Table,
    /// `store.csv`: joined on `Store` when given.
    pub store: Option<&'a Table>,
    /// `test.csv`: the days to forecast, when given.
    pub test: Option<&'a Table>,
    /// A model to score with instead of training, when given.
    pub model: Option<ModelFile<'a>>,
}

crate::params! {
    /// What the user can choose. These defaults are the command line's and the page's, measured
    /// on the real Rossmann 2013-2014 rows (`tests/bench/FORECAST_RESEARCH.md`).
    pub struct ForecastParams {
        /// Features of the main model: `full` (everything known in advance, with the store's
        /// history and the days around events) or `seed` (the business's five, with Customers,
        /// which no forecast day knows).
        pub features: FeatureSet = FeatureSet::Full,
        /// Days held out at the end of train.csv for validation (the competition forecast 42).
        pub holdout_days: u32 = 42,
        /// Also train a model on the other feature set, to show its errors beside.
        pub compare_seed: bool = true,
        /// What the trees fit: `log1p` (ln(1 + sales): errors relative to each store's size,
        /// as RMSPE scores them) or `identity` (sales as they are, squared error).
        pub target: TargetTransform = TargetTransform::Log1p,
        /// Most boosting rounds (one tree each); with early stopping, the count is found below.
        pub trees: usize = 400,
        /// Days at the end of the training period on which early stopping finds the number of
        /// trees (0: train all the trees).
        pub early_stopping_days: u32 = 42,
        /// Early stopping ends after this many trees without a lower error on those days.
        pub early_stopping_rounds: usize = 10,
        /// After early stopping, train again on every training day with the count found.
        pub refit: bool = true,
        /// How trees grow: `leaf_wise` (the split of largest gain first, up to `leaves`) or
        /// `depth_wise` (every node down to `depth`).
        pub growth: Growth = Growth::LeafWise,
        /// Leaves per tree, for leaf-wise growth.
        pub leaves: u32 = 255,
        /// Depth limit of each tree.
        pub depth: u32 = 8,
        /// Fewest training days in a leaf (the hessian sum of squared error).
        pub min_child_weight: f64 = 20.0,
        /// Shrinkage of each tree: smaller learns slower but generalises better.
        pub learning_rate: f64 = 0.2,
        /// Share of the training days each tree learns from, drawn afresh for each (1: all).
        pub subsample: f64 = 1.0,
        /// Share of the features each tree may split on, drawn afresh for each (1: all); fewer
        /// is also faster, since a tree sums only its features' histograms.
        pub feature_fraction: f64 = 0.7,
        /// Bins per feature, the missing-value bin included (2 to 256).
        pub bins: u32 = GbdtParams::default().n_bins,
        /// Seed of the rows sampled to place the bin boundaries.
        pub seed: u64 = GbdtParams::default().seed,
        /// A loaded model file (ours or XGBoost's JSON) to score with instead of training.
        pub model: Option<String> = None,
    }
}

impl ForecastParams {
    /// The boosting settings these parameters choose (`trees` as the most trees).
    pub fn gbdt(&self) -> GbdtParams {
        GbdtParams {
            target: self.target,
            n_trees: self.trees,
            max_depth: self.depth,
            max_leaves: match self.growth {
                Growth::LeafWise => self.leaves,
                Growth::DepthWise => 0,
            },
            growth: self.growth,
            min_child_weight: self.min_child_weight,
            learning_rate: self.learning_rate,
            subsample: self.subsample,
            colsample_bytree: self.feature_fraction,
            n_bins: self.bins,
            seed: self.seed,
            ..GbdtParams::default()
        }
    }
}

impl Check for ForecastParams {
    fn check(&self) -> Result<(), UseCaseError> {
        if self.holdout_days == 0 {
            return Err(UseCaseError::param(
                "holdoutDays",
                "hold out at least 1 day",
            ));
        }
        if self.early_stopping_days > 0 && self.early_stopping_rounds == 0 {
            return Err(UseCaseError::param(
                "earlyStoppingRounds",
                "at least 1 (or earlyStoppingDays 0 to train every tree)",
            ));
        }
        self.gbdt().check().map_err(|e| gbdt_param_error(e, ""))
    }
}

/// The scores of the comparison model.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Its feature set.
    pub feature_set: FeatureSet,
    /// Its errors on the same validation days.
    pub metrics: Scores,
    /// Its trees.
    pub trees: usize,
    /// Its own time.
    pub seconds: ComparisonSeconds,
}

/// What a forecast run reports.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastReport {
    /// Feature set of the main model.
    pub feature_set: FeatureSet,
    /// Names of the main model's features.
    pub features: Vec<String>,
    /// Main model's errors on the open validation days.
    pub metrics: Scores,
    /// The naive baseline's errors on the same days.
    pub baseline: Scores,
    /// The other feature set's errors, when asked for and possible.
    pub comparison: Option<Comparison>,
    /// Rows the model was trained on (open days with sales, before the holdout).
    pub rows_train: usize,
    /// Open days scored.
    pub rows_valid: usize,
    /// First validation day, `YYYY-MM-DD`.
    pub valid_from: String,
    /// Last validation day.
    pub valid_to: String,
    /// The validation period, the rows each score leaves out and the baseline, in full.
    pub holdout: Holdout,
    /// Where the model comes from, what it predicts and reads.
    pub model: ModelInfo,
    /// Trees in the main model.
    pub trees: usize,
    /// How early stopping found that count, when it did.
    pub early_stopping: Option<EarlyStopping>,
    /// Feature importance of the main model, by gain, largest first.
    pub importance: Vec<Importance>,
    /// Errors per store, worst first.
    pub stores: Vec<StoreError>,
    /// Errors per validation day, in date order.
    pub days: Vec<DayError>,
    /// Where the model loses to the baseline.
    pub losses: Losses,
    /// Rows of `test.csv` forecast, when given.
    pub rows_forecast: usize,
    /// Time per stage.
    pub seconds: Seconds,
    /// The series of the first store (in id order), which the view charts first.
    pub series: Option<StoreSeries>,
}

/// A finished forecast: the report, the model and what the charts and downloads need.
#[derive(Debug, Clone)]
pub struct Forecast {
    /// What the page and the command line show.
    pub report: ForecastReport,
    /// The main model when it was trained here (none when a model file was scored).
    pub model: Option<GbdtModel>,
    /// train.csv's rows, then test.csv's.
    rows: DailyRows,
    /// Rows of train.csv (the first rows of `rows`).
    n_train: usize,
    split: TimeSplit,
    /// Prediction and baseline of each validation row (index into `rows`).
    valid: Vec<(usize, f64, f64)>,
    /// Forecast of each row of test.csv (rows `n_train..`), when forecast.
    test: Option<Vec<f64>>,
}

/// The typed rows (train.csv's, then test.csv's when given), the store table and the split:
/// what both the forecast and the feature export start from, so that they see the same rows.
struct Prepared {
    rows: DailyRows,
    n_train: usize,
    stores: StoreTable,
    split: TimeSplit,
}

/// Row indices by role, and the holdout's counts.
struct RowSets {
    /// Open training days with sales: what the model learns from.
    train: Vec<usize>,
    /// Open validation days: what is scored.
    valid: Vec<usize>,
    holdout: Holdout,
}

impl Prepared {
    fn read(inputs: &ForecastInputs<'_>, holdout_days: u32) -> Result<Prepared, UseCaseError> {
        let train = DailyRows::from_table(inputs.train)?;
        if train.sales.is_none() {
            return Err(UseCaseError::Input(format!(
                "{} has no Sales column: give Rossmann's train.csv to learn from",
                inputs.train.name
            )));
        }
        let stores = inputs
            .store
            .map(StoreTable::from_table)
            .transpose()?
            .unwrap_or_default();
        let mut split = TimeSplit::last_days(&train, holdout_days)?;
        let n_train = train.len();
        // test.csv's days follow, sales unknown, outside training: the event columns of the
        // last days then see both sides of the file boundary.
        let rows = match inputs.test {
            Some(table) => train.concat(&DailyRows::from_table(table)?),
            None => train,
        };
        split.in_training.resize(rows.len(), false);
        Ok(Prepared {
            rows,
            n_train,
            stores,
            split,
        })
    }

    fn sales(&self) -> &[f32] {
        self.rows.sales.as_deref().unwrap_or_default()
    }

    fn row_sets(&self) -> RowSets {
        let sales = self.sales();
        let training = &self.split.in_training;
        let open = &self.rows.open;
        let count = |f: &dyn Fn(usize) -> bool| (0..self.n_train).filter(|&i| f(i)).count();
        let train: Vec<usize> = (0..self.n_train)
            .filter(|&i| training[i] && open[i] && sales[i] > 0.0)
            .collect();
        let valid: Vec<usize> = (0..self.n_train)
            .filter(|&i| !training[i] && open[i])
            .collect();
        let holdout = Holdout {
            valid_from: iso_date(self.split.valid_from),
            valid_to: iso_date(self.split.last_day),
            days: (self.split.last_day - self.split.valid_from + 1) as u32,
            rows_valid: valid.len(),
            rows_rmspe: valid.iter().filter(|&&i| sales[i] > 0.0).count(),
            rows_closed: count(&|i| !training[i] && !open[i]),
            rows_zero_sales: valid.iter().filter(|&&i| sales[i] <= 0.0).count(),
            rows_train: train.len(),
            rows_train_excluded: count(&|i| training[i]) - train.len(),
            baseline: report::BASELINE,
        };
        RowSets {
            train,
            valid,
            holdout,
        }
    }

    /// The rows of test.csv.
    fn test_rows(&self) -> Vec<usize> {
        (self.n_train..self.rows.len()).collect()
    }
}

/// What the main model gave, trained or loaded.
struct Outcome {
    model: Option<GbdtModel>,
    info: ModelInfo,
    trees: usize,
    early_stopping: Option<EarlyStopping>,
    importance: Vec<learn::gbdt::FeatureImportance>,
    /// Predictions of the validation rows, then of test.csv's when forecast.
    valid: Vec<f64>,
    test: Option<Vec<f64>>,
}

/// Builds features, trains the model (and the comparison) or reads the model file, predicts and
/// scores. `on_progress` hears stage `stop` (the early-stopping fit) and `train` after every
/// tree (then `compareStop` and `compare`), with the validation loss; `false` cancels.
pub fn run(
    inputs: ForecastInputs<'_>,
    params: &ForecastParams,
    on_progress: OnProgress<'_>,
) -> Result<Forecast, UseCaseError> {
    params.check()?;
    let clock = Clock::start();
    let prepared = Prepared::read(&inputs, params.holdout_days)?;
    let sets = prepared.row_sets();
    if sets.train.is_empty() || sets.valid.is_empty() {
        return Err(UseCaseError::Input(format!(
            "{} leaves {} open training days and {} open validation days with a holdout of {} days",
            inputs.train.name,
            sets.train.len(),
            sets.valid.len(),
            params.holdout_days
        )));
    }
    let rows = &prepared.rows;
    let sales = prepared.sales();
    let baseline = WeekdayPromoMean::fit(rows, &prepared.split.in_training);
    let truth: Vec<f64> = sets.valid.iter().map(|&i| f64::from(sales[i])).collect();
    let baseline_valid: Vec<f64> = sets
        .valid
        .iter()
        .map(|&i| baseline.predict(rows, i))
        .collect();
    let mut seconds = Seconds::default();
    let comparing = inputs.model.is_none() && params.compare_seed && rows.customers.is_some();
    // The comparison's share of the progress bar (its set is the smaller one by default).
    let main_share = if comparing { 0.8 } else { 1.0 };
    // The rows every trained model (the main one, the comparison) learns from and is scored on.
    let training = TrainingRows {
        train: &sets.train,
        valid: &sets.valid,
        date: &rows.date,
        valid_from: prepared.split.valid_from,
    };

    let (outcome, feature_names) = match &inputs.model {
        Some(file) => score_loaded(file, &prepared, &sets, &clock, &mut seconds)?,
        None => {
            let features = features::build(
                params.features,
                rows,
                &prepared.stores,
                &prepared.split.in_training,
            )?;
            seconds.features = clock.lap();
            let reporting = train::Reporting {
                stop_stage: "stop",
                stage: "train",
                start: 0.0,
                share: main_share,
                on_progress: &mut *on_progress,
            };
            let (model, early_stopping) = train::train(
                &params.gbdt(),
                early(params),
                &features,
                sales,
                &training,
                reporting,
            )?;
            seconds.train = clock.lap();
            let predict = |rows: &[usize]| -> Result<Vec<f64>, UseCaseError> {
                let predicted = model
                    .predict(&subset(&features, rows))
                    .map_err(model_error)?;
                Ok(predicted.into_iter().map(|p| p.max(0.0)).collect())
            };
            let valid = predict(&sets.valid)?;
            let test = match params.features {
                FeatureSet::Full if prepared.n_train < rows.len() => {
                    Some(predict(&prepared.test_rows())?)
                }
                _ => None,
            };
            seconds.predict = clock.lap();
            let names: Vec<String> = features.iter().map(|f| f.name.clone()).collect();
            let outcome = Outcome {
                info: ModelInfo {
                    source: "trained",
                    file: None,
                    format: "vitrine-gbdt",
                    target: params.target,
                    features: names.clone(),
                },
                trees: model.n_trees(),
                early_stopping,
                importance: model.feature_importance(),
                model: Some(model),
                valid,
                test,
            };
            (outcome, names)
        }
    };

    let comparison = if comparing {
        let set = match params.features {
            FeatureSet::Full => FeatureSet::Seed,
            FeatureSet::Seed => FeatureSet::Full,
        };
        let features = features::build(set, rows, &prepared.stores, &prepared.split.in_training)?;
        let features_seconds = clock.lap();
        let reporting = train::Reporting {
            stop_stage: "compareStop",
            stage: "compare",
            start: main_share,
            share: 1.0 - main_share,
            on_progress: &mut *on_progress,
        };
        let (model, _) = train::train(
            &params.gbdt(),
            early(params),
            &features,
            sales,
            &training,
            reporting,
        )?;
        let predicted: Vec<f64> = model
            .predict(&subset(&features, &sets.valid))
            .map_err(model_error)?
            .into_iter()
            .map(|p| p.max(0.0))
            .collect();
        Some(Comparison {
            feature_set: set,
            metrics: Scores::of(&truth, &predicted),
            trees: model.n_trees(),
            seconds: ComparisonSeconds {
                features: features_seconds,
                train: clock.lap(),
            },
        })
    } else {
        None
    };

    let valid: Vec<(usize, f64, f64)> = sets
        .valid
        .iter()
        .zip(outcome.valid.iter().zip(&baseline_valid))
        .map(|(&i, (&p, &b))| (i, p, b))
        .collect();
    let metrics = Scores::of(&truth, &outcome.valid);
    let baseline_scores = Scores::of(&truth, &baseline_valid);
    let stores = output::store_errors(rows, sales, &valid);
    let days = output::day_errors(rows, sales, &valid);
    let losses = output::losses(&stores, &days, &metrics, &baseline_scores);
    seconds.total = clock.total();
    let report = ForecastReport {
        feature_set: params.features,
        features: feature_names,
        metrics,
        baseline: baseline_scores,
        comparison,
        rows_train: sets.holdout.rows_train,
        rows_valid: sets.holdout.rows_valid,
        valid_from: sets.holdout.valid_from.clone(),
        valid_to: sets.holdout.valid_to.clone(),
        holdout: sets.holdout,
        model: outcome.info,
        trees: outcome.trees,
        early_stopping: outcome.early_stopping,
        importance: importance(outcome.importance),
        stores,
        days,
        losses,
        rows_forecast: outcome.test.as_ref().map_or(0, Vec::len),
        seconds,
        series: None,
    };
    let Prepared {
        rows,
        n_train,
        split,
        ..
    } = prepared;
    let mut forecast = Forecast {
        report,
        model: outcome.model,
        rows,
        n_train,
        split,
        valid,
        test: outcome.test,
    };
    forecast.report.series = forecast
        .stores()
        .first()
        .map(|&store| forecast.store_series(store, SERIES_HISTORY_DAYS));
    Ok(forecast)
}

/// The early-stopping settings of `params`: days, rounds, refit.
fn early(params: &ForecastParams) -> (u32, usize, bool) {
    (
        params.early_stopping_days,
        params.early_stopping_rounds,
        params.refit,
    )
}

/// Reads a model file and scores the validation rows (and test.csv's, when the model does not
/// read Customers, which test.csv lacks) with the features it names. Returns the outcome and
/// the model's feature names.
fn score_loaded(
    file: &ModelFile<'_>,
    prepared: &Prepared,
    sets: &RowSets,
    clock: &Clock,
    seconds: &mut Seconds,
) -> Result<(Outcome, Vec<String>), UseCaseError> {
    let rows = &prepared.rows;
    let mut features = features::build(
        FeatureSet::Full,
        rows,
        &prepared.stores,
        &prepared.split.in_training,
    )?;
    if let Some(customers) = &rows.customers {
        features.push(Feature::numeric("Customers", customers.clone()));
    }
    seconds.features = clock.lap();
    let loaded = LoadedModel::from_json(file.text)
        .map_err(|e| UseCaseError::Input(format!("{}: {e}", file.name)))?;
    let names = loaded.feature_names();
    let missing: Vec<&str> = names
        .iter()
        .filter(|n| !features.iter().any(|f| &f.name == *n))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        let built: Vec<&str> = features.iter().map(|f| f.name.as_str()).collect();
        return Err(UseCaseError::Input(format!(
            "{} reads {}, which the forecast does not build; it builds {}",
            file.name,
            missing.join(", "),
            built.join(", ")
        )));
    }
    seconds.train = clock.lap();
    let predict = |rows: &[usize]| -> Result<Vec<f64>, UseCaseError> {
        let predicted = loaded
            .predict(&subset(&features, rows))
            .map_err(|e| UseCaseError::Input(format!("{}: {e}", file.name)))?;
        Ok(predicted.into_iter().map(|p| p.max(0.0)).collect())
    };
    let valid = predict(&sets.valid)?;
    let forecasts_test = prepared.n_train < rows.len() && !names.iter().any(|n| n == "Customers");
    let test = if forecasts_test {
        Some(predict(&prepared.test_rows())?)
    } else {
        None
    };
    seconds.predict = clock.lap();
    let outcome = Outcome {
        model: None,
        info: ModelInfo {
            source: "loaded",
            file: Some(file.name.clone()),
            format: match loaded {
                LoadedModel::Vitrine(_) => "vitrine-gbdt",
                LoadedModel::Xgboost(_) => "xgboost",
            },
            target: loaded.target(),
            features: names.clone(),
        },
        trees: loaded.n_trees(),
        early_stopping: None,
        importance: loaded.feature_importance(),
        valid,
        test,
    };
    Ok((outcome, names))
}

/// Writes the rows the model trains on and the validation rows, as `Set` (`train`, `valid`),
/// `Date`, `Sales` and every feature of the main set by its name, as numbers (category codes
/// too; an empty cell is missing): the table an XGBoost or LightGBM model is trained on to
/// compare, and that a model saved by XGBoost reads back by name. Returns the rows written.
pub fn export_features(
    inputs: ForecastInputs<'_>,
    params: &ForecastParams,
    out: &mut dyn Write,
) -> Result<usize, UseCaseError> {
    params.check()?;
    let prepared = Prepared::read(&inputs, params.holdout_days)?;
    let features = features::build(
        params.features,
        &prepared.rows,
        &prepared.stores,
        &prepared.split.in_training,
    )?;
    let sets = prepared.row_sets();
    let sales = prepared.sales();
    let names: Vec<&str> = features.iter().map(|f| f.name.as_str()).collect();
    writeln!(out, "Set,Date,Sales,{}", names.join(","))?;
    let mut line = String::new();
    for (set, rows) in [("train", &sets.train), ("valid", &sets.valid)] {
        for &i in rows.iter() {
            line.clear();
            line.push_str(set);
            line.push(',');
            line.push_str(&iso_date(prepared.rows.date[i]));
            line.push_str(&format!(",{}", sales[i]));
            for feature in &features {
                line.push(',');
                let value = feature.values[i];
                if !value.is_nan() {
                    line.push_str(&value.to_string());
                }
            }
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
    }
    Ok(sets.train.len() + sets.valid.len())
}

impl Forecast {
    /// The stores of the file, in id order.
    pub fn stores(&self) -> Vec<u32> {
        let mut stores: Vec<u32> = self.report.stores.iter().map(|s| s.store).collect();
        stores.sort_unstable();
        stores
    }

    /// One store's last `history_days` of training, its validation days and its forecast days.
    pub fn store_series(&self, store: u32, history_days: u32) -> StoreSeries {
        output::store_series(self, store, history_days)
    }

    /// The main model in XGBoost's JSON model format (numeric splits, feature names, the target
    /// transform in the `vitrine_target` attribute), when it was trained here.
    pub fn xgboost_json(&self) -> Result<Option<String>, UseCaseError> {
        self.model
            .as_ref()
            .map(|m| XgbModel::from_gbdt(m).map(|x| x.to_json()))
            .transpose()
            .map_err(model_error)
    }

    /// Writes `Store,Date,Sales,Predicted,Baseline` for every open validation day.
    pub fn write_validation_csv(&self, out: &mut dyn Write) -> io::Result<()> {
        output::write_validation_csv(self, out)
    }

    /// Writes the forecast of `test.csv` as the competition's submission: `Id,Sales`.
    /// Returns false (and writes nothing) when test.csv was not forecast.
    pub fn write_test_csv(&self, out: &mut dyn Write) -> io::Result<bool> {
        output::write_test_csv(self, out)
    }
}

/// Use case 1.1 as the catalogue runs it.
pub struct SalesForecast;

impl UseCase for SalesForecast {
    const NAME: &'static str = "forecast";
    type Params = ForecastParams;
    type Inputs<'a> = ForecastInputs<'a>;
    type Fitted = Forecast;

    fn inputs<'a>(
        tables: &'a dyn Tables,
        params: &ForecastParams,
    ) -> Result<ForecastInputs<'a>, UseCaseError> {
        let (train, store) = crate::rossmann::train_and_store(tables, Self::NAME)?;
        let model = match &params.model {
            Some(name) => Some(ModelFile {
                text: tables.require_document("model", name)?,
                name: name.clone(),
            }),
            None => None,
        };
        Ok(ForecastInputs {
            train,
            store,
            test: tables.find(KnownFile::RossmannTest),
            model,
        })
    }

    fn run(
        inputs: ForecastInputs<'_>,
        params: &ForecastParams,
        on_progress: OnProgress<'_>,
    ) -> Result<Forecast, UseCaseError> {
        run(inputs, params, on_progress)
    }
}

/// The arguments of the `series` question.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SeriesQuestion {
    store: u32,
    #[serde(default = "series_history_days")]
    history_days: u32,
}

fn series_history_days() -> u32 {
    SERIES_HISTORY_DAYS
}

impl Fitted for Forecast {
    fn report(&self) -> Value {
        report_json(&self.report)
    }

    /// `series` `{store, historyDays}`: one store's actual, predicted and baseline sales.
    fn ask(&mut self, question: &str, args: &Value) -> Result<Value, UseCaseError> {
        match question {
            "series" => {
                let q: SeriesQuestion = question_args(question, args)?;
                Ok(report_json(&self.store_series(q.store, q.history_days)))
            }
            _ => Err(unknown_question(question)),
        }
    }

    fn downloads(&self) -> Vec<Download> {
        let mut downloads = vec![Download::csv("predictions", "forecast_validation.csv")];
        if self.test.is_some() {
            downloads.push(Download::csv("test", "forecast_test.csv"));
        }
        if self.model.is_some() {
            downloads.push(Download::json("model", "forecast_model.json"));
            downloads.push(Download::json("xgboost", "forecast_model_xgboost.json"));
        }
        downloads
    }

    fn download(&self, key: &str, out: &mut dyn Write) -> Result<(), UseCaseError> {
        let no_model = || {
            UseCaseError::Unavailable(
                "this forecast scored a model file: there is no trained model to download".into(),
            )
        };
        match key {
            "predictions" => self.write_validation_csv(out)?,
            "test" => {
                if !self.write_test_csv(out)? {
                    return Err(UseCaseError::Unavailable(
                        "test.csv was not loaded (or the model uses Customers, which test.csv \
                         does not have)"
                            .into(),
                    ));
                }
            }
            "model" => {
                let model = self.model.as_ref().ok_or_else(no_model)?;
                out.write_all(model.to_json().as_bytes())?;
            }
            "xgboost" => {
                let json = self.xgboost_json()?.ok_or_else(no_model)?;
                out.write_all(json.as_bytes())?;
            }
            _ => return Err(unknown_download("a forecast", key)),
        }
        Ok(())
    }
}
