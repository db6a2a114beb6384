//! Shares in basis points: one type for every part of a whole the protocol takes or pays (premium
//! shares, fees, the distributor's commission, claim deposits and assessor rewards, the capital
//! requirement), so the bound and the rounding are written once.
//!
//! Accounts and instruction arguments keep their `u16` (the IDL and the layouts do not change);
//! the handler turns it into a [`Bps`] where it uses it. Ratios above 1x (the capacity ratio) are
//! multipliers, not shares, and stay plain bps in `capacity`.

use super::{checked_mul_u128, divide, mul_div_floor, to_u64, OrOverflow};
use crate::constants::BPS;
use crate::error::broken;
use anchor_lang::prelude::*;

/// A share of a whole, in basis points: at most `BPS` (100%).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bps(u16);

impl Bps {
    /// `bps` as a share, or `None` above 100%.
    pub const fn new(bps: u16) -> Option<Self> {
        if bps as u64 <= BPS {
            Some(Self(bps))
        } else {
            None
        }
    }

    /// A share an account stores or a validated argument carries: every bound the program
    /// enforces on them is at most 100%, so one above it is a broken invariant.
    pub fn of_valid(bps: u16) -> Result<Self> {
        Self::new(bps).ok_or_else(|| broken!("a share is at most 10,000 bps"))
    }

    /// This share of `value`, rounded down: what the protocol pays or a fee it keeps.
    pub fn floor_of(self, value: u64) -> Result<u64> {
        self.share_of(value, false)
    }

    /// This share of `value`, rounded up: what the protocol requires.
    pub fn ceil_of(self, value: u64) -> Result<u64> {
        self.share_of(value, true)
    }

    /// The most whose share is at most `part`: `part × 100% ÷ share`, rounded down, saturating
    /// at `u64::MAX`; a zero share counts as one basis point.
    pub fn whole_floor(self, part: u64) -> u64 {
        mul_div_floor(u128::from(part), u128::from(BPS), u128::from(self.0.max(1)))
            .map_or(u64::MAX, |whole| u64::try_from(whole).unwrap_or(u64::MAX))
    }

    /// `value × share ÷ 100%` (never above `value`), rounded as asked.
    fn share_of(self, value: u64, round_up: bool) -> Result<u64> {
        let share = checked_mul_u128(u128::from(value), u128::from(self.0))
            .and_then(|scaled| divide(scaled, u128::from(BPS), round_up))
            .or_overflow()?;
        to_u64(share)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_is_at_most_the_whole() {
        assert_eq!(Bps::new(10_000), Some(Bps(10_000)));
        assert_eq!(Bps::new(10_001), None);
        assert!(Bps::of_valid(10_001).is_err());
        assert_eq!(Bps::of_valid(2_500).unwrap(), Bps(2_500));
    }

    #[test]
    fn shares_round_the_way_they_say() {
        let third = Bps::new(3_333).unwrap();
        assert_eq!(third.floor_of(100).unwrap(), 33);
        assert_eq!(third.ceil_of(100).unwrap(), 34);
        assert_eq!(third.floor_of(10_000).unwrap(), 3_333);
        assert_eq!(third.ceil_of(10_000).unwrap(), 3_333);
        let full = Bps::new(10_000).unwrap();
        assert_eq!(full.floor_of(u64::MAX).unwrap(), u64::MAX);
        assert_eq!(full.ceil_of(u64::MAX).unwrap(), u64::MAX);
        assert_eq!(Bps::default().floor_of(u64::MAX).unwrap(), 0);
    }

    #[test]
    fn the_whole_of_a_part_rounds_down_and_saturates() {
        let half = Bps::new(5_000).unwrap();
        assert_eq!(half.whole_floor(7), 14);
        assert_eq!(Bps::new(3_000).unwrap().whole_floor(1), 3);
        assert_eq!(half.whole_floor(u64::MAX), u64::MAX);
        assert_eq!(Bps::default().whole_floor(1), 10_000);
    }
}
