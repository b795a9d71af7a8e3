//! The normal regression of a pattern's missing columns on its observed ones:
//! `x_mis | x_obs ~ N(b + A x_obs, C)`. Amelia gets it by sweeping the augmented parameter
//! matrix on the observed positions, a cost in the cube of the observed count. Two cheaper
//! equivalent routes are used, whichever costs less for the pattern:
//! - from the precision matrix `K = Sigma^-1` (computed once per iteration): `C = K_mm^-1`,
//!   `A = -C K_mo`, a cost in the cube of the *missing* count, the small one on most rows;
//! - from the Cholesky factor of `Sigma_oo`, when most of the row is missing.

use super::dense::{cholesky, dot, invert_spd};

/// Working buffers and result of one pattern's conditional; sized for the widest pattern once.
#[derive(Debug, Clone)]
pub(crate) struct Conditional {
    p: usize,
    /// m x o regression coefficients, row-major.
    pub a: Vec<f64>,
    /// Intercepts, length m.
    pub b: Vec<f64>,
    /// m x m conditional covariance, row-major.
    pub c: Vec<f64>,
    work1: Vec<f64>,
    work2: Vec<f64>,
}

impl Conditional {
    pub fn new(p: usize) -> Conditional {
        Conditional {
            p,
            a: vec![0.0; p * p],
            b: vec![0.0; p],
            c: vec![0.0; p * p],
            work1: vec![0.0; p * p],
            work2: vec![0.0; p * p],
        }
    }

    /// Fills `a`, `b`, `c` for the pattern (`obs` and `mis` partition the columns). `precision`
    /// is `Sigma^-1` if the caller has it. Returns false if a block is not positive definite.
    pub fn compute(
        &mut self,
        mean: &[f64],
        sigma: &[f64],
        precision: Option<&[f64]>,
        obs: &[usize],
        mis: &[usize],
    ) -> bool {
        let (o, m) = (obs.len() as f64, mis.len() as f64);
        let cost_precision = m * m * m / 2.0 + m * m * o;
        let cost_observed = o * o * o / 6.0 + o * o * m + m * m * o / 2.0;
        let ok = match precision {
            Some(k) if cost_precision <= cost_observed => self.via_precision_matrix(k, obs, mis),
            _ => self.via_observed_block(sigma, obs, mis),
        };
        if ok {
            for (jm, bj) in self.b[..mis.len()].iter_mut().enumerate() {
                let row = &self.a[jm * obs.len()..(jm + 1) * obs.len()];
                let mut s = mean[mis[jm]];
                for (l, &jo) in obs.iter().enumerate() {
                    s -= row[l] * mean[jo];
                }
                *bj = s;
            }
        }
        ok
    }

    fn via_precision_matrix(&mut self, k: &[f64], obs: &[usize], mis: &[usize]) -> bool {
        let (p, m, o) = (self.p, mis.len(), obs.len());
        let kmm = &mut self.work1[..m * m];
        for (r, &jr) in mis.iter().enumerate() {
            for (c, &jc) in mis.iter().enumerate() {
                kmm[r * m + c] = k[jr * p + jc];
            }
        }
        if !invert_spd(kmm, m, &mut self.work2[..m * m], &mut self.c[..m * m]) {
            return false;
        }
        // A = -C K_mo, built row by row from K's rows (K_mo[r][l] = K[mis_r][obs_l]).
        let kmo = &mut self.work1[..m * o];
        for (r, &jr) in mis.iter().enumerate() {
            let krow = &k[jr * p..(jr + 1) * p];
            for (l, &jo) in obs.iter().enumerate() {
                kmo[r * o + l] = krow[jo];
            }
        }
        let a = &mut self.a[..m * o];
        a.fill(0.0);
        for r in 0..m {
            let arow = &mut a[r * o..(r + 1) * o];
            for t in 0..m {
                let crt = -self.c[r * m + t];
                for (x, &y) in arow.iter_mut().zip(&kmo[t * o..(t + 1) * o]) {
                    *x += crt * y;
                }
            }
        }
        true
    }

    fn via_observed_block(&mut self, sigma: &[f64], obs: &[usize], mis: &[usize]) -> bool {
        let (p, m, o) = (self.p, mis.len(), obs.len());
        let l = &mut self.work1[..o * o];
        for (r, &jr) in obs.iter().enumerate() {
            for (c, &jc) in obs.iter().enumerate() {
                l[r * o + c] = sigma[jr * p + jc];
            }
        }
        if !cholesky(l, o) {
            return false;
        }
        // W = L^-1 Sigma_om, stored transposed (m x o) so each missing column is a contiguous row.
        let w = &mut self.work2[..m * o];
        for (r, &jm) in mis.iter().enumerate() {
            let wr = &mut w[r * o..(r + 1) * o];
            for (i, &ji) in obs.iter().enumerate() {
                let s = sigma[ji * p + jm] - dot(&l[i * o..i * o + i], &wr[..i]);
                wr[i] = s / l[i * o + i];
            }
        }
        // C = Sigma_mm - W'W.
        for r in 0..m {
            for c in 0..=r {
                let v = sigma[mis[r] * p + mis[c]]
                    - dot(&w[r * o..(r + 1) * o], &w[c * o..(c + 1) * o]);
                self.c[r * m + c] = v;
                self.c[c * m + r] = v;
            }
        }
        // A' = L'^-1 W: back substitution per missing column.
        let a = &mut self.a[..m * o];
        for r in 0..m {
            let wr = &w[r * o..(r + 1) * o];
            let ar = &mut a[r * o..(r + 1) * o];
            for i in (0..o).rev() {
                let mut s = wr[i];
                for t in i + 1..o {
                    s -= l[t * o + i] * ar[t];
                }
                ar[i] = s / l[i * o + i];
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both routes give the same regression, and it matches the textbook formula on a 3 x 3.
    #[test]
    fn routes_agree() {
        let sigma = [2.0, 0.8, 0.3, 0.8, 1.5, -0.4, 0.3, -0.4, 1.2];
        let mean = [1.0, -2.0, 0.5];
        let mut s = sigma;
        let mut work = [0.0; 9];
        let mut k = [0.0; 9];
        assert!(invert_spd(&mut s, 3, &mut work, &mut k));
        let mut a = Conditional::new(3);
        let mut b = Conditional::new(3);
        let (obs, mis) = ([0usize, 2], [1usize]);
        assert!(a.via_precision_matrix(&k, &obs, &mis));
        assert!(b.via_observed_block(&sigma, &obs, &mis));
        // Textbook: A = Sigma_mo Sigma_oo^-1 with Sigma_oo = [[2, .3], [.3, 1.2]].
        let det = 2.0 * 1.2 - 0.09;
        let inv = [1.2 / det, -0.3 / det, -0.3 / det, 2.0 / det];
        let want = [0.8 * inv[0] - 0.4 * inv[2], 0.8 * inv[1] - 0.4 * inv[3]];
        let cvar = 1.5 - (want[0] * 0.8 + want[1] * -0.4);
        for (x, y) in [
            (a.a[0], want[0]),
            (a.a[1], want[1]),
            (b.a[0], want[0]),
            (b.a[1], want[1]),
        ] {
            assert!((x - y).abs() < 1e-12);
        }
        assert!((a.c[0] - cvar).abs() < 1e-12 && (b.c[0] - cvar).abs() < 1e-12);
        assert!(a.compute(&mean, &sigma, Some(&k), &obs, &mis));
        let intercept = mean[1] - want[0] * mean[0] - want[1] * mean[2];
        assert!((a.b[0] - intercept).abs() < 1e-12);
    }
}
