use super::capital_vault::{capital_tokens, CapitalTokens};
use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::CapitalExitExecuted;
use crate::state::{CapitalExit, CapitalPool, Config};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct ExecuteCapitalExit<'info> {
    #[account(mut)]
    pub member: Signer<'info>,
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
    /// Closed by the execution; its rent returns to the member.
    #[account(
        mut,
        close = member,
        has_one = member @ BulwarkError::NotExitOwner,
        has_one = capital_pool @ BulwarkError::WrongCapitalPool,
    )]
    pub exit: Box<Account<'info, CapitalExit>>,
    #[account(
        mut,
        constraint = member_token.mint == mint.key() @ BulwarkError::WrongMint,
        constraint = member_token.owner == member.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub member_token: Box<InterfaceAccount<'info, TokenAccount>>,
}

capital_tokens!(ExecuteCapitalExit);

impl ExecuteCapitalExit<'_> {
    /// Step two of leaving: once the delay has passed (on the claims clock: claims pauses since
    /// the request extend it, so capital cannot leave ahead of claims a pause froze), pays the
    /// lower of the shares' value at
    /// the request and now, unless that would take the capital below its minimum
    /// requirement (then the request waits for more capital, or a smaller exit).
    pub fn execute_capital_exit(ctx: Context<ExecuteCapitalExit>) -> Result<()> {
        let accounts = ctx.accounts;
        accounts
            .config
            .require_not_paused(PAUSE_WITHDRAW, BulwarkError::WithdrawalsPaused)?;
        let now = Clock::get()?.unix_timestamp;
        let exit_clock =
            accounts
                .config
                .clock_since(PAUSE_CLAIMS, accounts.exit.claims_paused, now)?;
        require!(
            exit_clock >= accounts.exit.ready_at,
            BulwarkError::CapitalExitNotReady
        );
        let shares = accounts.exit.shares;
        let value_now = accounts.capital_pool.value_of(shares)?;
        let value = value_now.min(accounts.exit.value_at_request);
        let before = accounts.snapshot()?;
        accounts.capital_pool.book_exit(shares, value)?;
        if value > 0 {
            accounts.pay(accounts.member_token.to_account_info(), value)?;
        }
        accounts.settle(&before)?;
        let pool = &accounts.capital_pool;
        emit!(CapitalExitExecuted {
            capital_pool: pool.key(),
            member: accounts.member.key(),
            exit: accounts.exit.key(),
            shares,
            value_at_request: accounts.exit.value_at_request,
            value_now,
            paid: value,
            capital: pool.capital,
            total_shares: pool.shares,
        });
        Ok(())
    }
}
