//! Cover pricing: annual prices in bps, a bumped price that decays back to the target, and
//! premiums rounded up.

use super::bps::Bps;
use super::{div_ceil_u64, mul_div_ceil, mul_div_floor, to_u64};
use crate::constants::{BPS, SECONDS_PER_DAY, SECONDS_PER_YEAR};
use crate::error::{broken, BulwarkError};
use crate::math::OrOverflow;
use anchor_lang::prelude::*;

/// Price the next buyer pays (annual bps): the bumped price decayed by `decay_bps_per_day`
/// for the time since it was set, never below the target price nor the product's minimum.
/// Decay is rounded down (the price stays a little higher), in the protocol's favour.
pub fn current_price(
    target_price_bps: u16,
    bumped_price_bps: u16,
    bumped_at: i64,
    now: i64,
    decay_bps_per_day: u16,
    min_price_bps: u16,
    fixed_price: bool,
) -> Result<u64> {
    let floor = u64::from(target_price_bps.max(min_price_bps));
    if fixed_price {
        return Ok(floor);
    }
    let elapsed = u128::try_from(now.saturating_sub(bumped_at).max(0)).or_overflow()?;
    let decay = mul_div_floor(
        elapsed,
        u128::from(decay_bps_per_day),
        SECONDS_PER_DAY as u128,
    )?;
    let decayed = u128::from(bumped_price_bps).saturating_sub(decay);
    Ok(floor.max(to_u64(decayed)?))
}

/// Premium for covering `amount` for `period` seconds at `price_bps` a year, rounded up:
/// `⌈amount × price × period ÷ (BPS × one year)⌉`, computed as `⌈⌈x ÷ year⌉ ÷ BPS⌉` (equal for
/// positive divisors), so both divisors fit a u64 and the divisions stay native on SBF.
pub fn premium(amount: u64, price_bps: u64, period: u32) -> Result<u64> {
    let annual = super::checked_mul_u128(u128::from(amount), u128::from(price_bps))
        .and_then(|a| super::checked_mul_u128(a, u128::from(period)))
        .or_overflow()?;
    let per_year = div_ceil_u64(annual, SECONDS_PER_YEAR)?;
    to_u64(div_ceil_u64(per_year, BPS)?)
}

/// Price after a purchase of `amount` out of `capacity`: `price + bump_bps × amount /
/// capacity`, the bump rounded up, capped at 100% a year (u16 range of the stored price).
pub fn bumped_price(price_bps: u64, amount: u64, capacity: u64, bump_bps: u16) -> Result<u16> {
    if capacity == 0 {
        return err!(BulwarkError::InsufficientCapacity);
    }
    let bump = to_u64(mul_div_ceil(
        u128::from(amount),
        u128::from(bump_bps),
        u128::from(capacity),
    )?)?;
    let price = price_bps.saturating_add(bump).min(BPS);
    u16::try_from(price).or_overflow()
}

/// One pool's premium, split (SPEC §4.4): the stakers' rewards (their share less the pool
/// manager's fee), the manager's fee, the assessors' and the treasury's shares, and the capital
/// pool's, which is the remainder, so rounding never loses a unit: the parts sum to the premium.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PremiumSplit {
    pub staker_rewards: u64,
    pub manager_fee: u64,
    pub assessment: u64,
    pub treasury: u64,
    pub capital: u64,
}

