//! Features that carry the store, for the forecast on real Rossmann files: each store's level and
//! its weekday, promo and month patterns learned from the training period (shrunk toward the
//! store's level where a pattern has few days), its level lagged past the forecast horizon, and
//! the distance of each day to the events that move sales (holidays, closures, Christmas, a
//! reopening after a refurbishment). Defined and measured in `tests/bench/forecast_research.py`
//! on the 2013-2014 rows; this file computes the same columns.
//!
//! Levels are in log space, `ln(1 + sales)`, over open training days with sales, so that a
//! store's pattern is a ratio: a delta of 0.1 is about 10 % above the store's level.
//!
//! No leak: the level features read sales only on rows of `in_training`; the event features
//! read only `Open`, `StateHoliday`, `SchoolHoliday` and the date, which `test.csv` gives for the
//! days being forecast. To forecast `test.csv`, give the train and test rows as one `DailyRows`
//! (test sales NaN, outside `in_training`), so that events near the boundary see both sides.

use std::collections::HashMap;

use learn::gbdt::Feature;

use crate::calendar::{civil_from_days, days_from_civil};
use crate::rossmann::DailyRows;

/// Settings of the history features.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryParams {
    /// Pseudo-count `k` of the shrunk patterns: a cell of `n` days with mean `m` on a store of
    /// level `l` has level `(n m + k l) / (n + k)`.
    pub shrinkage: f64,
    /// Days between the end of a lag window and the day it describes: the forecast horizon, so
    /// that a validation day's window ends before the cut as a training day's does.
    pub lag_gap_days: i32,
    /// Length of the lag window.
    pub lag_window_days: i32,
    /// Fewest days with sales for a lag window to give a level.
    pub lag_min_days: u32,
    /// Cap of the distances to events.
    pub event_cap_days: i32,
    /// A store is back from a gap (refurbishment, or rows missing from the file) when its open
    /// days are more than this many calendar days apart.
    pub reopen_gap_days: i32,
    /// Cap of the days since a reopening.
    pub reopen_cap_days: i32,
}

impl Default for HistoryParams {
    fn default() -> Self {
        HistoryParams {
            shrinkage: 10.0,
            lag_gap_days: 42,
            lag_window_days: 91,
            lag_min_days: 20,
            event_cap_days: 60,
            reopen_gap_days: 5,
            reopen_cap_days: 365,
        }
    }
}

/// Sum and count of log sales.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    sum: f64,
    sum_sq: f64,
    n: u32,
}

impl Acc {
    fn add(&mut self, v: f64) {
        self.sum += v;
        self.sum_sq += v * v;
        self.n += 1;
    }

    fn mean(&self) -> f64 {
        self.sum / f64::from(self.n)
    }

    /// Sample standard deviation (n - 1), NaN below two values.
    fn std(&self) -> f64 {
        if self.n < 2 {
            return f64::NAN;
        }
        let n = f64::from(self.n);
        ((self.sum_sq - self.sum * self.sum / n) / (n - 1.0))
            .max(0.0)
            .sqrt()
    }

    /// The cell's level shrunk toward `level`, minus `level`: `(sum - n level) / (n + k)`.
    fn shrunk_delta(&self, level: f64, k: f64) -> f64 {
        (self.sum - f64::from(self.n) * level) / (f64::from(self.n) + k)
    }
}

/// Rows that teach levels: training rows of open days with sales.
fn teaching_rows<'a>(
    rows: &'a DailyRows,
    in_training: &'a [bool],
) -> impl Iterator<Item = (usize, f64)> + 'a {
    let sales = rows.sales.as_deref().unwrap_or_default();
    (0..sales.len())
        .filter(move |&i| in_training[i] && rows.open[i] && sales[i] > 0.0)
        .map(move |i| (i, f64::from(sales[i]).ln_1p()))
}

