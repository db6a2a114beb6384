//! Capacity: how much cover a pool's stake can back for one product.
//!
//! Allocations are kept in **backing units**: the stake an allocation occupies, `amount ÷ the
//! capacity ratio it was sold at` (rounded up). A product with weight `w` may occupy
//! `stake × w / 100` of a tranche's stake. Kept in stake units, the books stay true when
//! governance changes the ratio: what was sold keeps the stake it was sold against, and only
//! new sales use the new ratio.
//!
//! Functions taking or returning a u128 are `#[inline(always)]` (see `math`), but for the two
//! called in loops over tranches.

use super::{checked_mul_u128, div_ceil_u64, div_rem_u64};
use crate::constants::{BPS, MAX_PRODUCT_WEIGHT};
use crate::error::BulwarkError;
use anchor_lang::prelude::*;

/// `a × b`, exact, in a u128: a native 64-bit multiply when the product fits (almost always:
/// amounts times bps or weights), else the program's SBF-safe `checked_mul_u128`, which two
/// u64 factors cannot overflow.
#[inline(always)]
pub fn mul_wide(a: u64, b: u64) -> u128 {
    match a.checked_mul(b) {
        Some(product) => u128::from(product),
        None => checked_mul_u128(u128::from(a), u128::from(b)).unwrap_or(u128::MAX),
    }
}

/// Stake occupied by `amount` of cover sold at `ratio_bps` (20,000 = 2x), rounded up (against
/// the buyer). Never above `amount`: the ratio is at least 1x.
#[inline(always)]
pub fn backing_for(amount: u64, ratio_bps: u32) -> Result<u64> {
    require!(
        u64::from(ratio_bps) >= BPS,
        BulwarkError::InvalidCapacityRatio
    );
    let scaled = mul_wide(amount, BPS);
    Ok(div_ceil_u64(scaled, u64::from(ratio_bps))? as u64)
}

/// Cover that `backing` stake units buy at `ratio_bps`, rounded down; saturates at `u64::MAX`
/// (a very large pool offers the most a purchase can ask, it never fails to offer).
#[inline(always)]
pub fn cover_for_backing(backing: u64, ratio_bps: u32) -> u64 {
    let scaled = mul_wide(backing, u64::from(ratio_bps));
    saturate(div_rem_u64(scaled, BPS))
}

/// The highest ratio (bps, between 1x and `max_ratio_bps`) at which `amount` of cover needs
/// at most `line` of leverage — `amount − amount ÷ ratio ≤ line` — rounded down: 1x without a
/// line, `max_ratio_bps` when the line covers what that ratio needs.
#[inline(always)]
pub fn leverage_ratio(amount: u64, line: u64, max_ratio_bps: u32) -> u32 {
    if line == 0 {
        return BPS as u32;
    }
    match amount.checked_sub(line) {
        Some(backing) if backing > 0 => {
            let ratio = saturate(div_rem_u64(mul_wide(amount, BPS), backing));
            ratio.clamp(BPS, u64::from(max_ratio_bps)) as u32
        }
        _ => max_ratio_bps,
    }
}

/// `stake × weight` — the stake a product of `weight` (0..=100) may occupy, scaled by 100 so
/// capacity walks compare with multiplications only.
#[inline(always)]
pub fn weighted_stake_x100(stake: u64, weight: u16) -> u128 {
    mul_wide(stake, u64::from(weight))
}

/// Backing units scaled like [`weighted_stake_x100`].
#[inline(always)]
pub fn backing_x100(backing: u64) -> u128 {
    mul_wide(backing, u64::from(MAX_PRODUCT_WEIGHT))
}

/// A scaled (×100) amount of stake back in backing units, rounded down.
#[inline(always)]
pub fn unscale_x100(scaled: u128) -> u64 {
    saturate(div_rem_u64(scaled, u64::from(MAX_PRODUCT_WEIGHT)))
}

/// Weight (percent, rounded up) that `backing` occupies of `stake`; 100 when it occupies all of
/// it or there is no stake under it, 0 without backing.
///
/// `#[inline(never)]`, like [`excess_x100`]: called in a loop over tranches, inlined u128
/// arithmetic is vectorized by LLVM into `<4 x i128>` operations that the registry-only SBF
/// toolchain cannot lower.
#[inline(never)]
pub fn weight_used(backing: u64, stake: u64) -> u16 {
    if backing == 0 {
        return 0;
    }
    if backing >= stake {
        return MAX_PRODUCT_WEIGHT;
    }
    // backing < stake, so the result is below 100.
    let scaled = mul_wide(backing, u64::from(MAX_PRODUCT_WEIGHT));
    div_ceil_u64(scaled, stake).map_or(MAX_PRODUCT_WEIGHT, |used| used as u16)
}

