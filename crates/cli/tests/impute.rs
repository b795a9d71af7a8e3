//! Runs `vitrine impute` on a generated Bosch sample: the JSON report has the promised fields and
//! shapes, the written datasets have one line per used row and no hole left, and bad input exits
//! 1 with a message naming what is wrong.

mod common;
use common::{json, scratch, vitrine};

fn bosch(dir: &std::path::Path) -> String {
    let path = dir.join("train_numeric.csv");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    samples::write_file(
        samples::Dataset::Bosch,
        "train_numeric.csv",
        0.002,
        4,
        &mut file,
    )
    .unwrap();
    drop(file);
    path.to_str().unwrap().to_string()
}

#[test]
fn impute_prints_the_report_and_writes_the_datasets() {
    let dir = scratch("impute-run");
    let input = bosch(&dir);
    let out_dir = dir.join("out");
    let out = vitrine(&[
        "impute",
        "--input",
        &input,
        "--columns",
        "^L3_S33_",
        "--m",
        "3",
        "--seed",
        "2",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    let report = json(&out);
    assert_eq!(report["m"], 3);
    let columns: Vec<&str> = report["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(columns.len(), 10);
    assert!(columns.iter().all(|c| c.starts_with("L3_S33_")));
    let p = columns.len();
    assert_eq!(report["em"]["mean"].as_array().unwrap().len(), p);
    let cov = report["em"]["cov"].as_array().unwrap();
    assert_eq!(cov.len(), p);
    assert!(cov.iter().all(|r| r.as_array().unwrap().len() == p));
    assert!(report["em"]["iterations"].as_u64().unwrap() > 0);
    let iterations = report["bootstrap_iterations"].as_array().unwrap();
    assert_eq!(iterations.len(), 3);
    assert!(iterations.iter().all(|i| i.as_u64().unwrap() > 0));
    assert!(report["seconds"].as_f64().unwrap() > 0.0);
    let used = report["rows_used"].as_u64().unwrap() as usize;
    let left = report["rows_left_out"].as_u64().unwrap() as usize;
    // Station 33 is on routes 0 and 2 only (60% of parts): many parts never pass it.
    assert!(used > 0 && left > 0 && used + left == 2367);
    assert_eq!(report["per_column"].as_array().unwrap().len(), p);

    let files = report["files"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    for (k, file) in files.iter().enumerate() {
        let path = file.as_str().unwrap();
        assert!(path.ends_with(&format!("imputed_{}.csv", k + 1)));
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(header[0], "Id");
        assert_eq!(&header[1..], &columns[..]);
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len(), used);
        for row in rows {
            let cells: Vec<&str> = row.split(',').collect();
            assert_eq!(cells.len(), p + 1);
            assert!(cells.iter().all(|c| c.parse::<f64>().is_ok()), "{row}");
        }
    }

    let long = vitrine(&[
        "impute",
        "--input",
        &input,
        "--columns",
        "^L3_S33_",
        "--m",
        "2",
        "--long",
        "--out",
        dir.join("long").to_str().unwrap(),
    ]);
    let report = json(&long);
    let text = std::fs::read_to_string(report["files"][0].as_str().unwrap()).unwrap();
    assert!(text.starts_with(".imp,Id,L3_S33_"));
    assert_eq!(text.lines().count(), 1 + 2 * used);
}

#[test]
fn impute_refuses_bad_input_with_a_message() {
    let dir = scratch("impute-bad");
    let input = bosch(&dir);
    let none = vitrine(&["impute", "--input", &input, "--columns", "^nothing"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&none.stderr).contains("no column matches"));

    let big = vitrine(&["impute", "--input", &input, "--budget-gb", "0.001"]);
    assert_eq!(big.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&big.stderr).contains("budget"));

    let ragged = dir.join("ragged.csv");
    std::fs::write(&ragged, "a,b\n1,2\n3\n").unwrap();
    let out = vitrine(&["impute", "--input", ragged.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(
        message.contains("ragged.csv") && message.contains("line 3"),
        "{message}"
    );

    let bad_m = vitrine(&["impute", "--input", &input, "--m", "zero"]);
    assert_eq!(bad_m.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_m.stderr).contains("--m"));
}
