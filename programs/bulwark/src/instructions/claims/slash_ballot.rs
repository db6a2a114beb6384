use crate::constants::*;
use crate::error::{require_invariant, BulwarkError};
use crate::events::BallotSlashed;
use crate::math::bps::Bps;
use crate::state::{Assessor, Ballot, Claim, Config};
use crate::token::transfer_out;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct SlashBallot<'info> {
    /// Anyone: slashing needs no one's consent.
    pub caller: Signer<'info>,
    /// Writable: it keeps the total assessor stake.
    #[account(
        mut,
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = assessment_mint @ BulwarkError::WrongAssessmentAccount,
        has_one = assessment_vault @ BulwarkError::WrongAssessmentAccount,
    )]
    pub config: Box<Account<'info, Config>>,
    #[account(mut)]
    pub claim: Box<Account<'info, Claim>>,
    /// Closed, its rent back to its voter: a ballot is settled once.
    #[account(mut, close = voter, has_one = claim @ BulwarkError::WrongBallot)]
    pub ballot: Box<Account<'info, Ballot>>,
    /// CHECK: only receives the ballot's rent; it is the ballot's voter.
    #[account(mut, address = ballot.assessor @ BulwarkError::WrongAssessor)]
    pub voter: UncheckedAccount<'info>,
    /// The voter's assessor account: its stake loses the slash, one open ballot fewer.
    #[account(
        mut,
        constraint = assessor.owner == ballot.assessor @ BulwarkError::WrongAssessor,
    )]
    pub assessor: Box<Account<'info, Assessor>>,
    #[account(mint::token_program = token_program)]
    pub assessment_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub assessment_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The treasury's account of the assessment mint: receives the slashed stake.
    #[account(
        mut,
        constraint = treasury_token.mint == assessment_mint.key() @ BulwarkError::WrongMint,
        constraint = treasury_token.owner == config.treasury @ BulwarkError::WrongTreasuryAccount,
    )]
    pub treasury_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl SlashBallot<'_> {
    /// Slashes a ballot that voted for the outcome governance overturned, once the claim is
    /// final: the claim's `slash_bps` of the ballot's stake (its weight, but on a panel, where
    /// each vote weighs 1; at most what the assessor still stakes) moves from the assessment vault to the treasury's assessment-mint account.
    pub fn slash_ballot(ctx: Context<SlashBallot>) -> Result<()> {
        ctx.accounts
            .config
            .require_not_paused(PAUSE_WITHDRAW, BulwarkError::WithdrawalsPaused)?;
        let now = Clock::get()?.unix_timestamp;
        let accounts = ctx.accounts;
        accounts.claim.require_final(&accounts.config, now)?;
        require!(
            accounts.claim.slashable(&accounts.ballot),
            BulwarkError::BallotNotSlashable
        );
        let slashed = Bps::of_valid(accounts.claim.slash_bps)?
            .floor_of(accounts.ballot.stake)?
            .min(accounts.assessor.staked);
        let released = accounts.claim.settle_ballot(0)?;
        require_invariant!(
            released == 0,
            "an overturned claim released its reward when it was overturned"
        );
        let assessor = &mut accounts.assessor;
        assessor.remove_stake(slashed)?;
        assessor.ballot_settled()?;
        accounts.config.remove_assessor_stake(slashed)?;
        if slashed > 0 {
            transfer_out(
                &accounts.token_program,
                &accounts.assessment_vault,
                &accounts.assessment_mint,
                accounts.treasury_token.to_account_info(),
                accounts.config.to_account_info(),
                &[CONFIG_SEED, &[accounts.config.bump]],
                slashed,
            )?;
            accounts.assessment_vault.reload()?;
        }
        require_invariant!(
            accounts.assessment_vault.amount >= accounts.config.total_assessor_stake,
            "the assessment vault holds at least all assessor stake"
        );
        accounts.assessor.invariant()?;
        accounts.claim.invariant()?;
        emit!(BallotSlashed {
            claim: accounts.claim.key(),
            voter: accounts.ballot.assessor,
            weight: accounts.ballot.weight,
            slashed,
            staked: accounts.assessor.staked,
            total_assessor_stake: accounts.config.total_assessor_stake,
            ballots_settled: accounts.claim.ballots_settled,
        });
        Ok(())
    }
}
