//! `vitrine cluster` end to end: the generic `--table` mode prints R's hclust heights on learn's
//! fixture tables, the Rossmann mode recovers a sample's planted store segments, and bad input
//! exits 1 with a message naming what is wrong.

mod common;
use common::{failure, json, scratch, vitrine};

use serde_json::Value;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../learn/tests/fixtures/cluster/"
);

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn table_mode_prints_r_heights() {
    for (name, ordinal) in [("hand_12", "ord_e"), ("mixed_300", "ord_f")] {
        let reference: Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{FIXTURES}{name}.json")).unwrap(),
        )
        .unwrap();
        let table = format!("{FIXTURES}{name}.csv");
        for (linkage, r_name) in [("ward", "ward.D2"), ("average", "average")] {
            let out = json(&vitrine(&[
                "cluster",
                "--table",
                &table,
                "--ordinal",
                ordinal,
                "--linkage",
                linkage,
                "--k",
                "3",
            ]));
            let r = reference["linkages"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["method"] == r_name)
                .unwrap();
            let ours = floats(&out["heights"]);
            let theirs = floats(&r["height"]);
            assert_eq!(ours.len(), theirs.len());
            for (a, b) in ours.iter().zip(&theirs) {
                // f32 cells in the reader: agreement to about 1e-7 relative.
                assert!(
                    (a - b).abs() <= 1e-5 * b.abs().max(1.0),
                    "{name} {linkage}: {a} vs {b}"
                );
            }
            assert_eq!(out["n"], reference["n"]);
            assert_eq!(out["k"], 3);
            assert_eq!(out["linkage"], linkage);
            assert_eq!(out["labels"], r["cut"][1], "{name} {linkage}: cutree k = 3");
            assert!(out["pca"]["explained_variance_ratio"].is_array());
            assert_eq!(out["pca"]["method"], "famd");
            assert!(out["suggested_k"].as_u64().unwrap() >= 3);
            assert_eq!(out["ids"][0], "1", "rows numbered without --id");
            assert_eq!(out["merge"].as_array().unwrap().len(), ours.len());
        }
    }
}

#[test]
fn rossmann_mode_recovers_the_planted_segments() {
    let dir = scratch("cluster-rossmann");
    let sample = vitrine(&[
        "sample",
        "rossmann",
        "--out",
        dir.to_str().unwrap(),
        "--scale",
        "0.1",
        "--seed",
        "42",
    ]);
    assert!(sample.status.success());
    let train = dir.join("train.csv");
    let store = dir.join("store.csv");
    let profiles = dir.join("profiles.csv");
    let out = json(&vitrine(&[
        "cluster",
        "--train",
        train.to_str().unwrap(),
        "--store",
        store.to_str().unwrap(),
        "--k",
        "4",
        "--save-profiles",
        profiles.to_str().unwrap(),
    ]));
    let ids: Vec<u32> = out["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap().parse().unwrap())
        .collect();
    let truth: Vec<usize> = ids
        .iter()
        .map(|&s| usize::from(samples::rossmann::store_segment(s, 42)))
        .collect();
    let labels: Vec<usize> = out["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_u64().unwrap() as usize - 1)
        .collect();
    let ari = learn::metrics::adjusted_rand_index(&truth, &labels);
    assert!(ari >= 0.9, "ARI {ari}");
    assert_eq!(
        out["pca"]["method"], "pca",
        "store.csv attributes are supplementary"
    );
    let weights: Vec<(String, f64)> = out["variables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap().to_string(),
                v["weight"].as_f64().unwrap(),
            )
        })
        .collect();
    assert!(
        weights.contains(&("store_type".to_string(), 0.0)),
        "{weights:?}"
    );
    // The saved profiles cluster the same way through --table.
    let again = json(&vitrine(&[
        "cluster",
        "--table",
        profiles.to_str().unwrap(),
        "--id",
        "Store",
        "--k",
        "4",
        "--weight",
        "store_type=0",
        "--weight",
        "assortment=0",
        "--weight",
        "competition_distance=0",
        "--weight",
        "promo2=0",
        "--weight",
        "school_holiday_effect=0.5",
        "--weight",
        "sales_trend=0.5",
    ]));
    assert_eq!(again["ids"], out["ids"]);
    assert_eq!(again["labels"], out["labels"]);
}

#[test]
fn bad_input_exits_1_with_a_message() {
    let table = format!("{FIXTURES}hand_12.csv");
    let message = failure(&vitrine(&[
        "cluster",
        "--table",
        &table,
        "--linkage",
        "centroid",
    ]));
    assert!(
        message.contains("unknown linkage \"centroid\""),
        "{message}"
    );
    let message = failure(&vitrine(&["cluster", "--table", &table, "--k", "13"]));
    assert!(
        message.contains("12 entities into 13 clusters"),
        "{message}"
    );
    let message = failure(&vitrine(&["cluster"]));
    assert!(
        message.contains("--train") && message.contains("--table"),
        "{message}"
    );
    let message = failure(&vitrine(&["cluster", "--table", &table, "--train", &table]));
    assert!(message.contains("give one"), "{message}");
    let message = failure(&vitrine(&["cluster", "--table", &table, "--id", "cat_d"]));
    assert!(message.contains("appears again"), "{message}");
    let message = failure(&vitrine(&["cluster", "--table", "/no/such/file.csv"]));
    assert!(message.contains("file.csv"), "{message}");
    let message = failure(&vitrine(&[
        "cluster", "--table", &table, "--weight", "nope=1",
    ]));
    assert!(message.contains("no variable named nope"), "{message}");
    let message = failure(&vitrine(&["cluster", "--train", &table]));
    assert!(message.contains("hand_12.csv"), "{message}");
}
