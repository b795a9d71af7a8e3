//! Same seed, same bytes; another seed, other bytes; unknown files and bad scales are errors.

mod common;
use samples::{write_file, Dataset};

fn small(d: Dataset) -> f64 {
    d.default_page_scale() / 4.0
}

#[test]
fn same_seed_gives_same_bytes_and_other_seed_differs() {
    for d in Dataset::ALL {
        for file in d.files() {
            let a = common::bytes(d, file, small(d), 7);
            let b = common::bytes(d, file, small(d), 7);
            assert_eq!(a, b, "{d} {file}");
            if !matches!(*file, "aisles.csv" | "departments.csv") {
                assert_ne!(a, common::bytes(d, file, small(d), 8), "{d} {file}");
            }
        }
    }
}

#[test]
fn output_does_not_depend_on_write_chunking() {
    /// A writer that accepts at most 7 bytes per call.
    struct Trickle(Vec<u8>);
    impl std::io::Write for Trickle {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            let n = b.len().min(7);
            self.0.extend_from_slice(&b[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut t = Trickle(Vec::new());
    write_file(Dataset::Rossmann, "store.csv", 0.1, 3, &mut t).unwrap();
    assert_eq!(t.0, common::bytes(Dataset::Rossmann, "store.csv", 0.1, 3));
}

#[test]
fn names_files_and_scales_are_checked() {
    assert_eq!("Bosch".parse::<Dataset>().unwrap(), Dataset::Bosch);
    let err = "walmart".parse::<Dataset>().unwrap_err().to_string();
    assert!(err.contains("walmart") && err.contains("rossmann"), "{err}");
    let mut out = Vec::new();
    let e = write_file(Dataset::Rossmann, "sales.csv", 0.1, 1, &mut out).unwrap_err();
    assert!(e.to_string().contains("train.csv"), "{e}");
    for bad in [0.0, -1.0, f64::NAN, 11.0] {
        assert!(write_file(Dataset::Rossmann, "store.csv", bad, 1, &mut out).is_err());
    }
}
