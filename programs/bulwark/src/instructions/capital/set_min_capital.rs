use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::MinCapitalSet;
use crate::state::{CapitalPool, Config};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct SetMinCapital<'info> {
    pub authority: Signer<'info>,
    #[account(
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = authority @ BulwarkError::NotAuthority,
    )]
    pub config: Box<Account<'info, Config>>,
    #[account(
        mut,
        seeds = [CAPITAL_POOL_SEED, capital_pool.mint.as_ref()],
        bump = capital_pool.bump,
    )]
    pub capital_pool: Box<Account<'info, CapitalPool>>,
}

impl SetMinCapital<'_> {
    /// Governance: sets the capital pool's minimum capital requirement floor. It limits exits,
    /// never what the pool pays.
    pub fn set_min_capital(ctx: Context<SetMinCapital>, min_capital: u64) -> Result<()> {
        let pool = &mut ctx.accounts.capital_pool;
        let old_min_capital = std::mem::replace(&mut pool.min_capital, min_capital);
        pool.invariant()?;
        emit!(MinCapitalSet {
            capital_pool: pool.key(),
            old_min_capital,
            new_min_capital: min_capital,
        });
        Ok(())
    }
}
