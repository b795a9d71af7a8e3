//! `vitrine stream --numeric F [--date F] [--model logistic|hoeffding|window-gbdt] [--window W]
//! [--retrain-every N] [--threshold T] [--label-delay D] ...`: use case 2.2 on the command line.
//! The files are read as a stream, chunk by chunk, through the same session as the page's
//! (`usecases::stream`): the 2 GB `train_numeric.csv` runs in bounded memory. Prints the report
//! as JSON (the lists the page draws only with `--full`); `--alerts-out` and `--scores-out`
//! write the alerts and the per-part scores as the stream goes. `--follow` keeps reading rows
//! appended to a growing numeric file (like `tail -f`) until it has not grown for `--idle`
//! seconds, with a live line on stderr every second.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;
use usecases::stream::{ConformityStream, StreamParams};
use usecases::streaming::{drive_in_two, StreamFile, StreamSession};
use usecases::StreamingUseCase;

use crate::args::{self, Own};

const OWN: &[Own] = &[
    Own {
        name: "numeric",
        value: true,
        help: "FILE  the parts' measurements and 0/1 target (train_numeric.csv; required)",
    },
    Own {
        name: "date",
        value: true,
        help: "FILE  train_date.csv: the parts in time order (a part's time: its earliest stamp)",
    },
    Own {
        name: "alerts-out",
        value: true,
        help: "FILE  write the alerts (Id, time, risk, outcome, measurements) as they come",
    },
    Own {
        name: "scores-out",
        value: true,
        help: "FILE  write every part's score (Id, time, row, risk, alert, label) as it comes",
    },
    Own {
        name: "follow",
        value: false,
        help: "      keep reading rows appended to the numeric file (without --date)",
    },
    Own {
        name: "idle",
        value: true,
        help: "SECS  with --follow: stop once the file has not grown for this long (default 10)",
    },
    Own {
        name: "live",
        value: false,
        help: "      print a line of live figures on stderr every second",
    },
    Own {
        name: "full",
        value: false,
        help: "      print the whole report: timeline, latest alerts and parts, throughput",
    },
];

/// Bytes read at a time.
const CHUNK: usize = 1 << 20;

/// Where the streamed outputs go.
struct Outputs {
    files: Vec<(String, PathBuf, BufWriter<File>)>,
}

impl Outputs {
    fn open(args: &args::Parsed<StreamParams>) -> Result<Outputs, String> {
        let mut files = Vec::new();
        for download in ConformityStream::outputs() {
            if let Some(path) = args.path(&format!("{}-out", download.key)) {
                let file = File::create(&path)
                    .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
                files.push((download.key, path, BufWriter::new(file)));
            }
        }
        Ok(Outputs { files })
    }

    fn keys(&self) -> Vec<String> {
        self.files.iter().map(|(k, _, _)| k.clone()).collect()
    }

