//! Matrix and vector operations shaped like subtensor's `epoch/math.rs`: `Vec<Vec<(u16, I32F32)>>`
//! sparse rows, fresh allocations, upstream's iteration order. Written for auditing, not speed.

use alloc::vec;
use alloc::vec::Vec;
use substrate_fixed::types::{I32F32, I64F64};

use crate::fixed::{safe_div, safe_div_64, wrapping_sum, wrapping_sum_64, ZERO};

/// A sparse matrix as upstream holds it.
pub type Sparse = Vec<Vec<(u16, I32F32)>>;

fn get<T: Copy + Default>(v: &[T], i: usize) -> T {
    v.get(i).copied().unwrap_or_default()
}

/// Normalize in place to sum 1 (wrapping sum; left alone when the sum is 0).
pub fn inplace_normalize(x: &mut [I32F32]) {
    crate::fixed::normalize(x);
}

/// Normalize in place with a given sum.
pub fn inplace_normalize_using_sum(x: &mut [I32F32], s: I32F32) {
    if s == ZERO {
        return;
    }
    for v in x.iter_mut() {
        *v = safe_div(*v, s);
    }
}

/// I64F64 normalize in place.
pub fn inplace_normalize_64(x: &mut [I64F64]) {
    let s = wrapping_sum_64(x.iter().copied());
    if s == I64F64::from_bits(0) {
        return;
    }
    for v in x.iter_mut() {
        *v = safe_div_64(*v, s);
    }
}

/// Top-k non-zero mask: stable ascending sort, the lowest `n - k` lose (when `n >= k`).
pub fn is_topk_nonzero(v: &[I32F32], k: usize) -> Vec<bool> {
    let n = v.len();
    let mut out: Vec<bool> = v.iter().map(|x| *x != ZERO).collect();
    if n < k {
        return out;
    }
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by_key(|&i| get(v, i));
    for &i in idx.iter().take(n.saturating_sub(k)) {
        if let Some(c) = out.get_mut(i) {
            *c = false;
        }
    }
    out
}

/// Zero the entries where `mask` is true; entries beyond a non-empty mask count as masked;
/// an empty mask masks nothing.
pub fn inplace_mask_vector(mask: &[bool], v: &mut [I32F32]) {
    if mask.is_empty() {
        return;
    }
    for (i, x) in v.iter_mut().enumerate() {
        if mask.get(i).copied().unwrap_or(true) {
            *x = ZERO;
        }
    }
}

/// Replace masked rows (and rows beyond the mask) with empty rows.
pub fn mask_rows_sparse(mask: &[bool], m: &Sparse) -> Sparse {
    m.iter()
        .enumerate()
        .map(|(i, row)| {
            if mask.get(i).copied().unwrap_or(true) {
                Vec::new()
            } else {
                row.clone()
            }
        })
        .collect()
}

/// Drop the diagonal, except `(keep, keep)` when `keep` is given.
pub fn mask_diag_sparse(m: &Sparse, keep: Option<u16>) -> Sparse {
    m.iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .filter(|(j, _)| usize::from(*j) != i || keep == Some(*j))
                .copied()
                .collect()
        })
        .collect()
}

/// Drop `(i, j)` where `f(first[i], second[j])`; missing entries read as 0.
pub fn vec_mask_sparse_matrix(
    m: &Sparse,
    first: &[u64],
    second: &[u64],
    f: &dyn Fn(u64, u64) -> bool,
) -> Sparse {
    m.iter()
        .enumerate()
        .map(|(i, row)| {
            let a = get(first, i);
            row.iter()
                .filter(|(j, _)| !f(a, get(second, usize::from(*j))))
                .copied()
                .collect()
        })
        .collect()
}

/// Drop `(i, j)` where `f(scalar, v[j])`.
pub fn scalar_vec_mask_sparse_matrix(
    m: &Sparse,
    scalar: u64,
    v: &[u64],
    f: &dyn Fn(u64, u64) -> bool,
) -> Sparse {
    m.iter()
        .map(|row| {
            row.iter()
                .filter(|(j, _)| !f(scalar, get(v, usize::from(*j))))
                .copied()
                .collect()
        })
        .collect()
}

/// Normalize each row with a positive (wrapping) sum.
pub fn inplace_row_normalize_sparse(m: &mut Sparse) {
    for row in m.iter_mut() {
        let s = wrapping_sum(row.iter().map(|(_, v)| *v));
        if s > ZERO {
            for (_, v) in row.iter_mut() {
                *v = safe_div(*v, s);
            }
        }
    }
}

/// Wrapping sum of each row.
pub fn row_sum_sparse(m: &Sparse) -> Vec<I32F32> {
    m.iter()
        .map(|row| wrapping_sum(row.iter().map(|(_, v)| *v)))
        .collect()
}

/// Normalize each column (saturating column sums; columns `>= columns` untouched).
pub fn inplace_col_normalize_sparse(m: &mut Sparse, columns: u16) {
    let mut sums = vec![ZERO; usize::from(columns)];
    for row in m.iter() {
        for &(j, v) in row {
            if let Some(s) = sums.get_mut(usize::from(j)) {
                *s = s.saturating_add(v);
            }
        }
    }
    for row in m.iter_mut() {
        for (j, v) in row.iter_mut() {
            let s = get(&sums, usize::from(*j));
            if s != ZERO {
                *v = safe_div(*v, s);
            }
        }
    }
}

