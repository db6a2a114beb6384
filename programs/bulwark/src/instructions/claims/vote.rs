use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::VoteCast;
use crate::math::OrOverflow;
use crate::state::{Assessor, Ballot, Claim, Config};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct Vote<'info> {
    /// The assessor; pays the ballot's rent.
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    /// The signer's own. Owner, discriminator and `owner` prove it without re-deriving its
    /// address: a program-owned `Assessor` exists only at `["assessor", owner]`, created by
    /// `stake_assessor` for that owner.
    #[account(mut, has_one = owner @ BulwarkError::NotAssessorOwner)]
    pub assessor: Box<Account<'info, Assessor>>,
    /// Owner and discriminator suffice: a program-owned `Claim` exists only at its PDA.
    #[account(mut)]
    pub claim: Box<Account<'info, Claim>>,
    /// Created once per (claim, assessor); one that already holds a vote makes this one
    /// fail with `AlreadyVoted`.
    #[account(
        init_if_needed,
        payer = owner,
        space = Ballot::SPACE,
        seeds = [BALLOT_SEED, claim.key().as_ref(), owner.key().as_ref()],
        bump,
    )]
    pub ballot: Box<Account<'info, Ballot>>,
    pub system_program: Program<'info, System>,
}

impl Vote<'_> {
    fn validate(&self, accept: bool, now: i64) -> Result<()> {
        self.config
            .require_not_paused(PAUSE_CLAIMS, BulwarkError::ClaimsPaused)?;
        require!(self.ballot.version == 0, BulwarkError::AlreadyVoted);
        require!(
            self.claim.clock(&self.config, now)? < self.claim.voting_end,
            BulwarkError::VotingClosed
        );
        require_keys_neq!(
            self.owner.key(),
            self.claim.claimant,
            BulwarkError::ClaimantCannotVote
        );
        require!(self.assessor.staked > 0, BulwarkError::NoAssessorStake);
        require!(
            self.assessor.matured(now) > 0,
            BulwarkError::StakeNotMatured
        );
        require!(
            accept || self.claim.voters > 0,
            BulwarkError::FirstVoteMustAccept
        );
        Ok(())
    }

    /// An assessor votes on a claim with the weight of its stake of voting age (the ballot
    /// keeps it), which stays locked until the vote can no longer matter.
    pub fn vote(ctx: Context<Vote>, accept: bool) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        ctx.accounts.validate(accept, now)?;
        let accounts = ctx.accounts;
        let weight = accounts.assessor.matured(now);
        let claim_now = accounts.claim.clock(&accounts.config, now)?;
        accounts.claim.record_vote(accept, weight, claim_now)?;
        // Locked past the latest possible end of voting, the cooldown and the assessor lock,
        // in real time: the claim's clock is behind by the claims pauses since filing (a later
        // pause cannot free the stake early either: it stays while the ballot is open).
        let lock_until = accounts
            .claim
            .latest_voting_end
            .checked_add(now - claim_now)
            .and_then(|t| t.checked_add(i64::from(accounts.claim.cooldown)))
            .and_then(|t| t.checked_add(i64::from(accounts.config.params.assessor_lock)))
            .or_overflow()?;
        let assessor = &mut accounts.assessor;
        assessor.locked_until = assessor.locked_until.max(lock_until);
        assessor.votes = assessor.votes.saturating_add(1);
        assessor.open_ballots = assessor.open_ballots.checked_add(1).or_overflow()?;
        accounts.ballot.set_inner(Ballot {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.ballot,
            accept,
            claim: accounts.claim.key(),
            assessor: accounts.owner.key(),
            weight,
            reserved: [0; 16],
        });
        accounts.claim.invariant()?;
        accounts.assessor.invariant()?;
        emit!(VoteCast {
            claim: accounts.claim.key(),
            assessor: accounts.owner.key(),
            accept,
            weight,
            accept_weight: accounts.claim.accept_weight,
            deny_weight: accounts.claim.deny_weight,
            voting_end: accounts.claim.voting_end,
            assessor_locked_until: accounts.assessor.locked_until,
        });
        Ok(())
    }
}
