//! What a propensity run reports, and its CSV downloads.

use std::io::Write;

use serde::Serialize;
use tabular::write::escape_cell;

use crate::santander::fits::{Importance, ProductMetrics, Ranking, RuleText};
use crate::santander::plan::Skipped;
use crate::santander::PRODUCT_LABELS;

/// Customers in one monthly snapshot.
#[derive(Debug, Clone, Serialize)]
pub struct MonthCount {
    /// `YYYY-MM-28`.
    pub date: String,
    /// Customers.
    pub customers: usize,
}

/// Take-ups of each product between two consecutive months.
#[derive(Debug, Clone, Serialize)]
pub struct TakeUpCounts {
    /// The earlier month.
    pub from: String,
    /// The later month.
    pub to: String,
    /// Take-ups per product, in column order.
    pub counts: Vec<u32>,
}

/// Time per stage.
#[derive(Debug, Clone, Serialize)]
pub struct Seconds {
    /// Reading the file into the compact store.
    pub read: f64,
    /// Planning: the last three months as the fits' shared bytes.
    pub plan: f64,
    /// Fitting and scoring every forest (wall time, on however many threads or workers).
    pub fit: f64,
    /// From the first byte read to the report.
    pub total: f64,
}

/// One product's forest as the page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ProductReport {
    /// Index into the product columns.
    pub index: usize,
    /// Its column (`ind_recibo_ult1`).
    pub product: String,
    /// Its readable label.
    pub label: String,
    /// Whether the last month has enough take-ups for the evaluation to mean something.
    pub evaluated: bool,
    /// ROC AUC on the held-out month.
    pub auc: f64,
    /// F1 at the threshold.
    pub f1: f64,
    /// Precision at the threshold.
    pub precision: f64,
    /// Recall at the threshold.
    pub recall: f64,
    /// The threshold.
    pub threshold: f64,
    /// Take-up rate among the top 1 % of the held-out customers.
    pub precision_at_1pct: f64,
    /// Take-up rate among the top 5 %.
    pub precision_at_5pct: f64,
    /// The segment baseline on the same customers.
    pub baseline: Ranking,
    /// Training customers.
    pub rows_train: usize,
    /// Take-ups among them.
    pub positives_train: usize,
    /// Held-out customers.
    pub rows_valid: usize,
    /// Take-ups among them.
    pub positives_valid: usize,
    /// `positives_valid / rows_valid`.
    pub take_up_rate: f64,
    /// Mean calibrated probability on the held-out customers.
    pub mean_probability: f64,
    /// Out-of-bag AUC on the training customers.
    pub oob_auc: Option<f64>,
    /// Rules, highest lift first (measured on the training month).
    pub rules: Vec<RuleText>,
    /// Feature importance, highest impurity share first.
    pub importance: Vec<Importance>,
    /// Seconds its fit took on its worker.
    pub seconds: f64,
}

impl ProductReport {
    /// The report of a fit; evaluated when the held-out month has `min_take_ups`.
    pub fn of(m: &ProductMetrics, min_take_ups: usize) -> ProductReport {
        ProductReport {
            index: m.index,
            product: m.product.clone(),
            label: PRODUCT_LABELS[m.index].into(),
            evaluated: m.positives_valid >= min_take_ups,
            auc: m.forest.auc,
            f1: m.f1,
            precision: m.precision,
            recall: m.recall,
            threshold: m.threshold,
            precision_at_1pct: m.forest.precision_at_1pct,
            precision_at_5pct: m.forest.precision_at_5pct,
            baseline: m.baseline,
            rows_train: m.rows_train,
            positives_train: m.positives_train,
            rows_valid: m.rows_valid,
            positives_valid: m.positives_valid,
            take_up_rate: m.positives_valid as f64 / m.rows_valid.max(1) as f64,
            mean_probability: m.mean_probability,
            oob_auc: m.oob_auc,
            rules: m.rules.clone(),
            importance: m.importance.clone(),
            seconds: m.seconds,
        }
    }
}

