//! The streamed use case through the facade's generic StreamSession, driven as the worker
//! drives it (chunks of a file, the passes the session asks for, streamed downloads drained
//! between calls), in Node by wasm-bindgen-test-runner: the stream sample with its planted
//! change, the date file's time order, a bad file named with its line and column, and the
//! result kept for the use case's downloads.

mod common;

use common::{download, value};
use serde_json::{json, Value};
use vitrine_wasm::{catalogue, generate_stream_sample, memory_bytes, RowParser, StreamSession};
use wasm_bindgen_test::wasm_bindgen_test;

/// The stream sample's numeric file, gathered from its chunks.
fn sample(parts: u64, seed: u64) -> (Vec<u8>, u64) {
    let chunks = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let seen = chunks.clone();
    let on_chunk = wasm_bindgen::closure::Closure::<dyn FnMut(js_sys::Uint8Array)>::new(
        move |c: js_sys::Uint8Array| seen.borrow_mut().extend(c.to_vec()),
    );
    use wasm_bindgen::JsCast;
    let info = value(
        generate_stream_sample(
            "train_numeric.csv",
            parts as f64,
            seed,
            0.5,
            on_chunk.as_ref().unchecked_ref(),
        )
        .unwrap(),
    );
    assert_eq!(info["parts"], json!(parts));
    let bytes = chunks.borrow().clone();
    (bytes, info["changeRow"].as_u64().unwrap())
}

/// What a run gives: `{report, downloads}`, and the streamed outputs.
struct Run {
    result: Value,
    scores: Vec<u8>,
    alerts: Vec<u8>,
}

/// Runs use case `stream` on `files` (role, name, bytes) with `params`, in 64 KiB chunks.
fn stream(files: &[(&str, &str, &[u8])], params: &Value) -> Result<Run, Value> {
    stream_parsed(files, params, false)
}

/// [`stream`], the passes the session lets be parsed apart given as batches of a
/// [`RowParser`] when `apart`, as the page's second worker gives them.
fn stream_parsed(files: &[(&str, &str, &[u8])], params: &Value, apart: bool) -> Result<Run, Value> {
    let inputs: Vec<Value> = files
        .iter()
        .map(|(role, name, bytes)| json!({"role": role, "name": name, "bytes": bytes.len()}))
        .collect();
    let mut session = StreamSession::new(
        "stream",
        &params.to_string(),
        &json!(inputs).to_string(),
        r#"["alerts", "scores"]"#,
    )
    .map_err(value)?;
    let (mut scores, mut alerts) = (Vec::new(), Vec::new());
    loop {
        let next = value(session.next().map_err(value)?);
        match next["kind"].as_str().unwrap() {
            "done" => break,
            "work" => session.step(3_000.0).map_err(value)?,
            "read" => {
                let role = next["role"].as_str().unwrap();
                let (_, _, bytes) = files.iter().find(|f| f.0 == role).unwrap();
                let reading = session.reading().map_err(value)?;
                if apart && !reading.is_null() {
                    let reading = value(reading).to_string();
                    let mut parser = RowParser::new(&reading).map_err(value)?;
                    let mut batches = Vec::new();
                    for chunk in bytes.chunks(1 << 16) {
                        batches.push(parser.push(chunk).map_err(value)?);
                    }
                    batches.push(parser.finish(&[]).map_err(value)?);
                    for batch in batches {
                        session.push_rows(&batch).map_err(value)?;
                        while value(session.next().map_err(value)?)["kind"] == "work" {
                            session.step(3_000.0).map_err(value)?;
                        }
                    }
                } else {
                    for chunk in bytes.chunks(1 << 16) {
                        session.push(chunk).map_err(value)?;
                    }
                }
                session.end_pass().map_err(value)?;
                let live = value(session.live().map_err(value)?);
                assert!(live["recent"]["row"].as_array().unwrap().len() <= 2_000);
            }
            other => panic!("{other}"),
        }
        scores.extend(session.take_output("scores").map_err(value)?);
        alerts.extend(session.take_output("alerts").map_err(value)?);
    }
    let result = value(session.finish().map_err(value)?);
    Ok(Run {
        result,
        scores,
        alerts,
    })
}

#[wasm_bindgen_test]
fn the_stream_sample_finds_its_planted_change_and_keeps_its_result() {
    let (numeric, change) = sample(30_000, 42);
    let run = stream(&[("numeric", "train_numeric.csv", &numeric)], &json!({})).unwrap();
    let r = &run.result["report"];
    assert_eq!(r["rows"], json!(30_000));
    assert_eq!(r["model"], "window-gbdt");
    assert!(r["auc"].as_f64().unwrap() > 0.65, "{}", r["auc"]);
    // Every part's score streamed out, and the alerts with them.
    let scores = String::from_utf8(run.scores).unwrap();
    assert_eq!(scores.lines().count(), 30_001);
    let alerts = String::from_utf8(run.alerts).unwrap();
    assert_eq!(
        alerts.lines().count() as u64,
        r["alerts"].as_u64().unwrap() + 1
    );
    // A drift, if found, is after the planted change.
    for d in r["drifts"].as_array().unwrap() {
        assert!(d["row"].as_u64().unwrap() >= change, "{d} before {change}");
    }
    assert!(r["peak_memory_bytes"].as_f64().unwrap() <= memory_bytes());
    // The result is the use case's last one: its report downloads, the streamed files are the
    // worker's to keep.
    let report: Value = serde_json::from_str(&download("stream", "report").unwrap()).unwrap();
    assert_eq!(report["rows"], r["rows"]);
    let keys: Vec<&str> = run.result["downloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["report", "alerts", "scores"]);
    assert!(download("stream", "scores").is_err());
    // The catalogue says it streams, and what it writes out.
    let entries = value(catalogue().unwrap());
    let entry = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "stream")
        .unwrap();
    assert_eq!(entry["streamed"], true);
    assert_eq!(entry["streamed_outputs"].as_array().unwrap().len(), 2);
}

