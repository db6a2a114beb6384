use crate::constants::*;
use crate::error::{broken, require_invariant, BulwarkError};
use crate::math::{add, OrOverflow};
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
    /// The part of `staked` not yet of voting age: the last top-up and those before it that
    /// had not matured by then.
    pub pending: u64,
    /// When `pending` reaches voting age (the config's `assessor_stake_age` after the last
    /// top-up).
    pub pending_matures_at: i64,
    /// The stake cannot be withdrawn before this time: every vote it cast must have stopped
    /// mattering (voting over, cooldown over, plus the assessor lock).
    pub locked_until: i64,
    /// Votes cast, for information.
    pub votes: u64,
    /// Ballots cast and not settled yet: while any is open the stake cannot leave, so a
    /// slash for an overturned outcome always finds it.
    pub open_ballots: u32,
    pub reserved: [u8; 12],
}

impl Assessor {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// Stake that counts as voting weight at `now`: all of it once the pending part matured.
    pub fn matured(&self, now: i64) -> u64 {
        if now >= self.pending_matures_at {
            self.staked
        } else {
            self.staked.saturating_sub(self.pending)
        }
    }

    /// Adds `amount` of stake at `now`: stake that matured stays matured, the rest (with
    /// `amount`) matures `age` seconds from now, and stays locked until then, so stake that
    /// raises the quorum of claims filed meanwhile cannot leave before it could vote.
    pub fn add_stake(&mut self, amount: u64, now: i64, age: u32) -> Result<()> {
        let pending = if now >= self.pending_matures_at {
            0
        } else {
            self.pending
        };
        self.pending = add(pending, amount)?;
        self.pending_matures_at = now.checked_add(i64::from(age)).or_overflow()?;
        self.locked_until = self.locked_until.max(self.pending_matures_at);
        self.staked = add(self.staked, amount)?;
        Ok(())
    }

    /// Records that one of its ballots was settled (rewarded, slashed or neither) and closed.
    pub fn ballot_settled(&mut self) -> Result<()> {
        self.open_ballots = self
            .open_ballots
            .checked_sub(1)
            .ok_or_else(|| broken!("an assessor's open ballots count each ballot it cast"))?;
        Ok(())
    }

    /// Removes `amount` of stake, the pending part first.
    pub fn remove_stake(&mut self, amount: u64) -> Result<()> {
        self.staked = self
            .staked
            .checked_sub(amount)
            .ok_or_else(|| error!(BulwarkError::UnstakeAboveStake))?;
        self.pending = self.pending.saturating_sub(amount);
        Ok(())
    }

    pub fn invariant(&self) -> Result<()> {
        require_invariant!(
            self.version == ACCOUNT_VERSION
                && self.owner != Pubkey::default()
                && self.pending <= self.staked,
            "an assessor has the current version, an owner and pending stake at most its stake"
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
    /// The choice; meaningful once `counted`.
    pub accept: bool,
    /// The ballot's weight is in the claim's tallies: at once for an open vote, at its reveal
    /// for a blind one (an unrevealed blind ballot counts for nothing and earns nothing).
    pub counted: bool,
    pub claim: Pubkey,
    pub assessor: Pubkey,
    /// Vote weight: the assessor's stake of voting age when voting (committing), or 1 on a
    /// panel.
    pub weight: u64,
    /// The assessor's stake of voting age when voting: what a slash takes its share of.
    pub stake: u64,
    /// A blind ballot's `sha256(claim ‖ assessor ‖ choice ‖ salt)` (zero for an open vote).
    pub commitment: [u8; 32],
    /// Hash of the voter's reasoning, and where it can be read (optional).
    pub reason_hash: [u8; 32],
    #[max_len(MAX_URI_LEN)]
    pub reason_uri: String,
    pub reserved: [u8; 16],
}

impl Ballot {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// The commitment of a blind ballot of `assessor` on `claim` for `accept`, hidden by
    /// `salt`: `sha256(claim ‖ assessor ‖ [accept] ‖ salt)`.
    pub fn commitment_of(
        claim: &Pubkey,
        assessor: &Pubkey,
        accept: bool,
        salt: &[u8; 32],
    ) -> [u8; 32] {
        solana_sha256_hasher::hashv(&[claim.as_ref(), assessor.as_ref(), &[u8::from(accept)], salt])
            .to_bytes()
    }
}
