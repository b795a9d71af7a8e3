//! Use case 4.1's features: one row per user, from its prior orders only (never from the order
//! being predicted, whose weekday and hour would give its gap away).
//!
//! With `gaps` = the `days_since_prior_order` of the user's prior orders 2..n (a first order has
//! none; 30 means "30 or more"):
//!
//! | feature | definition |
//! |---|---|
//! | `orders` | number of prior orders n |
//! | `gap_mean`, `gap_median`, `gap_std`, `gap_min`, `gap_max` | of `gaps` (std: population) |
//! | `gap_geometric_mean` | exp(mean(ln(max(gap, 0.5)))) |
//! | `gap_last` | the last prior order's gap |
//! | `gap_last3_mean` | mean of the last three gaps |
//! | `gap_trend` | least-squares slope of the gaps against their index, days per order |
//! | `gap_censored_share` | share of gaps equal to 30 |
//! | `days_span` | sum of gaps: days from the first to the last prior order |
//! | `hour_mean`, `hour_std`, `hour_last` | `order_hour_of_day` of the prior orders |
//! | `dow_last` (categorical, 7) | `order_dow` of the last prior order |
//! | `dow_mode` (categorical, 7), `dow_mode_share` | most frequent `order_dow` and its share |
//! | `basket_mean`, `basket_last` | lines per prior order; of the last prior order |
//! | `reorder_ratio` | `reordered` lines / lines, over prior orders 2..n |
//! | `distinct_products`, `distinct_share` | distinct products bought; over lines |
//! | `department_{d}_share` | share of the user's prior lines in department d (with products.csv) |

use tabular::relational::{count_by_dense_key, sum_by_dense_key, Groups};

use super::history::History;
use super::input::Instacart;
use super::table::FeatureTable;

/// Median of `values` (reordered in place); NaN when empty.
pub fn median(values: &mut [f32]) -> f32 {
    if values.is_empty() {
        return f32::NAN;
    }
    values.sort_unstable_by(f32::total_cmp);
    let m = values.len() / 2;
    if values.len() % 2 == 1 {
        values[m]
    } else {
        (values[m - 1] + values[m]) / 2.0
    }
}

/// exp(mean(ln(max(gap, 0.5)))): the typical gap of a user whose gaps scatter by a factor
/// (the efficient estimate of a log-normal's median, where the sample median wastes a third
/// of the information); a same-day reorder (0) counts as half a day. NaN when empty.
pub fn geometric_mean(values: &[f32]) -> f32 {
    if values.is_empty() {
        return f32::NAN;
    }
    let sum: f64 = values.iter().map(|&v| f64::from(v.max(0.5)).ln()).sum();
    (sum / values.len() as f64).exp() as f32
}

/// Least-squares slope of `y` against 0, 1, 2, ...; NaN with fewer than two values.
fn slope(y: &[f32]) -> f32 {
    let n = y.len() as f64;
    if y.len() < 2 {
        return f32::NAN;
    }
    let mean_x = (n - 1.0) / 2.0;
    let mean_y = y.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, &v) in y.iter().enumerate() {
        let dx = i as f64 - mean_x;
        sxy += dx * (f64::from(v) - mean_y);
        sxx += dx * dx;
    }
    (sxy / sxx) as f32
}

/// Mean and population standard deviation; NaN when empty.
fn mean_std(values: impl Iterator<Item = f32> + Clone) -> (f32, f32) {
    let (n, sum) = values
        .clone()
        .fold((0u32, 0.0f64), |(n, s), v| (n + 1, s + f64::from(v)));
    if n == 0 {
        return (f32::NAN, f32::NAN);
    }
    let mean = sum / f64::from(n);
    let var = values.map(|v| (f64::from(v) - mean).powi(2)).sum::<f64>() / f64::from(n);
    (mean as f32, var.sqrt() as f32)
}

/// The gaps of user slot `u` (into `out`, cleared first).
pub fn gaps_of(data: &Instacart, history: &History, u: usize, out: &mut Vec<f32>) {
    out.clear();
    let prior = &history.orders_of(u)[..history.n_prior[u] as usize];
    out.extend(
        prior
            .iter()
            .skip(1)
            .map(|&r| data.orders.days_since_prior[r as usize])
            .filter(|g| !g.is_nan()),
    );
}

