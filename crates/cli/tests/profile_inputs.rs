//! `vitrine profile` on input a new user may give it: files that are not well-formed CSV stop
//! with exit 1 and a message naming the place, or are read with warnings in the JSON (exit 0);
//! `.gz` and `.zip` files are read as they are downloaded.

mod common;
use common::{failure, json, scratch, vitrine};
use std::path::Path;

/// The tabular crate's fixtures (real Rossmann files, archived by Python's gzip and zipfile).
fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tabular/tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_quote_never_closed_exits_1_naming_its_line() {
    let dir = scratch("unclosed");
    let path = write(&dir, "q.csv", b"a,b\n1,\"never closed\n2,3\n4,5\n");
    let message = failure(&vitrine(&["profile", &path]));
    assert!(
        message.contains("q.csv, line 2, column 2 (b): a quote opens a field here and is never closed: the rest of the file (3 lines, 21 bytes) would be read as one cell"),
        "{message}"
    );
    let path = write(&dir, "r.csv", b"a,b,c\n1,\"never closed,x\n2,3\n4,5,6\n");
    assert!(failure(&vitrine(&["profile", &path]))
        .contains("r.csv, line 2, column 2 (b): a quote opens a field"));
}

#[test]
fn utf16_text_is_read_and_binary_files_are_named() {
    let dir = scratch("encodings");
    let text = "Store\tVille\r\n1\tCoruña\r\n";
    let utf16: Vec<u8> = [0xfeffu16]
        .into_iter()
        .chain(text.encode_utf16())
        .flat_map(u16::to_le_bytes)
        .collect();
    let path = write(&dir, "unicode.txt", &utf16);
    let report = json(&vitrine(&["profile", &path]));
    let file = &report["files"][0];
    assert_eq!(file["encoding"], "utf-16le");
    assert_eq!(file["columns"][1]["name"], "Ville");
    assert_eq!(file["columns"][1]["top"][0]["value"], "Coruña");
    let png = write(&dir, "chart.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    assert!(failure(&vitrine(&["profile", &png]))
        .contains("chart.csv: not a text file: it looks like a PNG image"));
    let xlsx = fixture("excel_workbook.xlsx");
    assert!(failure(&vitrine(&["profile", &xlsx]))
        .contains("excel_workbook.xlsx: this is an Excel workbook, not a CSV file: open it in Excel and save it as CSV"));
}

#[test]
fn duplicate_names_are_made_distinct_with_a_warning_and_exit_0() {
    let dir = scratch("duplicates");
    let path = write(&dir, "d.csv", b"a,a,b\n1,2,3\n");
    let out = vitrine(&["profile", &path]);
    let report = json(&out);
    let file = &report["files"][0];
    let names: Vec<&str> = file["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["a", "a_2", "b"]);
    assert_eq!(file["warnings"][0]["kind"], "duplicateName");
    assert_eq!(file["warnings"][0]["line"], 1);
    assert_eq!(file["warnings"][0]["column"], 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains(
        "warning: d.csv, line 1, column 2 (a): an earlier column has the same name: this one is read as \"a_2\""
    ));
}

#[test]
fn gz_and_zip_files_are_read_as_downloaded() {
    let report = json(&vitrine(&["profile", &fixture("rossmann_store.csv.gz")]));
    let file = &report["files"][0];
    assert_eq!(file["path"], "rossmann_store.csv");
    assert_eq!(file["archive"], "rossmann_store.csv.gz");
    assert_eq!(file["rows"], 1115);
    assert_eq!(file["dataset"], "rossmann.store");
    let report = json(&vitrine(&[
        "profile",
        &fixture("rossmann_kaggle_layout.zip"),
    ]));
    let files = report["files"].as_array().unwrap();
    let names: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(names, ["store.csv", "test.csv", "sample.csv"]);
    assert_eq!(files[0]["dataset"], "rossmann.store");
    assert_eq!(files[1]["dataset"], "rossmann.test");
    assert_eq!(report["dataset"], "rossmann");
    assert_eq!(files[0]["warnings"][0]["kind"], "skippedEntry");
}