/// What a propensity run reports.
#[derive(Debug, Clone, Serialize)]
pub struct PropensityReport {
    /// The file read.
    pub file: String,
    /// Customers per monthly snapshot.
    pub months: Vec<MonthCount>,
    /// Take-ups per product between consecutive months.
    pub take_ups: Vec<TakeUpCounts>,
    /// The month whose features the forests learn from (third-last).
    pub train_month: String,
    /// The month whose features are scored against the last month's take-ups (second-last).
    pub valid_month: String,
    /// The last month: its customers are scored for the campaign.
    pub last_month: String,
    /// Customers present in the training pair of months.
    pub customers_train: usize,
    /// Customers present in the held-out pair.
    pub customers_valid: usize,
    /// Customers of the last month.
    pub customers_last: usize,
    /// The products with a forest, in column order.
    pub products: Vec<ProductReport>,
    /// Products asked for without a forest (too few take-ups).
    pub skipped: Vec<Skipped>,
    /// Trees per forest.
    pub trees: usize,
    /// Bytes the compact store of the file takes.
    pub store_bytes: u64,
    /// Time per stage.
    pub seconds: Seconds,
}

/// One customer to target.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignRow {
    /// The customer.
    pub ncodpers: u32,
    /// Their take-up probability.
    pub probability: f64,
}

/// The customers a campaign targets.
#[derive(Debug, Clone, Serialize)]
pub struct CampaignSelection {
    /// The product's column.
    pub product: String,
    /// Its label.
    pub label: String,
    /// Customers of the last month who do not hold it.
    pub eligible: usize,
    /// Customers targeted.
    pub customers: usize,
    /// Take-ups expected among them (the sum of their probabilities).
    pub expected_take_ups: f64,
    /// The lowest probability targeted.
    pub lowest_probability: Option<f64>,
    /// The share asked for, if any.
    pub share: Option<f64>,
    /// The count asked for, if any.
    pub top: Option<usize>,
    /// The threshold asked for, if any.
    pub threshold: Option<f64>,
    /// Rows of the last month targeted, best first.
    #[serde(skip)]
    pub rows: Vec<u32>,
}

fn number(v: f64) -> String {
    if v.is_nan() {
        String::new()
    } else {
        format!("{v:.6}")
    }
}

/// `product,label,evaluated,auc,...` per product.
pub fn write_metrics(report: &PropensityReport, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "product,label,evaluated,auc,f1,precision,recall,threshold,precision_at_1pct,\
         precision_at_5pct,baseline_auc,baseline_precision_at_1pct,baseline_precision_at_5pct,\
         rows_train,positives_train,rows_valid,positives_valid,take_up_rate,mean_probability,\
         oob_auc,seconds"
    )?;
    for p in &report.products {
        let cells = [
            number(p.auc),
            number(p.f1),
            number(p.precision),
            number(p.recall),
            number(p.threshold),
            number(p.precision_at_1pct),
            number(p.precision_at_5pct),
            number(p.baseline.auc),
            number(p.baseline.precision_at_1pct),
            number(p.baseline.precision_at_5pct),
            p.rows_train.to_string(),
            p.positives_train.to_string(),
            p.rows_valid.to_string(),
            p.positives_valid.to_string(),
            number(p.take_up_rate),
            number(p.mean_probability),
            p.oob_auc.map_or(String::new(), number),
            number(p.seconds),
        ];
        writeln!(
            out,
            "{},{},{},{}",
            p.product,
            escape_cell(&p.label, true),
            p.evaluated,
            cells.join(",")
        )?;
    }
    Ok(())
}

/// `product,rank,rule,customers,support,take_ups,take_up_rate,lift` per rule.
pub fn write_rules(report: &PropensityReport, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "product,rank,rule,customers,support,take_ups,take_up_rate,lift"
    )?;
    for p in &report.products {
        for (k, r) in p.rules.iter().enumerate() {
            writeln!(
                out,
                "{},{},{},{},{},{},{},{}",
                p.product,
                k + 1,
                escape_cell(&r.text, true),
                r.rows,
                number(r.support),
                r.positives,
                number(r.take_up_rate),
                number(r.lift)
            )?;
        }
    }
    Ok(())
}

/// `product,feature,impurity,permutation` per product and feature.
pub fn write_importance(report: &PropensityReport, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "product,feature,impurity,permutation")?;
    for p in &report.products {
        for i in &p.importance {
            writeln!(
                out,
                "{},{},{},{}",
                p.product,
                i.feature,
                number(i.impurity),
                i.permutation.map_or(String::new(), number)
            )?;
        }
    }
    Ok(())
}