/// The 4.1 feature table, one row per user slot.
pub fn user_features(data: &Instacart, history: &History) -> FeatureTable {
    let orders = &data.orders;
    let lines = &data.prior;
    let n_users = history.n_users();
    let basket = count_by_dense_key(&lines.order_row, orders.len());
    let reordered = sum_by_dense_key(&lines.order_row, &lines.reordered, orders.len());
    let user_of_line = history.user_of_lines(lines);
    let distinct = Groups::by_key(&user_of_line).distinct(&lines.product);
    // `Groups::by_key` skips users with no line: map its groups back to slots.
    let mut distinct_by_slot = vec![0u32; n_users];
    {
        let mut seen: Vec<bool> = vec![false; n_users];
        for &u in &user_of_line {
            seen[u as usize] = true;
        }
        let mut next = distinct.iter();
        for (u, d) in distinct_by_slot.iter_mut().enumerate() {
            if seen[u] {
                *d = *next.next().expect("one group per user with lines");
            }
        }
    }

    let names = [
        "orders",
        "gap_mean",
        "gap_median",
        "gap_geometric_mean",
        "gap_std",
        "gap_min",
        "gap_max",
        "gap_last",
        "gap_last3_mean",
        "gap_trend",
        "gap_censored_share",
        "days_span",
        "hour_mean",
        "hour_std",
        "hour_last",
        "dow_last",
        "dow_mode",
        "dow_mode_share",
        "basket_mean",
        "basket_last",
        "reorder_ratio",
        "distinct_products",
        "distinct_share",
    ];
    let mut cols: Vec<Vec<f32>> = vec![Vec::with_capacity(n_users); names.len()];
    let mut gaps = Vec::new();
    let mut sorted = Vec::new();
    for (u, &distinct) in distinct_by_slot.iter().enumerate() {
        let prior = &history.orders_of(u)[..history.n_prior[u] as usize];
        let last = *prior.last().expect("a user has a prior order") as usize;
        gaps_of(data, history, u, &mut gaps);
        sorted.clear();
        sorted.extend_from_slice(&gaps);
        let (gap_mean, gap_std) = mean_std(gaps.iter().copied());
        let tail = &gaps[gaps.len().saturating_sub(3)..];
        let (hour_mean, hour_std) =
            mean_std(prior.iter().map(|&r| f32::from(orders.hour[r as usize])));
        let mut dow_counts = [0u32; 7];
        for &r in prior {
            dow_counts[usize::from(orders.dow[r as usize].min(6))] += 1;
        }
        let (dow_mode, dow_top) = dow_counts
            .iter()
            .enumerate()
            .max_by_key(|&(d, &c)| (c, std::cmp::Reverse(d)))
            .map(|(d, &c)| (d, c))
            .unwrap_or((0, 0));
        let total_lines: u32 = prior.iter().map(|&r| basket[r as usize]).sum();
        let later_lines: u32 = prior.iter().skip(1).map(|&r| basket[r as usize]).sum();
        let later_reordered: f64 = prior.iter().skip(1).map(|&r| reordered[r as usize]).sum();
        let ratio = |a: f64, b: f64| if b > 0.0 { (a / b) as f32 } else { f32::NAN };
        let values = [
            prior.len() as f32,
            gap_mean,
            median(&mut sorted),
            geometric_mean(&gaps),
            gap_std,
            gaps.iter().copied().fold(f32::NAN, f32::min),
            gaps.iter().copied().fold(f32::NAN, f32::max),
            orders.days_since_prior[last],
            mean_std(tail.iter().copied()).0,
            slope(&gaps),
            ratio(
                gaps.iter().filter(|&&g| g >= 30.0).count() as f64,
                gaps.len() as f64,
            ),
            gaps.iter().sum::<f32>(),
            hour_mean,
            hour_std,
            f32::from(orders.hour[last]),
            f32::from(orders.dow[last].min(6)),
            dow_mode as f32,
            ratio(f64::from(dow_top), prior.len() as f64),
            ratio(f64::from(total_lines), prior.len() as f64),
            basket[last] as f32,
            ratio(later_reordered, f64::from(later_lines)),
            distinct as f32,
            ratio(f64::from(distinct), f64::from(total_lines)),
        ];
        for (c, v) in cols.iter_mut().zip(values) {
            c.push(v);
        }
    }
    let mut table = FeatureTable::default();
    for (name, values) in names.iter().zip(cols) {
        if name.starts_with("dow_") && !name.ends_with("share") {
            table.push_categorical(name, values, 7);
        } else {
            table.push(name, values);
        }
    }
    if let Some(products) = &data.products {
        let n_departments = products.department.iter().copied().max().unwrap_or(0) as usize + 1;
        let mut counts = vec![0u32; n_users * n_departments];
        let mut totals = vec![0u32; n_users];
        for (&u, &p) in user_of_line.iter().zip(&lines.product) {
            let d = products.department.get(p as usize).copied().unwrap_or(0) as usize;
            counts[u as usize * n_departments + d] += 1;
            totals[u as usize] += 1;
        }
        for d in 1..n_departments {
            let shares = (0..n_users)
                .map(|u| {
                    if totals[u] == 0 {
                        f32::NAN
                    } else {
                        counts[u * n_departments + d] as f32 / totals[u] as f32
                    }
                })
                .collect();
            table.push(&format!("department_{d}_share"), shares);
        }
    }
    table
}
