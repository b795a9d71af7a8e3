//! `vitrine sample DATASET --out DIR [--scale F | --parts N] [--seed N] [--stream] [--change C]`:
//! writes every file of a synthetic dataset into DIR and prints `{"dataset","scale","seed",
//! "files":[{"path","bytes","rows"}]}`. For Bosch, `--stream` writes use case 2.2's stream
//! (parts in time order: Id order is time order) and `--change C` changes its defect rule for
//! the parts from C (a share of the stream) on, as the page's stream sample does.

use samples::Dataset;
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

const USAGE: &str = "usage: vitrine sample DATASET --out DIR [--scale F | --parts N] [--seed N] [--stream] [--change C]\n  DATASET: rossmann, bosch, santander or instacart\n  --scale: share of the public dataset's size (default 0.1)\n  --parts: Bosch only, this many parts (the scale that gives them)\n  --seed: random seed (default 42)\n  --stream: Bosch only, parts in time order (use case 2.2's stream)\n  --change: Bosch only, the defect rule changes for the parts from this share of the stream on";

#[derive(Serialize)]
struct Report {
    dataset: String,
    scale: f64,
    seed: u64,
    files: Vec<FileReport>,
}

#[derive(Serialize)]
struct FileReport {
    path: String,
    bytes: u64,
    rows: u64,
}

/// Counts bytes and line ends on their way to the file.
struct Counting<W: Write> {
    inner: W,
    bytes: u64,
    lines: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        self.lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Parses the arguments, writes the files, prints the JSON report.
pub fn run(mut parser: lexopt::Parser) -> Result<(), String> {
    use lexopt::prelude::*;
    let mut dataset: Option<Dataset> = None;
    let mut out: Option<PathBuf> = None;
    let mut scale = 0.1;
    let mut seed = 42u64;
    let mut stream = samples::bosch::StreamOptions::default();
    let number = |parser: &mut lexopt::Parser, name: &str| -> Result<f64, String> {
        parser
            .value()
            .and_then(|v| v.parse())
            .map_err(|e| format!("--{name}: {e}"))
    };
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("parts") => {
                scale = number(&mut parser, "parts")? / samples::bosch::FULL_PARTS as f64
            }
            Long("stream") => stream.time_ordered = true,
            Long("change") => stream.rule_change = Some(number(&mut parser, "change")?),
            Long("out") | Short('o') => {
                out = Some(parser.value().map_err(|e| e.to_string())?.into())
            }
            Long("scale") => {
                scale = parser
                    .value()
                    .and_then(|v| v.parse())
                    .map_err(|e| format!("--scale: {e}"))?
            }
            Long("seed") => {
                seed = parser
                    .value()
                    .and_then(|v| v.parse())
                    .map_err(|e| format!("--seed: {e}"))?
            }
            Long("help") | Short('h') => {
                println!("{USAGE}");
                return Ok(());
            }
            Value(v) if dataset.is_none() => {
                let name = v.to_string_lossy();
                dataset = Some(name.parse().map_err(|e| format!("{e}\n{USAGE}"))?);
            }
            other => return Err(format!("{}\n{USAGE}", other.unexpected())),
        }
    }
    let dataset = dataset.ok_or_else(|| format!("missing DATASET\n{USAGE}"))?;
    if stream != samples::bosch::StreamOptions::default() && dataset != Dataset::Bosch {
        return Err(format!("--stream and --change are Bosch's\n{USAGE}"));
    }
    let out = out.ok_or_else(|| format!("missing --out DIR\n{USAGE}"))?;
    if !(scale > 0.0 && scale <= 10.0) {
        return Err(format!("--scale must be in (0, 10], found {scale}"));
    }
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut files = Vec::new();
    for name in dataset.files() {
        let path = out.join(name);
        eprintln!("writing {}", path.display());
        let file =
            File::create(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        let mut counting = Counting {
            inner: BufWriter::new(file),
            bytes: 0,
            lines: 0,
        };
        let written = if dataset == Dataset::Bosch {
            samples::bosch::write_stream(name, scale, seed, &stream, &mut counting)
        } else {
            samples::write_file(dataset, name, scale, seed, &mut counting)
        };
        written
            .and_then(|_| counting.flush())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        files.push(FileReport {
            path: path.display().to_string(),
            bytes: counting.bytes,
            rows: counting.lines.saturating_sub(1),
        });
    }
    let report = Report {
        dataset: dataset.name().to_string(),
        scale,
        seed,
        files,
    };
    println!(
        "{}",
        serde_json::to_string(&report).map_err(|e| e.to_string())?
    );
    Ok(())
}