/// The store-level features, one value per row of `rows`, learned from the rows of
/// `in_training`. The research's groups: level (the default's) `StoreLevel`, `StoreDays`, `StoreLevelStd`, `StoreCustomersLevel`,
/// `StoreSalesPerCustomer`, `StoreDowDelta`, `StorePromoDelta`, `StoreDowPromoDelta`; seasonal (measured, not in the default: it lost on the quiet holdout)
/// `StoreMonthDelta`, `StoreMonthDays`, `ChainMonthDelta`; lags (measured, not in the default)
/// `StoreLagDelta`, `StoreYearAgoDelta`.
pub fn store_level_features(
    rows: &DailyRows,
    in_training: &[bool],
    params: &HistoryParams,
) -> Vec<Feature> {
    let n = rows.len();
    let k = params.shrinkage;
    let month_of = |i: usize| civil_from_days(rows.date[i]).month as u8;
    let dow = |i: usize| rows.day_of_week[i] as u8;
    let promo = |i: usize| rows.promo[i] > 0.0;
    let mut store: HashMap<u32, Acc> = HashMap::new();
    let mut customers: HashMap<u32, Acc> = HashMap::new();
    let mut by_dow: HashMap<(u32, u8), Acc> = HashMap::new();
    let mut by_promo: HashMap<(u32, bool), Acc> = HashMap::new();
    let mut by_dow_promo: HashMap<(u32, u8, bool), Acc> = HashMap::new();
    let mut by_month: HashMap<(u32, u8), Acc> = HashMap::new();
    let mut chain_month = [Acc::default(); 13];
    let mut chain = Acc::default();
    for (i, l) in teaching_rows(rows, in_training) {
        let s = rows.store[i];
        store.entry(s).or_default().add(l);
        if let Some(c) = &rows.customers {
            customers.entry(s).or_default().add(f64::from(c[i]).ln_1p());
        }
        by_dow.entry((s, dow(i))).or_default().add(l);
        by_promo.entry((s, promo(i))).or_default().add(l);
        by_dow_promo
            .entry((s, dow(i), promo(i)))
            .or_default()
            .add(l);
        by_month.entry((s, month_of(i))).or_default().add(l);
        chain_month[month_of(i) as usize].add(l);
        chain.add(l);
    }
    let level = |i: usize| store.get(&rows.store[i]).map_or(f64::NAN, Acc::mean);
    let column = |name: &str, f: &dyn Fn(usize) -> f64| {
        Feature::numeric(name, (0..n).map(|i| f(i) as f32).collect())
    };
    let delta = |acc: Option<&Acc>, i: usize| acc.map_or(f64::NAN, |a| a.shrunk_delta(level(i), k));
    let lags = lag_levels(rows, in_training, params);
    vec![
        column("StoreLevel", &level),
        column("StoreDays", &|i| {
            store
                .get(&rows.store[i])
                .map_or(f64::NAN, |a| f64::from(a.n))
        }),
        column("StoreLevelStd", &|i| {
            store.get(&rows.store[i]).map_or(f64::NAN, Acc::std)
        }),
        column("StoreCustomersLevel", &|i| {
            customers.get(&rows.store[i]).map_or(f64::NAN, Acc::mean)
        }),
        column("StoreSalesPerCustomer", &|i| {
            level(i) - customers.get(&rows.store[i]).map_or(f64::NAN, Acc::mean)
        }),
        column("StoreDowDelta", &|i| {
            delta(by_dow.get(&(rows.store[i], dow(i))), i)
        }),
        column("StorePromoDelta", &|i| {
            delta(by_promo.get(&(rows.store[i], promo(i))), i)
        }),
        column("StoreDowPromoDelta", &|i| {
            delta(by_dow_promo.get(&(rows.store[i], dow(i), promo(i))), i)
        }),
        column("StoreMonthDelta", &|i| {
            delta(by_month.get(&(rows.store[i], month_of(i))), i)
        }),
        column("StoreMonthDays", &|i| {
            by_month
                .get(&(rows.store[i], month_of(i)))
                .map_or(0.0, |a| f64::from(a.n))
        }),
        column("ChainMonthDelta", &|i| {
            let m = &chain_month[month_of(i) as usize];
            if m.n == 0 {
                f64::NAN
            } else {
                m.mean() - chain.mean()
            }
        }),
        column("StoreLagDelta", &|i| lags[i].0 - level(i)),
        column("StoreYearAgoDelta", &|i| lags[i].1 - level(i)),
    ]
}

