//! Pure integer arithmetic of the protocol. Nothing here knows about accounts; every function
//! is checked and states which way it rounds.
//!
//! Functions taking several u128 arguments are `#[inline(always)]`: SBF passes at most five
//! arguments in registers (a u128 takes two), and the registry-only SBF toolchain cannot
//! spill the rest to the stack.

pub mod bps;
pub mod buckets;
pub mod capacity;
pub mod pricing;
pub mod shares;
pub mod tranche;

use crate::error::{broken, BulwarkError};
use anchor_lang::prelude::*;

/// `a * b`, or `None` on overflow.
///
/// Written with 64-bit halves instead of `u128::checked_mul`: the registry-only SBF toolchain
/// has no lowering for LLVM's 128-bit overflow-checked multiply intrinsic. Every product below
/// is of two values under 2^64, so it cannot overflow a u128 and needs no check.
#[inline(always)]
pub fn checked_mul_u128(a: u128, b: u128) -> Option<u128> {
    const LOW: u128 = u64::MAX as u128;
    let (a_hi, a_lo) = (a >> 64, a & LOW);
    let (b_hi, b_lo) = (b >> 64, b & LOW);
    if a_hi != 0 && b_hi != 0 {
        return None;
    }
    let low = a_lo.wrapping_mul(b_lo);
    let cross = if a_hi != 0 {
        a_hi.wrapping_mul(b_lo)
    } else {
        b_hi.wrapping_mul(a_lo)
    };
    if cross > LOW {
        return None;
    }
    low.checked_add(cross << 64)
}

/// `(u1 · 2^64 + u0) / v` and its remainder, for `u1 < v` (so the quotient fits a u64): long
/// division in 32-bit digits with the divisor normalized, each quotient digit estimated from
/// the top digits and corrected at most twice (Knuth's algorithm D; Hacker's Delight `divlu`).
/// Every operation is a native 64-bit one; no product below can overflow (each is checked by
/// the conditions before it), the wrapping steps compute values known to fit.
#[inline(always)]
fn div_long(u1: u64, u0: u64, v: u64) -> (u64, u64) {
    const DIGIT: u64 = 1 << 32;
    const LOW: u64 = DIGIT - 1;
    let shift = v.leading_zeros();
    let v = v << shift;
    let (v1, v0) = (v >> 32, v & LOW);
    let u32_ = if shift == 0 {
        u1
    } else {
        (u1 << shift) | (u0 >> (64 - shift))
    };
    let u10 = u0 << shift;
    let (u_1, u_0) = (u10 >> 32, u10 & LOW);
    let digit = |high: u64, next: u64| {
        let mut q = high / v1;
        let mut rem = high - q * v1;
        while q >= DIGIT || q * v0 > rem * DIGIT + next {
            q -= 1;
            rem += v1;
            if rem >= DIGIT {
                break;
            }
        }
        q
    };
    let q1 = digit(u32_, u_1);
    let u21 = u32_
        .wrapping_mul(DIGIT)
        .wrapping_add(u_1)
        .wrapping_sub(q1.wrapping_mul(v));
    let q0 = digit(u21, u_0);
    let rem = u21
        .wrapping_mul(DIGIT)
        .wrapping_add(u_0)
        .wrapping_sub(q0.wrapping_mul(v));
    (q1 * DIGIT + q0, rem >> shift)
}

/// `n / d` and `n % d` for a u64 divisor with native 64-bit steps only (one division when `n`
/// fits a u64), where a u128 division would be a slow software loop on SBF. `None` for
/// `d == 0`.
#[inline(always)]
pub fn div_rem_u64(n: u128, d: u64) -> Option<(u128, u64)> {
    if d == 0 {
        return None;
    }
    if let Ok(n) = u64::try_from(n) {
        return Some((u128::from(n / d), n % d));
    }
    let (high, low) = ((n >> 64) as u64, n as u64);
    let (q_high, rem_high) = (high / d, high % d);
    let (q_low, rem) = div_long(rem_high, low, d);
    Some(((u128::from(q_high) << 64) | u128::from(q_low), rem))
}

/// `n / d` and `n % d`, the fastest way the operands allow (native 64-bit steps for a u64
/// divisor). `None` for `d == 0`.
#[inline(always)]
pub fn div_rem(n: u128, d: u128) -> Option<(u128, u128)> {
    if let Ok(d) = u64::try_from(d) {
        let (q, rem) = div_rem_u64(n, d)?;
        return Some((q, u128::from(rem)));
    }
    Some((n.checked_div(d)?, n.checked_rem(d)?))
}

/// `n / d` rounded down (`round_up`: up). `None` for `d == 0`.
#[inline(always)]
fn divide(n: u128, d: u128, round_up: bool) -> Option<u128> {
    let (q, rem) = div_rem(n, d)?;
    Some(q + u128::from(round_up && rem != 0))
}

/// `a * b / c`, rounded down, with a u128 intermediate.
#[inline(always)]
pub fn mul_div_floor(a: u128, b: u128, c: u128) -> Result<u128> {
    checked_mul_u128(a, b)
        .and_then(|p| divide(p, c, false))
        .or_overflow()
}

/// `a * b / c`, rounded up, with a u128 intermediate.
#[inline(always)]
pub fn mul_div_ceil(a: u128, b: u128, c: u128) -> Result<u128> {
    checked_mul_u128(a, b)
        .and_then(|p| divide(p, c, true))
        .or_overflow()
}

