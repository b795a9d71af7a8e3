//! Use case 2.2 through its session, as the page's worker and the command line drive it: bytes
//! of generated Bosch files in chunks, the passes the session asks for, the streamed outputs.
//!
//! - On a stream whose defect rule changes at a known part, the defaults reach the issue's
//!   targets (MCC, AUC), the drift is found within a bounded delay after the change and not
//!   before, and the model recovers after it.
//! - The streamed files agree with the report: one score line per part, the alerts and true
//!   alerts counted by the report, each alert's outcome its part's label.
//! - With the date file, the parts are scored in time order over several passes, exactly as a
//!   single pass over the numeric file sorted by time scores them.
//! - However the files are cut into chunks, the result is the same (property); a `.zip` or
//!   `.gz` of the files gives the same result as the files.
//! - Bad input is refused with the file, line and column.

use std::collections::HashMap;
use std::io::Cursor;

use proptest::prelude::*;
use samples::bosch::{self, StreamOptions};
use serde_json::{json, Value};
use usecases::catalogue;
use usecases::streaming::{drive, StreamFile, StreamSession};
use usecases::UseCaseError;

/// Generated files by name.
type Files = HashMap<String, Vec<u8>>;

fn generate(scale: f64, seed: u64, options: StreamOptions, date: bool) -> Files {
    let mut files = Files::new();
    let names: &[&str] = if date {
        &["train_numeric.csv", "train_date.csv"]
    } else {
        &["train_numeric.csv"]
    };
    for name in names {
        let mut bytes = Vec::new();
        bosch::write_stream(name, scale, seed, &options, &mut bytes).unwrap();
        files.insert(name.to_string(), bytes);
    }
    files
}

fn stream_file(role: &str, name: &str, files: &Files) -> StreamFile {
    StreamFile {
        role: role.into(),
        name: name.into(),
        bytes: Some(files[name].len() as u64),
        entry: None,
    }
}

/// What a run gives: the report and the streamed outputs.
struct Run {
    report: Value,
    alerts: String,
    scores: String,
}

/// How a run's passes are read.
#[derive(Clone, Copy)]
enum Parse {
    /// The session parses the text pushed to it.
    Inside,
    /// A parser apart turns each chunk into a batch of rows (as the page's second worker does),
    /// whose rows the session uses this many at a time.
    Apart(u64),
}

/// Runs the stream use case on `files` (numeric, and date when held) with `params`, reading in
/// chunks cut by `cut` (the size of each next chunk), as the worker does.
fn run_with(
    files: &Files,
    params: &Value,
    cut: &mut dyn FnMut() -> usize,
) -> Result<Run, UseCaseError> {
    run_parsed(files, params, cut, Parse::Inside)
}

fn run_parsed(
    files: &Files,
    params: &Value,
    cut: &mut dyn FnMut() -> usize,
    parse: Parse,
) -> Result<Run, UseCaseError> {
    let start = catalogue::find("stream")
        .unwrap()
        .runner
        .unwrap()
        .stream("stream")?;
    let named = |suffix: &str| files.keys().find(|k| k.starts_with(suffix)).cloned();
    let mut inputs = vec![stream_file(
        "numeric",
        &named("train_numeric").unwrap(),
        files,
    )];
    if let Some(date) = named("train_date") {
        inputs.push(stream_file("date", &date, files));
    }
    let outputs = ["alerts".to_string(), "scores".to_string()];
    let mut session = start(&inputs, params, &outputs)?;
    let (mut alerts, mut scores) = (Vec::new(), Vec::new());
    loop {
        alerts.extend(session.take_output("alerts"));
        scores.extend(session.take_output("scores"));
        match session.next() {
            usecases::streaming::Next::Done => break,
            usecases::streaming::Next::Work => session.step(777)?,
            usecases::streaming::Next::Read { role, .. } => {
                let name = inputs.iter().find(|f| f.role == role).unwrap().name.clone();
                let bytes = &files[&name];
                let mut chunks = Vec::new();
                let mut at = 0;
                while at < bytes.len() {
                    let end = (at + cut().max(1)).min(bytes.len());
                    chunks.push(&bytes[at..end]);
                    at = end;
                }
                match (parse, session.reading()) {
                    (Parse::Apart(rows), Some(reading)) => {
                        let mut parser = reading.parser();
                        let last = chunks.pop().unwrap_or_default();
                        let mut batches = Vec::new();
                        for chunk in chunks {
                            batches.push(parser.push(chunk)?);
                        }
                        batches.push(parser.finish(last)?);
                        for batch in batches {
                            session.push_rows(&batch)?;
                            while session.next() == usecases::streaming::Next::Work {
                                session.step(rows)?;
                            }
                        }
                    }
                    _ => {
                        for chunk in chunks {
                            session.push(chunk)?;
                        }
                    }
                }
                session.end_pass()?;
            }
        }
    }
    alerts.extend(session.take_output("alerts"));
    scores.extend(session.take_output("scores"));
    let fitted = session.finish()?;
    Ok(Run {
        report: fitted.report(),
        alerts: String::from_utf8(alerts).unwrap(),
        scores: String::from_utf8(scores).unwrap(),
    })
}

