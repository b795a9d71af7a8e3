//! Bosch: shape, byte quirks and planted signal.

mod common;
use common::{table, text};
use samples::{bosch, Dataset};

#[test]
fn header_is_the_public_one_and_dates_are_derived() {
    let numeric = text(Dataset::Bosch, "train_numeric.csv", 0.0001, 1);
    let real = include_str!(
        "../../tabular/tests/fixtures/bosch_train_numeric_head100_sparse_970_columns.csv"
    );
    assert_eq!(numeric.lines().next(), real.lines().next());
    let date = text(Dataset::Bosch, "train_date.csv", 0.0001, 1);
    let header: Vec<&str> = date.lines().next().unwrap().split(',').collect();
    assert_eq!(header.len(), 969);
    assert_eq!(&header[..3], ["Id", "L0_S0_D1", "L0_S0_D3"]);
    assert_eq!(bosch::date_name("L3_S51_F4262"), "L3_S51_D4263");
}

#[test]
fn shape_and_byte_quirks() {
    let scale = 0.002;
    let (h, rows) = table(Dataset::Bosch, "train_numeric.csv", scale, 42);
    assert_eq!(h.len(), 970);
    assert_eq!(rows.len() as u64, bosch::part_count(scale));
    assert!(rows.iter().all(|r| r.len() == 970));
    let cells = (rows.len() * 968) as f64;
    let empty = rows
        .iter()
        .flat_map(|r| &r[1..969])
        .filter(|c| c.is_empty())
        .count() as f64;
    assert!(
        (0.75..0.85).contains(&(empty / cells)),
        "empty share {}",
        empty / cells
    );
    let all: Vec<&String> = rows.iter().flat_map(|r| &r[1..969]).collect();
    assert!(all.iter().any(|c| c.as_str() == "0.0"));
    assert!(all.iter().any(|c| c.as_str() == "-0.001"));
    assert!(all.iter().all(|c| c.is_empty()
        || c.split('.')
            .nth(1)
            .is_some_and(|f| (1..=3).contains(&f.len()))));
    let ids: Vec<u64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[1] > w[0]));
    assert!(
        ids.windows(2).any(|w| w[1] > w[0] + 1),
        "ids are not consecutive"
    );
    let (dh, drows) = table(Dataset::Bosch, "train_date.csv", scale, 42);
    assert_eq!(dh.len(), 969);
    for (r, d) in rows.iter().zip(&drows) {
        assert_eq!(r[0], d[0], "same ids in both files");
        // A measured value implies a time stamp for it.
        assert!((1..969).all(|j| r[j].is_empty() || !d[j].is_empty()));
    }
    assert!(drows
        .iter()
        .flat_map(|r| &r[1..])
        .any(|c| c.contains('.') && c.split('.').nth(1).unwrap().len() == 2));
}

#[test]
fn missingness_is_by_station_and_route() {
    let (h, rows) = table(Dataset::Bosch, "train_numeric.csv", 0.002, 42);
    let s24: Vec<usize> = (1..969).filter(|&j| h[j].starts_with("L1_S24_")).collect();
    let s0: Vec<usize> = (1..969).filter(|&j| h[j].starts_with("L0_S0_")).collect();
    for (i, r) in rows.iter().enumerate() {
        let route = bosch::part_route(i as u64, 42);
        let filled = |cols: &[usize]| cols.iter().filter(|&&j| !r[j].is_empty()).count();
        assert_eq!(filled(&s24) > 0, route == 2, "row {i}");
        assert_eq!(filled(&s0) > 0, route == 0, "row {i}");
    }
}

#[test]
fn station_gaussian_matches_its_truth() {
    let seed = 42;
    let truth = bosch::station_truth(29, seed);
    assert_eq!(truth.columns.len(), 53);
    let (h, rows) = table(Dataset::Bosch, "train_numeric.csv", 0.005, seed);
    let a = h.iter().position(|c| c == truth.columns[0]).unwrap();
    let b = h.iter().position(|c| c == truth.columns[1]).unwrap();
    let pairs: Vec<(f64, f64)> = rows
        .iter()
        .filter(|r| !r[a].is_empty() && !r[b].is_empty())
        .map(|r| (r[a].parse().unwrap(), r[b].parse().unwrap()))
        .collect();
    let n = pairs.len() as f64;
    assert!(n > 4_000.0, "{n}");
    let ma = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let mb = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let cab = pairs.iter().map(|p| (p.0 - ma) * (p.1 - mb)).sum::<f64>() / n;
    let vaa = pairs.iter().map(|p| (p.0 - ma).powi(2)).sum::<f64>() / n;
    let p = truth.columns.len();
    let sd_a = truth.cov[0].sqrt();
    assert!(
        (ma - truth.mean[0]).abs() < 4.0 * sd_a / n.sqrt(),
        "mean {ma} vs {}",
        truth.mean[0]
    );
    assert!(
        (vaa / truth.cov[0] - 1.0).abs() < 0.1,
        "variance {vaa} vs {}",
        truth.cov[0]
    );
    let rho = cab / (vaa.sqrt() * truth.cov[p + 1].sqrt());
    let want = truth.cov[1] / (truth.cov[0] * truth.cov[p + 1]).sqrt();
    assert!((rho - want).abs() < 0.06, "correlation {rho} vs {want}");
}

#[test]
fn response_follows_the_documented_rule() {
    let seed = 42;
    let rule = bosch::defect_rule(seed);
    let (h, rows) = table(Dataset::Bosch, "train_numeric.csv", 0.01, seed);
    let (a, b) = (
        h.iter().position(|c| c == rule.feature_a).unwrap(),
        h.iter().position(|c| c == rule.feature_b).unwrap(),
    );
    let resp = h.len() - 1;
    let ones = rows.iter().filter(|r| r[resp] == "1").count() as f64;
    let rate = ones / rows.len() as f64;
    assert!((0.0035..0.0085).contains(&rate), "failure rate {rate}");
    let (mut hit, mut hit_fail, mut other, mut other_fail) = (0.0, 0.0, 0.0, 0.0);
    for r in &rows {
        if r[a].is_empty() || r[b].is_empty() {
            continue;
        }
        let za = (r[a].parse::<f64>().unwrap() - rule.truth_a.mean) / rule.truth_a.sd;
        let zb = (r[b].parse::<f64>().unwrap() - rule.truth_b.mean) / rule.truth_b.sd;
        let fails = r[resp] == "1";
        // Values are rounded to 0.001: keep clear of the threshold.
        let s = (za - zb) / (2.0 - 2.0 * rule.rho).sqrt();
        if s > bosch::DEFECT_THRESHOLD + 0.2 {
            hit += 1.0;
            hit_fail += f64::from(u8::from(fails));
        } else if s < bosch::DEFECT_THRESHOLD - 0.2 {
            other += 1.0;
            other_fail += f64::from(u8::from(fails));
        }
    }
    assert!(hit >= 10.0, "{hit}");
    assert!(
        hit_fail / hit > 0.75,
        "rule-positive failure rate {}",
        hit_fail / hit
    );
    assert!(
        other_fail / other < 0.003,
        "rule-negative failure rate {}",
        other_fail / other
    );
}
