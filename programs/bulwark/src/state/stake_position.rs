use crate::constants::*;
use crate::error::require_invariant;
use crate::math::OrOverflow;
use crate::math::{mul_div_floor, to_u64};
use anchor_lang::prelude::*;

/// A staker's shares in one tranche of one pool. A staker may hold any number of positions,
/// told apart by a client-chosen `position_id`.
#[account]
#[derive(InitSpace, Debug)]
pub struct StakePosition {
    pub version: u8,
    pub bump: u8,
    pub pool: Pubkey,
    /// The only signer that may extend or withdraw the position; receives the withdrawal.
    pub owner: Pubkey,
    pub position_id: u64,
    /// Tranche the stake is locked in until the tranche ends.
    pub tranche_id: u64,
    /// Shares of that tranche.
    pub shares: u128,
    /// The tranche's reward per share (`TrancheSlot::reward_per_share`) at the last
    /// settlement; rewards accrue from here.
    pub reward_checkpoint: u128,
    /// Rewards settled and not yet paid.
    pub rewards_owed: u64,
    pub reserved: [u8; 64],
}

impl StakePosition {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// Moves the rewards its shares earned up to the tranche's reward per share
    /// `reward_per_share` into `rewards_owed` (rounded down) and checkpoints there, so the
    /// shares can change afterwards. Reads the pool after it was rolled forward and the
    /// tranche settled, never a stale copy.
    pub fn settle(&mut self, reward_per_share: u128) -> Result<()> {
        let earned = to_u64(mul_div_floor(
            self.shares,
            reward_per_share.wrapping_sub(self.reward_checkpoint),
            REWARD_SCALE,
        )?)?;
        self.rewards_owed = self.rewards_owed.checked_add(earned).or_overflow()?;
        self.reward_checkpoint = reward_per_share;
        Ok(())
    }

    pub fn invariant(&self) -> Result<()> {
        require_invariant!(
            self.version == ACCOUNT_VERSION && self.shares > 0,
            "an open position has the current version and holds shares"
        );
        Ok(())
    }
}