fn run(files: &Files, params: &Value) -> Result<Run, UseCaseError> {
    run_with(files, params, &mut || 64 * 1024)
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The default stream on the generated rule change (file order: the parts are in time order).
fn rule_change() -> &'static (Run, u64) {
    static RUN: std::sync::OnceLock<(Run, u64)> = std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let (scale, seed, change) = (0.025, 42, 0.5);
        let options = StreamOptions {
            time_ordered: true,
            rule_change: Some(change),
        };
        let files = generate(scale, seed, options, false);
        let change_row = (change * bosch::part_count(scale) as f64).ceil() as u64;
        (run(&files, &json!({})).unwrap(), change_row)
    })
}

#[test]
fn the_defaults_reach_the_targets_find_the_change_and_recover() {
    let (run, change) = rule_change();
    let r = &run.report;
    assert_eq!(r["model"], "window-gbdt");
    assert_eq!(r["stage"], "done");
    assert_eq!(r["rows"], json!(bosch::part_count(0.025)));
    // The targets, with the model's own online threshold.
    assert!(number(&r["mcc"]) >= 0.15, "{}", r["mcc"]);
    assert!(number(&r["auc"]) >= 0.72, "{}", r["auc"]);
    // Far above the naive baselines.
    assert_eq!(number(&r["baselines"]["always_pass"]["mcc"]), 0.0);
    assert!(number(&r["baselines"]["rate_based"]["mcc"]).abs() < 0.06);
    // The drift: after the change and within 4,000 parts (about 25 failures) of it.
    let drifts = r["drifts"].as_array().unwrap();
    let first = drifts.first().expect("a drift is found")["row"]
        .as_u64()
        .unwrap();
    assert!(
        first >= *change && first < change + 4_000,
        "{drifts:?} change {change}"
    );
    // Recovery: the last window (after the change) is as good as the whole stream.
    assert!(number(&r["window"]["mcc"]) >= 0.25, "{}", r["window"]);
    assert!(r["peak_memory_bytes"].as_u64().unwrap_or(1) > 0);
    assert!(number(&r["rows_per_s"]) > 0.0);
}

/// The report without what depends on the clock.
fn untimed(report: &Value) -> Value {
    let mut report = report.clone();
    for key in ["rows_per_s", "seconds", "peak_memory_bytes", "throughput"] {
        report.as_object_mut().unwrap().remove(key);
    }
    report
}

#[test]
fn parsing_apart_on_a_thread_gives_the_same_stream() {
    let (whole, _) = rule_change();
    let options = StreamOptions {
        time_ordered: true,
        rule_change: Some(0.5),
    };
    let files = generate(0.025, 42, options, false);
    let inputs = [stream_file("numeric", "train_numeric.csv", &files)];
    let start = catalogue::find("stream")
        .unwrap()
        .runner
        .unwrap()
        .stream("stream")
        .unwrap();
    let session = start(&inputs, &json!({}), &[]).unwrap();
    let numeric = files["train_numeric.csv"].clone();
    let mut open = move |_: &str| -> std::io::Result<Box<dyn std::io::Read + Send>> {
        Ok(Box::new(Cursor::new(numeric.clone())))
    };
    let mut ticks = 0;
    let fitted = usecases::streaming::drive_in_two(session, &mut open, 50_000, &mut |_| {
        ticks += 1;
        true
    })
    .unwrap();
    assert_eq!(untimed(&fitted.report()), untimed(&whole.report));
    assert!(ticks > 10, "{ticks}");
    // A cancel stops both threads.
    let session = start(&inputs, &json!({}), &[]).unwrap();
    let mut ticks = 0;
    let cancelled = usecases::streaming::drive_in_two(session, &mut open, 50_000, &mut |_| {
        ticks += 1;
        ticks < 3
    });
    assert!(matches!(cancelled, Err(UseCaseError::Cancelled)));
}

