//! Pure integer arithmetic of the protocol. Nothing here knows about accounts; every function
//! is checked and states which way it rounds.

pub mod shares;
pub mod tranche;

use crate::error::BulwarkError;
use anchor_lang::prelude::*;

/// `a * b / c`, rounded down, with a u128 intermediate.
pub fn mul_div_floor(a: u128, b: u128, c: u128) -> Result<u128> {
    a.checked_mul(b)
        .and_then(|p| p.checked_div(c))
        .ok_or_else(|| error!(BulwarkError::MathOverflow))
}

/// `a * b / c`, rounded up, with a u128 intermediate.
pub fn mul_div_ceil(a: u128, b: u128, c: u128) -> Result<u128> {
    let product = a
        .checked_mul(b)
        .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
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
    fn division_by_zero_and_overflow_are_errors() {
        assert!(mul_div_floor(1, 1, 0).is_err());
        assert!(mul_div_ceil(1, 1, 0).is_err());
        assert!(mul_div_floor(u128::MAX, 2, 1).is_err());
        assert!(to_u64(u128::from(u64::MAX) + 1).is_err());
        assert_eq!(to_u64(u128::from(u64::MAX)).unwrap(), u64::MAX);
    }
}
