use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::VoteCommitted;
use crate::instructions::claims::cast::{check_cast, lock_for_ballot};
use crate::state::{Assessor, Ballot, Claim, Config, PanelMember};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct CommitVote<'info> {
    /// The assessor; pays the ballot's rent.
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    /// The signer's own (see `vote`).
    #[account(mut, has_one = owner @ BulwarkError::NotAssessorOwner)]
    pub assessor: Box<Account<'info, Assessor>>,
    #[account(mut)]
    pub claim: Box<Account<'info, Claim>>,
    /// Created once per (claim, assessor): a second commitment fails with `AlreadyVoted`.
    #[account(
        init_if_needed,
        payer = owner,
        space = Ballot::SPACE,
        seeds = [BALLOT_SEED, claim.key().as_ref(), owner.key().as_ref()],
        bump,
    )]
    pub ballot: Box<Account<'info, Ballot>>,
    /// The voter's seat on the panel of the claim's product (`["panel_member", product_id,
    /// owner]`): required on a panel claim, ignored otherwise (leave it out). Owner,
    /// discriminator and its product and member fields prove it: a program-owned
    /// `PanelMember` exists only at its PDA, created by `add_panel_member` with those fields.
    pub panel_member: Option<Box<Account<'info, PanelMember>>>,
    pub system_program: Program<'info, System>,
}

impl CommitVote<'_> {
    /// An assessor commits a blind ballot on a claim: `commitment` is
    /// `sha256(claim ‖ assessor ‖ [accept] ‖ salt)` (`Ballot::commitment_of`), its weight is
    /// its stake of voting age now (one vote on a panel). Nobody sees the choice until it is
    /// revealed (`reveal_vote`) in the reveal window after voting; a ballot never revealed
    /// counts for nothing and earns nothing. No silent ending and no first-vote rule: there
    /// is no visible lead to answer. The stake is locked as for a vote.
    pub fn commit_vote(ctx: Context<CommitVote>, commitment: [u8; 32]) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let accounts = ctx.accounts;
        require!(accounts.ballot.version == 0, BulwarkError::AlreadyVoted);
        require!(accounts.claim.blind, BulwarkError::ClaimNotBlind);
        let cast = check_cast(
            &accounts.config,
            &accounts.claim,
            &accounts.assessor,
            accounts.panel_member.as_deref().map(|member| &**member),
            &accounts.owner.key(),
            now,
        )?;
        accounts.claim.record_commit()?;
        lock_for_ballot(
            &mut accounts.assessor,
            &accounts.claim,
            &accounts.config,
            now,
        )?;
        accounts.ballot.set_inner(Ballot {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.ballot,
            accept: false,
            counted: false,
            claim: accounts.claim.key(),
            assessor: accounts.owner.key(),
            weight: cast.weight,
            stake: cast.stake,
            commitment,
            reason_hash: [0; 32],
            reason_uri: String::new(),
            reserved: [0; 16],
        });
        accounts.claim.invariant()?;
        accounts.assessor.invariant()?;
        emit!(VoteCommitted {
            claim: accounts.claim.key(),
            assessor: accounts.owner.key(),
            weight: cast.weight,
            commitment,
            voters: accounts.claim.voters,
            reveal_from: accounts.claim.voting_end,
            assessor_locked_until: accounts.assessor.locked_until,
        });
        Ok(())
    }
}
