//! Runtime dispatch of the lane kernels: the portable form everywhere, and on x86_64 with `std`
//! the same code compiled for AVX2 and for AVX-512, picked by what the CPU reports.
//!
//! This module holds the crate's only `unsafe`: calls of `#[target_feature]` functions. Each is
//! sound by the same argument, stated at each call: the function is called only when
//! [`resolve`] chose its form, and `resolve` chooses a form only after
//! `is_x86_feature_detected!` reported every feature that function enables, on this CPU; the
//! function's body is the safe portable kernel (no intrinsics, no pointer arithmetic), so
//! enabling the features changes which instructions compile it, not what it computes.
//!
//! `--cfg yuma_kernels="portable"` (or `"scalar"`) caps what `Auto` picks, so CI can run the
//! whole suite through each form on one host.
#![allow(unsafe_code)]

use super::rows::RowScratch;
use super::{Kernels, LaneDivisors};
use crate::sparse::{Csr, Slots};
use crate::EpochInput;
use substrate_fixed::types::I32F32;

/// The form `k` runs as on this CPU and build.
pub fn resolve(k: Kernels) -> Kernels {
    let best = best();
    let rank = |k: Kernels| match k {
        Kernels::Scalar => 0,
        Kernels::Portable => 1,
        Kernels::Avx2 => 2,
        Kernels::Avx512 | Kernels::Auto => 3,
    };
    match k {
        Kernels::Auto => best,
        Kernels::Scalar => Kernels::Scalar,
        k if rank(k) <= rank(best) => k,
        _ => best,
    }
}

/// The best form available (cached after the first call).
fn best() -> Kernels {
    if cfg!(yuma_kernels = "scalar") {
        return Kernels::Scalar;
    }
    if cfg!(yuma_kernels = "portable") {
        return Kernels::Portable;
    }
    x86::best()
}

#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod x86 {
    extern crate std;
    use super::Kernels;
    use std::sync::atomic::{AtomicU8, Ordering};

    static BEST: AtomicU8 = AtomicU8::new(0);

    pub(super) fn best() -> Kernels {
        let code = match BEST.load(Ordering::Relaxed) {
            0 => {
                let c = if std::is_x86_feature_detected!("avx512f")
                    && std::is_x86_feature_detected!("avx512vl")
                    && std::is_x86_feature_detected!("avx512dq")
                    && std::is_x86_feature_detected!("avx2")
                {
                    3
                } else if std::is_x86_feature_detected!("avx2") {
                    2
                } else {
                    1
                };
                BEST.store(c, Ordering::Relaxed);
                c
            }
            c => c,
        };
        match code {
            3 => Kernels::Avx512,
            2 => Kernels::Avx2,
            _ => Kernels::Portable,
        }
    }
}

#[cfg(not(all(feature = "std", target_arch = "x86_64")))]
mod x86 {
    use super::Kernels;
    pub(super) fn best() -> Kernels {
        Kernels::Portable
    }
}

/// Declares a kernel's dispatching entry point: the portable body, its AVX2 and AVX-512
/// recompilations (x86_64 with `std`), and the `match` on the resolved form.
macro_rules! kernel {
    ($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? => $body:path) => {
        $(#[$doc])*
        #[allow(clippy::too_many_arguments)]
        pub(crate) fn $name(form: Kernels, $($arg: $ty),*) $(-> $ret)? {
            #[cfg(all(feature = "std", target_arch = "x86_64"))]
            {
                #[target_feature(enable = "avx2")]
                #[allow(clippy::too_many_arguments)]
                unsafe fn avx2($($arg: $ty),*) $(-> $ret)? {
                    $body($($arg),*)
                }
                #[target_feature(enable = "avx512f,avx512vl,avx512dq,avx2")]
                #[allow(clippy::too_many_arguments)]
                unsafe fn avx512($($arg: $ty),*) $(-> $ret)? {
                    $body($($arg),*)
                }
                match form {
                    // SAFETY: `form` came from `resolve`, which returns `Avx512` only after
                    // `is_x86_feature_detected!` saw avx512f, avx512vl, avx512dq and avx2 (the
                    // features `avx512` enables); its body is the safe portable kernel.
                    Kernels::Avx512 => return unsafe { avx512($($arg),*) },
                    // SAFETY: as above, with avx2 detected before `resolve` returns `Avx2`.
                    Kernels::Avx2 => return unsafe { avx2($($arg),*) },
                    _ => {}
                }
            }
            let _ = form;
            $body($($arg),*)
        }
    };
}

kernel! {
    /// [`super::yuma2::ema_pass`] in the resolved form.
    yuma2_ema(
        dense: &mut [u64],
        n: usize,
        active: &[u32],
        bonds: &[alloc::vec::Vec<(u16, u16)>],
        live: &[u64],
        new: &LaneDivisors,
        old: &LaneDivisors,
        alpha: u64,
        one_minus: u64,
        sums: &mut [u64],
        spread: &mut [u64],
    ) => super::yuma2::ema_pass
}

kernel! {
    /// [`super::yuma2::colnorm_pass`] in the resolved form.
    yuma2_colnorm(
        dense: &mut [u64],
        n: usize,
        ema: &LaneDivisors,
        incentive: &[u64],
        maxes: &mut [u64],
        dividends: &mut [u64],
    ) => super::yuma2::colnorm_pass
}

kernel! {
    /// [`super::yuma2::upscale_pass`] in the resolved form.
    yuma2_upscale(dense: &mut [u64], n: usize, maxes: &LaneDivisors) => super::yuma2::upscale_pass
}

kernel! {
    /// [`super::rows::masked_rows`] in the resolved form.
    masked_rows(
        input: &EpochInput,
        last_update: &[u64],
        out: &mut Slots<'_>,
        s: &mut RowScratch,
    ) => super::rows::masked_rows
}

kernel! {
    /// [`super::rows::clip_rows`] in the resolved form.
    clip_rows(
        weights: &Csr,
        consensus: &[u64],
        active_stake: &[u64],
        clipped: &mut Slots<'_>,
        trust: &mut alloc::vec::Vec<I32F32>,
        s: &mut RowScratch,
    ) => super::rows::clip_rows
}