/// The store's recent trend up to the end of the training period, one value per row (constant per
/// store): `StoreRecentDelta`, its mean log sales over the last 56 training days minus its level,
/// net of the chain's same difference; `StoreYearOnYear`, its mean over the last 182 training
/// days minus its mean over the same days a year (364 days) before, net of the chain's.
pub fn trend_features(rows: &DailyRows, in_training: &[bool]) -> Vec<Feature> {
    let Some(cut) = (0..rows.len())
        .filter(|&i| in_training[i])
        .map(|i| rows.date[i])
        .max()
    else {
        return ["StoreRecentDelta", "StoreYearOnYear"]
            .map(|name| Feature::numeric(name, vec![f32::NAN; rows.len()]))
            .into();
    };
    let mut all = (HashMap::<u32, Acc>::new(), Acc::default());
    let mut recent = (HashMap::<u32, Acc>::new(), Acc::default());
    let mut half = (HashMap::<u32, Acc>::new(), Acc::default());
    let mut year_before = (HashMap::<u32, Acc>::new(), Acc::default());
    for (i, l) in teaching_rows(rows, in_training) {
        let (s, d) = (rows.store[i], rows.date[i]);
        let add = |acc: &mut (HashMap<u32, Acc>, Acc)| {
            acc.0.entry(s).or_default().add(l);
            acc.1.add(l);
        };
        add(&mut all);
        if d > cut - 56 {
            add(&mut recent);
        }
        if d > cut - 182 {
            add(&mut half);
        }
        if d > cut - 182 - 364 && d <= cut - 364 {
            add(&mut year_before);
        }
    }
    let mean = |acc: &(HashMap<u32, Acc>, Acc), s: u32| acc.0.get(&s).map_or(f64::NAN, Acc::mean);
    let chain_recent = recent.1.mean() - all.1.mean();
    let chain_year = half.1.mean() - year_before.1.mean();
    let column = |name: &str, f: &dyn Fn(u32) -> f64| {
        Feature::numeric(name, rows.store.iter().map(|&s| f(s) as f32).collect())
    };
    vec![
        column("StoreRecentDelta", &|s| {
            mean(&recent, s) - mean(&all, s) - chain_recent
        }),
        column("StoreYearOnYear", &|s| {
            mean(&half, s) - mean(&year_before, s) - chain_year
        }),
    ]
}

/// The history and event columns of the researched default, in this order (after the 16
/// columns of the `full` set but its store means: see `tests/bench/FORECAST_RESEARCH.md`).
pub const RECIPE_COLUMNS: [&str; 20] = [
    "StoreLevel",
    "StoreDays",
    "StoreCustomersLevel",
    "StoreSalesPerCustomer",
    "StoreLevelStd",
    "StoreDowDelta",
    "StorePromoDelta",
    "StoreDowPromoDelta",
    "DaysSinceStateHoliday",
    "DaysToStateHoliday",
    "DaysSinceSchoolHolidayStart",
    "DaysToSchoolHoliday",
    "DaysSinceSchoolHolidayEnd",
    "DaysSinceClosure",
    "DaysToClosure",
    "DaysToChristmas",
    "DaysSinceReopen",
    "DaysToGap",
    "StoreRecentDelta",
    "StoreYearOnYear",
];

/// The columns of [`RECIPE_COLUMNS`], in that order.
pub fn recipe_features(
    rows: &DailyRows,
    in_training: &[bool],
    params: &HistoryParams,
) -> Vec<Feature> {
    let mut built = store_level_features(rows, in_training, params);
    built.extend(event_features(rows, params));
    built.extend(trend_features(rows, in_training));
    RECIPE_COLUMNS
        .iter()
        .map(|name| {
            let at = built
                .iter()
                .position(|f| f.name == *name)
                .expect("every recipe column is built");
            built.swap_remove(at)
        })
        .collect()
}

/// Each row's store's mean log sales over `[date - gap - window, date - gap)` and over the 28
/// days `[date - 378, date - 350)` around the same weekday a year before (NaN when the window has
/// too few days with sales), from training rows only.
fn lag_levels(rows: &DailyRows, in_training: &[bool], params: &HistoryParams) -> Vec<(f64, f64)> {
    let (Some(&first), Some(&last)) = (rows.date.iter().min(), rows.date.iter().max()) else {
        return Vec::new();
    };
    // Prefix sums per store over the days [first, last]: entry d holds days before first + d.
    let span = (last - first + 1) as usize;
    let mut daily: HashMap<u32, Vec<(f64, u32)>> = HashMap::new();
    for (i, l) in teaching_rows(rows, in_training) {
        let slot = &mut daily
            .entry(rows.store[i])
            .or_insert_with(|| vec![(0.0, 0); span + 1])[(rows.date[i] - first) as usize + 1];
        slot.0 += l;
        slot.1 += 1;
    }
    for sums in daily.values_mut() {
        for d in 1..sums.len() {
            sums[d].0 += sums[d - 1].0;
            sums[d].1 += sums[d - 1].1;
        }
    }
    let mean = |sums: &[(f64, u32)], from: i32, to: i32, min_days: u32| {
        let at = |day: i32| (day - first).clamp(0, span as i32) as usize;
        let (a, b) = (sums[at(from)], sums[at(to)]);
        let count = b.1 - a.1;
        if count >= min_days {
            (b.0 - a.0) / f64::from(count)
        } else {
            f64::NAN
        }
    };
    (0..rows.len())
        .map(|i| match daily.get(&rows.store[i]) {
            None => (f64::NAN, f64::NAN),
            Some(sums) => {
                let d = rows.date[i];
                let lag_end = d - params.lag_gap_days;
                (
                    mean(
                        sums,
                        lag_end - params.lag_window_days,
                        lag_end,
                        params.lag_min_days,
                    ),
                    mean(sums, d - 378, d - 350, 10),
                )
            }
        })
        .collect()
}

