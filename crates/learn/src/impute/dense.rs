//! Small dense kernels on row-major square matrices held in slices: the per-pattern algebra of
//! EM runs thousands of times per iteration, so it works in caller-owned buffers and never
//! allocates.

/// Lower Cholesky factor in place: on success the lower triangle holds `L` with `L L' = A` and
/// the strict upper triangle is zeroed. Returns false if `A` is not (numerically) positive
/// definite.
pub(crate) fn cholesky(a: &mut [f64], n: usize) -> bool {
    for j in 0..n {
        let (top, bottom) = a[..n * n].split_at_mut((j + 1) * n);
        let row_j = &mut top[j * n..];
        let mut d = row_j[j];
        for &l in &row_j[..j] {
            d -= l * l;
        }
        if !(d > 0.0 && d.is_finite()) {
            return false;
        }
        let d = d.sqrt();
        row_j[j] = d;
        for x in &mut row_j[j + 1..] {
            *x = 0.0;
        }
        let inv = 1.0 / d;
        for row_i in bottom.chunks_exact_mut(n) {
            let s = row_i[j] - dot(&row_i[..j], &row_j[..j]);
            row_i[j] = s * inv;
        }
    }
    true
}

/// Dot product of two equal-length slices.
#[inline]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for (x, y) in a.iter().zip(b) {
        s += x * y;
    }
    s
}

/// Inverse of a lower-triangular `L` (row-major, n x n) into `out`, lower triangular too.
pub(crate) fn invert_lower(l: &[f64], n: usize, out: &mut [f64]) {
    out[..n * n].fill(0.0);
    for i in 0..n {
        out[i * n + i] = 1.0 / l[i * n + i];
        for j in 0..i {
            // (L^-1)[i][j] = -sum_{k=j}^{i-1} L[i][k] (L^-1)[k][j] / L[i][i]
            let mut s = 0.0;
            for k in j..i {
                s += l[i * n + k] * out[k * n + j];
            }
            out[i * n + j] = -s / l[i * n + i];
        }
    }
}

/// `out = M' M` for a lower-triangular `M` (so with `M = L^-1` it is `(L L')^-1`), symmetric.
pub(crate) fn lower_t_times_lower(m: &[f64], n: usize, out: &mut [f64]) {
    for i in 0..n {
        for j in 0..=i {
            // sum_k M[k][i] M[k][j], nonzero for k >= max(i, j) = i
            let mut s = 0.0;
            for k in i..n {
                s += m[k * n + i] * m[k * n + j];
            }
            out[i * n + j] = s;
            out[j * n + i] = s;
        }
    }
}

/// Inverse of a symmetric positive definite matrix (`a` is overwritten by its Cholesky factor,
/// `work` is n x n scratch). Returns false if `a` is not positive definite.
pub(crate) fn invert_spd(a: &mut [f64], n: usize, work: &mut [f64], out: &mut [f64]) -> bool {
    if !cholesky(a, n) {
        return false;
    }
    invert_lower(a, n, work);
    lower_t_times_lower(work, n, out);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_of_a_known_matrix() {
        let a = [4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0];
        let mut f = a;
        let mut work = [0.0; 9];
        let mut inv = [0.0; 9];
        assert!(invert_spd(&mut f, 3, &mut work, &mut inv));
        for i in 0..3 {
            for j in 0..3 {
                let s: f64 = (0..3).map(|k| a[i * 3 + k] * inv[k * 3 + j]).sum();
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((s - want).abs() < 1e-12, "{i},{j}: {s}");
            }
        }
        let mut singular = [1.0, 2.0, 2.0, 4.0];
        assert!(!cholesky(&mut singular, 2));
    }
}
