//! Nominal 90% intervals from the M bootstrap models cover the removed true values about 90% of
//! the time, on a few thousand cells: the imputations carry the right amount of uncertainty
//! (too narrow if the bootstrap or the conditional noise were left out, too wide if doubled).

use learn::impute::{missing_intervals, overimpute, EmbParams, PatternData};
use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

fn truth(n: usize, p: usize, seed: u64) -> Array2<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut x = Array2::zeros((n, p));
    for i in 0..n {
        let common: f64 = rng.sample(StandardNormal);
        for j in 0..p {
            let e: f64 = rng.sample(StandardNormal);
            x[[i, j]] = 3.0 * j as f64 + (j + 1) as f64 * (0.8 * common + 0.6 * e);
        }
    }
    x
}

#[test]
fn intervals_cover_removed_values() {
    let full = truth(3000, 5, 5);
    let mut x = full.clone();
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    for v in x.iter_mut() {
        if rng.random::<f64>() < 0.2 {
            *v = f64::NAN;
        }
    }
    let data = PatternData::new(x.view()).unwrap();
    let result = EmbParams {
        m: 5,
        seed: 9,
        ..EmbParams::default()
    }
    .fit_prepared(&data)
    .unwrap();
    let cells = missing_intervals(&data, &result.runs, 20, 0.9, 3).unwrap();
    assert!(cells.len() > 2500, "{} cells", cells.len());
    let covered = cells
        .iter()
        .filter(|c| {
            let t = full[[c.row, c.column]];
            c.lower <= t && t <= c.upper
        })
        .count();
    let coverage = covered as f64 / cells.len() as f64;
    println!("missing cells: {} coverage {coverage:.4}", cells.len());
    assert!((0.85..=0.95).contains(&coverage), "coverage {coverage}");

    // Overimputation: observed cells of column 2 treated as missing, same check.
    let over = overimpute(&data, &result.runs, 2, 20, 0.9, 4).unwrap();
    assert_eq!(
        over.len(),
        x.column(2).iter().filter(|v| !v.is_nan()).count()
    );
    let covered = over
        .iter()
        .filter(|c| c.lower <= c.observed && c.observed <= c.upper)
        .count();
    let coverage = covered as f64 / over.len() as f64;
    println!("overimputed cells: {} coverage {coverage:.4}", over.len());
    assert!(
        (0.85..=0.95).contains(&coverage),
        "overimputation coverage {coverage}"
    );
    for c in &over {
        assert!((c.observed - full[[c.row, 2]]).abs() < 1e-9);
    }
}
