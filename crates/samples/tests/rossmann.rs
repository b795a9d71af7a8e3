//! Rossmann: sizes, byte quirks and planted signal.

mod common;
use common::{col, table, text};
use samples::{rossmann, write_file, Dataset};
use std::io::{self, Write};

/// Counts lines, and stops the generator (with an error) at the first `"a"` if asked to.
struct Lines {
    lines: u64,
    first_a: Option<u64>,
    stop_at_a: bool,
}

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for line in buf.split_inclusive(|&b| b == b'\n') {
            // The sink hands over whole lines, so a line is never split across calls.
            if self.first_a.is_none() && line.windows(3).any(|w| w == b"\"a\"") {
                self.first_a = Some(self.lines + 1);
                if self.stop_at_a {
                    return Err(io::Error::other("found"));
                }
            }
            if line.ends_with(b"\n") {
                self.lines += 1;
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn full_scale_has_the_public_row_counts_and_first_a_line() {
    let mut w = Lines {
        lines: 0,
        first_a: None,
        stop_at_a: true,
    };
    assert!(write_file(Dataset::Rossmann, "train.csv", 1.0, 42, &mut w).is_err());
    assert_eq!(
        w.first_a,
        Some(63_557),
        "first \"a\" on line 63,557 as in the public file"
    );
    for (file, rows) in [("store.csv", 1_115), ("test.csv", 41_088)] {
        let mut w = Lines {
            lines: 0,
            first_a: None,
            stop_at_a: false,
        };
        write_file(Dataset::Rossmann, file, 1.0, 42, &mut w).unwrap();
        assert_eq!(w.lines - 1, rows, "{file}");
    }
    assert_eq!(rossmann::store_count(1.0), 1115);
}

#[test]
fn train_rows_follow_the_public_calendar_with_its_gaps() {
    let scale = 0.1;
    let n = rossmann::store_count(scale) as usize;
    let gap = (180.0 * n as f64 / 1115.0).round() as usize;
    let (_, rows) = table(Dataset::Rossmann, "train.csv", scale, 42);
    assert_eq!(rows.len(), n * 942 - gap * 184 - 1);
    assert_eq!(rows[0][2], "2015-07-31");
    assert_eq!(rows.last().unwrap()[2], "2013-01-01");
}

#[test]
fn byte_quirks_of_the_public_files() {
    let train = text(Dataset::Rossmann, "train.csv", 0.1, 42);
    assert!(train.starts_with("\"Store\",\"DayOfWeek\",\"Date\",\"Sales\",\"Customers\",\"Open\",\"Promo\",\"StateHoliday\",\"SchoolHoliday\"\n"));
    let second = train.lines().nth(1).unwrap();
    assert!(
        second.starts_with("1,5,2015-07-31,") && second.ends_with("\"0\",\"1\"")
            || second.ends_with("\"0\",\"0\""),
        "{second}"
    );
    for code in ["\"a\"", "\"b\"", "\"c\"", "\"0\"", "\"1\""] {
        assert!(train.contains(code), "{code}");
    }
    let first_a = train.lines().position(|l| l.contains("\"a\"")).unwrap();
    assert!(
        first_a > 57 * rossmann::store_count(0.1) as usize,
        "{first_a}"
    );
    let store = text(Dataset::Rossmann, "store.csv", 1.0, 42);
    assert!(store.starts_with("\"Store\",\"StoreType\",\"Assortment\",\"CompetitionDistance\""));
    for quirk in [
        ",,,\"\"\n",
        "\"Jan,Apr,Jul,Oct\"",
        "\"Feb,May,Aug,Nov\"",
        "\"Mar,Jun,Sept,Dec\"",
        ",\"a\",\"c\",",
    ] {
        assert!(store.contains(quirk), "{quirk}");
    }
    assert!(
        store.lines().any(|l| l.split(',').nth(3) == Some("")),
        "an empty CompetitionDistance"
    );
    let test = text(Dataset::Rossmann, "test.csv", 0.1, 42);
    assert!(test.starts_with("\"Id\",\"Store\",\"DayOfWeek\",\"Date\",\"Open\",\"Promo\",\"StateHoliday\",\"SchoolHoliday\"\n1,"));
    let blanks = test
        .lines()
        .filter(|l| l.split(',').nth(4) == Some(""))
        .count();
    assert_eq!(blanks, 11);
}

#[test]
fn closed_days_sell_nothing_and_some_open_days_too() {
    let (h, rows) = table(Dataset::Rossmann, "train.csv", 0.3, 42);
    let (sales, customers, open) = (col(&h, "Sales"), col(&h, "Customers"), col(&h, "Open"));
    let mut zero_open = 0;
    for r in &rows {
        if r[open] == "0" {
            assert_eq!((r[sales].as_str(), r[customers].as_str()), ("0", "0"));
        } else if r[sales] == "0" {
            zero_open += 1;
        }
    }
    assert!((1..60).contains(&zero_open), "{zero_open}");
}

/// Per-store averages on open days: log sales, log customers, log sales per customer,
/// promo uplift, Saturday/Monday ratio, Sunday opening.
fn store_features(scale: f64, seed: u64) -> Vec<[f64; 6]> {
    let (h, rows) = table(Dataset::Rossmann, "train.csv", scale, seed);
    let n = rossmann::store_count(scale) as usize;
    let (st, dow, sales, cust, open, promo) = (
        col(&h, "Store"),
        col(&h, "DayOfWeek"),
        col(&h, "Sales"),
        col(&h, "Customers"),
        col(&h, "Open"),
        col(&h, "Promo"),
    );
    // sums: [sales, customers, days, promo sales, promo days, nonpromo sales, nonpromo days,
    //        monday sales, monday days, saturday sales, saturday days, sunday open days, sundays]
    let mut acc = vec![[0.0f64; 13]; n + 1];
    for r in &rows {
        let s: usize = r[st].parse().unwrap();
        let a = &mut acc[s];
        let d: u32 = r[dow].parse().unwrap();
        if d == 7 {
            a[12] += 1.0;
        }
        if r[open] != "1" || r[sales] == "0" {
            continue;
        }
        let y: f64 = r[sales].parse().unwrap();
        a[0] += y;
        a[1] += r[cust].parse::<f64>().unwrap();
        a[2] += 1.0;
        if r[promo] == "1" {
            a[3] += y;
            a[4] += 1.0
        } else if d < 6 {
            a[5] += y;
            a[6] += 1.0
        }
        if d == 1 {
            a[7] += y;
            a[8] += 1.0
        }
        if d == 6 {
            a[9] += y;
            a[10] += 1.0
        }
        if d == 7 {
            a[11] += 1.0
        }
    }
    acc[1..]
        .iter()
        .map(|a| {
            [
                (a[0] / a[2]).ln(),
                (a[1] / a[2]).ln(),
                (a[0] / a[1]).ln(),
                a[3] / a[4] / (a[5] / a[6]),
                a[9] / a[10] / (a[7] / a[8]),
                a[11] / a[12].max(1.0),
            ]
        })
        .collect()
}

#[test]
fn promo_uplift_per_segment_is_as_documented() {
    let seed = 42;
    let feats = store_features(0.1, seed);
    for seg in 0..4u8 {
        let ratios: Vec<f64> = feats
            .iter()
            .enumerate()
            .filter(|(i, _)| rossmann::store_segment(*i as u32 + 1, seed) == seg)
            .map(|(_, f)| f[3])
            .collect();
        let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
        let want = 1.0 + rossmann::SEGMENTS[seg as usize].promo_uplift;
        // The promo ratio also carries weekday mix and noise: a few points either way.
        assert!(
            (mean - want).abs() < 0.06,
            "segment {seg}: promo/non-promo {mean:.3}, planted {want:.3}"
        );
    }
}

#[test]
fn december_lifts_sales() {
    let (h, rows) = table(Dataset::Rossmann, "train.csv", 0.05, 42);
    let (date, sales, open) = (col(&h, "Date"), col(&h, "Sales"), col(&h, "Open"));
    let mean = |month: &str| {
        let v: Vec<f64> = rows
            .iter()
            .filter(|r| r[open] == "1" && r[date][5..7] == *month && r[date][8..10] < *"20")
            .map(|r| r[sales].parse().unwrap())
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!(
        mean("12") > 1.15 * mean("11"),
        "{} vs {}",
        mean("12"),
        mean("11")
    );
}

fn kmeans(x: &[Vec<f64>], k: usize, restarts: u64) -> Vec<usize> {
    let mut best = (f64::INFINITY, vec![]);
    for r in 0..restarts {
        let mut state = 0x9E37_79B9u64.wrapping_mul(r + 1);
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut centres: Vec<Vec<f64>> = vec![x[(next() % x.len() as u64) as usize].clone()];
        while centres.len() < k {
            let d: Vec<f64> = x
                .iter()
                .map(|p| {
                    centres
                        .iter()
                        .map(|c| dist(p, c))
                        .fold(f64::INFINITY, f64::min)
                })
                .collect();
            let total: f64 = d.iter().sum();
            let mut t = (next() % 1_000_000) as f64 / 1e6 * total;
            let mut pick = 0;
            for (i, di) in d.iter().enumerate() {
                if t < *di {
                    pick = i;
                    break;
                }
                t -= di;
            }
            centres.push(x[pick].clone());
        }
        let mut label = vec![0; x.len()];
        for _ in 0..100 {
            for (i, p) in x.iter().enumerate() {
                label[i] = (0..k)
                    .min_by(|&a, &b| dist(p, &centres[a]).total_cmp(&dist(p, &centres[b])))
                    .unwrap();
            }
            for (c, centre) in centres.iter_mut().enumerate() {
                let members: Vec<&Vec<f64>> = x
                    .iter()
                    .zip(&label)
                    .filter(|(_, &l)| l == c)
                    .map(|(p, _)| p)
                    .collect();
                if !members.is_empty() {
                    for j in 0..centre.len() {
                        centre[j] =
                            members.iter().map(|m| m[j]).sum::<f64>() / members.len() as f64;
                    }
                }
            }
        }
        let inertia: f64 = x
            .iter()
            .zip(&label)
            .map(|(p, &l)| dist(p, &centres[l]))
            .sum();
        if inertia < best.0 {
            best = (inertia, label);
        }
    }
    best.1
}

fn dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

fn adjusted_rand(a: &[usize], b: &[usize]) -> f64 {
    let k = 1 + a.iter().chain(b).max().unwrap();
    let mut t = vec![vec![0f64; k]; k];
    for (&i, &j) in a.iter().zip(b) {
        t[i][j] += 1.0;
    }
    let c2 = |n: f64| n * (n - 1.0) / 2.0;
    let sum_ij: f64 = t.iter().flatten().map(|&n| c2(n)).sum();
    let sa: f64 = t.iter().map(|r| c2(r.iter().sum())).sum();
    let sb: f64 = (0..k).map(|j| c2(t.iter().map(|r| r[j]).sum())).sum();
    let expected = sa * sb / c2(a.len() as f64);
    (sum_ij - expected) / ((sa + sb) / 2.0 - expected)
}

#[test]
fn clustering_per_store_averages_recovers_the_segments() {
    for seed in [42, 7] {
        let feats = store_features(0.1, seed);
        let p = feats[0].len();
        let mean: Vec<f64> = (0..p)
            .map(|j| feats.iter().map(|f| f[j]).sum::<f64>() / feats.len() as f64)
            .collect();
        let sd: Vec<f64> = (0..p)
            .map(|j| {
                (feats.iter().map(|f| (f[j] - mean[j]).powi(2)).sum::<f64>() / feats.len() as f64)
                    .sqrt()
            })
            .collect();
        let x: Vec<Vec<f64>> = feats
            .iter()
            .map(|f| (0..p).map(|j| (f[j] - mean[j]) / sd[j]).collect())
            .collect();
        let truth: Vec<usize> = (1..=feats.len() as u32)
            .map(|s| rossmann::store_segment(s, seed) as usize)
            .collect();
        let ari = adjusted_rand(&kmeans(&x, 4, 20), &truth);
        assert!(ari >= 0.9, "seed {seed}: adjusted Rand {ari:.3}");
    }
}

#[test]
fn store_type_follows_the_segment() {
    let (h, rows) = table(Dataset::Rossmann, "store.csv", 1.0, 42);
    let t = col(&h, "StoreType");
    let agree = rows
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            let seg = rossmann::store_segment(*i as u32 + 1, 42) as usize;
            r[t] == rossmann::SEGMENTS[seg].store_type.to_string()
        })
        .count();
    let share = agree as f64 / rows.len() as f64;
    assert!((0.87..0.95).contains(&share), "{share}");
}