#[wasm_bindgen_test]
fn the_date_file_puts_parts_in_time_order_and_bad_input_is_named() {
    let numeric = b"Id,a,b,Response\n1,0.5,0.2,0\n2,0.1,0.3,1\n3,0.4,0.1,0\n";
    let date = b"Id,a_D,b_D\n1,5.0,6.0\n2,1.0,2.0\n3,3.0,\n";
    let files: [(&str, &str, &[u8]); 2] = [
        ("numeric", "train_numeric.csv", numeric),
        ("date", "train_date.csv", date),
    ];
    let run = stream(&files, &json!({})).unwrap();
    let ids: Vec<String> = String::from_utf8(run.scores)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    // Starts 5, 1, 3: parts 2, 3, 1.
    assert_eq!(ids, ["2", "3", "1"]);
    assert_eq!(run.result["report"]["time_ordered"], true);
    // A Response of 2: the structured error names file, line and column.
    let bad = b"Id,a,b,Response\n1,0.5,0.2,0\n2,0.1,0.3,2\n";
    let e = stream(&[("numeric", "parts.csv", bad)], &json!({}))
        .err()
        .unwrap();
    assert_eq!(
        (&e["file"], &e["line"], &e["column"], &e["columnName"]),
        (
            &json!("parts.csv"),
            &json!(3),
            &json!(4),
            &json!("Response")
        )
    );
    // A bad parameter names it; a use case on tables is not a stream.
    let e = StreamSession::new(
        "stream",
        r#"{"window": 0}"#,
        r#"[{"role": "numeric", "name": "x.csv"}]"#,
        "[]",
    )
    .err()
    .map(value)
    .unwrap();
    assert_eq!(e["param"], "window");
    let e = StreamSession::new("forecast", "{}", "[]", "[]")
        .err()
        .map(value)
        .unwrap();
    assert!(
        e["message"].as_str().unwrap().contains("loaded tables"),
        "{e}"
    );
}

/// The report without what depends on the clock.
fn untimed(report: &Value) -> Value {
    let mut report = report.clone();
    for key in ["rows_per_s", "seconds", "peak_memory_bytes", "throughput"] {
        report.as_object_mut().unwrap().remove(key);
    }
    report
}

#[wasm_bindgen_test]
fn rows_parsed_by_a_row_parser_give_the_same_stream() {
    let (numeric, _) = sample(6_000, 7);
    let date = b"Id,a_D,b_D\n1,5.0,6.0\n2,1.0,2.0\n3,3.0,\n";
    let small = b"Id,a,b,Response\n1,0.5,0.2,0\n2,0.1,0.3,1\n3,0.4,0.1,0\n";
    let files: [&[(&str, &str, &[u8])]; 2] = [
        &[("numeric", "train_numeric.csv", &numeric)],
        &[
            ("numeric", "train_numeric.csv", small),
            ("date", "train_date.csv", date),
        ],
    ];
    for files in files {
        let params = json!({"model": "logistic"});
        let inside = stream_parsed(files, &params, false).unwrap();
        let apart = stream_parsed(files, &params, true).unwrap();
        assert_eq!(
            untimed(&apart.result["report"]),
            untimed(&inside.result["report"])
        );
        assert_eq!(apart.scores, inside.scores);
        assert_eq!(apart.alerts, inside.alerts);
    }
    // Bad input parsed apart is named as when parsed inside: file, line, column.
    let bad = b"Id,a,b,Response\n1,0.5,0.2,0\n2,0.1,x,1\n";
    let e = stream_parsed(&[("numeric", "parts.csv", bad)], &json!({}), true)
        .err()
        .unwrap();
    assert_eq!(
        (&e["file"], &e["line"], &e["column"]),
        (&json!("parts.csv"), &json!(3), &json!(3))
    );
    // A batch that is not one is refused with a message, and the session goes on being usable.
    let mut session = StreamSession::new(
        "stream",
        "{}",
        r#"[{"role": "numeric", "name": "x.csv", "bytes": 10}]"#,
        "[]",
    )
    .unwrap();
    let e = value(session.push_rows(b"not a batch").err().unwrap());
    assert!(e["message"].as_str().unwrap().contains("batch"), "{e}");
    assert!(value(session.next().unwrap())["kind"] == "read");
}
