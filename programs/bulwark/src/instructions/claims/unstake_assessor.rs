use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::AssessorUnstaked;
use crate::state::{Assessor, Config};
use crate::token::transfer_out;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct UnstakeAssessor<'info> {
    pub owner: Signer<'info>,
    /// Writable: it keeps the total assessor stake.
    #[account(
        mut,
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = assessment_mint @ BulwarkError::WrongAssessmentAccount,
        has_one = assessment_vault @ BulwarkError::WrongAssessmentAccount,
    )]
    pub config: Box<Account<'info, Config>>,
    /// The signer's own: its seeds bind the owner (the account's `owner` field says the same).
    #[account(
        mut,
        seeds = [ASSESSOR_SEED, owner.key().as_ref()],
        bump = assessor.bump,
    )]
    pub assessor: Box<Account<'info, Assessor>>,
    pub assessment_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub assessment_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        constraint = owner_token.mint == assessment_mint.key() @ BulwarkError::WrongMint,
        constraint = owner_token.owner == owner.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub owner_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl UnstakeAssessor<'_> {
    /// Withdraws assessment stake once no vote it cast can still matter and every ballot it
    /// cast has been settled (rewarded, slashed or neither).
    pub fn unstake_assessor(ctx: Context<UnstakeAssessor>, amount: u64) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let accounts = ctx.accounts;
        accounts
            .config
            .require_not_paused(PAUSE_WITHDRAW, BulwarkError::WithdrawalsPaused)?;
        require!(amount > 0, BulwarkError::ZeroAmount);
        require!(
            now >= accounts.assessor.locked_until,
            BulwarkError::AssessorLocked
        );
        require!(
            accounts.assessor.open_ballots == 0,
            BulwarkError::AssessorHasOpenBallots
        );
        accounts.assessor.remove_stake(amount)?;
        accounts.config.remove_assessor_stake(amount)?;
        transfer_out(
            &accounts.token_program,
            &accounts.assessment_vault,
            &accounts.assessment_mint,
            accounts.owner_token.to_account_info(),
            accounts.config.to_account_info(),
            &[CONFIG_SEED, &[accounts.config.bump]],
            amount,
        )?;
        accounts.assessor.invariant()?;
        emit!(AssessorUnstaked {
            assessor: accounts.assessor.key(),
            owner: accounts.owner.key(),
            amount,
            staked: accounts.assessor.staked,
            total_assessor_stake: accounts.config.total_assessor_stake,
        });
        Ok(())
    }
}
