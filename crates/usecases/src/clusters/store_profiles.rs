//! One row per store from Rossmann's daily rows (and `store.csv`): the profile that store
//! clustering groups on.
//!
//! Behaviour, from `train.csv` (open days only unless said): mean sales and customers, sales per
//! customer, share of days open (all days), promo uplift (mean sales on promo days over the rest,
//! minus 1), school-holiday effect (the same for school holidays), weekday profile (mean sales of
//! each weekday Monday..Saturday over the store's mean) and yearly sales trend (least-squares
//! slope over the mean level). Attributes, from `store.csv`: store type, assortment, competition
//! distance, Promo2 participation. Which of them drive the distance, and how much, is
//! [`store_weights`]'s to say.

use std::collections::BTreeMap;

use crate::rossmann::{DailyRows, StoreInfo, StoreTable};
use crate::UseCaseError;

pub use super::entity::{EntityTable, ProfileValues, ProfileVariable};

/// Running sums of one store's days.
#[derive(Debug, Clone, Default)]
struct StoreSums {
    days: u32,
    open_days: u32,
    sales: f64,
    customers: f64,
    promo: (f64, u32),
    no_promo: (f64, u32),
    school_holiday: (f64, u32),
    no_school_holiday: (f64, u32),
    by_weekday: [(f64, u32); 7],
    // For the trend: least squares of sales on time, time in days from the first day seen, so
    // that the sums stay small enough for exact cancellation.
    sum_t: f64,
    sum_tt: f64,
    sum_ty: f64,
}

fn mean(pair: (f64, u32)) -> f64 {
    if pair.1 == 0 {
        f64::NAN
    } else {
        pair.0 / f64::from(pair.1)
    }
}

fn add(pair: &mut (f64, u32), value: f64) {
    pair.0 += value;
    pair.1 += 1;
}

/// Names of the behaviour variables, in the order [`store_profiles`] writes them.
pub const BEHAVIOUR: [&str; 13] = [
    "mean_sales",
    "mean_customers",
    "sales_per_customer",
    "share_open",
    "promo_uplift",
    "school_holiday_effect",
    "weekday_mon",
    "weekday_tue",
    "weekday_wed",
    "weekday_thu",
    "weekday_fri",
    "weekday_sat",
    "sales_trend",
];

/// Builds the store profiles from `train.csv` rows and, when given, `store.csv`. Stores are in
/// increasing id order; a store of `train.csv` missing from `store.csv` has empty attributes.
pub fn store_profiles(
    rows: &DailyRows,
    stores: Option<&StoreTable>,
) -> Result<EntityTable, UseCaseError> {
    let (Some(sales), Some(customers)) = (&rows.sales, &rows.customers) else {
        return Err(UseCaseError::Input(
            "the daily file has no Sales or Customers column (is it test.csv?): store profiles \
             need train.csv"
                .into(),
        ));
    };
    if rows.is_empty() {
        return Err(UseCaseError::Input("train.csv has no rows".into()));
    }
    let origin = rows.date.iter().copied().min().unwrap_or(0);
    let mut by_store: BTreeMap<u32, StoreSums> = BTreeMap::new();
    for i in 0..rows.len() {
        let sums = by_store.entry(rows.store[i]).or_default();
        sums.days += 1;
        if !rows.open[i] {
            continue;
        }
        let y = f64::from(sales[i]);
        let t = f64::from(rows.date[i] - origin);
        sums.open_days += 1;
        sums.sales += y;
        sums.customers += f64::from(customers[i]);
        let promo = rows.promo[i] > 0.0;
        add(
            if promo {
                &mut sums.promo
            } else {
                &mut sums.no_promo
            },
            y,
        );
        let school = rows.school_holiday[i] > 0.0;
        let side = if school {
            &mut sums.school_holiday
        } else {
            &mut sums.no_school_holiday
        };
        add(side, y);
        let weekday = (rows.day_of_week[i] as usize).clamp(1, 7) - 1;
        add(&mut sums.by_weekday[weekday], y);
        sums.sum_t += t;
        sums.sum_tt += t * t;
        sums.sum_ty += t * y;
    }
    let ids: Vec<u32> = by_store.keys().copied().collect();
    let column = |f: &dyn Fn(&StoreSums) -> f64| -> Vec<f64> { by_store.values().map(f).collect() };
    // A store never open has no level: NaN, which Gower distance skips.
    let mean_sales = |s: &StoreSums| {
        if s.open_days == 0 {
            f64::NAN
        } else {
            s.sales / f64::from(s.open_days)
        }
    };
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    let mut values: Vec<Vec<f64>> = vec![
        column(&mean_sales),
        column(&|s| ratio(s.customers, f64::from(s.open_days))),
        column(&|s| ratio(s.sales, s.customers)),
        column(&|s| f64::from(s.open_days) / f64::from(s.days.max(1))),
        column(&|s| ratio(mean(s.promo), mean(s.no_promo)) - 1.0),
        column(&|s| ratio(mean(s.school_holiday), mean(s.no_school_holiday)) - 1.0),
    ];
    for day in 0..6 {
        values.push(column(&|s| ratio(mean(s.by_weekday[day]), mean_sales(s))));
    }
    // Yearly relative trend: slope of sales on time, per year, over the mean level.
    values.push(column(&|s| {
        let n = f64::from(s.open_days);
        let variance = s.sum_tt - s.sum_t * s.sum_t / n;
        if n < 2.0 || variance <= 0.0 {
            return f64::NAN;
        }
        let slope = (s.sum_ty - s.sum_t * s.sales / n) / variance;
        ratio(slope * 365.0, mean_sales(s))
    }));
    let mut variables: Vec<ProfileVariable> = BEHAVIOUR
        .iter()
        .zip(values)
        .map(|(name, v)| ProfileVariable {
            name: name.to_string(),
            values: ProfileValues::Numeric(v),
        })
        .collect();
    if let Some(stores) = stores {
        variables.extend(attribute_variables(stores, &ids));
    }
    Ok(EntityTable {
        ids: ids.iter().map(u32::to_string).collect(),
        variables,
        notes: Vec::new(),
    })
}

