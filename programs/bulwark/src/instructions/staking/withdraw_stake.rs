use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::StakeWithdrawn;
use crate::instructions::pool_vault::*;
use crate::state::{Config, StakePosition, TrancheArchive};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenAccount;

#[derive(Accounts)]
pub struct WithdrawStake<'info> {
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    pub pool_vault: PoolVault<'info>,
    /// Closed by the withdrawal; its rent returns to the owner.
    #[account(
        mut,
        close = owner,
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
    /// The ended tranche's frozen totals (see `archive_tranche`).
    #[account(
        mut,
        seeds = [TRANCHE_ARCHIVE_SEED, pool_vault.pool.key().as_ref(), &position.tranche_id.to_le_bytes()],
        bump = archive.bump,
    )]
    pub archive: Box<Account<'info, TrancheArchive>>,
    /// Receives the archive's rent when this withdrawal takes its last share.
    /// CHECK: only lamports are credited, and the address is pinned to the archive's payer.
    #[account(mut, address = archive.rent_payer @ BulwarkError::WrongRentPayer)]
    pub archive_rent_payer: UncheckedAccount<'info>,
    #[account(
        mut,
        constraint = owner_token.mint == pool_vault.pool.load()?.mint @ BulwarkError::WrongMint,
        constraint = owner_token.owner == owner.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub owner_token: Box<InterfaceAccount<'info, TokenAccount>>,
}

impl WithdrawStake<'_> {
    /// Pays out a position of an ended tranche — its stake at the tranche's final price plus
    /// every reward it earned — and closes it.
    pub fn withdraw_stake(ctx: Context<WithdrawStake>) -> Result<()> {
        ctx.accounts
            .config
            .require_not_paused(PAUSE_WITHDRAW, BulwarkError::WithdrawalsPaused)?;
        let now = Clock::get()?.unix_timestamp;

        let accounts = ctx.accounts;
        let shares = accounts.position.shares;
        let (stake, rewards, archive_emptied) = {
            let mut pool = accounts.pool_vault.pool.load_mut()?;
            pool.roll_forward(now)?;
            let stake = accounts.archive.redeem(shares)?;
            pool.pay_out_stake(stake)?;
            accounts.position.settle(accounts.archive.acc_at_end)?;
            let rewards = std::mem::take(&mut accounts.position.rewards_owed);
            pool.pay_rewards(rewards)?;
            let archive_emptied = accounts.archive.shares_remaining == 0;
            if archive_emptied {
                let dust = std::mem::take(&mut accounts.archive.stake_remaining);
                pool.accrue_dust(dust)?;
            }
            (stake, rewards, archive_emptied)
        };
        let amount = stake
            .checked_add(rewards)
            .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
        if amount > 0 {
            accounts
                .pool_vault
                .pay(accounts.owner_token.to_account_info(), amount)?;
        }

        accounts.pool_vault.settle()?;
        accounts.archive.invariant()?;
        emit!(StakeWithdrawn {
            pool: accounts.pool_vault.pool.key(),
            position: accounts.position.key(),
            owner: accounts.owner.key(),
            tranche_id: accounts.position.tranche_id,
            shares,
            stake,
            rewards,
            tranche_stake_remaining: accounts.archive.stake_remaining,
            pool_total_stake: accounts.pool_vault.pool.load()?.total_stake,
        });
        if archive_emptied {
            accounts
                .archive
                .close(accounts.archive_rent_payer.to_account_info())?;
        }
        Ok(())
    }
}
