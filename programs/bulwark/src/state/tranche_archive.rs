use crate::constants::*;
use crate::error::{broken, require_invariant};
use crate::math::shares::assets_for_shares;
use anchor_lang::prelude::*;

/// The frozen totals of an ended tranche, moved out of the pool's eight-slot ring so the slot
/// can serve a new tranche. Withdrawals of the tranche's positions are paid from these totals.
/// Closed (rent back to `rent_payer`) when its last share is withdrawn.
#[account]
#[derive(InitSpace, Debug)]
pub struct TrancheArchive {
    pub version: u8,
    pub bump: u8,
    pub pool: Pubkey,
    pub tranche_id: u64,
    /// Tranche stake when archived; with `shares_at_end` it fixes the redemption price.
    pub stake_at_end: u64,
    pub shares_at_end: u128,
    /// Stake not yet withdrawn.
    pub stake_remaining: u64,
    /// Shares not yet withdrawn.
    pub shares_remaining: u128,
    /// The tranche's final reward per share: its positions earn up to this value.
    pub reward_per_share: u128,
    /// Who paid the rent of this account, refunded when it closes.
    pub rent_payer: Pubkey,
    pub reserved: [u8; 32],
}

impl TrancheArchive {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// Pays out `shares` at the archived price and returns the amount owed.
    pub fn redeem(&mut self, shares: u128) -> Result<u64> {
        let amount = assets_for_shares(shares, self.stake_at_end, self.shares_at_end)?;
        self.shares_remaining = self
            .shares_remaining
            .checked_sub(shares)
            .ok_or_else(|| broken!("a withdrawal takes at most the archive's remaining shares"))?;
        self.stake_remaining = self
            .stake_remaining
            .checked_sub(amount)
            .ok_or_else(|| broken!("a withdrawal takes at most the archive's remaining stake"))?;
        Ok(amount)
    }

    pub fn invariant(&self) -> Result<()> {
        require_invariant!(
            self.version == ACCOUNT_VERSION
                && self.stake_remaining <= self.stake_at_end
                && self.shares_remaining <= self.shares_at_end,
            "an archive has the current version and what remains is at most its frozen totals"
        );
        Ok(())
    }
}
