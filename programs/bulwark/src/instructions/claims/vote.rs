use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::VoteCast;
use crate::instructions::claims::cast::{check_cast, lock_for_ballot};
use crate::state::{Assessor, Ballot, Claim, Config, PanelMember};
use anchor_lang::prelude::*;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct VoteArgs {
    pub accept: bool,
    /// Hash of the voter's reasoning (zero for none).
    pub reason_hash: [u8; 32],
    /// Where the reasoning can be read (empty for none).
    pub reason_uri: String,
}

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
    /// The voter's seat on the panel of the claim's product (`["panel_member", product_id,
    /// owner]`): required on a panel claim, ignored otherwise (leave it out). Owner,
    /// discriminator and its product and member fields prove it: a program-owned
    /// `PanelMember` exists only at its PDA, created by `add_panel_member` with those fields.
    pub panel_member: Option<Box<Account<'info, PanelMember>>>,
    pub system_program: Program<'info, System>,
}

impl Vote<'_> {
    /// An assessor votes openly on a claim with the weight of its stake of voting age (one
    /// vote on a panel; the ballot keeps it), which stays locked until the vote can no longer
    /// matter. The first vote must accept; a blind claim takes `commit_vote` instead.
    pub fn vote(ctx: Context<Vote>, args: VoteArgs) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let accounts = ctx.accounts;
        require!(accounts.ballot.version == 0, BulwarkError::AlreadyVoted);
        require!(!accounts.claim.blind, BulwarkError::VoteMustBeCommitted);
        require!(
            args.reason_uri.len() <= MAX_URI_LEN,
            BulwarkError::UriTooLong
        );
        let cast = check_cast(
            &accounts.config,
            &accounts.claim,
            &accounts.assessor,
            accounts.panel_member.as_deref().map(|member| &**member),
            &accounts.owner.key(),
            now,
        )?;
        require!(
            args.accept || accounts.claim.voters > 0,
            BulwarkError::FirstVoteMustAccept
        );
        let claim_now = accounts.claim.clock(&accounts.config, now)?;
        accounts
            .claim
            .record_vote(args.accept, cast.weight, claim_now)?;
        lock_for_ballot(
            &mut accounts.assessor,
            &accounts.claim,
            &accounts.config,
            now,
        )?;
        accounts.ballot.set_inner(Ballot {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.ballot,
            accept: args.accept,
            counted: true,
            claim: accounts.claim.key(),
            assessor: accounts.owner.key(),
            weight: cast.weight,
            stake: cast.stake,
            commitment: [0; 32],
            reason_hash: args.reason_hash,
            reason_uri: args.reason_uri,
            reserved: [0; 16],
        });
        accounts.claim.invariant()?;
        accounts.assessor.invariant()?;
        emit!(VoteCast {
            claim: accounts.claim.key(),
            assessor: accounts.owner.key(),
            accept: args.accept,
            weight: cast.weight,
            accept_weight: accounts.claim.accept_weight,
            deny_weight: accounts.claim.deny_weight,
            voting_end: accounts.claim.voting_end,
            assessor_locked_until: accounts.assessor.locked_until,
            reason_hash: args.reason_hash,
        });
        Ok(())
    }
}
