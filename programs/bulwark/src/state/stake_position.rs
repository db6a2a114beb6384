use crate::constants::*;
use crate::error::BulwarkError;
use crate::state::pool::reward_between;
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
    /// Tokens deposited (moved and topped up) into the tranche: the position's reward weight.
    pub reward_weight: u64,
    /// Pool accumulator at the last settlement; rewards accrue from here.
    pub reward_checkpoint: u128,
    /// Rewards settled and not yet paid.
    pub rewards_owed: u64,
    pub reserved: [u8; 64],
}

impl StakePosition {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// Moves rewards earned up to accumulator `acc` into `rewards_owed` and checkpoints at
    /// `acc`, so the weight can change afterwards. Reads the pool state after it was rolled
    /// forward, never a stale copy.
    pub fn settle(&mut self, acc: u128) -> Result<()> {
        let earned = reward_between(self.reward_weight, self.reward_checkpoint, acc)?;
        self.rewards_owed = self
            .rewards_owed
            .checked_add(earned)
            .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
        self.reward_checkpoint = acc;
        Ok(())
    }

    pub fn invariant(&self) -> Result<()> {
        require!(
            self.version == ACCOUNT_VERSION && self.shares > 0,
            BulwarkError::InvariantViolated
        );
        Ok(())
    }
}
