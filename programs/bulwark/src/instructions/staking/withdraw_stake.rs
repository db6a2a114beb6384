use crate::constants::*;
use crate::error::{broken, BulwarkError};
use crate::events::StakeWithdrawn;
use crate::instructions::pool_vault::{pool_tokens, PoolTokens};
use crate::math::tranche::tranche_end;
use crate::math::OrOverflow;
use crate::state::{Config, Pool, StakePosition, TrancheArchive};
use crate::token::check_recipient_account;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct WithdrawStake<'info> {
    /// The position's owner, or — once the tranche has been over for
    /// `ABANDONED_POSITION_DELAY` — anyone, so one position never withdrawn cannot keep the
    /// tranche archive (and its payer's rent) open forever.
    pub caller: Signer<'info>,
    /// Receives the position's rent. The stake and rewards go to `owner_token`.
    /// CHECK: pinned to the position's owner by `has_one` on `position`.
    #[account(mut)]
    pub owner: UncheckedAccount<'info>,
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
    /// Closed by the withdrawal; its rent returns to the owner.
    #[account(
        mut,
        close = owner,
        has_one = owner @ BulwarkError::NotPositionOwner,
        constraint = position.pool == pool.key() @ BulwarkError::WrongPool,
    )]
    pub position: Box<Account<'info, StakePosition>>,
    /// The ended tranche's frozen totals (see `archive_tranche`).
    #[account(
        mut,
        seeds = [TRANCHE_ARCHIVE_SEED, pool.key().as_ref(), &position.tranche_id.to_le_bytes()],
        bump = archive.bump,
        has_one = rent_payer @ BulwarkError::WrongRentPayer,
    )]
    pub archive: Box<Account<'info, TrancheArchive>>,
    /// Receives the archive's rent when this withdrawal takes its last share.
    /// CHECK: only lamports are credited, and the address is pinned to the archive's payer.
    #[account(mut)]
    pub rent_payer: UncheckedAccount<'info>,
    /// The owner's token account; its associated token account unless the owner is the caller.
    #[account(
        mut,
        constraint = owner_token.mint == mint.key() @ BulwarkError::WrongMint,
        constraint = owner_token.owner == owner.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub owner_token: Box<InterfaceAccount<'info, TokenAccount>>,
}

pool_tokens!(WithdrawStake);

impl WithdrawStake<'_> {
    fn validate(&self, now: i64) -> Result<()> {
        self.config
            .require_not_paused(PAUSE_WITHDRAW, BulwarkError::WithdrawalsPaused)?;
        if self.caller.key() != self.owner.key() {
            let abandoned_from = tranche_end(self.position.tranche_id)?
                .checked_add(ABANDONED_POSITION_DELAY)
                .or_overflow()?;
            require!(now >= abandoned_from, BulwarkError::PositionNotAbandoned);
            check_recipient_account(
                &self.owner_token.key(),
                &self.owner.key(),
                &self.caller.key(),
                &self.mint.key(),
                &self.token_program.key(),
            )?;
        }
        Ok(())
    }

    /// Pays out a position of an ended tranche — its stake at the tranche's final price plus
    /// every reward it earned — to its owner and closes it.
    pub fn withdraw_stake(ctx: Context<WithdrawStake>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        ctx.accounts.validate(now)?;

        let accounts = ctx.accounts;
        let before = accounts.snapshot()?;
        let shares = accounts.position.shares;
        let (stake, rewards, archive_emptied) = {
            let mut pool = accounts.pool.load_mut()?;
            pool.roll_forward(now)?;
            let stake = accounts.archive.redeem(shares)?;
            pool.pay_out_stake(stake)?;
            accounts
                .position
                .settle(accounts.archive.reward_per_share)?;
            let rewards = std::mem::take(&mut accounts.position.rewards_owed);
            pool.pay_rewards(rewards)?;
            pool.open_positions = pool.open_positions.checked_sub(1).ok_or_else(|| {
                broken!("an open position is counted in the pool's open positions")
            })?;
            let archive_emptied = accounts.archive.shares_remaining == 0;
            if archive_emptied {
                let dust = std::mem::take(&mut accounts.archive.stake_remaining);
                pool.accrue_dust(dust)?;
            }
            (stake, rewards, archive_emptied)
        };
        let amount = stake.checked_add(rewards).or_overflow()?;
        if amount > 0 {
            accounts.pay(accounts.owner_token.to_account_info(), amount)?;
        }

        accounts.settle(&before)?;
        accounts.archive.invariant()?;
        emit!(StakeWithdrawn {
            pool: accounts.pool.key(),
            position: accounts.position.key(),
            owner: accounts.owner.key(),
            tranche_id: accounts.position.tranche_id,
            shares,
            stake,
            rewards,
            tranche_stake_remaining: accounts.archive.stake_remaining,
            pool_total_stake: accounts.pool.load()?.total_stake,
        });
        if archive_emptied {
            accounts
                .archive
                .close(accounts.rent_payer.to_account_info())?;
        }
        Ok(())
    }
}
