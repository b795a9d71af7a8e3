//! ADWIN and Page-Hinkley find the changes River 0.26 finds, at the same values, on the streams
//! of `fixtures/river_drift.json` (written by `fixtures/river_drift.py` with River itself).

use learn::online::adwin::AdwinParams;
use learn::online::page_hinkley::{Direction, PageHinkleyParams};
use serde_json::Value;

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/river_drift.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn detections(mut update: impl FnMut(f64) -> bool, values: &[Value]) -> Vec<u64> {
    values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| update(v.as_f64().unwrap()).then_some(i as u64))
        .collect()
}

#[test]
fn same_detections_as_river() {
    let f = fixture();
    let streams = f["streams"].as_object().unwrap();
    let mut compared = 0;
    for (key, expected) in f["detections"].as_object().unwrap() {
        let (config, stream) = key.split_once('/').unwrap();
        let values = streams[stream].as_array().unwrap();
        let found = match config {
            "adwin_default" => {
                let mut d = AdwinParams::default().build().unwrap();
                detections(|x| d.update(x), values)
            }
            "adwin_delta_0.01_clock_8" => {
                let p = AdwinParams {
                    delta: 0.01,
                    clock: 8,
                    ..AdwinParams::default()
                };
                let mut d = p.build().unwrap();
                detections(|x| d.update(x), values)
            }
            "ph_default" => {
                let mut d = PageHinkleyParams::default().build().unwrap();
                detections(|x| d.update(x), values)
            }
            "ph_up_t5_d0.01" => {
                let p = PageHinkleyParams {
                    threshold: 5.0,
                    delta: 0.01,
                    direction: Direction::Up,
                    ..PageHinkleyParams::default()
                };
                let mut d = p.build().unwrap();
                detections(|x| d.update(x), values)
            }
            "ph_down_t3" => {
                let p = PageHinkleyParams {
                    threshold: 3.0,
                    direction: Direction::Down,
                    ..PageHinkleyParams::default()
                };
                let mut d = p.build().unwrap();
                detections(|x| d.update(x), values)
            }
            other => panic!("unknown configuration {other}"),
        };
        let expected: Vec<u64> = expected
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(found, expected, "{key}");
        compared += 1;
    }
    assert_eq!(compared, 25);
}

/// Seeded Bernoulli values (SplitMix64), with rate `before` up to `change` and `after` from it.
fn bernoulli(seed: u64, n: usize, change: usize, before: f64, after: f64) -> Vec<f64> {
    let mut state = seed;
    (0..n)
        .map(|i| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            let u = (z ^ (z >> 31)) as f64 / u64::MAX as f64;
            let p = if i < change { before } else { after };
            f64::from(u8::from(u < p))
        })
        .collect()
}

/// Detections of a detector over 40 seeded streams: (delays after the change of the first
/// detection after it, false alarms before it).
fn trial(
    mut make: impl FnMut() -> Box<dyn FnMut(f64) -> bool>,
    before: f64,
    after: f64,
) -> (Vec<usize>, usize) {
    let (n, change) = (6_000, 3_000);
    let mut delays = Vec::new();
    let mut false_alarms = 0;
    for seed in 0..40 {
        let mut update = make();
        let values = bernoulli(seed, n, change, before, after);
        let mut found = None;
        for (i, &v) in values.iter().enumerate() {
            if update(v) {
                if i < change {
                    false_alarms += 1;
                } else if found.is_none() {
                    found = Some(i - change);
                }
            }
        }
        delays.extend(found);
    }
    (delays, false_alarms)
}

#[test]
fn bernoulli_changes_are_found_within_a_bound_and_stationary_streams_stay_quiet() {
    let adwin = || -> Box<dyn FnMut(f64) -> bool> {
        let mut d = AdwinParams::default().build().unwrap();
        Box::new(move |x| d.update(x))
    };
    let ph = || -> Box<dyn FnMut(f64) -> bool> {
        let p = PageHinkleyParams {
            threshold: 15.0,
            delta: 0.05,
            direction: Direction::Up,
            ..PageHinkleyParams::default()
        };
        let mut d = p.build().unwrap();
        Box::new(move |x| d.update(x))
    };
    for (name, make) in [
        ("adwin", &adwin as &dyn Fn() -> Box<dyn FnMut(f64) -> bool>),
        ("page-hinkley", &ph),
    ] {
        // An error rate from 10 % to 30 %: found in every stream, within 300 values.
        let (delays, false_alarms) = trial(make, 0.1, 0.3);
        assert_eq!(delays.len(), 40, "{name}: {delays:?}");
        assert!(delays.iter().all(|&d| d < 300), "{name}: {delays:?}");
        assert!(false_alarms <= 2, "{name}: {false_alarms} false alarms");
        // No change: at most 2 alarms over 40 streams of 6,000 values.
        let (late, early) = trial(make, 0.1, 0.1);
        assert!(
            late.len() + early <= 2,
            "{name}: {} alarms without a change",
            late.len() + early
        );
    }
}
