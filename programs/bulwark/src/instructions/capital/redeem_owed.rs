use super::capital_vault::{capital_tokens, CapitalTokens};
use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::ClaimDebtPaid;
use crate::state::{CapitalPool, Claim, Config, Cover};
use crate::token::check_recipient_account;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct RedeemOwed<'info> {
    /// Anyone may crank it; the money always goes to the cover's current owner.
    pub caller: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        mut,
        has_one = cover @ BulwarkError::WrongCover,
        has_one = mint @ BulwarkError::WrongMint,
    )]
    pub claim: Box<Account<'info, Claim>>,
    #[account()]
    pub cover: Box<Account<'info, Cover>>,
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
    /// The cover owner's token account: its associated token account unless the owner is the
    /// caller.
    #[account(
        mut,
        constraint = owner_token.mint == mint.key() @ BulwarkError::WrongMint,
        constraint = owner_token.owner == cover.owner @ BulwarkError::WrongRecipient,
    )]
    pub owner_token: Box<InterfaceAccount<'info, TokenAccount>>,
}

capital_tokens!(RedeemOwed);

impl RedeemOwed<'_> {
    /// Pays what the capital pool can of an amount it owes on a redeemed claim, in the order
    /// of its debt queue: capital that arrived since (deposits, premiums) pays the earliest
    /// debts first. No deadline: an accepted claim is never dropped. The claim is closed once
    /// nothing is owed.
    pub fn redeem_owed(ctx: Context<RedeemOwed>) -> Result<()> {
        let accounts = ctx.accounts;
        accounts
            .config
            .require_not_paused(PAUSE_PAYOUTS, BulwarkError::PayoutsPaused)?;
        let claim = &accounts.claim;
        require!(claim.paid && claim.owed > 0, BulwarkError::NothingOwed);
        check_recipient_account(
            &accounts.owner_token.key(),
            &accounts.cover.owner,
            &accounts.caller.key(),
            &accounts.mint.key(),
            &accounts.token_program.key(),
        )?;
        let amount = accounts
            .capital_pool
            .payable(claim.debt_position, claim.owed);
        require!(amount > 0, BulwarkError::DebtNotFunded);
        let before = accounts.snapshot()?;
        accounts.capital_pool.pay_debt(amount)?;
        accounts.pay(accounts.owner_token.to_account_info(), amount)?;
        accounts.settle(&before)?;
        let claim = &mut accounts.claim;
        claim.settle_debt(amount)?;
        claim.invariant()?;
        let capital_pool = &accounts.capital_pool;
        emit!(ClaimDebtPaid {
            claim: claim.key(),
            cover: accounts.cover.key(),
            recipient: accounts.cover.owner,
            capital_pool: capital_pool.key(),
            amount,
            owed: claim.owed,
            debt_position: claim.debt_position,
            capital: capital_pool.capital,
            capital_owed: capital_pool.owed(),
        });
        Ok(())
    }
}
