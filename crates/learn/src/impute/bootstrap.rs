//! Seeds and bootstrap resamples. Each of the M runs derives its own seeds from the master seed
//! and its index alone, so that runs can go to separate workers and still give the same result
//! as a serial run.

use super::data::PatternData;
use super::ImputeError;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What a derived seed is for: keeps the resample and the draws of one run on separate streams.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Purpose {
    Resample = 1,
    Draw = 2,
    Interval = 3,
}

/// A generator for run `index` and `purpose`, derived from the master seed by SplitMix64 (so
/// nearby master seeds and indices still give unrelated streams).
pub(crate) fn rng(seed: u64, index: usize, purpose: Purpose) -> ChaCha8Rng {
    let mut z = seed
        ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (purpose as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ChaCha8Rng::seed_from_u64(z ^ (z >> 31))
}

/// How many times each row (in pattern order) is drawn into resample `index`: n draws with
/// replacement among the informative rows. As Amelia does, a resample that leaves a column
/// without observed values is drawn again.
pub(crate) fn resample(
    data: &PatternData,
    seed: u64,
    index: usize,
) -> Result<Vec<u32>, ImputeError> {
    const ATTEMPTS: usize = 1000;
    let n = data.informative_rows();
    let p = data.cols();
    let mut rng = rng(seed, index, Purpose::Resample);
    let mut weights = vec![0u32; data.rows()];
    let mut seen = vec![false; p];
    for _ in 0..ATTEMPTS {
        weights.fill(0);
        for _ in 0..n {
            weights[rng.random_range(0..n)] += 1;
        }
        seen.fill(false);
        for pat in &data.patterns {
            if weights[pat.first..pat.first + pat.rows]
                .iter()
                .any(|&w| w > 0)
            {
                for &j in pat.obs(&data.columns) {
                    seen[j] = true;
                }
            }
        }
        if seen.iter().all(|&s| s) {
            return Ok(weights);
        }
    }
    Err(ImputeError::ResampleFailed { attempts: ATTEMPTS })
}