/// Divide each column by its maximum.
pub fn inplace_col_max_upscale_sparse(m: &mut Sparse, columns: u16) {
    let mut maxes = vec![ZERO; usize::from(columns)];
    for row in m.iter() {
        for &(j, v) in row {
            if let Some(c) = maxes.get_mut(usize::from(j)) {
                if *c < v {
                    *c = v;
                }
            }
        }
    }
    for row in m.iter_mut() {
        for (j, v) in row.iter_mut() {
            let c = get(&maxes, usize::from(*j));
            if c != ZERO {
                *v = safe_div(*v, c);
            }
        }
    }
}

/// `row_i ∘ v_i` (saturating).
pub fn row_hadamard_sparse(m: &Sparse, v: &[I32F32]) -> Sparse {
    m.iter()
        .zip(v.iter())
        .map(|(row, &s)| row.iter().map(|&(j, x)| (j, x.saturating_mul(s))).collect())
        .collect()
}

/// `r_j = Σ_i v_i · m_ij` (saturating), `columns` wide.
pub fn matmul_sparse(m: &Sparse, v: &[I32F32], columns: u16) -> Vec<I32F32> {
    let mut out = vec![ZERO; usize::from(columns)];
    for (i, row) in m.iter().enumerate() {
        let s = get(v, i);
        for &(j, x) in row {
            if let Some(r) = out.get_mut(usize::from(j)) {
                *r = r.saturating_add(s.saturating_mul(x));
            }
        }
    }
    out
}

/// `r_i = Σ_j v_j · m_ij` (saturating).
pub fn matmul_transpose_sparse(m: &Sparse, v: &[I32F32]) -> Vec<I32F32> {
    m.iter()
        .map(|row| {
            row.iter().fold(ZERO, |acc, &(j, x)| {
                acc.saturating_add(get(v, usize::from(j)).saturating_mul(x))
            })
        })
        .collect()
}

/// Clip each entry at its column threshold; entries above a non-positive threshold are dropped.
pub fn col_clip_sparse(m: &Sparse, th: &[I32F32]) -> Sparse {
    m.iter()
        .map(|row| {
            let mut out = Vec::with_capacity(row.len());
            for &(j, x) in row {
                let t = get(th, usize::from(j));
                if t < x {
                    if t > ZERO {
                        out.push((j, t));
                    }
                } else {
                    out.push((j, x));
                }
            }
            out
        })
        .collect()
}

/// Upstream's stake-weighted median: mid-pivot partition search over `partition`.
pub fn weighted_median(
    stake: &[I32F32],
    score: &[I32F32],
    partition: &[usize],
    minority: I32F32,
    mut lo: I32F32,
    mut hi: I32F32,
) -> I32F32 {
    if stake.len() != score.len() {
        return ZERO;
    }
    let mut current: Vec<usize> = partition.to_vec();
    let limit = partition.len();
    let mut iterations = 0usize;
    loop {
        let n = current.len();
        if n == 0 {
            return ZERO;
        }
        if n == 1 {
            return current.first().map(|&i| get(score, i)).unwrap_or(ZERO);
        }
        let pivot = get(score, get(&current, n / 2));
        let mut lo_stake = ZERO;
        let mut hi_stake = ZERO;
        let mut lower = Vec::new();
        let mut upper = Vec::new();
        for &i in &current {
            let s = get(score, i);
            if s == pivot {
                continue;
            }
            if s < pivot {
                lo_stake = lo_stake.saturating_add(get(stake, i));
                lower.push(i);
            } else {
                hi_stake = hi_stake.saturating_add(get(stake, i));
                upper.push(i);
            }
        }
        if minority < lo.saturating_add(lo_stake) && !lower.is_empty() {
            current = lower;
            hi = lo.saturating_add(lo_stake);
        } else if hi.saturating_sub(hi_stake) <= minority && !upper.is_empty() {
            current = upper;
            lo = hi.saturating_sub(hi_stake);
        } else {
            return pivot;
        }
        iterations = iterations.saturating_add(1);
        if iterations > limit {
            return ZERO;
        }
    }
}

/// Column-wise stake-weighted median at `majority` (kappa): a dense columns × validators score
/// table over the validators with positive stake, exactly as upstream builds it.
pub fn weighted_median_col_sparse(
    stake: &[I32F32],
    score: &Sparse,
    columns: u16,
    majority: I32F32,
) -> Vec<I32F32> {
    let mut use_stake: Vec<I32F32> = stake.iter().copied().filter(|s| *s > ZERO).collect();
    inplace_normalize(&mut use_stake);
    let stake_sum = wrapping_sum(use_stake.iter().copied());
    let minority = stake_sum.saturating_sub(majority);
    let idx: Vec<usize> = (0..use_stake.len()).collect();
    let mut table: Vec<Vec<I32F32>> = (0..columns).map(|_| vec![ZERO; use_stake.len()]).collect();
    let mut k = 0usize;
    for (&s, row) in stake.iter().zip(score.iter()) {
        if s > ZERO {
            for &(c, v) in row {
                if let Some(cell) = table.get_mut(usize::from(c)).and_then(|col| col.get_mut(k)) {
                    *cell = v;
                }
            }
            k = k.saturating_add(1);
        }
    }
    table
        .iter()
        .map(|col| weighted_median(&use_stake, col, &idx, minority, ZERO, stake_sum))
        .collect()
}

