//! The reader's long fuzz run (a randomised harness: the stable toolchain has no cargo-fuzz):
//!
//! ```sh
//! cargo run --release -p tabular --example fuzz_reader -- --count 10000000 --threads 2
//! cargo run --release -p tabular --example fuzz_reader -- --case 123456   # replay one input
//! ```
//!
//! Every input is read every way (`harness.rs`); the run prints its progress, then the count,
//! time, slowest input and findings (exit 1 if any). `cargo test -p tabular --test fuzz` runs a
//! short one.

mod harness;

use std::time::Instant;

fn usage() -> ! {
    eprintln!(
        "usage: fuzz_reader [--seed S] [--count N] [--from I] [--threads T] | --case I [--seed S]"
    );
    std::process::exit(2);
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut seed, mut count, mut from, mut threads, mut case) =
        (1u64, 1_000_000u64, 0u64, 1u64, None);
    while let Some(flag) = args.next() {
        let mut value = || -> u64 {
            args.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| usage())
        };
        match flag.as_str() {
            "--seed" => seed = value(),
            "--count" => count = value(),
            "--from" => from = value(),
            "--threads" => threads = value().max(1),
            "--case" => case = Some(value()),
            _ => usage(),
        }
    }
    if let Some(index) = case {
        let input = harness::generate(seed, index);
        eprintln!("{input:?}");
        match harness::check(&input) {
            Ok(()) => println!("case {index}: every read agrees"),
            Err(e) => {
                println!("case {index}: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let started = Instant::now();
    let reports: Vec<harness::Report> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (a, b) = (from + count * t / threads, from + count * (t + 1) / threads);
                scope.spawn(move || {
                    harness::run(seed, a, b, 100_000, &mut |r| {
                        eprintln!(
                            "thread {t}: {} inputs, {} findings, {:.0} s",
                            r.inputs,
                            r.findings.len(),
                            started.elapsed().as_secs_f64()
                        );
                    })
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a fuzz thread"))
            .collect()
    });
    let inputs: u64 = reports.iter().map(|r| r.inputs).sum();
    let bytes: u64 = reports.iter().map(|r| r.bytes).sum();
    let slowest =
        reports
            .iter()
            .map(|r| r.slowest)
            .fold((0.0, 0, 0), |a, b| if b.0 > a.0 { b } else { a });
    let findings: Vec<&(u64, String)> = reports.iter().flat_map(|r| &r.findings).collect();
    println!(
        "seed {seed}, cases {from}..{}: {inputs} inputs ({:.1} MB of text) in {:.0} s; slowest input {:.3} s (case {}, {} bytes); {} findings",
        from + count,
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        slowest.0,
        slowest.1,
        slowest.2,
        findings.len()
    );
    for (index, what) in findings.iter().take(50) {
        println!("case {index}: {what}");
    }
    if !findings.is_empty() {
        std::process::exit(1);
    }
}
