use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::RewardsClaimed;
use crate::instructions::pool_vault::{pool_tokens, PoolTokens};
use crate::math::tranche::tranche_end;
use crate::state::{Config, Pool, StakePosition};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct ClaimRewards<'info> {
    pub owner: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        mut,
        has_one = mint @ BulwarkError::WrongMint,
        has_one = vault @ BulwarkError::WrongVault,
        has_one = token_program @ BulwarkError::WrongTokenProgram,
    )]
    pub pool: AccountLoader<'info, Pool>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
    #[account(
        mut,
        has_one = owner @ BulwarkError::NotPositionOwner,
        constraint = position.pool == pool.key() @ BulwarkError::WrongPool,
    )]
    pub position: Box<Account<'info, StakePosition>>,
    #[account(
        mut,
        constraint = owner_token.mint == mint.key() @ BulwarkError::WrongMint,
        constraint = owner_token.owner == owner.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub owner_token: Box<InterfaceAccount<'info, TokenAccount>>,
}

pool_tokens!(ClaimRewards);

impl ClaimRewards<'_> {
    /// Pays a position the premium rewards it has earned so far. For a tranche that has
    /// ended, `withdraw_stake` pays the rewards together with the stake.
    pub fn claim_rewards(ctx: Context<ClaimRewards>) -> Result<()> {
        ctx.accounts
            .config
            .require_not_paused(PAUSE_WITHDRAW, BulwarkError::WithdrawalsPaused)?;
        let now = Clock::get()?.unix_timestamp;
        require!(
            now < tranche_end(ctx.accounts.position.tranche_id)?,
            BulwarkError::TrancheEnded
        );

        let accounts = ctx.accounts;
        let before = accounts.snapshot()?;
        let amount = {
            let mut pool = accounts.pool.load_mut()?;
            pool.roll_forward(now)?;
            let reward_per_share = pool.reward_per_share(accounts.position.tranche_id)?;
            accounts.position.settle(reward_per_share)?;
            let amount = std::mem::take(&mut accounts.position.rewards_owed);
            require!(amount > 0, BulwarkError::NothingToClaim);
            pool.pay_rewards(amount)?;
            amount
        };
        accounts.pay(accounts.owner_token.to_account_info(), amount)?;
        accounts.settle(&before)?;
        accounts.position.invariant()?;
        let pool = accounts.pool.load()?;
        emit!(RewardsClaimed {
            pool: accounts.pool.key(),
            position: accounts.position.key(),
            owner: accounts.owner.key(),
            amount,
            tranche_id: accounts.position.tranche_id,
            tranche_reward_per_share: accounts.position.reward_checkpoint,
            pool_rewards_reserved: pool.rewards_reserved,
        });
        Ok(())
    }
}
