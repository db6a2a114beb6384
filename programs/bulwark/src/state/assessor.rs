use crate::constants::*;
use crate::error::require_invariant;
use anchor_lang::prelude::*;

/// An assessor's stake in the assessment mint: its voting weight.
#[account]
#[derive(InitSpace, Debug)]
pub struct Assessor {
    pub version: u8,
    pub bump: u8,
    pub owner: Pubkey,
    /// Assessment-mint base units staked (held by the assessment vault).
    pub staked: u64,
    /// The stake cannot be withdrawn before this time: every vote it cast must have stopped
    /// mattering (voting over, cooldown over, plus the assessor lock).
    pub locked_until: i64,
    /// Votes cast, for information.
    pub votes: u64,
    pub reserved: [u8; 32],
}

impl Assessor {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    pub fn invariant(&self) -> Result<()> {
        require_invariant!(
            self.version == ACCOUNT_VERSION && self.owner != Pubkey::default(),
            "an assessor has the current version and an owner"
        );
        Ok(())
    }
}

/// One assessor's vote on one claim. Its PDA (`["ballot", claim, assessor]`) can be created
/// once, which is what makes a second vote impossible.
#[account]
#[derive(InitSpace, Debug)]
pub struct Ballot {
    pub version: u8,
    pub bump: u8,
    pub accept: bool,
    pub claim: Pubkey,
    pub assessor: Pubkey,
    /// The assessor's stake when voting.
    pub weight: u64,
    pub reserved: [u8; 16],
}

impl Ballot {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}