#[test]
fn the_streamed_files_agree_with_the_report() {
    let (run, _) = rule_change();
    let r = &run.report;
    let mut lines = run.scores.lines();
    assert_eq!(lines.next(), Some("Id,time,row,risk,alert,label"));
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|c| c.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len() as u64, r["rows"].as_u64().unwrap());
    let count = |f: &dyn Fn(&Vec<f64>) -> bool| rows.iter().filter(|x| f(x)).count() as u64;
    assert_eq!(count(&|x| x[4] == 1.0), r["alerts"].as_u64().unwrap());
    assert_eq!(
        count(&|x| x[4] == 1.0 && x[5] == 1.0),
        r["true_alerts"].as_u64().unwrap()
    );
    assert_eq!(count(&|x| x[5] == 1.0), r["failures"].as_u64().unwrap());
    assert!(rows.windows(2).all(|w| w[1][2] == w[0][2] + 1.0));
    // The alerts file: one line per alert, its outcome the part's label.
    let label: HashMap<u64, bool> = rows.iter().map(|x| (x[2] as u64, x[5] == 1.0)).collect();
    let mut alerts = run.alerts.lines();
    assert!(alerts
        .next()
        .unwrap()
        .starts_with("Id,time,row,risk,threshold,outcome,measurement_1"));
    let mut n = 0;
    for line in alerts {
        let cells: Vec<&str> = line.split(',').collect();
        let row: u64 = cells[2].parse().unwrap();
        assert_eq!(cells[5] == "failed", label[&row], "{line}");
        assert!(cells[6].starts_with("L"), "{line}");
        n += 1;
    }
    assert_eq!(n, r["alerts"].as_u64().unwrap());
    // The live feed's alerts carry their outcome too.
    let feed = r["latest_alerts"].as_array().unwrap();
    assert!(feed.iter().all(|a| a["failed"].is_boolean()));
}

/// `files` with the numeric file's rows sorted by their part's start in the date file (ties by
/// Id, parts without a stamp last): the stream a time-ordered replay must score.
fn sorted_by_time(files: &Files) -> Files {
    let numeric = std::str::from_utf8(&files["train_numeric.csv"]).unwrap();
    let date = std::str::from_utf8(&files["train_date.csv"]).unwrap();
    let mut lines = numeric.lines();
    let header = lines.next().unwrap();
    let starts = date.lines().skip(1).map(|l| {
        l.split(',')
            .skip(1)
            .filter_map(|c| c.parse::<f32>().ok())
            .fold(f32::NAN, f32::min)
    });
    let mut rows: Vec<(f32, u64, &str)> = lines
        .zip(starts)
        .map(|(l, s)| (s, l.split(',').next().unwrap().parse().unwrap(), l))
        .collect();
    rows.sort_by(|a, b| {
        match (a.0.is_nan(), b.0.is_nan()) {
            (false, false) => a.0.total_cmp(&b.0),
            (x, y) => x.cmp(&y),
        }
        .then(a.1.cmp(&b.1))
    });
    let mut out = format!("{header}\n");
    for (_, _, l) in rows {
        out.push_str(l);
        out.push('\n');
    }
    Files::from([("train_numeric.csv".to_string(), out.into_bytes())])
}

#[test]
fn with_the_date_file_parts_are_scored_in_time_order_over_several_passes() {
    // Parts in random time order (Id order is not time order), as in the public files.
    let options = StreamOptions {
        time_ordered: false,
        rule_change: None,
    };
    let files = generate(0.004, 5, options, true);
    // About 1 MB of memory: 3 segments of the 4,735 parts, 4 passes in all.
    let params = json!({"replayMemoryMb": 3.0, "window": 2000, "retrainEvery": 500});
    let replayed = run(&files, &params).unwrap();
    assert_eq!(replayed.report["time_ordered"], true);
    assert!(
        replayed.report["passes"].as_u64().unwrap() >= 3,
        "{}",
        replayed.report["passes"]
    );
    let times: Vec<f64> = replayed
        .scores
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    // The same risks, alerts and ids as one pass over the file sorted by time.
    let sorted = run(&sorted_by_time(&files), &params).unwrap();
    let cells = |s: &str| -> Vec<String> {
        s.lines()
            .skip(1)
            .map(|l| {
                let c: Vec<&str> = l.split(',').collect();
                format!("{},{},{},{}", c[0], c[3], c[4], c[5])
            })
            .collect()
    };
    assert_eq!(cells(&replayed.scores), cells(&sorted.scores));
    assert_eq!(replayed.report["mcc"], sorted.report["mcc"]);
    // The date file parsed apart (the segments' passes are read as text): the same.
    let apart = run_parsed(&files, &params, &mut || 64 * 1024, Parse::Apart(300)).unwrap();
    assert_eq!(apart.scores, replayed.scores);
    assert_eq!(untimed(&apart.report), untimed(&replayed.report));
}