/// `max(0, 100 × backing − weight × stake)`: how far `backing` exceeds what a product of
/// `weight` may occupy of `stake`, scaled by 100. (`#[inline(never)]`: see [`weight_used`].)
#[inline(never)]
pub fn excess_x100(backing: u64, stake: u64, weight: u16) -> u128 {
    let hundred = u64::from(MAX_PRODUCT_WEIGHT);
    match (
        backing.checked_mul(hundred),
        stake.checked_mul(u64::from(weight)),
    ) {
        (Some(backing), Some(allowed)) => u128::from(backing.saturating_sub(allowed)),
        _ => backing_x100(backing).saturating_sub(weighted_stake_x100(stake, weight)),
    }
}

/// A quotient narrowed to a u64, saturating (the divisors here are constants or checked
/// non-zero, so the division itself never fails).
#[inline(always)]
fn saturate(quotient: Option<(u128, u64)>) -> u64 {
    quotient.map_or(u64::MAX, |(q, _)| u64::try_from(q).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backing_rounds_against_the_buyer_and_converts_back() {
        assert_eq!(backing_for(2_000, 20_000).unwrap(), 1_000);
        assert_eq!(backing_for(2_001, 20_000).unwrap(), 1_001);
        assert_eq!(backing_for(1, 100_000).unwrap(), 1);
        assert_eq!(backing_for(u64::MAX, 10_000).unwrap(), u64::MAX);
        assert!(backing_for(1, 9_999).is_err());
        assert_eq!(cover_for_backing(1_000, 20_000), 2_000);
        assert_eq!(cover_for_backing(999, 15_000), 1_498);
        assert_eq!(cover_for_backing(u64::MAX, 100_000), u64::MAX);
        // What the free backing buys never needs more backing than is free.
        for backing in [0u64, 1, 7, 999, 1_000_003] {
            for ratio in [10_000u32, 15_000, 20_000, 33_333, 100_000] {
                let cover = cover_for_backing(backing, ratio);
                assert!(backing_for(cover, ratio).unwrap() <= backing);
            }
        }
    }

    #[test]
    fn leverage_ratio_fits_the_line() {
        assert_eq!(leverage_ratio(1_000, 0, 20_000), 10_000);
        assert_eq!(leverage_ratio(1_000, 500, 20_000), 20_000);
        assert_eq!(leverage_ratio(1_000, 900, 20_000), 20_000);
        assert_eq!(leverage_ratio(1_000, 1_000, 20_000), 20_000);
        assert_eq!(leverage_ratio(1_000, 250, 20_000), 13_333);
        assert_eq!(leverage_ratio(3, 1, 20_000), 15_000);
        // The backing at that ratio leaves at most the line as leverage.
        for (amount, line) in [(1_000u64, 250u64), (7, 1), (1_000_003, 17), (999, 498)] {
            let ratio = leverage_ratio(amount, line, 20_000);
            let backing = backing_for(amount, ratio).unwrap();
            assert!(amount - backing <= line, "{amount} {line} {ratio}");
        }
    }

    #[test]
    fn weight_used_rounds_up_and_caps_at_100() {
        assert_eq!(weight_used(0, 0), 0);
        assert_eq!(weight_used(1, 0), 100);
        assert_eq!(weight_used(500, 1_000), 50);
        assert_eq!(weight_used(501, 1_000), 51);
        assert_eq!(weight_used(1_000, 1_000), 100);
        assert_eq!(weight_used(5_000, 1_000), 100);
        assert_eq!(weight_used(u64::MAX / 200, u64::MAX), 1);
        assert_eq!(excess_x100(10, 20, 50), 0);
        assert_eq!(excess_x100(11, 20, 50), 100);
        assert_eq!(excess_x100(u64::MAX, 0, 100), u128::from(u64::MAX) * 100);
        assert_eq!(unscale_x100(weighted_stake_x100(999, 33)), 329);
        assert_eq!(unscale_x100(weighted_stake_x100(u64::MAX, 100)), u64::MAX);
    }
}
