use crate::constants::*;
use crate::error::{require_invariant, BulwarkError};
use anchor_lang::prelude::*;

/// Governance's parameters for one mint: amounts that only make sense in that mint's units.
/// Its existence lists the mint: pools can only be created on a mint governance has listed, so
/// every cover sold can be claimed on with a deposit sized for its mint.
#[account]
#[derive(InitSpace, Debug)]
pub struct MintParams {
    pub version: u8,
    pub bump: u8,
    pub mint: Pubkey,
    /// Smallest claim deposit, in base units of the mint (1 USDC is 1,000,000 on a 6-decimal
    /// mint; a 9-decimal mint needs 1,000 times more for the same value).
    pub claim_min_deposit: u64,
    pub reserved: [u8; 64],
}

impl MintParams {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    pub fn invariant(&self) -> Result<()> {
        require_invariant!(
            self.version == ACCOUNT_VERSION && self.mint != Pubkey::default(),
            "mint parameters have the current version and a mint"
        );
        require!(
            self.claim_min_deposit > 0,
            BulwarkError::InvalidClaimDeposit
        );
        Ok(())
    }
}
