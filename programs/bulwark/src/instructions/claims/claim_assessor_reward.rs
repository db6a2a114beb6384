use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::AssessorRewarded;
use crate::math::OrOverflow;
use crate::math::{mul_div_floor, to_u64};
use crate::state::{Ballot, Claim, ClaimStatus, Config};
use crate::token::transfer_out;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct ClaimAssessorReward<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        has_one = mint @ BulwarkError::WrongMint,
    )]
    pub claim: Box<Account<'info, Claim>>,
    /// Closed once rewarded (rent back to the assessor), which is what makes a second reward
    /// impossible; voting on the claim is over by then, so the ballot cannot be created again.
    #[account(
        mut,
        close = owner,
        seeds = [BALLOT_SEED, claim.key().as_ref(), owner.key().as_ref()],
        bump = ballot.bump,
    )]
    pub ballot: Box<Account<'info, Ballot>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    /// The claim mint's reward pot, at the bump the claim stores.
    #[account(
        mut,
        seeds = [REWARD_POT_SEED, mint.key().as_ref()],
        bump = claim.reward_pot_bump,
    )]
    pub reward_pot: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        constraint = owner_token.mint == mint.key() @ BulwarkError::WrongMint,
        constraint = owner_token.owner == owner.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub owner_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl ClaimAssessorReward<'_> {
    /// Pays an assessor its share of a claim's assessor reward, pro rata to its vote's weight
    /// whichever side it voted, once the outcome is final.
    pub fn claim_assessor_reward(ctx: Context<ClaimAssessorReward>) -> Result<()> {
        ctx.accounts
            .config
            .require_not_paused(PAUSE_WITHDRAW, BulwarkError::WithdrawalsPaused)?;
        let now = Clock::get()?.unix_timestamp;
        let accounts = ctx.accounts;
        let claim = &accounts.claim;
        require!(
            matches!(claim.status(now)?, ClaimStatus::Final { .. }),
            BulwarkError::OutcomeNotFinal
        );
        let total_weight = claim
            .accept_weight
            .checked_add(claim.deny_weight)
            .or_overflow()?;
        let amount = to_u64(mul_div_floor(
            u128::from(claim.assessor_reward),
            u128::from(accounts.ballot.weight),
            u128::from(total_weight),
        )?)?;
        require!(amount > 0, BulwarkError::NothingToClaim);
        require!(
            accounts.reward_pot.amount >= amount,
            BulwarkError::RewardPotShort
        );
        transfer_out(
            &accounts.token_program,
            &accounts.reward_pot,
            &accounts.mint,
            accounts.owner_token.to_account_info(),
            accounts.config.to_account_info(),
            &[CONFIG_SEED, &[accounts.config.bump]],
            amount,
        )?;
        emit!(AssessorRewarded {
            claim: accounts.claim.key(),
            assessor: accounts.owner.key(),
            amount,
        });
        Ok(())
    }
}
