//! Use case 1.1: daily sales of each Rossmann store, forecast by gradient-boosted trees and
//! judged on the last weeks of the file beside a naive baseline.
//!
//! Stages: [`features`] reads `train.csv` (+ `store.csv`, `test.csv`) into typed rows and model
//! features, [`split`] holds out the last days, [`baseline`] is the naive forecast, and [`run`]
//! trains, predicts and scores; [`report`] holds what the page and the command line show.
//! [`SalesForecast`] is the use case as the catalogue runs it.

pub mod baseline;
pub mod features;
pub mod report;
pub mod split;

use std::collections::BTreeMap;
use std::io::{self, Write};

use learn::gbdt::{Dataset, Feature, GbdtModel, GbdtParams, Trainer};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tabular::{KnownFile, Table};

use crate::boosting::{gbdt_param_error, importance};
use crate::calendar::iso_date;
use crate::contract::{question_args, report_json, unknown_question, Download, Fitted, UseCase};
use crate::params::Check;
use crate::progress::{Clock, OnProgress, Progress};
use crate::rossmann::{DailyRows, StoreTable};
use crate::{Tables, UseCaseError};
use baseline::WeekdayPromoMean;
use features::{FeatureSet, StoreHistory};
use report::{Importance, Scores, Seconds, StoreError};
use split::TimeSplit;

/// The loaded files of one forecast.
#[derive(Debug, Clone, Copy)]
pub struct ForecastInputs<'a> {
    /// `train.csv`: required.
    pub train: &'a Table,
    /// `store.csv`: joined on `Store` when given.
    pub store: Option<&'a Table>,
    /// `test.csv`: the days to forecast, when given.
    pub test: Option<&'a Table>,
}

crate::params! {
    /// What the user can choose. The boosting defaults are `learn::gbdt`'s.
    pub struct ForecastParams {
        /// Features of the main model: `full` (everything known in advance) or `seed` (the
        /// business's five, with Customers, which no forecast day knows).
        pub features: FeatureSet = FeatureSet::Full,
        /// Days held out at the end of train.csv for validation (the competition forecast 42).
        pub holdout_days: u32 = 42,
        /// Also train a model on the other feature set, to show its errors beside.
        pub compare_seed: bool = true,
        /// Boosting rounds, one tree each.
        pub trees: usize = GbdtParams::default().n_trees,
        /// Depth limit of each tree.
        pub depth: u32 = GbdtParams::default().max_depth,
        /// Shrinkage of each tree: smaller learns slower but generalises better.
        pub learning_rate: f64 = GbdtParams::default().learning_rate,
        /// Bins per feature, the missing-value bin included (2 to 256).
        pub bins: u32 = GbdtParams::default().n_bins,
        /// Seed of the rows sampled to place the bin boundaries.
        pub seed: u64 = GbdtParams::default().seed,
    }
}

