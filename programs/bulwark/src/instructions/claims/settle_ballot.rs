use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::BallotSettled;
use crate::state::{Assessor, Ballot, Claim, Config, Pool};
use crate::token::{check_recipient_account, transfer_from_pool};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct SettleBallot<'info> {
    /// Anyone: the voter, or a crank settling it for the voter.
    pub caller: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        mut,
        has_one = deposit_pool @ BulwarkError::WrongPool,
        has_one = mint @ BulwarkError::WrongMint,
    )]
    pub claim: Box<Account<'info, Claim>>,
    /// Closed, its rent back to its voter: a ballot is settled once. Owner, discriminator and
    /// `claim` prove it (a program-owned `Ballot` exists only at `["ballot", claim, voter]`).
    #[account(mut, close = voter, has_one = claim @ BulwarkError::WrongBallot)]
    pub ballot: Box<Account<'info, Ballot>>,
    /// CHECK: only receives the ballot's rent; it is the ballot's voter.
    #[account(mut, address = ballot.assessor @ BulwarkError::WrongAssessor)]
    pub voter: UncheckedAccount<'info>,
    /// The voter's assessor account: one open ballot fewer.
    #[account(
        mut,
        constraint = assessor.owner == ballot.assessor @ BulwarkError::WrongAssessor,
    )]
    pub assessor: Box<Account<'info, Assessor>>,
    /// The claim's deposit pool: its books hold the claim's reserved reward.
    #[account(
        mut,
        has_one = vault @ BulwarkError::WrongVault,
        has_one = token_program @ BulwarkError::WrongTokenProgram,
    )]
    pub deposit_pool: AccountLoader<'info, Pool>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    /// The voter's account of the claim's mint: any of the voter's when the voter settles, its
    /// associated account when someone else does and a reward is paid.
    #[account(
        mut,
        constraint = voter_token.mint == mint.key() @ BulwarkError::WrongMint,
        constraint = voter_token.owner == ballot.assessor @ BulwarkError::WrongTokenOwner,
    )]
    pub voter_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl SettleBallot<'_> {
    /// Settles a ballot once the claim's outcome is final: a ballot on the rewarded side (the
    /// voters' outcome, quorum met, not overturned) gets its share of the reserved reward pro
    /// rata to weight; any other that is not slashable gets nothing. The last ballot settled
    /// gives what is left of the reservation (rounding, or all of it when nobody was rewarded)
    /// back to the deposit pool's assessment share.
    pub fn settle_ballot(ctx: Context<SettleBallot>) -> Result<()> {
        ctx.accounts
            .config
            .require_not_paused(PAUSE_WITHDRAW, BulwarkError::WithdrawalsPaused)?;
        let now = Clock::get()?.unix_timestamp;
        let accounts = ctx.accounts;
        accounts.claim.require_final(&accounts.config, now)?;
        require!(
            !accounts.claim.slashable(&accounts.ballot),
            BulwarkError::BallotSlashable
        );
        let reward = accounts.claim.reward_of(&accounts.ballot)?;
        if reward > 0 {
            check_recipient_account(
                &accounts.voter_token.key(),
                &accounts.ballot.assessor,
                &accounts.caller.key(),
                &accounts.mint.key(),
                &accounts.token_program.key(),
            )?;
        }
        let released = accounts.claim.settle_ballot(reward)?;
        let before = {
            let mut pool = accounts.deposit_pool.load_mut()?;
            let before = pool.snapshot(accounts.vault.amount)?;
            pool.pay_assessor_reward(reward)?;
            pool.release_assessor_reward(released)?;
            before
        };
        if reward > 0 {
            transfer_from_pool(
                &accounts.token_program,
                &accounts.deposit_pool,
                &accounts.vault,
                &accounts.mint,
                accounts.voter_token.to_account_info(),
                reward,
            )?;
            accounts.vault.reload()?;
        }
        {
            let pool = accounts.deposit_pool.load()?;
            pool.invariant()?;
            pool.check_vault(&before, accounts.vault.amount)?;
        }
        accounts.assessor.ballot_settled()?;
        accounts.assessor.invariant()?;
        accounts.claim.invariant()?;
        emit!(BallotSettled {
            claim: accounts.claim.key(),
            voter: accounts.ballot.assessor,
            accept: accounts.ballot.accept,
            weight: accounts.ballot.weight,
            reward,
            released,
            ballots_settled: accounts.claim.ballots_settled,
        });
        Ok(())
    }
}
