//! Ingest throughput: `cargo run --release -p tabular --example ingest_bench [-- FILE.csv]`.
//!
//! Without a file, writes a Rossmann-shaped `train.csv` of 1,017,209 rows (~38 MB, quoted header
//! and quoted holiday cells, `StateHoliday` turning to `a` late) to the temp directory first.
//! Feeds the file in 1 MiB chunks from memory (disk time excluded), best of 5 runs, and prints
//! one JSON line.

use std::io::Write;
use std::time::Instant;

/// Deterministic xorshift: the benchmark file is the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn write_rossmann(path: &std::path::Path, rows: usize) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        out,
        "\"Store\",\"DayOfWeek\",\"Date\",\"Sales\",\"Customers\",\"Open\",\"Promo\",\"StateHoliday\",\"SchoolHoliday\""
    )?;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let stores = 1115;
    // Days back from 2015-07-31, one row per store per day, as the public file is ordered.
    let (mut y, mut m, mut d) = (2015, 7, 31);
    let mut dow = 5;
    for r in 0..rows {
        let store = r % stores + 1;
        if r > 0 && store == 1 {
            d -= 1;
            if d == 0 {
                m -= 1;
                if m == 0 {
                    m = 12;
                    y -= 1;
                }
                d = [
                    31,
                    if y % 4 == 0 { 29 } else { 28 },
                    31,
                    30,
                    31,
                    30,
                    31,
                    31,
                    30,
                    31,
                    30,
                    31,
                ][m - 1];
            }
            dow = if dow == 1 { 7 } else { dow - 1 };
        }
        let open = u64::from(dow != 7 && rng.next(10) != 0);
        let sales = if open == 1 { 2000 + rng.next(12000) } else { 0 };
        let customers = if open == 1 { 200 + rng.next(1200) } else { 0 };
        let holiday = if r >= 63_555 && rng.next(40) == 0 {
            ["a", "b", "c"][rng.next(3) as usize]
        } else {
            "0"
        };
        writeln!(
            out,
            "{store},{dow},{y}-{m:02}-{d:02},{sales},{customers},{open},{},\"{holiday}\",\"{}\"",
            rng.next(2),
            rng.next(2)
        )?;
    }
    out.flush()
}

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

fn main() {
    let path = match std::env::args().nth(1) {
        Some(p) => std::path::PathBuf::from(p),
        None => {
            let p = std::env::temp_dir().join("vitrine_rossmann_train_1m.csv");
            if !p.exists() {
                write_rossmann(&p, 1_017_209).expect("write benchmark file");
            }
            p
        }
    };
    let bytes = std::fs::read(&path).expect("read benchmark file");
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut best = f64::INFINITY;
    let mut table = None;
    for _ in 0..5 {
        let start = Instant::now();
        let mut reader = tabular::StreamReader::new(&name, tabular::ReadOptions::default());
        for chunk in bytes.chunks(1 << 20) {
            reader.push(chunk).expect("parse");
        }
        let t = reader.finish().expect("parse");
        best = best.min(start.elapsed().as_secs_f64());
        table = Some(t);
    }
    let table = table.expect("five runs");
    let profile_start = Instant::now();
    let profile = tabular::profile::profile(&table);
    let profile_seconds = profile_start.elapsed().as_secs_f64();
    let core_seconds = core_only(&bytes);
    let kinds: Vec<String> = table
        .columns
        .iter()
        .map(|c| format!("{}:{}", c.name, c.kind().label()))
        .collect();
    println!(
        "{{\"file\":\"{}\",\"bytes\":{},\"rows\":{},\"columns\":{},\"seconds\":{:.4},\"mb_per_s\":{:.1},\"rows_per_s\":{:.0},\"profile_seconds\":{:.4},\"csv_core_only_mb_per_s\":{:.1},\"kinds\":\"{}\",\"dataset\":{}}}",
        path.display(),
        bytes.len(),
        table.n_rows,
        table.columns.len(),
        best,
        bytes.len() as f64 / 1e6 / best,
        table.n_rows as f64 / best,
        profile_seconds,
        bytes.len() as f64 / 1e6 / core_seconds,
        kinds.join(" "),
        profile
            .dataset
            .map_or_else(|| "null".to_string(), |d| format!("\"{}\"", d.id())),
    );
}
