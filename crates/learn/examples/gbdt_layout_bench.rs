//! One histogram pass over all rows, `u8` bins row-major versus column-major, f32 gradient pairs
//! summed into f64 bins: the measurement behind the learner's row-major layout.
//!
//! ```text
//! cargo run --release -p learn --example gbdt_layout_bench -- [ROWS] [FEATURES]
//! ```

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let rows: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(829_477);
    let features: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(6);
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let row_major: Vec<u8> = (0..rows * features).map(|_| rng.random()).collect();
    let mut col_major = vec![0u8; rows * features];
    for r in 0..rows {
        for f in 0..features {
            col_major[f * rows + r] = row_major[r * features + f];
        }
    }
    let gh: Vec<[f32; 2]> = (0..rows).map(|_| [rng.random(), 1.0]).collect();
    let mut best = [f64::INFINITY; 2];
    let mut check = [0.0f64; 2];
    for _ in 0..15 {
        let mut hist = vec![[[0.0f64; 2]; 256]; features];
        let t = Instant::now();
        for (row, &[g, h]) in row_major.chunks_exact(features).zip(&gh) {
            for (hf, &b) in hist.iter_mut().zip(row) {
                let slot = &mut hf[b as usize];
                slot[0] += g as f64;
                slot[1] += h as f64;
            }
        }
        best[0] = best[0].min(t.elapsed().as_secs_f64());
        check[0] = hist[0].iter().map(|s| s[0]).sum();
        let mut hist = vec![[[0.0f64; 2]; 256]; features];
        let t = Instant::now();
        for (hf, column) in hist.iter_mut().zip(col_major.chunks_exact(rows)) {
            for (&b, &[g, h]) in column.iter().zip(&gh) {
                let slot = &mut hf[b as usize];
                slot[0] += g as f64;
                slot[1] += h as f64;
            }
        }
        best[1] = best[1].min(t.elapsed().as_secs_f64());
        check[1] = hist[0].iter().map(|s| s[0]).sum();
    }
    assert_eq!(check[0], check[1]);
    println!(
        "{{\"rows\": {rows}, \"features\": {features}, \"row_major_ms\": {:.2}, \"column_major_ms\": {:.2}}}",
        best[0] * 1e3,
        best[1] * 1e3
    );
}
