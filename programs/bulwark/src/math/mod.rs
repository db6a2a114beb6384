//! Pure integer arithmetic of the protocol. Nothing here knows about accounts; every function
//! is checked and states which way it rounds.
//!
//! Functions taking several u128 arguments are `#[inline(always)]`: SBF passes at most five
//! arguments in registers (a u128 takes two), and the registry-only SBF toolchain cannot
//! spill the rest to the stack.

pub mod buckets;
pub mod capacity;
pub mod pricing;
pub mod shares;
pub mod tranche;

use crate::error::BulwarkError;
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

/// `a * b / c`, rounded down, with a u128 intermediate.
#[inline(always)]
pub fn mul_div_floor(a: u128, b: u128, c: u128) -> Result<u128> {
    checked_mul_u128(a, b)
        .and_then(|p| p.checked_div(c))
        .ok_or_else(|| error!(BulwarkError::MathOverflow))
}

/// `a * b / c`, rounded up, with a u128 intermediate.
#[inline(always)]
pub fn mul_div_ceil(a: u128, b: u128, c: u128) -> Result<u128> {
    let product = checked_mul_u128(a, b).ok_or_else(|| error!(BulwarkError::MathOverflow))?;
    if c == 0 {
        return err!(BulwarkError::MathOverflow);
    }
    Ok(product.div_ceil(c))
}

/// Narrows a u128 to a u64, failing instead of truncating.
pub fn to_u64(value: u128) -> Result<u64> {
    u64::try_from(value).map_err(|_| error!(BulwarkError::MathOverflow))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn division_by_zero_and_overflow_are_errors() {
        assert!(mul_div_floor(1, 1, 0).is_err());
        assert!(mul_div_ceil(1, 1, 0).is_err());
        assert!(mul_div_floor(u128::MAX, 2, 1).is_err());
        assert!(to_u64(u128::from(u64::MAX) + 1).is_err());
        assert_eq!(to_u64(u128::from(u64::MAX)).unwrap(), u64::MAX);
    }
}