    fn drain(&mut self, session: &mut dyn StreamSession) -> Result<(), String> {
        for (key, path, out) in &mut self.files {
            out.write_all(&session.take_output(key))
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        Ok(())
    }

    fn close(mut self) -> Result<Vec<String>, String> {
        let mut written = Vec::new();
        for (_, path, out) in &mut self.files {
            out.flush()
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            written.push(path.display().to_string());
        }
        Ok(written)
    }
}

/// Prints the live figures now and then.
struct Live {
    on: bool,
    next: Instant,
}

impl Live {
    fn tick(&mut self, session: &dyn StreamSession) {
        if !self.on || Instant::now() < self.next {
            return;
        }
        self.next = Instant::now() + Duration::from_secs(1);
        let r = session.live();
        let keys = [
            "stage",
            "rows",
            "mcc",
            "auc",
            "alerts",
            "true_alerts",
            "rows_per_s",
        ];
        let line: serde_json::Map<String, Value> = keys
            .iter()
            .map(|k| (k.to_string(), r[*k].clone()))
            .chain([(
                "drifts".to_string(),
                r["drifts"].as_array().map_or(0, Vec::len).into(),
            )])
            .collect();
        eprintln!("{}", Value::Object(line));
    }
}

fn file_of(role: &str, path: &PathBuf) -> Result<StreamFile, String> {
    let bytes = std::fs::metadata(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .len();
    Ok(StreamFile {
        role: role.into(),
        name: path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ),
        bytes: Some(bytes),
        entry: None,
    })
}

/// Parses the arguments, streams the files, prints the report.
pub fn run(parser: lexopt::Parser) -> Result<(), String> {
    let Some(args) = args::parse::<StreamParams>(parser, "stream", OWN, &[])? else {
        return Ok(());
    };
    let usage = || args::usage::<StreamParams>("stream", OWN, &[]);
    let numeric = args
        .path("numeric")
        .ok_or_else(|| format!("--numeric is required\n{}", usage()))?;
    let date = args.path("date");
    let follow = args.switch("follow");
    if follow && date.is_some() {
        return Err(
            "--follow reads one growing file in file order: the time-ordered replay needs the whole date file first; leave out --date".into(),
        );
    }
    let mut inputs = vec![file_of("numeric", &numeric)?];
    let mut paths = vec![("numeric", numeric.clone())];
    if let Some(date) = &date {
        inputs.push(file_of("date", date)?);
        paths.push(("date", date.clone()));
    }
    let mut outputs = Outputs::open(&args)?;
    let session: Box<dyn StreamSession> = Box::new(
        ConformityStream::start(&inputs, &args.params, &outputs.keys())
            .map_err(|e| e.to_string())?,
    );
    let mut live = Live {
        on: args.switch("live") || follow,
        next: Instant::now() + Duration::from_secs(1),
    };
    let mut failure = None;
    let fitted = if follow {
        let idle: f64 = args
            .value("idle")
            .map_or(Ok(10.0), str::parse)
            .map_err(|_| "--idle takes a number of seconds".to_string())?;
        follow_file(session, &numeric, idle, &mut outputs, &mut live)?
    } else {
        let mut open = |role: &str| -> std::io::Result<Box<dyn Read + Send>> {
            let path = &paths
                .iter()
                .find(|(r, _)| *r == role)
                .expect("a role given")
                .1;
            Ok(Box::new(File::open(path)?))
        };
        drive_in_two(session, &mut open, CHUNK, &mut |s| {
            if let Err(e) = outputs.drain(s) {
                failure = Some(e);
                return false;
            }
            live.tick(s);
            true
        })
        .map_err(|e| failure.take().unwrap_or_else(|| e.to_string()))?
    };
    let written = outputs.close()?;
    let mut report = fitted.report();
    if !args.switch("full") {
        if let Value::Object(map) = &mut report {
            for list in ["timeline", "throughput", "recent"] {
                map.remove(list);
            }
            if let Some(Value::Array(alerts)) = map.get_mut("latest_alerts") {
                let keep = alerts.len().saturating_sub(10);
                alerts.drain(..keep);
            }
        }
    }
    report["written"] = written.into();
    println!(
        "{}",
        serde_json::to_string(&report).map_err(|e| e.to_string())?
    );
    Ok(())
}

/// Reads `path` as it grows, until it has not grown for `idle` seconds.
fn follow_file(
    mut session: Box<dyn StreamSession>,
    path: &PathBuf,
    idle: f64,
    outputs: &mut Outputs,
    live: &mut Live,
) -> Result<Box<dyn usecases::Fitted>, String> {
    let mut file = File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut buffer = vec![0u8; CHUNK];
    let mut grown = Instant::now();
    loop {
        let n = match file.read(&mut buffer) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        if n == 0 {
            if grown.elapsed().as_secs_f64() >= idle {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        } else {
            grown = Instant::now();
            session.push(&buffer[..n]).map_err(|e| e.to_string())?;
        }
        outputs.drain(session.as_mut())?;
        live.tick(session.as_ref());
    }
    // The end of what was appended: the last labels are learned and written out.
    session.end_pass().map_err(|e| e.to_string())?;
    outputs.drain(session.as_mut())?;
    session.finish().map_err(|e| e.to_string())
}
