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