#[path = "../../tabular/examples/fuzz_reader/inputs.rs"]
mod archives;

#[test]
fn compressed_files_stream_as_their_text_does() {
    let options = StreamOptions {
        time_ordered: false,
        rule_change: None,
    };
    let files = generate(0.002, 8, options, true);
    let params = json!({"window": 1000, "retrainEvery": 300});
    let plain = run(&files, &params).unwrap();
    // train_numeric.csv.zip as Kaggle serves it, train_date.csv.gz in two gzip members.
    let zipped = archives::zip(&[archives::ZipFile {
        name: "train_numeric.csv",
        bytes: &files["train_numeric.csv"],
        stored: false,
        descriptor: true,
    }]);
    let packed = Files::from([
        ("train_numeric.csv.zip".to_string(), zipped),
        (
            "train_date.csv.gz".to_string(),
            archives::gzip(&files["train_date.csv"], 2),
        ),
    ]);
    let unpacked = run(&packed, &params).unwrap();
    assert_eq!(unpacked.scores, plain.scores);
    // Unpacked and parsed apart (the page's second worker): the same.
    let apart = run_parsed(&packed, &params, &mut || 64 * 1024, Parse::Apart(5_000)).unwrap();
    assert_eq!(apart.scores, plain.scores);
    assert_eq!(
        unpacked.report["files"][0]["name"],
        "train_numeric.csv in train_numeric.csv.zip"
    );
    // An error inside names the file in the archive, and its line.
    let bad = Files::from([(
        "parts.csv.gz".to_string(),
        archives::gzip(b"Id,a,Response\n1,0.5,0\n2,0.1,7\n", 1),
    )]);
    let start = catalogue::find("stream")
        .unwrap()
        .runner
        .unwrap()
        .stream("stream")
        .unwrap();
    let inputs = [stream_file("numeric", "parts.csv.gz", &bad)];
    let session = start(&inputs, &json!({}), &[]).unwrap();
    let bytes = bad["parts.csv.gz"].clone();
    let mut open = move |_: &str| -> std::io::Result<Box<dyn std::io::Read>> {
        Ok(Box::new(Cursor::new(bytes.clone())))
    };
    let error = drive(session, &mut open, 5, &mut |_| true).err().unwrap();
    assert!(
        error
            .to_string()
            .starts_with("parts.csv in parts.csv.gz, line 3, column 3 (Response)"),
        "{error}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn the_result_does_not_depend_on_where_the_chunks_are_cut(
        cuts in proptest::collection::vec(1usize..40_000, 1..20)
    ) {
        static FILES: std::sync::OnceLock<(Files, String)> = std::sync::OnceLock::new();
        let (files, whole) = FILES.get_or_init(|| {
            let options = StreamOptions { time_ordered: false, rule_change: None };
            let files = generate(0.0015, 3, options, true);
            let params = json!({"window": 600, "retrainEvery": 200});
            let whole = run_with(&files, &params, &mut || usize::MAX).unwrap().scores;
            (files, whole)
        });
        let mut k = 0;
        let params = json!({"window": 600, "retrainEvery": 200});
        let cut = run_with(files, &params, &mut || {
            k += 1;
            cuts[k % cuts.len()]
        })
        .unwrap();
        prop_assert_eq!(&cut.scores, whole);
        // Parsed apart, the batches' rows used a few at a time: the same again.
        let apart = run_parsed(files, &params, &mut || {
            k += 1;
            cuts[k % cuts.len()]
        }, Parse::Apart(cuts[0] as u64 % 50 + 1))
        .unwrap();
        prop_assert_eq!(&apart.scores, whole);
    }
}

