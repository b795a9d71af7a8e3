//! The short fuzz run of the reader, in every `cargo test`: the first 3,000 cases of the
//! harness the long run uses (`examples/fuzz_reader`, 10 million cases: see its docs).

#[path = "../examples/fuzz_reader/harness.rs"]
mod harness;

#[test]
fn every_way_of_reading_agrees_with_the_one_shot_read_and_nothing_panics() {
    let report = harness::run(1, 0, 3_000, u64::MAX, &mut |_| {});
    assert_eq!(report.inputs, 3_000);
    assert!(
        report.findings.is_empty(),
        "{:#?}",
        &report.findings[..report.findings.len().min(5)]
    );
}
