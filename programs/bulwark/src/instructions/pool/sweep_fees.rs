use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::FeesSwept;
use crate::instructions::capital::{capital_settle, capital_snapshot};
use crate::state::{CapitalPool, Config, Pool};
use crate::token::transfer_from_pool;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct SweepFees<'info> {
    /// Anyone.
    pub caller: Signer<'info>,
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
    #[account(
        mut,
        constraint = treasury_token.mint == pool.load()?.mint @ BulwarkError::WrongMint,
        constraint = treasury_token.owner == config.treasury @ BulwarkError::WrongTreasuryAccount,
    )]
    pub treasury_token: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The mint's capital pool: receives its premium share.
    #[account(
        mut,
        seeds = [CAPITAL_POOL_SEED, mint.key().as_ref()],
        bump = capital_pool.bump,
    )]
    pub capital_pool: Box<Account<'info, CapitalPool>>,
    #[account(
        mut,
        seeds = [CAPITAL_VAULT_SEED, mint.key().as_ref()],
        bump = capital_pool.vault_bump,
    )]
    pub capital_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl SweepFees<'_> {
    /// Moves a pool's accrued protocol fee to the treasury and its capital pool share to the
    /// mint's capital pool, whose members' capital grows by it (the assessment share stays in
    /// the pool: claims on its covers reserve their assessors' rewards from it). Purchases only
    /// add to the pool's own counters, so they never write a protocol-wide account; this
    /// permissionless sweep settles them. First it books
    /// what nobody can claim (the vault's surplus, and reward dust once the pool's rewards are
    /// idle: `Pool::book_unclaimable`) as treasury share, so no token stays stuck.
    pub fn sweep_fees(ctx: Context<SweepFees>) -> Result<()> {
        let accounts = ctx.accounts;
        accounts
            .config
            .require_not_paused(PAUSE_WITHDRAW, BulwarkError::WithdrawalsPaused)?;
        let now = Clock::get()?.unix_timestamp;
        let (before, surplus, reward_dust, treasury_amount, capital_amount) = {
            let mut pool = accounts.pool.load_mut()?;
            // Streams that ended stop here, so idle reward dust is seen as idle.
            pool.roll_forward(now)?;
            let (surplus, reward_dust) = pool.book_unclaimable(accounts.vault.amount)?;
            (
                pool.snapshot(accounts.vault.amount)?,
                surplus,
                reward_dust,
                std::mem::take(&mut pool.treasury_accrued),
                std::mem::take(&mut pool.capital_accrued),
            )
        };
        require!(
            treasury_amount > 0 || capital_amount > 0,
            BulwarkError::NothingToClaim
        );
        let capital_before = capital_snapshot(&accounts.capital_pool, &accounts.capital_vault)?;
        accounts.capital_pool.book_premium(capital_amount)?;
        for (amount, destination) in [
            (treasury_amount, accounts.treasury_token.to_account_info()),
            (capital_amount, accounts.capital_vault.to_account_info()),
        ] {
            if amount > 0 {
                transfer_from_pool(
                    &accounts.token_program,
                    &accounts.pool,
                    &accounts.vault,
                    &accounts.mint,
                    destination,
                    amount,
                )?;
            }
        }
        accounts.vault.reload()?;
        let pool = accounts.pool.load()?;
        pool.invariant()?;
        pool.check_vault(&before, accounts.vault.amount)?;
        capital_settle(
            &accounts.capital_pool,
            &accounts.capital_vault,
            &capital_before,
        )?;
        emit!(FeesSwept {
            pool: accounts.pool.key(),
            treasury_amount,
            capital_amount,
            capital_pool: accounts.capital_pool.key(),
            capital: accounts.capital_pool.capital,
            surplus,
            reward_dust,
            treasury_token: accounts.treasury_token.key(),
        });
        Ok(())
    }
}
