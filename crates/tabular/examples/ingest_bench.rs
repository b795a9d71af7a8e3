//! Ingest throughput: `cargo run --release -p tabular --example ingest_bench -- FILE.csv [--runs N]
//! [--gz FILE.csv.gz]`.
//!
//! `npm run bench ingest` gives it the full-size Rossmann `train.csv` of
//! `vitrine sample rossmann --scale 1`, and the same file gzipped. Times reads, each the median of
//! N runs (default 5): one thread fed 1 MiB chunks from memory (disk time excluded), `read_path`
//! as the command line reads a file (from the page cache, in parts on every core), and with
//! `--gz` one thread fed the compressed file in 1 MiB chunks (decompressed as they come, as the
//! page and the command line read a `.gz`), which must give the same table. Prints one JSON line.

use std::time::Instant;

/// csv-core alone over the same bytes: the floor under our typed reader.
fn core_only(bytes: &[u8]) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let start = Instant::now();
        let mut core = csv_core::Reader::new();
        let mut out = vec![0u8; 1 << 16];
        let mut ends = vec![0usize; 64];
        let mut records = 0u64;
        let mut input = bytes;
        loop {
            let (res, nin, _, _) = core.read_record(input, &mut out, &mut ends);
            input = &input[nin..];
            match res {
                csv_core::ReadRecordResult::Record => records += 1,
                csv_core::ReadRecordResult::End => break,
                _ => {}
            }
        }
        std::hint::black_box(records);
        best = best.min(start.elapsed().as_secs_f64());
    }
    best
}

fn median(mut seconds: Vec<f64>) -> f64 {
    seconds.sort_by(f64::total_cmp);
    seconds[seconds.len() / 2]
}

fn median_of(runs: usize, mut run: impl FnMut() -> f64) -> f64 {
    median((0..runs).map(|_| run()).collect())
}

fn usage() -> ! {
    eprintln!(
        "usage: ingest_bench FILE.csv [--runs N] [--gz FILE.csv.gz] (e.g. train.csv of `vitrine sample rossmann --scale 1`)"
    );
    std::process::exit(2);
}

/// Median seconds to read the compressed `bytes` (named `name`) in 1 MiB chunks; checks that
/// it gives `table`.
fn gz_median(name: &str, bytes: &[u8], runs: usize, table: &tabular::Table) -> f64 {
    median_of(runs, || {
        let start = Instant::now();
        let mut reader = tabular::InputReader::new(name, tabular::ReadOptions::default())
            .expecting(bytes.len() as u64);
        for chunk in bytes.chunks(1 << 20) {
            reader.push(chunk).expect("parse");
        }
        let tables = reader.finish().expect("parse");
        let seconds = start.elapsed().as_secs_f64();
        assert_eq!(tables.len(), 1);
        assert_eq!(
            tables[0].columns, table.columns,
            "the .gz reads what the .csv reads"
        );
        seconds
    })
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| usage());
    let (mut runs, mut gz) = (5, None);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--runs" => runs = value.parse().unwrap_or_else(|_| usage()),
            "--gz" => gz = Some(std::path::PathBuf::from(value)),
            _ => usage(),
        }
    }
    if runs == 0 {
        usage();
    }
    let path = std::path::PathBuf::from(path);
    let bytes = std::fs::read(&path).expect("read benchmark file");
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut seconds = Vec::with_capacity(runs);
    let mut table = None;
    for _ in 0..runs {
        let start = Instant::now();
        let mut reader = tabular::StreamReader::new(&name, tabular::ReadOptions::default())
            .expecting(bytes.len() as u64);
        for chunk in bytes.chunks(1 << 20) {
            reader.push(chunk).expect("parse");
        }
        let t = reader.finish().expect("parse");
        seconds.push(start.elapsed().as_secs_f64());
        table = Some(t);
    }
    let table = table.expect("at least one run");
    let median = median(seconds);
    let path_median = median_of(runs, || {
        let start = Instant::now();
        let t = tabular::read_path(&path, tabular::ReadOptions::default()).expect("parse");
        let seconds = start.elapsed().as_secs_f64();
        assert_eq!(t, table, "read_path reads what one thread reads");
        seconds
    });
    let profile_start = Instant::now();
    let profile = tabular::profile::profile(&table);
    let profile_seconds = profile_start.elapsed().as_secs_f64();
    let core_seconds = core_only(&bytes);
    let gz = gz.map(|gz| {
        let compressed = std::fs::read(&gz).expect("read the .gz");
        let name = gz.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let seconds = gz_median(&name, &compressed, runs, &table);
        format!(
            ",\"gz_bytes\":{},\"gz_seconds\":{seconds:.4},\"gz_mb_per_s\":{:.1},\"gz_text_mb_per_s\":{:.1}",
            compressed.len(),
            compressed.len() as f64 / 1e6 / seconds,
            bytes.len() as f64 / 1e6 / seconds
        )
    });
    let kinds: Vec<String> = table
        .columns
        .iter()
        .map(|c| format!("{}:{}", c.name, c.kind().label()))
        .collect();
    println!(
        "{{\"file\":\"{}\",\"bytes\":{},\"rows\":{},\"columns\":{},\"seconds\":{:.4},\"mb_per_s\":{:.1},\"rows_per_s\":{:.0},\"cores\":{},\"path_seconds\":{:.4},\"path_mb_per_s\":{:.1},\"profile_seconds\":{:.4},\"csv_core_only_mb_per_s\":{:.1},\"kinds\":\"{}\",\"dataset\":{}{}}}",
        path.display(),
        bytes.len(),
        table.n_rows,
        table.columns.len(),
        median,
        bytes.len() as f64 / 1e6 / median,
        table.n_rows as f64 / median,
        std::thread::available_parallelism().map_or(1, usize::from),
        path_median,
        bytes.len() as f64 / 1e6 / path_median,
        profile_seconds,
        bytes.len() as f64 / 1e6 / core_seconds,
        kinds.join(" "),
        profile
            .dataset
            .map_or_else(|| "null".to_string(), |d| format!("\"{}\"", d.id())),
        gz.unwrap_or_default(),
    );
}