/// Calendar days since the last and until the next row of the same store where `flag` holds
/// (the row itself counting as 0), capped at `cap`; NaN where there is none. `order` lists the
/// rows store by store, by date.
fn since_until(rows: &DailyRows, order: &[usize], flag: &[bool], cap: i32) -> (Vec<f32>, Vec<f32>) {
    let n = rows.len();
    let mut since = vec![f32::NAN; n];
    let mut until = vec![f32::NAN; n];
    for group in order.chunk_by(|&a, &b| rows.store[a] == rows.store[b]) {
        let mut last = None;
        for &i in group {
            if flag[i] {
                last = Some(rows.date[i]);
            }
            if let Some(day) = last {
                since[i] = (rows.date[i] - day).min(cap) as f32;
            }
        }
        let mut next = None;
        for &i in group.iter().rev() {
            if flag[i] {
                next = Some(rows.date[i]);
            }
            if let Some(day) = next {
                until[i] = (day - rows.date[i]).min(cap) as f32;
            }
        }
    }
    (since, until)
}

/// The event features, one value per row: `DayOfYear` (in the research's seasonal group, not in
/// the default), `DaysSinceStateHoliday`,
/// `DaysToStateHoliday`, `DaysSinceSchoolHolidayStart`, `DaysToSchoolHoliday`,
/// `DaysSinceSchoolHolidayEnd`, `DaysSinceClosure`, `DaysToClosure` (a closed day other than a
/// Sunday), `DaysToChristmas` (-10..=60), `DaysSinceReopen` (after open days more than
/// `reopen_gap_days` apart; the file's first day is no reopening), `DaysToGap`.
pub fn event_features(rows: &DailyRows, params: &HistoryParams) -> Vec<Feature> {
    let n = rows.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (rows.store[i], rows.date[i]));
    let cap = params.event_cap_days;
    let school = |i: usize| rows.school_holiday[i] == 1.0;
    // The rows before and after each row in its store's sequence.
    let mut before = vec![None; n];
    let mut after = vec![None; n];
    for group in order.chunk_by(|&a, &b| rows.store[a] == rows.store[b]) {
        for pair in group.windows(2) {
            before[pair[1]] = Some(pair[0]);
            after[pair[0]] = Some(pair[1]);
        }
    }
    let state: Vec<bool> = (0..n).map(|i| rows.state_holiday[i] > 0.0).collect();
    let school_start: Vec<bool> = (0..n)
        .map(|i| school(i) && !before[i].is_some_and(school))
        .collect();
    let school_end: Vec<bool> = (0..n)
        .map(|i| school(i) && !after[i].is_some_and(school))
        .collect();
    let closure: Vec<bool> = (0..n)
        .map(|i| !rows.open[i] && rows.day_of_week[i] != 7.0)
        .collect();
    let (state_since, state_until) = since_until(rows, &order, &state, cap);
    let (start_since, start_until) = since_until(rows, &order, &school_start, cap);
    let (end_since, _) = since_until(rows, &order, &school_end, cap);
    let (closure_since, closure_until) = since_until(rows, &order, &closure, cap);
    let (reopen_since, gap_until) = reopenings(rows, &order, params);
    let day_of_year = |d: i32| (d - days_from_civil(civil_from_days(d).year, 1, 1) + 1) as f32;
    let to_christmas =
        |d: i32| (days_from_civil(civil_from_days(d).year, 12, 25) - d).clamp(-10, 60) as f32;
    vec![
        Feature::numeric(
            "DayOfYear",
            rows.date.iter().map(|&d| day_of_year(d)).collect(),
        ),
        Feature::numeric("DaysSinceStateHoliday", state_since),
        Feature::numeric("DaysToStateHoliday", state_until),
        Feature::numeric("DaysSinceSchoolHolidayStart", start_since),
        Feature::numeric("DaysToSchoolHoliday", start_until),
        Feature::numeric("DaysSinceSchoolHolidayEnd", end_since),
        Feature::numeric("DaysSinceClosure", closure_since),
        Feature::numeric("DaysToClosure", closure_until),
        Feature::numeric(
            "DaysToChristmas",
            rows.date.iter().map(|&d| to_christmas(d)).collect(),
        ),
        Feature::numeric("DaysSinceReopen", reopen_since),
        Feature::numeric("DaysToGap", gap_until),
    ]
}