/// `A + ratio · (B − A)` per cell, through dense rows; keeps positive results in column order.
pub fn interpolate_sparse(a: &Sparse, b: &Sparse, columns: u16, ratio: I32F32) -> Sparse {
    if ratio == ZERO {
        return a.clone();
    }
    if ratio == crate::fixed::ONE {
        return b.clone();
    }
    if a.len() != b.len() {
        return b.clone();
    }
    let cols = usize::from(columns);
    let densify = |row: &[(u16, I32F32)]| {
        let mut d = vec![ZERO; cols];
        for &(j, v) in row {
            if let Some(c) = d.get_mut(usize::from(j)) {
                *c = v;
            }
        }
        d
    };
    a.iter()
        .zip(b.iter())
        .map(|(ra, rb)| {
            let da = densify(ra);
            let db = densify(rb);
            let mut out = Vec::new();
            for (j, (&x, &y)) in da.iter().zip(db.iter()).enumerate() {
                let v = x.saturating_add(ratio.saturating_mul(y.saturating_sub(x)));
                if v > ZERO {
                    out.push((j as u16, v));
                }
            }
            out
        })
        .collect()
}

/// Element-wise product; an overflowing product gives 0.
pub fn vec_mul(a: &[I32F32], b: &[I32F32]) -> Vec<I32F32> {
    a.iter()
        .zip(b.iter())
        .map(|(x, y)| x.checked_mul(*y).unwrap_or(ZERO))
        .collect()
}

/// `m_ij · v_j` (saturating), dropping zero products and columns beyond `v`.
pub fn mat_vec_mul_sparse(m: &Sparse, v: &[I32F32]) -> Sparse {
    m.iter()
        .map(|row| {
            row.iter()
                .filter_map(|&(j, x)| {
                    let y = v.get(usize::from(j))?;
                    let p = x.saturating_mul(*y);
                    (p != ZERO).then_some((j, p))
                })
                .collect()
        })
        .collect()
}

/// `min(max(v, low)…)`: upstream's `clamp_value` (min with high first, then max with low).
pub fn clamp_value(v: I32F32, low: I32F32, high: I32F32) -> I32F32 {
    v.min(high).max(low)
}

/// Sparse EMA with one alpha: dense accumulator per row (`alpha·new` first, then
/// `(1−alpha)·old`, saturating), positives kept in column order. Width = number of rows.
pub fn mat_ema_sparse(new: &Sparse, old: &Sparse, alpha: I32F32) -> Sparse {
    let n = new.len();
    if n == 0 {
        return Vec::new();
    }
    let one_minus = crate::fixed::ONE.saturating_sub(alpha);
    new.iter()
        .enumerate()
        .map(|(i, nrow)| {
            let mut acc = vec![ZERO; n];
            for &(j, v) in nrow {
                if let Some(c) = acc.get_mut(usize::from(j)) {
                    *c = c.saturating_add(alpha.saturating_mul(v));
                }
            }
            if let Some(orow) = old.get(i) {
                for &(j, v) in orow {
                    if let Some(c) = acc.get_mut(usize::from(j)) {
                        *c = c.saturating_add(one_minus.saturating_mul(v));
                    }
                }
            }
            acc.iter()
                .enumerate()
                .filter(|(_, v)| **v > ZERO)
                .map(|(j, v)| (j as u16, *v))
                .collect()
        })
        .collect()
}

/// Sparse EMA with a dense alpha per cell: only cells of `new` are emitted, capped at 1.
pub fn mat_ema_alpha_sparse(new: &Sparse, old: &Sparse, alpha: &[Vec<I32F32>]) -> Sparse {
    if new.len() != old.len() || new.len() != alpha.len() {
        return new.clone();
    }
    let one = crate::fixed::ONE;
    new.iter()
        .zip(old.iter())
        .zip(alpha.iter())
        .map(|((nrow, orow), arow)| {
            let mut decayed = vec![ZERO; arow.len()];
            for &(j, v) in orow {
                if let (Some(&a), Some(c)) =
                    (arow.get(usize::from(j)), decayed.get_mut(usize::from(j)))
                {
                    *c = one.saturating_sub(a).saturating_mul(v);
                }
            }
            let mut out = Vec::new();
            for &(j, v) in nrow {
                if let (Some(&a), Some(&d)) =
                    (arow.get(usize::from(j)), decayed.get(usize::from(j)))
                {
                    let inc = a.saturating_mul(v).max(ZERO);
                    let val = d.saturating_add(inc).min(one);
                    if val > ZERO {
                        out.push((j, val));
                    }
                }
            }
            out
        })
        .collect()
}