/// The error of a run on `numeric` (and `date`) as text, with the file/line/column it names.
fn error_of(numeric: &str, date: Option<&str>) -> (String, Option<u64>, Option<usize>) {
    let mut files = Files::from([("train_numeric.csv".to_string(), numeric.as_bytes().to_vec())]);
    if let Some(d) = date {
        files.insert("train_date.csv".into(), d.as_bytes().to_vec());
    }
    let error = |parse| match run_parsed(&files, &json!({}), &mut || 5, parse) {
        Err(UseCaseError::Csv(e)) => (e.to_string(), e.line, e.column),
        Err(other) => panic!("not a file error: {other}"),
        Ok(_) => panic!("accepted"),
    };
    let inside = error(Parse::Inside);
    // Parsed apart (the page's second worker), the same message and place.
    assert_eq!(error(Parse::Apart(1)), inside);
    inside
}

#[test]
fn bad_input_names_the_file_line_and_column() {
    // No Response column.
    let (message, ..) = error_of("Id,a,b\n1,0.5,0.2\n", None);
    assert!(
        message.starts_with("train_numeric.csv") && message.contains("Response"),
        "{message}"
    );
    // A Response that is not 0/1.
    let (message, line, column) = error_of("Id,a,b,Response\n1,0.5,0.2,0\n2,0.1,,2\n", None);
    assert_eq!((line, column), (Some(3), Some(4)), "{message}");
    assert!(message.contains("Response"), "{message}");
    // A part with no measurement at all.
    let (message, line, column) = error_of("Id,a,b,Response\n1,0.5,0.2,0\n2,,,1\n", None);
    assert_eq!((line, column), (Some(3), Some(2)), "{message}");
    assert!(message.contains("part 2 has no measurement"), "{message}");
    // A date file whose Ids do not match the numeric file's.
    let numeric = "Id,a,b,Response\n1,0.5,0.2,0\n2,0.1,0.3,1\n3,0.4,0.1,0\n";
    let date = "Id,a_D,b_D\n1,5.0,6.0\n4,1.0,2.0\n3,3.0,\n";
    let (message, line, column) = error_of(numeric, Some(date));
    assert_eq!((line, column), (Some(3), Some(1)), "{message}");
    assert!(
        message.contains("Id 2 where train_date.csv has Id 4"),
        "{message}"
    );
    // A date file with fewer parts.
    let (message, ..) = error_of(numeric, Some("Id,a_D,b_D\n1,5.0,6.0\n2,1.0,2.0\n"));
    assert!(
        message.contains("3 data rows where train_date.csv has 2"),
        "{message}"
    );
    // A bad parameter names it.
    let files = Files::from([("train_numeric.csv".to_string(), numeric.as_bytes().to_vec())]);
    match run(&files, &json!({"labelDelay": -3})) {
        Err(UseCaseError::Param { name, .. }) => assert_eq!(name, "labelDelay"),
        other => panic!("{:?}", other.map(|r| r.report)),
    }
}

#[test]
fn the_command_line_driver_reads_files_and_cancels() {
    let numeric = "Id,a,b,Response\n1,0.5,0.2,0\n2,0.1,0.3,1\n3,0.4,0.1,0\n".to_string();
    let start = catalogue::find("stream")
        .unwrap()
        .runner
        .unwrap()
        .stream("stream")
        .unwrap();
    let files = [StreamFile {
        role: "numeric".into(),
        name: "n.csv".into(),
        bytes: Some(numeric.len() as u64),
        entry: None,
    }];
    let text = numeric.clone();
    let mut open = move |_: &str| -> std::io::Result<Box<dyn std::io::Read>> {
        Ok(Box::new(Cursor::new(text.clone().into_bytes())))
    };
    let session = start(&files, &json!({}), &[]).unwrap();
    let fitted = drive(session, &mut open, 7, &mut |_| true).unwrap();
    assert_eq!(fitted.report()["rows"], 3);
    let session = start(&files, &json!({}), &[]).unwrap();
    let mut ticks = 0;
    let cancelled = drive(session, &mut open, 7, &mut |s: &mut dyn StreamSession| {
        ticks += 1;
        s.progress().done < 2 && ticks < 3
    });
    assert!(matches!(cancelled, Err(UseCaseError::Cancelled)));
    // Missing the numeric file: named.
    let err = start(&[], &json!({}), &[]).err().unwrap();
    assert!(err.to_string().contains("numeric"), "{err}");
}
