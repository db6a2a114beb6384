use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::LeverageGranted;
use crate::state::{CapitalPool, Config, Pool};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct GrantLeverage<'info> {
    /// Anyone: the crank moves no tokens.
    pub caller: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(mut)]
    pub capital_pool: Box<Account<'info, CapitalPool>>,
    #[account(
        mut,
        constraint = pool.load()?.mint == capital_pool.mint @ BulwarkError::WrongCapitalPool,
    )]
    pub pool: AccountLoader<'info, Pool>,
}

impl GrantLeverage<'_> {
    /// The leverage line crank (permissionless): returns to the capital pool what the staking
    /// pool's line no longer holds (leverage of released cover, an unused line that lapsed);
    /// takes back unused line the capital no longer carries (after a loss); otherwise grants
    /// it up to `max_amount` more — never beyond the capital above the minimum requirement,
    /// nor beyond what the pool's stake and weights could sell at the protocol's capacity
    /// ratio. A fresh line lapses `LEVERAGE_LINE_TTL` after its grant. Books only, so no pause
    /// stops it: a line sells nothing while buying is paused.
    pub fn grant_leverage(ctx: Context<GrantLeverage>, max_amount: u64) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let accounts = ctx.accounts;
        let mut pool = accounts.pool.load_mut()?;
        let capital_pool = &mut accounts.capital_pool;
        let crank = pool.crank_line(
            capital_pool,
            accounts.config.params.capacity_ratio_bps,
            max_amount,
            now,
        )?;
        pool.invariant()?;
        capital_pool.invariant()?;
        emit!(LeverageGranted {
            pool: accounts.pool.key(),
            capital_pool: capital_pool.key(),
            returned: crank.returned,
            clawed_back: crank.clawed_back,
            granted: crank.granted,
            available: pool.line.available,
            used: pool.line.used,
            expires_at: pool.line.expires_at,
            capital_lines: capital_pool.lines,
            minimum_capital: capital_pool.minimum_capital()?,
        });
        Ok(())
    }
}
