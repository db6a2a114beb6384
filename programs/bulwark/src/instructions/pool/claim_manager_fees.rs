use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::ManagerFeesClaimed;
use crate::instructions::pool_vault::{pool_tokens, PoolTokens};
use crate::state::{Config, Pool};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct ClaimManagerFees<'info> {
    pub manager: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        mut,
        has_one = manager @ BulwarkError::NotPoolManager,
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
        constraint = manager_token.mint == mint.key() @ BulwarkError::WrongMint,
        constraint = manager_token.owner == manager.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub manager_token: Box<InterfaceAccount<'info, TokenAccount>>,
}

pool_tokens!(ClaimManagerFees);

impl ClaimManagerFees<'_> {
    /// Pays the pool manager the fees taken from the stakers' share of premiums.
    pub fn claim_manager_fees(ctx: Context<ClaimManagerFees>) -> Result<()> {
        ctx.accounts
            .config
            .require_not_paused(PAUSE_WITHDRAW, BulwarkError::WithdrawalsPaused)?;
        let accounts = ctx.accounts;
        let before = accounts.snapshot()?;
        let amount = std::mem::take(&mut accounts.pool.load_mut()?.manager_fees);
        require!(amount > 0, BulwarkError::NothingToClaim);
        accounts.pay(accounts.manager_token.to_account_info(), amount)?;
        accounts.settle(&before)?;
        emit!(ManagerFeesClaimed {
            pool: accounts.pool.key(),
            manager: accounts.manager.key(),
            amount,
        });
        Ok(())
    }
}
