//! Capacity: how much cover a tranche's stake can back for one product.

use super::{mul_div_floor, to_u64};
use crate::constants::{BPS, MAX_PRODUCT_WEIGHT};
use anchor_lang::prelude::*;

/// Cover that `stake` can back for a product with `weight` (0..=100) at `ratio_bps`
/// (20,000 = 2x), rounded down.
pub fn tranche_capacity(stake: u64, ratio_bps: u32, weight: u16) -> Result<u64> {
    let weighted = mul_div_floor(
        u128::from(stake),
        u128::from(ratio_bps) * u128::from(weight),
        u128::from(BPS) * u128::from(MAX_PRODUCT_WEIGHT),
    )?;
    to_u64(weighted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_x_stake_at_full_weight() {
        assert_eq!(tranche_capacity(1_000, 20_000, 100).unwrap(), 2_000);
        assert_eq!(tranche_capacity(1_000, 20_000, 50).unwrap(), 1_000);
        assert_eq!(tranche_capacity(1_000, 20_000, 0).unwrap(), 0);
        assert_eq!(tranche_capacity(999, 10_000, 33).unwrap(), 329);
        assert!(tranche_capacity(u64::MAX, 100_000, 100).is_err());
    }
}
