//! What `vote` and `commit_vote` share: who may cast a ballot on a claim, with what weight,
//! and the lock it puts on the voter's stake.

use crate::constants::*;
use crate::error::BulwarkError;
use crate::math::OrOverflow;
use crate::state::{Assessor, Claim, Config, PanelMember};
use anchor_lang::prelude::*;

/// A ballot's weight (its vote) and stake (what a slash takes its share of).
pub struct Cast {
    pub weight: u64,
    pub stake: u64,
}

/// Checks that `owner` may cast a ballot on `claim` at `now` and returns its weight: claims are
/// not paused, voting is open on the claim's clock, the voter is not the claimant and has stake
/// of voting age; on a panel claim the voter is a member of the product's panel since before
/// the claim was filed (and not removed before), and votes once (weight 1) with its stake
/// behind the vote.
pub fn check_cast(
    config: &Config,
    claim: &Claim,
    assessor: &Assessor,
    panel_member: Option<&PanelMember>,
    owner: &Pubkey,
    now: i64,
) -> Result<Cast> {
    config.require_not_paused(PAUSE_CLAIMS, BulwarkError::ClaimsPaused)?;
    require!(
        claim.clock(config, now)? < claim.voting_end,
        BulwarkError::VotingClosed
    );
    require_keys_neq!(*owner, claim.claimant, BulwarkError::ClaimantCannotVote);
    require!(assessor.staked > 0, BulwarkError::NoAssessorStake);
    let stake = assessor.matured(now);
    require!(stake > 0, BulwarkError::StakeNotMatured);
    if !claim.panel {
        return Ok(Cast {
            weight: stake,
            stake,
        });
    }
    let member = panel_member.ok_or(BulwarkError::NotPanelMember)?;
    require!(
        member.product_id == claim.product_id
            && member.member == *owner
            && member.seated_for(claim.filed_at),
        BulwarkError::NotPanelMember
    );
    Ok(Cast { weight: 1, stake })
}

/// Locks the voter's stake past the latest end of the claim's voting, its reveal window, the
/// cooldown and the assessor lock, in real time (the claim's clock is behind by the claims
/// pauses since filing; a later pause cannot free the stake early either: it stays while the
/// ballot is open), and counts the ballot open.
pub fn lock_for_ballot(
    assessor: &mut Assessor,
    claim: &Claim,
    config: &Config,
    now: i64,
) -> Result<()> {
    let behind = now.checked_sub(claim.clock(config, now)?).or_overflow()?;
    let lock_until = claim
        .latest_voting_end
        .checked_add(behind)
        .and_then(|t| t.checked_add(i64::from(claim.reveal_period)))
        .and_then(|t| t.checked_add(i64::from(claim.cooldown)))
        .and_then(|t| t.checked_add(i64::from(config.params.assessor_lock)))
        .or_overflow()?;
    assessor.locked_until = assessor.locked_until.max(lock_until);
    assessor.votes = assessor.votes.saturating_add(1);
    assessor.open_ballots = assessor.open_ballots.checked_add(1).or_overflow()?;
    Ok(())
}
