use super::capital_vault::{capital_tokens, CapitalTokens};
use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::CapitalContributed;
use crate::state::{CapitalPool, Config};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct ContributeCapital<'info> {
    pub contributor: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        mut,
        seeds = [CAPITAL_POOL_SEED, mint.key().as_ref()],
        bump = capital_pool.bump,
        has_one = mint @ BulwarkError::WrongMint,
        has_one = token_program @ BulwarkError::WrongTokenProgram,
    )]
    pub capital_pool: Box<Account<'info, CapitalPool>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        mut,
        seeds = [CAPITAL_VAULT_SEED, mint.key().as_ref()],
        bump = capital_pool.vault_bump,
    )]
    pub capital_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
    #[account(
        mut,
        constraint = contributor_token.mint == mint.key() @ BulwarkError::WrongMint,
        constraint = contributor_token.owner == contributor.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub contributor_token: Box<InterfaceAccount<'info, TokenAccount>>,
}

capital_tokens!(ContributeCapital);

impl ContributeCapital<'_> {
    /// Adds `amount` to the capital pool without minting shares: a recapitalisation (the
    /// treasury, a sponsor) that pays what the pool owes first, in its debt queue, and leaves
    /// the rest to its members. The way to fund an insolvent pool, which sells no shares.
    pub fn contribute_capital(ctx: Context<ContributeCapital>, amount: u64) -> Result<()> {
        let accounts = ctx.accounts;
        accounts
            .config
            .require_not_paused(PAUSE_STAKE, BulwarkError::StakingPaused)?;
        require!(amount > 0, BulwarkError::ZeroAmount);
        let before = accounts.snapshot()?;
        accounts.capital_pool.book_contribution(amount)?;
        accounts.collect(&accounts.contributor_token, &accounts.contributor, amount)?;
        accounts.settle(&before)?;
        let pool = &accounts.capital_pool;
        emit!(CapitalContributed {
            capital_pool: pool.key(),
            contributor: accounts.contributor.key(),
            amount,
            capital: pool.capital,
            owed: pool.owed(),
        });
        Ok(())
    }
}