impl ForecastParams {
    /// The boosting settings these parameters choose.
    pub fn gbdt(&self) -> GbdtParams {
        GbdtParams {
            n_trees: self.trees,
            max_depth: self.depth,
            learning_rate: self.learning_rate,
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
    /// Trees in the main model.
    pub trees: usize,
    /// Feature importance of the main model, by gain, largest first.
    pub importance: Vec<Importance>,
    /// Errors per store, worst first.
    pub stores: Vec<StoreError>,
    /// Rows of `test.csv` forecast, when given.
    pub rows_forecast: usize,
    /// Time per stage.
    pub seconds: Seconds,
    /// The series of the first store (in id order), which the view charts first.
    pub series: Option<StoreSeries>,
}

/// One store's actual and predicted sales over the last days, for the chart.
#[derive(Debug, Clone, Serialize)]
pub struct StoreSeries {
    /// Store id.
    pub store: u32,
    /// Days since 1970-01-01.
    pub dates: Vec<i32>,
    /// Actual sales (`None` on forecast days of `test.csv`).
    pub actual: Vec<Option<f64>>,
    /// Model's prediction on validation and forecast days, `None` before.
    pub predicted: Vec<Option<f64>>,
    /// Baseline's prediction on validation days.
    pub baseline: Vec<Option<f64>>,
}

/// Actual, predicted and baseline sales of one day.
type SeriesPoint = (Option<f64>, Option<f64>, Option<f64>);

/// A finished forecast: the report, the model and what the charts and downloads need.
#[derive(Debug, Clone)]
pub struct Forecast {
    /// What the page and the command line show.
    pub report: ForecastReport,
    /// The main model, for download.
    pub model: GbdtModel,
    rows: DailyRows,
    split: TimeSplit,
    /// Prediction and baseline of each validation row (index into `rows`).
    valid: Vec<(usize, f64, f64)>,
    /// Rows of test.csv and their forecasts.
    test: Option<(DailyRows, Vec<f64>)>,
}

/// The typed rows, the store table, the split and the training-period history: what both the
/// forecast and the feature export start from.
struct Prepared {
    rows: DailyRows,
    stores: StoreTable,
    split: TimeSplit,
    history: StoreHistory,
}

impl Prepared {
    fn read(inputs: ForecastInputs<'_>, params: &ForecastParams) -> Result<Prepared, UseCaseError> {
        let rows = DailyRows::from_table(inputs.train)?;
        if rows.sales.is_none() {
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
        let split = TimeSplit::last_days(&rows, params.holdout_days)?;
        let history = StoreHistory::from_rows(&rows, &split.in_training);
        Ok(Prepared {
            rows,
            stores,
            split,
            history,
        })
    }
}

/// Builds features, trains the model (and the comparison), predicts and scores.
/// `on_progress` hears stage `train` (then `compare`) after every tree, with the validation loss;
/// returning `false` cancels.
pub fn run(
    inputs: ForecastInputs<'_>,
    params: &ForecastParams,
    on_progress: OnProgress<'_>,
) -> Result<Forecast, UseCaseError> {
    params.check()?;
    let clock = Clock::start();
    let Prepared {
        rows,
        stores,
        split,
        history,
    } = Prepared::read(inputs, params)?;
    let baseline = WeekdayPromoMean::fit(&rows, &split.in_training);
    let sales = rows.sales.as_deref().unwrap_or_default();
    let train_rows: Vec<usize> = (0..rows.len())
        .filter(|&i| split.in_training[i] && rows.open[i] && sales[i] > 0.0)
        .collect();
    let valid_rows: Vec<usize> = (0..rows.len())
        .filter(|&i| !split.in_training[i] && rows.open[i])
        .collect();
    if train_rows.is_empty() || valid_rows.is_empty() {
        return Err(UseCaseError::Input(format!(
            "{} leaves {} open training days and {} open validation days with a holdout of {} days",
            inputs.train.name,
            train_rows.len(),
            valid_rows.len(),
            params.holdout_days
        )));
    }
    let truth: Vec<f64> = valid_rows.iter().map(|&i| f64::from(sales[i])).collect();
    let baseline_valid: Vec<f64> = valid_rows
        .iter()
        .map(|&i| baseline.predict(&rows, i))
        .collect();

    let comparing = params.compare_seed && rows.customers.is_some();
    // The main model's share of the progress bar: all of it, or half beside a comparison.
    let main_share = if comparing { 0.5 } else { 1.0 };
    let features = features::build(params.features, &rows, &stores, &history)?;
    let (model, predicted) = fit_and_predict(
        params,
        &features,
        sales,
        (&train_rows, &valid_rows),
        &mut |p| on_progress(&tree_progress("train", p, 0.0, main_share)),
    )?;
    let train_seconds = clock.lap();

    let comparison_set = match params.features {
        FeatureSet::Full => FeatureSet::Seed,
        FeatureSet::Seed => FeatureSet::Full,
    };
    let comparison = if comparing {
        let features = features::build(comparison_set, &rows, &stores, &history)?;
        let (_, predicted) = fit_and_predict(
            params,
            &features,
            sales,
            (&train_rows, &valid_rows),
            &mut |p| on_progress(&tree_progress("compare", p, 0.5, 0.5)),
        )?;
        Some(Comparison {
            feature_set: comparison_set,
            metrics: Scores::of(&truth, &predicted),
        })
    } else {
        None
    };

    let test = match inputs.test {
        Some(table) if params.features == FeatureSet::Full => {
            let test_rows = DailyRows::from_table(table)?;
            let features = features::build(FeatureSet::Full, &test_rows, &stores, &history)?;
            let predicted = model
                .predict(&features)
                .map_err(|e| UseCaseError::Model(e.to_string()))?;
            let forecast = (0..test_rows.len())
                .map(|i| {
                    if test_rows.open[i] {
                        predicted[i].max(0.0)
                    } else {
                        0.0
                    }
                })
                .collect();
            Some((test_rows, forecast))
        }
        _ => None,
    };
    let predict_seconds = clock.lap();

    let valid: Vec<(usize, f64, f64)> = valid_rows
        .iter()
        .zip(predicted.iter().zip(&baseline_valid))
        .map(|(&i, (&p, &b))| (i, p, b))
        .collect();
    let report = ForecastReport {
        feature_set: params.features,
        features: features.iter().map(|f| f.name.clone()).collect(),
        metrics: Scores::of(&truth, &predicted),
        baseline: Scores::of(&truth, &baseline_valid),
        comparison,
        rows_train: train_rows.len(),
        rows_valid: valid_rows.len(),
        valid_from: iso_date(split.valid_from),
        valid_to: iso_date(split.last_day),
        trees: model.n_trees(),
        importance: importance(&model),
        stores: store_errors(&rows, sales, &valid),
        rows_forecast: test.as_ref().map_or(0, |(rows, _)| rows.len()),
        seconds: Seconds {
            parse: 0.0,
            train: train_seconds,
            predict: predict_seconds,
            total: clock.total(),
        },
        series: None,
    };
    let mut forecast = Forecast {
        report,
        model,
        rows,
        split,
        valid,
        test,
    };
    forecast.report.series = forecast
        .stores()
        .first()
        .map(|&store| forecast.store_series(store, SERIES_HISTORY_DAYS));
    Ok(forecast)
}

/// Days of training history a store's series shows before the validation period.
pub const SERIES_HISTORY_DAYS: u32 = 56;

/// Writes the model's exact training and validation rows as a numeric feature CSV (features,
/// `Sales`, and `valid` = 1 on validation rows), so that reference libraries can be benchmarked
/// on the same data and split. Category codes are written as numbers.
pub fn export_features(
    inputs: ForecastInputs<'_>,
    params: &ForecastParams,
    out: &mut dyn Write,
) -> Result<usize, UseCaseError> {
    let Prepared {
        rows,
        stores,
        split,
        history,
    } = Prepared::read(inputs, params)?;
    let features = features::build(params.features, &rows, &stores, &history)?;
    let sales = rows.sales.as_deref().unwrap_or_default();
    let io_error = |e: io::Error| UseCaseError::Input(format!("cannot write the features: {e}"));
    let names: Vec<&str> = features.iter().map(|f| f.name.as_str()).collect();
    writeln!(out, "{},Sales,valid", names.join(",")).map_err(io_error)?;
    let mut written = 0;
    for (i, &sold) in sales.iter().enumerate() {
        let training = split.in_training[i];
        if !rows.open[i] || (training && sold <= 0.0) {
            continue;
        }
        let mut line = String::new();
        for feature in &features {
            let value = feature.values[i];
            if !value.is_nan() {
                line.push_str(&value.to_string());
            }
            line.push(',');
        }
        writeln!(out, "{line}{sold},{}", u8::from(!training)).map_err(io_error)?;
        written += 1;
    }
    Ok(written)
}

/// Trains on `train_rows` with `valid_rows` as the validation set, returns the model and its
/// predictions on the validation rows (closed days never reach here; negatives are clipped).
fn fit_and_predict(
    params: &ForecastParams,
    features: &[Feature],
    sales: &[f32],
    (train_rows, valid_rows): (&[usize], &[usize]),
    on_progress: &mut dyn FnMut(&learn::gbdt::Progress) -> bool,
) -> Result<(GbdtModel, Vec<f64>), UseCaseError> {
    let model_error = |e: learn::gbdt::GbdtError| UseCaseError::Model(e.to_string());
    let subset = |rows: &[usize]| -> Result<Dataset, UseCaseError> {
        let columns = features
            .iter()
            .map(|f| Feature {
                name: f.name.clone(),
                kind: f.kind,
                values: rows.iter().map(|&i| f.values[i]).collect(),
            })
            .collect();
        let target = rows.iter().map(|&i| sales[i]).collect();
        Dataset::new(columns, target).map_err(model_error)
    };
    let train = subset(train_rows)?;
    let valid = subset(valid_rows)?;
    let mut trainer = Trainer::new(&params.gbdt(), &train, Some(&valid)).map_err(model_error)?;
    while !trainer.done() {
        trainer.step().map_err(model_error)?;
        if !on_progress(trainer.progress()) {
            return Err(UseCaseError::Cancelled);
        }
    }
    let model = trainer.finish();
    let predicted = model
        .predict(valid.features())
        .map_err(model_error)?
        .into_iter()
        .map(|p| p.max(0.0))
        .collect();
    Ok((model, predicted))
}

/// One tree's progress as the use case reports it: `share` of the bar from `start`.
fn tree_progress(
    stage: &'static str,
    p: &learn::gbdt::Progress,
    start: f64,
    share: f64,
) -> Progress {
    Progress {
        stage,
        done: p.trees as u64,
        total: p.n_trees as u64,
        fraction: start + share * p.trees as f64 / p.n_trees.max(1) as f64,
        value: p.valid_loss,
    }
}

fn store_errors(rows: &DailyRows, sales: &[f32], valid: &[(usize, f64, f64)]) -> Vec<StoreError> {
    let mut by_store: BTreeMap<u32, (u32, f64, f64)> = BTreeMap::new();
    for &(i, predicted, baseline) in valid {
        let truth = f64::from(sales[i]);
        let entry = by_store.entry(rows.store[i]).or_default();
        entry.0 += 1;
        entry.1 += (truth - predicted).abs();
        entry.2 += (truth - baseline).abs();
    }
    let mut errors: Vec<StoreError> = by_store
        .into_iter()
        .map(|(store, (days, model_sum, baseline_sum))| StoreError {
            store,
            days,
            mae: model_sum / f64::from(days),
            baseline_mae: baseline_sum / f64::from(days),
            abs_error_sum: model_sum,
        })
        .collect();
    errors.sort_by(|a, b| b.abs_error_sum.total_cmp(&a.abs_error_sum));
    errors
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
        let from = self.split.valid_from - history_days as i32;
        let sales = self.rows.sales.as_deref().unwrap_or_default();
        let mut points: BTreeMap<i32, SeriesPoint> = BTreeMap::new();
        for i in (0..self.rows.len()).filter(|&i| self.rows.store[i] == store) {
            if self.rows.date[i] >= from {
                points.entry(self.rows.date[i]).or_default().0 = Some(f64::from(sales[i]));
            }
        }
        for &(i, predicted, baseline) in &self.valid {
            if self.rows.store[i] == store {
                let point = points.entry(self.rows.date[i]).or_default();
                point.1 = Some(predicted);
                point.2 = Some(baseline);
            }
        }
        if let Some((test, forecast)) = &self.test {
            for i in (0..test.len()).filter(|&i| test.store[i] == store) {
                points.entry(test.date[i]).or_default().1 = Some(forecast[i]);
            }
        }
        StoreSeries {
            store,
            dates: points.keys().copied().collect(),
            actual: points.values().map(|p| p.0).collect(),
            predicted: points.values().map(|p| p.1).collect(),
            baseline: points.values().map(|p| p.2).collect(),
        }
    }

    /// Writes `Store,Date,Sales,Predicted,Baseline` for every open validation day.
    pub fn write_validation_csv(&self, out: &mut dyn Write) -> io::Result<()> {
        let sales = self.rows.sales.as_deref().unwrap_or_default();
        writeln!(out, "Store,Date,Sales,Predicted,Baseline")?;
        for &(i, predicted, baseline) in &self.valid {
            writeln!(
                out,
                "{},{},{},{:.2},{:.2}",
                self.rows.store[i],
                iso_date(self.rows.date[i]),
                sales[i],
                predicted,
                baseline
            )?;
        }
        Ok(())
    }

    /// Writes the forecast of `test.csv` as the competition's submission: `Id,Sales`.
    /// Returns false (and writes nothing) when no test.csv was given.
    pub fn write_test_csv(&self, out: &mut dyn Write) -> io::Result<bool> {
        let Some((test, forecast)) = &self.test else {
            return Ok(false);
        };
        writeln!(out, "Id,Sales")?;
        let ids = test.id.as_deref().unwrap_or_default();
        for (i, sales) in forecast.iter().enumerate() {
            let id = ids.get(i).map_or(i as f32 + 1.0, |&id| id);
            writeln!(out, "{id},{sales:.2}")?;
        }
        Ok(true)
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
        _params: &ForecastParams,
    ) -> Result<ForecastInputs<'a>, UseCaseError> {
        let (train, store) = crate::rossmann::train_and_store(tables, Self::NAME)?;
        Ok(ForecastInputs {
            train,
            store,
            test: tables.find(KnownFile::RossmannTest),
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
#[derive(Debug, Deserialize)]
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
        downloads.push(Download::json("model", "forecast_model.json"));
        downloads
    }

    fn download(&self, key: &str, out: &mut dyn Write) -> Result<(), UseCaseError> {
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
            "model" => out.write_all(self.model.to_json().as_bytes())?,
            _ => {
                return Err(UseCaseError::Unavailable(format!(
                    "a forecast has no download named {key}"
                )))
            }
        }
        Ok(())
    }
}
