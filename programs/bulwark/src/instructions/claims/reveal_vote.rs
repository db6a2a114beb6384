use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::VoteRevealed;
use crate::state::{Ballot, Claim, ClaimStatus, Config};
use anchor_lang::prelude::*;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct RevealVoteArgs {
    pub accept: bool,
    /// The salt the commitment was made with.
    pub salt: [u8; 32],
    /// Hash of the voter's reasoning (zero for none).
    pub reason_hash: [u8; 32],
    /// Where the reasoning can be read (empty for none).
    pub reason_uri: String,
}

#[derive(Accounts)]
pub struct RevealVote<'info> {
    /// The ballot's voter: only it reveals (with its reasoning), so nobody who sees the salt in
    /// a pending reveal can front-run it with other words.
    pub voter: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut)]
    pub claim: Box<Account<'info, Claim>>,
    /// Owner and discriminator prove it a ballot, `claim` that it is one of this claim's.
    #[account(
        mut,
        has_one = claim @ BulwarkError::WrongBallot,
        constraint = ballot.assessor == voter.key() @ BulwarkError::NotAssessorOwner,
    )]
    pub ballot: Box<Account<'info, Ballot>>,
}

impl RevealVote<'_> {
    /// Reveals a blind ballot in the claim's reveal window: the choice and salt must hash to
    /// its commitment; its weight (fixed at commit) then counts for that choice. Claims
    /// pauses stop the window's clock as they stop voting's.
    pub fn reveal_vote(ctx: Context<RevealVote>, args: RevealVoteArgs) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let accounts = ctx.accounts;
        accounts
            .config
            .require_not_paused(PAUSE_CLAIMS, BulwarkError::ClaimsPaused)?;
        require!(
            args.reason_uri.len() <= MAX_URI_LEN,
            BulwarkError::UriTooLong
        );
        require!(
            accounts.claim.status(&accounts.config, now)? == ClaimStatus::Reveal,
            BulwarkError::NotInRevealWindow
        );
        let ballot = &mut accounts.ballot;
        require!(!ballot.counted, BulwarkError::AlreadyRevealed);
        require!(
            Ballot::commitment_of(&ballot.claim, &ballot.assessor, args.accept, &args.salt)
                == ballot.commitment,
            BulwarkError::CommitmentMismatch
        );
        ballot.accept = args.accept;
        ballot.counted = true;
        ballot.reason_hash = args.reason_hash;
        ballot.reason_uri = args.reason_uri;
        accounts.claim.record_reveal(args.accept, ballot.weight)?;
        accounts.claim.invariant()?;
        emit!(VoteRevealed {
            claim: accounts.claim.key(),
            assessor: ballot.assessor,
            accept: args.accept,
            weight: ballot.weight,
            accept_weight: accounts.claim.accept_weight,
            deny_weight: accounts.claim.deny_weight,
            reason_hash: args.reason_hash,
        });
        Ok(())
    }
}
