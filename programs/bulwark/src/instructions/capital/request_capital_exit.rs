use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::CapitalExitRequested;
use crate::math::OrOverflow;
use crate::state::{CapitalExit, CapitalPool, Config};
use anchor_lang::prelude::*;
use anchor_spl::token_2022::{self, Burn, Token2022};
use anchor_spl::token_interface::{Mint, TokenAccount};

#[derive(Accounts)]
#[instruction(exit_id: u64)]
pub struct RequestCapitalExit<'info> {
    /// Burns its shares; pays the exit record's rent (back when it executes).
    #[account(mut)]
    pub member: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        mut,
        has_one = share_mint @ BulwarkError::WrongShareMint,
    )]
    pub capital_pool: Box<Account<'info, CapitalPool>>,
    #[account(mut)]
    pub share_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        mut,
        constraint = member_shares.mint == share_mint.key() @ BulwarkError::WrongShareMint,
        constraint = member_shares.owner == member.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub member_shares: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        init,
        payer = member,
        space = CapitalExit::SPACE,
        seeds = [
            CAPITAL_EXIT_SEED,
            capital_pool.key().as_ref(),
            member.key().as_ref(),
            &exit_id.to_le_bytes(),
        ],
        bump,
    )]
    pub exit: Box<Account<'info, CapitalExit>>,
    pub share_token_program: Program<'info, Token2022>,
    pub system_program: Program<'info, System>,
}

impl RequestCapitalExit<'_> {
    /// Step one of leaving the capital pool: burns `shares` now and fixes their value at
    /// today's price; `execute_capital_exit` pays the lower of that and their value then, once
    /// the protocol's exit delay has passed. The shares stay in the pool's count until then,
    /// so the exit neither gains from nor escapes what happens meanwhile.
    pub fn request_capital_exit(
        ctx: Context<RequestCapitalExit>,
        exit_id: u64,
        shares: u64,
    ) -> Result<()> {
        require!(shares > 0, BulwarkError::ZeroAmount);
        let now = Clock::get()?.unix_timestamp;
        let accounts = ctx.accounts;
        let value_at_request = accounts.capital_pool.value_of(shares)?;
        token_2022::burn(
            CpiContext::new(
                accounts.share_token_program.key(),
                Burn {
                    mint: accounts.share_mint.to_account_info(),
                    from: accounts.member_shares.to_account_info(),
                    authority: accounts.member.to_account_info(),
                },
            ),
            shares,
        )?;
        let pool = &mut accounts.capital_pool;
        pool.exiting_shares = pool.exiting_shares.checked_add(shares).or_overflow()?;
        pool.invariant()?;
        let ready_at = now
            .checked_add(i64::from(accounts.config.params.capital_exit_delay))
            .or_overflow()?;
        accounts.exit.set_inner(CapitalExit {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.exit,
            capital_pool: pool.key(),
            member: accounts.member.key(),
            exit_id,
            shares,
            value_at_request,
            requested_at: now,
            ready_at,
            claims_paused: accounts.config.paused_seconds(PAUSE_CLAIMS, now)?,
            reserved: [0; 24],
        });
        emit!(CapitalExitRequested {
            capital_pool: pool.key(),
            member: accounts.member.key(),
            exit: accounts.exit.key(),
            shares,
            value_at_request,
            ready_at,
        });
        Ok(())
    }
}
