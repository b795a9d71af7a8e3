//! What a finished forecast shows and writes: one store's series for the chart, the errors by
//! store and by day beside the baseline's (and where the model loses), the validation and
//! test.csv predictions as CSV.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::report::{DayError, Losses, Scores, StoreError};
use super::Forecast;
use crate::calendar::iso_date;
use crate::rossmann::DailyRows;

/// Days of training history a store's series shows before the validation period.
pub const SERIES_HISTORY_DAYS: u32 = 56;

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

/// One store's last `history_days` of training, its validation days and its forecast days.
pub(super) fn store_series(forecast: &Forecast, store: u32, history_days: u32) -> StoreSeries {
    let rows = &forecast.rows;
    let from = forecast.split.valid_from - history_days as i32;
    let sales = rows.sales.as_deref().unwrap_or_default();
    let mut points: BTreeMap<i32, SeriesPoint> = BTreeMap::new();
    for i in (0..forecast.n_train).filter(|&i| rows.store[i] == store) {
        if rows.date[i] >= from {
            points.entry(rows.date[i]).or_default().0 = Some(f64::from(sales[i]));
        }
    }
    for &(i, predicted, baseline) in &forecast.valid {
        if rows.store[i] == store {
            let point = points.entry(rows.date[i]).or_default();
            point.1 = Some(predicted);
            point.2 = Some(baseline);
        }
    }
    if let Some(test) = &forecast.test {
        for (k, &predicted) in test.iter().enumerate() {
            let i = forecast.n_train + k;
            if rows.store[i] == store {
                points.entry(rows.date[i]).or_default().1 = Some(predicted);
            }
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

/// Sums of absolute errors of the model and the baseline over a group of validation rows.
#[derive(Default)]
struct ErrorSums {
    rows: u32,
    model: f64,
    baseline: f64,
}

/// The validation rows' error sums grouped by `key`.
fn error_sums<K: Ord>(
    sales: &[f32],
    valid: &[(usize, f64, f64)],
    key: impl Fn(usize) -> K,
) -> BTreeMap<K, ErrorSums> {
    let mut groups: BTreeMap<K, ErrorSums> = BTreeMap::new();
    for &(i, predicted, baseline) in valid {
        let truth = f64::from(sales[i]);
        let sums = groups.entry(key(i)).or_default();
        sums.rows += 1;
        sums.model += (truth - predicted).abs();
        sums.baseline += (truth - baseline).abs();
    }
    groups
}

/// Errors per store, largest sum of absolute errors first.
pub(super) fn store_errors(
    rows: &DailyRows,
    sales: &[f32],
    valid: &[(usize, f64, f64)],
) -> Vec<StoreError> {
    let mut errors: Vec<StoreError> = error_sums(sales, valid, |i| rows.store[i])
        .into_iter()
        .map(|(store, e)| StoreError {
            store,
            days: e.rows,
            mae: e.model / f64::from(e.rows),
            baseline_mae: e.baseline / f64::from(e.rows),
            abs_error_sum: e.model,
        })
        .collect();
    errors.sort_by(|a, b| b.abs_error_sum.total_cmp(&a.abs_error_sum));
    errors
}

/// Errors per validation day, in date order.
pub(super) fn day_errors(
    rows: &DailyRows,
    sales: &[f32],
    valid: &[(usize, f64, f64)],
) -> Vec<DayError> {
    error_sums(sales, valid, |i| rows.date[i])
        .into_iter()
        .map(|(date, e)| DayError {
            date: iso_date(date),
            stores: e.rows,
            mae: e.model / f64::from(e.rows),
            baseline_mae: e.baseline / f64::from(e.rows),
        })
        .collect()
}

/// Where the model's error is above the baseline's: stores, days and overall.
pub(super) fn losses(
    stores: &[StoreError],
    days: &[DayError],
    model: &Scores,
    baseline: &Scores,
) -> Losses {
    let worse: Vec<&StoreError> = stores.iter().filter(|s| s.mae > s.baseline_mae).collect();
    let total: f64 = stores.iter().map(|s| s.abs_error_sum).sum();
    let worse_sum: f64 = worse.iter().map(|s| s.abs_error_sum).sum();
    Losses {
        stores_worse: worse.len(),
        stores: stores.len(),
        stores_worse_error_share: if total > 0.0 { worse_sum / total } else { 0.0 },
        days_worse: days.iter().filter(|d| d.mae > d.baseline_mae).count(),
        days: days.len(),
        worse_mae: model.mae > baseline.mae,
        worse_rmspe: model.rmspe > baseline.rmspe,
    }
}

/// Writes `Store,Date,Sales,Predicted,Baseline` for every open validation day.
pub(super) fn write_validation_csv(forecast: &Forecast, out: &mut dyn Write) -> io::Result<()> {
    let rows = &forecast.rows;
    let sales = rows.sales.as_deref().unwrap_or_default();
    writeln!(out, "Store,Date,Sales,Predicted,Baseline")?;
    for &(i, predicted, baseline) in &forecast.valid {
        writeln!(
            out,
            "{},{},{},{:.2},{:.2}",
            rows.store[i],
            iso_date(rows.date[i]),
            sales[i],
            predicted,
            baseline
        )?;
    }
    Ok(())
}

/// Writes the forecast of `test.csv` as the competition's submission: `Id,Sales`. Returns false
/// (and writes nothing) when test.csv was not forecast.
pub(super) fn write_test_csv(forecast: &Forecast, out: &mut dyn Write) -> io::Result<bool> {
    let Some(test) = &forecast.test else {
        return Ok(false);
    };
    writeln!(out, "Id,Sales")?;
    let ids = forecast.rows.id.as_deref().unwrap_or_default();
    for (k, sales) in test.iter().enumerate() {
        let id = ids
            .get(forecast.n_train + k)
            .copied()
            .filter(|id| !id.is_nan())
            .unwrap_or(k as f32 + 1.0);
        writeln!(out, "{id},{sales:.2}")?;
    }
    Ok(true)
}
