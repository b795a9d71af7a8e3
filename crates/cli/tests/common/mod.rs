//! What every command-line test needs: run the built binary, a fresh scratch folder, and the
//! JSON of a successful run or the message of a failed one.
#![allow(dead_code)] // each test file uses its own subset

use std::path::PathBuf;
use std::process::{Command, Output};

/// Runs the built `vitrine` with `args`.
pub fn vitrine(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vitrine"))
        .args(args)
        .output()
        .unwrap()
}

/// An empty folder of its own for one test (`name` keeps parallel tests apart).
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vitrine-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The JSON a successful run printed; fails the test with stderr otherwise.
pub fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The message of a run that must fail with status 1 and print no JSON.
pub fn failure(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "expected exit 1");
    assert!(out.stdout.is_empty(), "no JSON on failure");
    String::from_utf8_lossy(&out.stderr).into_owned()
}
