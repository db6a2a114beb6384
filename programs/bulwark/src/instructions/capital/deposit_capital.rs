use super::capital_vault::{capital_tokens, CapitalTokens};
use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::CapitalDeposited;
use crate::state::{CapitalPool, Config};
use anchor_lang::prelude::*;
use anchor_spl::token_2022::{self, MintTo, Token2022};
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct DepositCapital<'info> {
    /// Pays the deposit.
    pub member: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        mut,
        seeds = [CAPITAL_POOL_SEED, mint.key().as_ref()],
        bump = capital_pool.bump,
        has_one = mint @ BulwarkError::WrongMint,
        has_one = share_mint @ BulwarkError::WrongShareMint,
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
    #[account(mut)]
    pub share_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        mut,
        constraint = member_token.mint == mint.key() @ BulwarkError::WrongMint,
        constraint = member_token.owner == member.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub member_token: Box<InterfaceAccount<'info, TokenAccount>>,
    /// A share account of the member (`builders::create_share_account` makes its associated
    /// one, idempotently, before a first deposit).
    #[account(
        mut,
        constraint = member_shares.mint == share_mint.key() @ BulwarkError::WrongShareMint,
        constraint = member_shares.owner == member.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub member_shares: Box<InterfaceAccount<'info, TokenAccount>>,
    pub share_token_program: Program<'info, Token2022>,
}

capital_tokens!(DepositCapital);

impl DepositCapital<'_> {
    /// Deposits `amount` of the mint into the capital pool for membership shares at the
    /// current price (rounded down), at least `min_shares`.
    pub fn deposit_capital(
        ctx: Context<DepositCapital>,
        amount: u64,
        min_shares: u64,
    ) -> Result<()> {
        let accounts = ctx.accounts;
        accounts
            .config
            .require_not_paused(PAUSE_STAKE, BulwarkError::StakingPaused)?;
        require!(amount > 0, BulwarkError::ZeroAmount);
        let shares = accounts.capital_pool.shares_for(amount)?;
        require!(shares >= min_shares, BulwarkError::SharesBelowMinimum);

        let before = accounts.snapshot()?;
        accounts.capital_pool.book_deposit(amount, shares)?;
        accounts.collect(&accounts.member_token, &accounts.member, amount)?;
        let mint = accounts.mint.key();
        let bump = [accounts.capital_pool.bump];
        let seeds: [&[u8]; 3] = [CAPITAL_POOL_SEED, mint.as_ref(), &bump];
        let signer = [&seeds[..]];
        token_2022::mint_to(
            CpiContext::new_with_signer(
                accounts.share_token_program.key(),
                MintTo {
                    mint: accounts.share_mint.to_account_info(),
                    to: accounts.member_shares.to_account_info(),
                    authority: accounts.capital_pool.to_account_info(),
                },
                &signer,
            ),
            shares,
        )?;
        accounts.settle(&before)?;
        let pool = &accounts.capital_pool;
        emit!(CapitalDeposited {
            capital_pool: pool.key(),
            member: accounts.member.key(),
            amount,
            shares,
            capital: pool.capital,
            total_shares: pool.shares,
        });
        Ok(())
    }
}
