use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::ManagerFeesClaimed;
use crate::instructions::pool_vault::*;
use crate::state::Config;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::TokenAccount;

#[derive(Accounts)]
pub struct ClaimManagerFees<'info> {
    #[account(
        constraint = pool_vault.pool.load()?.manager == manager.key() @ BulwarkError::NotPoolManager,
    )]
    pub manager: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    pub pool_vault: PoolVault<'info>,
    #[account(
        mut,
        constraint = manager_token.mint == pool_vault.pool.load()?.mint @ BulwarkError::WrongMint,
        constraint = manager_token.owner == manager.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub manager_token: Box<InterfaceAccount<'info, TokenAccount>>,
}

impl ClaimManagerFees<'_> {
    /// Pays the pool manager the fees taken from the stakers' share of premiums.
    pub fn claim_manager_fees(ctx: Context<ClaimManagerFees>) -> Result<()> {
        ctx.accounts
            .config
            .require_not_paused(PAUSE_WITHDRAW, BulwarkError::WithdrawalsPaused)?;
        let accounts = ctx.accounts;
        let before = accounts.pool_vault.snapshot()?;
        let amount = std::mem::take(&mut accounts.pool_vault.pool.load_mut()?.manager_fees);
        require!(amount > 0, BulwarkError::NothingToClaim);
        accounts
            .pool_vault
            .pay(accounts.manager_token.to_account_info(), amount)?;
        accounts.pool_vault.settle(&before)?;
        emit!(ManagerFeesClaimed {
            pool: accounts.pool_vault.pool.key(),
            manager: accounts.manager.key(),
            amount,
        });
        Ok(())
    }
}