/// The Gower weights of the store profile (variables not listed weigh 1).
///
/// - The `store.csv` attributes (store type, assortment, competition distance, Promo2) weigh 0:
///   supplementary. The profile is what a store's sales do; what head office decided about the
///   store and where its competitor sits describe the clusters (their test values are listed)
///   instead of shaping them, so that "do the clusters follow the store type?" is a finding,
///   not an input. They also cost the suggestion dearly at weight 1: a two-level category adds a
///   full 1 to the Gower sum of every pair that differs on it (half the pairs for Promo2),
///   which swells the within-cluster inertia that HCPC's rule divides by.
/// - `school_holiday_effect` and `sales_trend` weigh 0.5: they are the noisiest per-store
///   estimates (a ratio over the few school-holiday days, a slope over 2.5 years), and at
///   weight 1 their noise counts as much as the mean sales level.
///
/// On the samples with 4 planted segments the clusters at k = 4 match them exactly with these
/// weights and with every weight at 1 alike (`tests/clusters_rossmann.rs`); the weights decide
/// the suggested k, 4 with them and mostly 3 without.
pub fn store_weights() -> BTreeMap<String, f64> {
    let supplementary = ["store_type", "assortment", "competition_distance", "promo2"];
    let noisy = ["school_holiday_effect", "sales_trend"];
    supplementary
        .iter()
        .map(|name| (name.to_string(), 0.0))
        .chain(noisy.iter().map(|name| (name.to_string(), 0.5)))
        .collect()
}

/// The store attributes that describe a store's profile, for `ids` in that order: type,
/// assortment, competition distance and Promo2 participation.
fn attribute_variables(stores: &StoreTable, ids: &[u32]) -> Vec<ProfileVariable> {
    let info: Vec<StoreInfo> = ids.iter().map(|&s| stores.get(s)).collect();
    let letter = |code: f32| (!code.is_nan()).then(|| char::from(b'a' + code as u8).to_string());
    let categorical = |name: &str, values: Vec<Option<String>>| ProfileVariable {
        name: name.to_string(),
        values: ProfileValues::Categorical(values),
    };
    vec![
        categorical(
            "store_type",
            info.iter().map(|s| letter(s.store_type)).collect(),
        ),
        categorical(
            "assortment",
            info.iter().map(|s| letter(s.assortment)).collect(),
        ),
        ProfileVariable {
            name: "competition_distance".to_string(),
            values: ProfileValues::Numeric(
                info.iter()
                    .map(|s| f64::from(s.competition_distance))
                    .collect(),
            ),
        },
        categorical(
            "promo2",
            info.iter()
                .map(|s| (!s.promo2.is_nan()).then(|| (s.promo2 as u8).to_string()))
                .collect(),
        ),
    ]
}
