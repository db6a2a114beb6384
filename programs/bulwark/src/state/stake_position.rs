use crate::constants::*;
use crate::error::BulwarkError;
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
    pub reserved: [u8; 64],
}

impl StakePosition {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    pub fn invariant(&self) -> Result<()> {
        require!(
            self.version == ACCOUNT_VERSION && self.shares > 0,
            BulwarkError::InvariantViolated
        );
        Ok(())
    }
}
