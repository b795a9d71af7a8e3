//! Throughput of the streaming numeric row reader ([`tabular::rows::RowStream`]) on a CSV file,
//! fed in 1 MiB chunks as the page's worker feeds `file.stream()`.
//!
//! `cargo run --release -p tabular --example rows_bench -- FILE [--target Response] [--id Id]`
//! prints one JSON line: rows, non-empty cells, bytes, seconds, MB/s.

use std::io::Read;
use tabular::rows::{RowStream, RowsOptions, SparseRow};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut path = None;
    let mut options = RowsOptions::default();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--target" => options.target = args.next().filter(|t| !t.is_empty()),
            "--id" => options.id = args.next().filter(|t| !t.is_empty()),
            _ => path = Some(a),
        }
    }
    let path = path.expect("usage: rows_bench FILE [--target NAME] [--id NAME]");
    let mut file = std::fs::File::open(&path).expect("open");
    let mut buf = vec![0u8; 1 << 20];
    let mut stream = RowStream::new(&path, options);
    let (mut rows, mut cells, mut positives) = (0u64, 0u64, 0u64);
    let mut count = |r: &SparseRow| {
        rows += 1;
        cells += r.features.len() as u64;
        positives += u64::from(r.target == Some(true));
    };
    let start = std::time::Instant::now();
    loop {
        let n = file.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        stream
            .push(&buf[..n], &mut count)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let summary = stream.finish(&mut count).unwrap_or_else(|e| panic!("{e}"));
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{{\"rows\":{rows},\"cells\":{cells},\"positives\":{positives},\"features\":{},\"bytes\":{},\"seconds\":{seconds:.3},\"mb_per_s\":{:.1}}}",
        summary.features.len(),
        summary.bytes,
        summary.bytes as f64 / 1e6 / seconds
    );
}