/// `n / d` rounded up, for a u64 divisor (see [`div_rem_u64`]).
#[inline(always)]
pub fn div_ceil_u64(n: u128, d: u64) -> Result<u128> {
    let (q, rem) = div_rem_u64(n, d).or_overflow()?;
    Ok(q + u128::from(rem != 0))
}

/// `MathOverflow` for a checked operation that found no value: `checked_add(x).or_overflow()?`,
/// `u64::try_from(v).or_overflow()?`. The error names the caller's file and line, as `error!`
/// at that line would; it is built only on failure.
pub trait OrOverflow<T> {
    fn or_overflow(self) -> Result<T>;
}

impl<T> OrOverflow<T> for Option<T> {
    #[inline(always)]
    #[track_caller]
    fn or_overflow(self) -> Result<T> {
        match self {
            Some(value) => Ok(value),
            None => Err(overflow(std::panic::Location::caller())),
        }
    }
}

impl<T, E> OrOverflow<T> for std::result::Result<T, E> {
    #[inline(always)]
    #[track_caller]
    fn or_overflow(self) -> Result<T> {
        match self {
            Ok(value) => Ok(value),
            Err(_) => Err(overflow(std::panic::Location::caller())),
        }
    }
}

#[cold]
fn overflow(at: &'static std::panic::Location<'static>) -> Error {
    Error::from(BulwarkError::MathOverflow).with_source(anchor_lang::error::Source {
        filename: at.file(),
        line: at.line(),
    })
}

/// `a + b` on the books: overflow fails with `MathOverflow`.
pub fn add(a: u64, b: u64) -> Result<u64> {
    a.checked_add(b).or_overflow()
}

/// `a − b` on the books, where `b ≤ a` always holds: a shortfall is a broken invariant.
pub fn sub(a: u64, b: u64) -> Result<u64> {
    a.checked_sub(b)
        .ok_or_else(|| broken!("a book entry is at least what is taken out of it"))
}

/// Narrows a u128 to a u64, failing instead of truncating.
pub fn to_u64(value: u128) -> Result<u64> {
    u64::try_from(value).or_overflow()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overflow_names_the_line_it_happened_on() {
        let line = line!() + 1;
        let error = u64::MAX.checked_add(1).or_overflow().unwrap_err();
        assert_eq!(error, error!(BulwarkError::MathOverflow));
        let Error::AnchorError(error) = error else {
            panic!("an Anchor error");
        };
        let Some(anchor_lang::error::ErrorOrigin::Source(source)) = error.error_origin else {
            panic!("a source location");
        };
        assert!(
            source.filename.ends_with("math/mod.rs"),
            "{}",
            source.filename
        );
        assert_eq!(source.line, line);
        assert_eq!(u64::try_from(7u128).or_overflow().unwrap(), 7);
        assert!(u8::try_from(256u32).or_overflow().is_err());
    }

    #[test]
    fn floor_and_ceil_round_opposite_ways() {
        assert_eq!(mul_div_floor(10, 3, 4).unwrap(), 7);
        assert_eq!(mul_div_ceil(10, 3, 4).unwrap(), 8);
        assert_eq!(mul_div_ceil(12, 3, 4).unwrap(), 9);
        assert_eq!(mul_div_floor(12, 3, 4).unwrap(), 9);
    }

    #[test]
    fn checked_mul_matches_the_standard_library() {
        let samples = [
            0u128,
            1,
            u64::MAX as u128,
            u64::MAX as u128 + 1,
            1 << 100,
            u128::MAX,
            12_345_678_901_234_567_890_123,
        ];
        for a in samples {
            for b in samples {
                assert_eq!(checked_mul_u128(a, b), a.checked_mul(b), "{a} * {b}");
            }
        }
    }

    #[test]
    fn every_division_path_matches_the_standard_library() {
        let samples = [
            0u128,
            1,
            7,
            u32::MAX as u128,
            u32::MAX as u128 + 1,
            u64::MAX as u128,
            u64::MAX as u128 + 3,
            1 << 100,
            u128::MAX,
            98_765_432_109_876_543_210_987,
        ];
        for n in samples {
            for d in samples.iter().copied().filter(|d| *d > 0) {
                assert_eq!(divide(n, d, false), Some(n / d), "{n} / {d}");
                assert_eq!(divide(n, d, true), Some(n.div_ceil(d)), "{n} / {d} up");
                assert_eq!(div_rem(n, d), Some((n / d, n % d)), "{n} % {d}");
                if let Ok(small) = u64::try_from(d) {
                    let (q, r) = div_rem_u64(n, small).unwrap();
                    assert_eq!((q, u128::from(r)), (n / d, n % d), "{n} / {d}");
                }
            }
            assert_eq!(divide(n, 0, false), None);
        }
    }

    #[test]
    fn division_by_zero_and_overflow_are_errors() {
        assert!(mul_div_floor(1, 1, 0).is_err());
        assert!(mul_div_ceil(1, 1, 0).is_err());
        assert!(mul_div_floor(u128::MAX, 2, 1).is_err());
        assert!(to_u64(u128::from(u64::MAX) + 1).is_err());
        assert_eq!(to_u64(u128::from(u64::MAX)).unwrap(), u64::MAX);
    }
}
