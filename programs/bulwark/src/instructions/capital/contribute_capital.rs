use super::capital_vault::*;
use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::CapitalContributed;
use crate::state::Config;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenAccount;

#[derive(Accounts)]
pub struct ContributeCapital<'info> {
    pub contributor: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    pub capital: CapitalVault<'info>,
    #[account(
        mut,
        constraint = contributor_token.mint == capital.mint.key() @ BulwarkError::WrongMint,
        constraint = contributor_token.owner == contributor.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub contributor_token: Box<InterfaceAccount<'info, TokenAccount>>,
}

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
        let before = accounts.capital.snapshot()?;
        accounts.capital.capital_pool.book_contribution(amount)?;
        accounts
            .capital
            .collect(&accounts.contributor_token, &accounts.contributor, amount)?;
        accounts.capital.settle(&before)?;
        let pool = &accounts.capital.capital_pool;
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
