//! Runs the built `vitrine` binary: sample writes files and reports them; profile reads them and
//! recognises the dataset; a ragged file exits 1 with the parser's message naming file and line.

mod common;
use common::{json, scratch, vitrine};

#[test]
fn help_lists_the_subcommands() {
    let out = vitrine(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("sample") && text.contains("profile"),
        "{text}"
    );
    let out = vitrine(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown command \"frobnicate\""));
}

#[test]
fn sample_writes_the_files_it_reports() {
    let dir = scratch("sample");
    let out = vitrine(&[
        "sample",
        "rossmann",
        "--out",
        dir.to_str().unwrap(),
        "--scale",
        "0.02",
        "--seed",
        "5",
    ]);
    let report = json(&out);
    assert_eq!(report["dataset"], "rossmann");
    assert_eq!(report["scale"], 0.02);
    assert_eq!(report["seed"], 5);
    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    for f in files {
        let path = f["path"].as_str().unwrap();
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(f["bytes"].as_u64().unwrap(), bytes.len() as u64);
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        assert_eq!(f["rows"].as_u64().unwrap(), lines - 1);
    }
    let mut expected = Vec::new();
    samples::write_file(
        samples::Dataset::Rossmann,
        "store.csv",
        0.02,
        5,
        &mut expected,
    )
    .unwrap();
    assert_eq!(std::fs::read(dir.join("store.csv")).unwrap(), expected);
    let bad = vitrine(&["sample", "walmart", "--out", dir.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown dataset \"walmart\""));
}

#[test]
fn profile_recognises_a_sample_and_types_its_columns() {
    let dir = scratch("profile");
    json(&vitrine(&[
        "sample",
        "rossmann",
        "--out",
        dir.to_str().unwrap(),
        "--scale",
        "0.02",
    ]));
    let train = dir.join("train.csv");
    let store = dir.join("store.csv");
    let report = json(&vitrine(&[
        "profile",
        train.to_str().unwrap(),
        store.to_str().unwrap(),
    ]));
    assert_eq!(report["dataset"], "rossmann");
    let files = report["files"].as_array().unwrap();
    assert_eq!(files[0]["dataset"], "rossmann.train");
    assert_eq!(files[1]["dataset"], "rossmann.store");
    let rows = std::fs::read_to_string(&train).unwrap().lines().count() as u64 - 1;
    assert_eq!(files[0]["rows"].as_u64().unwrap(), rows);
    let column = |name: &str| {
        files[0]["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(column("Sales")["type"], "integer");
    assert_eq!(column("Date")["type"], "date");
    assert_eq!(column("StateHoliday")["type"], "text");
    assert_eq!(column("StateHoliday")["distinct"], 4);
    let promo = files[1]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "PromoInterval")
        .unwrap()
        .clone();
    assert!(
        promo["missing"].as_u64().unwrap() > 0,
        "\"\" is a missing PromoInterval"
    );
    let forecast = report["use_cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == "1.1")
        .unwrap()
        .clone();
    assert_eq!(forecast["ready"], true);
}

#[test]
fn a_ragged_file_exits_1_with_the_line_and_what_was_expected() {
    let dir = scratch("ragged");
    let path = dir.join("ragged.csv");
    std::fs::write(&path, "a,b,c\n1,2,3\n4,5\n6,7,8\n").unwrap();
    let out = vitrine(&["profile", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("ragged.csv, line 3"), "{message}");
    assert!(message.contains("expected 3 fields, found 2"), "{message}");
}
