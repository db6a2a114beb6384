use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::RewardsClaimed;
use crate::instructions::pool_vault::*;
use crate::math::tranche::tranche_end;
use crate::state::{Config, StakePosition};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenAccount;

#[derive(Accounts)]
pub struct ClaimRewards<'info> {
    pub owner: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    pub pool_vault: PoolVault<'info>,
    #[account(
        mut,
        seeds = [
            POSITION_SEED,
            pool_vault.pool.key().as_ref(),
            owner.key().as_ref(),
            &position.position_id.to_le_bytes(),
        ],
        bump = position.bump,
        has_one = owner @ BulwarkError::NotPositionOwner,
        constraint = position.pool == pool_vault.pool.key() @ BulwarkError::WrongPool,
    )]
    pub position: Box<Account<'info, StakePosition>>,
    #[account(
        mut,
        constraint = owner_token.mint == pool_vault.pool.load()?.mint @ BulwarkError::WrongMint,
        constraint = owner_token.owner == owner.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub owner_token: Box<InterfaceAccount<'info, TokenAccount>>,
}

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
        let before = accounts.pool_vault.snapshot()?;
        let amount = {
            let mut pool = accounts.pool_vault.pool.load_mut()?;
            pool.roll_forward(now)?;
            let reward_per_share = pool.reward_per_share(accounts.position.tranche_id)?;
            accounts.position.settle(reward_per_share)?;
            let amount = std::mem::take(&mut accounts.position.rewards_owed);
            require!(amount > 0, BulwarkError::NothingToClaim);
            pool.pay_rewards(amount)?;
            amount
        };
        accounts
            .pool_vault
            .pay(accounts.owner_token.to_account_info(), amount)?;
        accounts.pool_vault.settle(&before)?;
        accounts.position.invariant()?;
        let pool = accounts.pool_vault.pool.load()?;
        emit!(RewardsClaimed {
            pool: accounts.pool_vault.pool.key(),
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