/// Days since the store's last reopening (its first open day after a gap) and until its next gap
/// (the day after its last open day before one), capped; NaN where there is none.
fn reopenings(rows: &DailyRows, order: &[usize], params: &HistoryParams) -> (Vec<f32>, Vec<f32>) {
    let n = rows.len();
    let mut since = vec![f32::NAN; n];
    let mut until = vec![f32::NAN; n];
    for group in order.chunk_by(|&a, &b| rows.store[a] == rows.store[b]) {
        let open_days: Vec<i32> = group
            .iter()
            .filter(|&&i| rows.open[i])
            .map(|&i| rows.date[i])
            .collect();
        let mut reopen = Vec::new();
        let mut close = Vec::new();
        for pair in open_days.windows(2) {
            if pair[1] - pair[0] > params.reopen_gap_days {
                reopen.push(pair[1]);
                close.push(pair[0] + 1);
            }
        }
        for &i in group {
            let d = rows.date[i];
            let k = reopen.partition_point(|&r| r <= d);
            if k > 0 {
                since[i] = (d - reopen[k - 1]).min(params.reopen_cap_days) as f32;
            }
            let j = close.partition_point(|&c| c < d);
            if let Some(&c) = close.get(j) {
                until[i] = (c - d).min(params.event_cap_days) as f32;
            }
        }
    }
    (since, until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::iso_weekday;

    /// One store, `days` consecutive days from 2014-01-01, open but on Sundays and on `closed`
    /// days, with sales `sales(day)`.
    fn store_rows(store: u32, days: i32, closed: &[i32], sales: impl Fn(i32) -> f32) -> DailyRows {
        let start = days_from_civil(2014, 1, 1);
        let mut rows = DailyRows::default();
        let mut sold = Vec::new();
        for d in 0..days {
            let date = start + d;
            let weekday = iso_weekday(date);
            let open = weekday != 7 && !closed.contains(&d);
            rows.store.push(store);
            rows.date.push(date);
            rows.day_of_week.push(weekday as f32);
            rows.open.push(open);
            rows.promo.push(f32::from(u8::from(d % 14 < 5)));
            rows.state_holiday.push(if d == 100 { 1.0 } else { 0.0 });
            rows.school_holiday
                .push(f32::from(u8::from((150..160).contains(&d))));
            sold.push(if open { sales(d) } else { 0.0 });
        }
        rows.customers = Some(sold.iter().map(|s| s / 10.0).collect());
        rows.sales = Some(sold);
        rows
    }

    fn column<'a>(features: &'a [Feature], name: &str) -> &'a [f32] {
        &features.iter().find(|f| f.name == name).unwrap().values
    }

    #[test]
    fn patterns_are_ratios_shrunk_by_their_days() {
        // Saturdays (2014-01-01 is a Wednesday: day 3 is one) sell twice the other days: ln 2
        // above in log space, shrunk by n / (n + k).
        let rows = store_rows(
            7,
            364,
            &[],
            |d| if (d + 4) % 7 == 0 { 2000.0 } else { 1000.0 },
        );
        let training = vec![true; rows.len()];
        let f = store_level_features(&rows, &training, &HistoryParams::default());
        let saturday = (0..rows.len())
            .find(|&i| rows.day_of_week[i] == 6.0)
            .unwrap();
        let monday = (0..rows.len())
            .find(|&i| rows.day_of_week[i] == 1.0)
            .unwrap();
        let (hi, lo) = (2001f64.ln(), 1001f64.ln());
        let level = (52.0 * hi + 260.0 * lo) / 312.0;
        let got = column(&f, "StoreLevel")[0] as f64;
        assert!((got - level).abs() < 1e-5, "{got} {level}");
        let expected = 52.0 * (hi - level) / 62.0;
        assert!((column(&f, "StoreDowDelta")[saturday] as f64 - expected).abs() < 1e-5);
        assert!(column(&f, "StoreDowDelta")[monday] < 0.0);
    }

    #[test]
    fn validation_sales_never_reach_the_levels() {
        let rows = store_rows(1, 200, &[], |d| 1000.0 + d as f32);
        let training: Vec<bool> = (0..200).map(|d| d < 150).collect();
        let before = store_level_features(&rows, &training, &HistoryParams::default());
        let mut changed = rows.clone();
        for s in &mut changed.sales.as_mut().unwrap()[150..] {
            *s *= 5.0;
        }
        let after = store_level_features(&changed, &training, &HistoryParams::default());
        for (a, b) in before.iter().zip(&after) {
            assert!(
                a.values
                    .iter()
                    .zip(&b.values)
                    .all(|(x, y)| x.to_bits() == y.to_bits()),
                "{}",
                a.name
            );
        }
    }

    #[test]
    fn lagged_level_ends_a_horizon_before_the_day() {
        // Sales jump tenfold on day 120: the lagged level sees it 42 days later.
        let rows = store_rows(1, 240, &[], |d| if d < 120 { 100.0 } else { 1000.0 });
        let f = store_level_features(&rows, &vec![true; 240], &HistoryParams::default());
        let lag = column(&f, "StoreLagDelta");
        let level = column(&f, "StoreLevel")[0];
        assert!((lag[150] + level - 101f32.ln()).abs() < 1e-4);
        assert!(lag[170] > lag[150]);
        assert!(lag[10].is_nan());
    }

    #[test]
    fn trend_compares_the_last_weeks_with_the_chain() {
        // Store 1 grows in its last 8 weeks, store 2 stays flat: the chain's change is shared out.
        let mut rows = store_rows(1, 300, &[], |d| if d >= 250 { 2000.0 } else { 1000.0 });
        let flat = store_rows(2, 300, &[], |_| 1000.0);
        rows.store.extend(&flat.store);
        rows.date.extend(&flat.date);
        rows.day_of_week.extend(&flat.day_of_week);
        rows.open.extend(&flat.open);
        rows.promo.extend(&flat.promo);
        rows.state_holiday.extend(&flat.state_holiday);
        rows.school_holiday.extend(&flat.school_holiday);
        rows.sales
            .as_mut()
            .unwrap()
            .extend(flat.sales.as_ref().unwrap());
        rows.customers
            .as_mut()
            .unwrap()
            .extend(flat.customers.as_ref().unwrap());
        let training: Vec<bool> = rows
            .date
            .iter()
            .map(|&d| d < days_from_civil(2014, 10, 1))
            .collect();
        let f = trend_features(&rows, &training);
        let recent = column(&f, "StoreRecentDelta");
        // The chain's change is half store 1's: each store is that far from it, either way.
        assert!(
            recent[0] > 0.1 && (recent[0] + recent[300]).abs() < 1e-6,
            "{} {}",
            recent[0],
            recent[300]
        );
        assert!(
            column(&f, "StoreYearOnYear")[0].is_nan(),
            "no year before in the file"
        );
        let recipe = recipe_features(&rows, &training, &HistoryParams::default());
        let names: Vec<&str> = recipe.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, RECIPE_COLUMNS);
    }

    #[test]
    fn events_count_calendar_days_per_store() {
        let rows = store_rows(3, 200, &(60..70).collect::<Vec<_>>(), |_| 500.0);
        let f = event_features(&rows, &HistoryParams::default());
        assert_eq!(column(&f, "DaysToStateHoliday")[95], 5.0);
        assert_eq!(column(&f, "DaysSinceStateHoliday")[103], 3.0);
        assert!(column(&f, "DaysSinceStateHoliday")[50].is_nan());
        assert_eq!(column(&f, "DaysToSchoolHoliday")[149], 1.0);
        assert_eq!(column(&f, "DaysSinceSchoolHolidayStart")[155], 5.0);
        assert_eq!(column(&f, "DaysSinceSchoolHolidayEnd")[161], 2.0);
        // Closed days 60..70 (a refurbishment): the store reopens on day 70.
        assert_eq!(column(&f, "DaysSinceReopen")[75], 5.0);
        assert_eq!(column(&f, "DaysToGap")[55], 5.0);
        // Day 60 is a Sunday, no closure: the first is day 61.
        assert_eq!(column(&f, "DaysToClosure")[58], 3.0);
        assert_eq!(column(&f, "DayOfYear")[0], 1.0);
        // 2014-01-01 is 358 days before Christmas: capped at 60; Dec 31 is 6 days after.
        assert_eq!(column(&f, "DaysToChristmas")[0], 60.0);
    }
}
