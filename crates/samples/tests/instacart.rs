//! Instacart: shape, byte quirks and planted signal.

mod common;
use common::{col, table, text};
use samples::{instacart, Dataset};
use std::collections::{HashMap, HashSet};

#[test]
fn small_files_are_the_public_ones() {
    let real = include_str!("../../tabular/tests/fixtures/instacart_aisles.csv");
    assert_eq!(text(Dataset::Instacart, "aisles.csv", 0.01, 1), real);
    let real = include_str!("../../tabular/tests/fixtures/instacart_departments.csv");
    assert_eq!(text(Dataset::Instacart, "departments.csv", 0.01, 1), real);
}

#[test]
fn shape_and_byte_quirks() {
    let scale = 0.005;
    let orders = text(Dataset::Instacart, "orders.csv", scale, 42);
    let real = include_str!(
        "../../tabular/tests/fixtures/instacart_orders_head1000_float_days_empty_first.csv"
    );
    assert_eq!(orders.lines().next(), real.lines().next());
    let (h, rows) = table(Dataset::Instacart, "orders.csv", scale, 42);
    let users: HashSet<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(users.len() as u32, instacart::user_count(scale));
    let ids: HashSet<u64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(ids.len(), rows.len());
    assert_eq!(
        ids.iter().max(),
        Some(&(rows.len() as u64)),
        "ids are a permutation of 1..N"
    );
    let (hour, days, num, set) = (
        col(&h, "order_hour_of_day"),
        col(&h, "days_since_prior_order"),
        col(&h, "order_number"),
        col(&h, "eval_set"),
    );
    assert!(rows.iter().all(|r| r[hour].len() == 2));
    assert!(rows.iter().any(|r| r[hour].starts_with('0')));
    for r in &rows {
        assert_eq!(r[num] == "1", r[days].is_empty());
        assert!(r[days].is_empty() || r[days].ends_with(".0"));
    }
    for s in ["prior", "train", "test"] {
        assert!(rows.iter().any(|r| r[set] == s), "{s}");
    }
    let products = text(Dataset::Instacart, "products.csv", scale, 42);
    assert_eq!(
        products.lines().count() as u32 - 1,
        instacart::product_count(scale)
    );
    for quirk in ["\"\"", ", ", "\\\"\"x", "é"] {
        assert!(products.contains(quirk), "{quirk}");
    }
    let (_, prows) = table(Dataset::Instacart, "products.csv", scale, 42);
    assert!(prows.iter().all(|r| r.len() == 4));
    let lines = text(
        Dataset::Instacart,
        "order_products__prior.csv",
        1.0 / 200.0,
        42,
    );
    assert!(lines.starts_with("order_id,product_id,add_to_cart_order,reordered\n"));
}

#[test]
fn full_scale_sizes_are_close_to_the_public_ones() {
    assert_eq!(instacart::user_count(1.0), 206_209);
    assert_eq!(instacart::product_count(1.0), 49_688);
    let orders: u64 = (1..=2_000)
        .map(|u| instacart::user_truth(u, 0.01, 42).prior_orders as u64 + 1)
        .sum();
    // 3,421,083 orders over 206,209 users in the public file: 16.6 per user.
    let per_user = orders as f64 / 2_000.0;
    assert!((15.0..18.0).contains(&per_user), "{per_user}");
}

#[test]
fn orders_and_lines_agree_and_carry_the_planted_habits() {
    let (scale, seed) = (0.005, 42);
    let (h, orders) = table(Dataset::Instacart, "orders.csv", scale, seed);
    let (_, prior) = table(Dataset::Instacart, "order_products__prior.csv", scale, seed);
    let (_, train) = table(Dataset::Instacart, "order_products__train.csv", scale, seed);
    let set = col(&h, "eval_set");
    let kind: HashMap<&str, (&str, u32)> = orders
        .iter()
        .map(|r| (r[0].as_str(), (r[set].as_str(), r[1].parse().unwrap())))
        .collect();
    assert!(prior.iter().all(|l| kind[l[0].as_str()].0 == "prior"));
    assert!(train.iter().all(|l| kind[l[0].as_str()].0 == "train"));
    let per_order = prior.len() as f64 / orders.iter().filter(|r| r[set] == "prior").count() as f64;
    assert!(
        (8.0..12.5).contains(&per_order),
        "lines per prior order {per_order}"
    );
    let reordered = prior.iter().filter(|l| l[3] == "1").count() as f64 / prior.len() as f64;
    assert!((0.5..0.7).contains(&reordered), "{reordered}");

    // days_since_prior_order tracks each user's planted mean interval.
    let days = col(&h, "days_since_prior_order");
    let mut by_user: HashMap<u32, Vec<f64>> = HashMap::new();
    for r in &orders {
        if !r[days].is_empty() {
            by_user
                .entry(r[1].parse().unwrap())
                .or_default()
                .push(r[days].parse().unwrap());
        }
    }
    let (xs, ys): (Vec<f64>, Vec<f64>) = by_user
        .iter()
        .map(|(&u, d)| {
            (
                instacart::user_truth(u, scale, seed)
                    .mean_interval
                    .min(30.0),
                d.iter().sum::<f64>() / d.len() as f64,
            )
        })
        .unzip();
    let corr = correlation(&xs, &ys);
    assert!(
        corr > 0.85,
        "correlation of planted and observed intervals {corr}"
    );

    // Favourites with a high reorder probability are in most of the user's orders.
    let mut lines_of: HashMap<u32, HashMap<u32, usize>> = HashMap::new();
    let mut orders_of: HashMap<u32, HashSet<&str>> = HashMap::new();
    for l in &prior {
        let user = kind[l[0].as_str()].1;
        *lines_of
            .entry(user)
            .or_default()
            .entry(l[1].parse().unwrap())
            .or_default() += 1;
        orders_of.entry(user).or_default().insert(&l[0]);
    }
    let (mut planted, mut seen) = (0.0, 0.0);
    for (&user, counts) in &lines_of {
        let truth = instacart::user_truth(user, scale, seed);
        let n = orders_of[&user].len() as f64;
        for &(p, q) in &truth.favourites {
            planted += q * n;
            seen += *counts.get(&p).unwrap_or(&0) as f64;
        }
    }
    // Popular draws can add a favourite again, so a little above the plan.
    assert!(
        seen >= planted && seen < 1.1 * planted,
        "{seen} vs {planted}"
    );
}

fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let syy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    sxy / (sxx * syy).sqrt()
}