/// Splits `premium` by the protocol's shares (of the whole premium, summing to at most 100%)
/// and the pool's manager fee (a share of the stakers' share); each share is rounded down.
pub fn split_premium(
    premium: u64,
    staker_share: Bps,
    assessment_share: Bps,
    protocol_fee: Bps,
    manager_fee: Bps,
) -> Result<PremiumSplit> {
    let staker_share = staker_share.floor_of(premium)?;
    let assessment = assessment_share.floor_of(premium)?;
    let treasury = protocol_fee.floor_of(premium)?;
    let capital = premium
        .checked_sub(staker_share)
        .and_then(|rest| rest.checked_sub(assessment))
        .and_then(|rest| rest.checked_sub(treasury))
        .ok_or_else(|| broken!("the protocol's premium shares sum to at most the premium"))?;
    let manager_fee = manager_fee.floor_of(staker_share)?;
    let staker_rewards = staker_share
        .checked_sub(manager_fee)
        .ok_or_else(|| broken!("the manager fee is at most the stakers' share"))?;
    Ok(PremiumSplit {
        staker_rewards,
        manager_fee,
        assessment,
        treasury,
        capital,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The split's shares, in bps.
    fn split_bps(premium: u64, shares: [u16; 4]) -> Result<PremiumSplit> {
        let [staker, assessment, protocol, manager] = shares.map(|bps| Bps::new(bps).unwrap());
        split_premium(premium, staker, assessment, protocol, manager)
    }

    #[test]
    fn a_split_sums_to_the_premium_and_the_capital_pool_takes_the_rounding() {
        // 50% stakers, 10% assessors, 5% treasury; a 10% manager fee of the stakers' half.
        let split = split_bps(1_001, [5_000, 1_000, 500, 1_000]).unwrap();
        assert_eq!(
            split,
            PremiumSplit {
                staker_rewards: 450,
                manager_fee: 50,
                assessment: 100,
                treasury: 50,
                capital: 351,
            }
        );
        let parts = [
            split.staker_rewards,
            split.manager_fee,
            split.assessment,
            split.treasury,
            split.capital,
        ];
        assert_eq!(parts.iter().sum::<u64>(), 1_001);
        // Nothing to split, nothing to anyone.
        assert_eq!(
            split_bps(0, [5_000, 1_000, 500, 1_000]).unwrap(),
            PremiumSplit::default()
        );
        // Shares above the whole premium cannot be paid.
        assert!(split_bps(1_000, [9_000, 1_000, 500, 0]).is_err());
    }

    const DAY: i64 = SECONDS_PER_DAY;

    #[test]
    fn decay_runs_two_percent_a_day_down_to_the_target() {
        // Bumped to 10%, target 2.5%, decay 2%/day.
        assert_eq!(
            current_price(250, 1_000, 0, 0, 200, 100, false).unwrap(),
            1_000
        );
        assert_eq!(
            current_price(250, 1_000, 0, DAY, 200, 100, false).unwrap(),
            800
        );
        assert_eq!(
            current_price(250, 1_000, 0, DAY / 2, 200, 100, false).unwrap(),
            900
        );
        assert_eq!(
            current_price(250, 1_000, 0, 4 * DAY, 200, 100, false).unwrap(),
            250
        );
        assert_eq!(
            current_price(250, 1_000, 0, 400 * DAY, 200, 100, false).unwrap(),
            250
        );
    }

    #[test]
    fn min_price_and_fixed_price() {
        assert_eq!(current_price(50, 50, 0, 0, 200, 100, false).unwrap(), 100);
        assert_eq!(
            current_price(300, 5_000, 0, 0, 200, 100, true).unwrap(),
            300
        );
    }

    #[test]
    fn premium_is_annualised_and_rounded_up() {
        // 1,000,000 units for a year at 2.5%: exactly 25,000.
        assert_eq!(
            premium(1_000_000, 250, SECONDS_PER_YEAR as u32).unwrap(),
            25_000
        );
        // Half a year.
        assert_eq!(
            premium(1_000_000, 250, (SECONDS_PER_YEAR / 2) as u32).unwrap(),
            12_500
        );
        // One unit for a day at 1%: a tiny fraction, rounded up to 1.
        assert_eq!(premium(1, 100, DAY as u32).unwrap(), 1);
    }

    #[test]
    fn bump_is_proportional_to_capacity_used() {
        // Buying all capacity bumps by the full 5%.
        assert_eq!(bumped_price(250, 100, 100, 500).unwrap(), 750);
        assert_eq!(bumped_price(250, 10, 100, 500).unwrap(), 300);
        // Rounded up.
        assert_eq!(bumped_price(250, 1, 1_000_000, 500).unwrap(), 251);
        assert_eq!(bumped_price(9_900, 100, 100, 500).unwrap(), 10_000);
        assert!(bumped_price(250, 1, 0, 500).is_err());
    }
}
