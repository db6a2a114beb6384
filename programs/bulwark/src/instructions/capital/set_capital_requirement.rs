use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::CapitalRequirementSet;
use crate::state::{CapitalPool, Config};
use anchor_lang::prelude::*;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct SetCapitalRequirementArgs {
    /// Floor of the minimum capital requirement, in the mint's base units.
    pub min_capital: u64,
    /// Share of the leverage lines outstanding the capital must cover, bps (1,000..=10,000).
    pub mcr_bps: u16,
}

#[derive(Accounts)]
pub struct SetCapitalRequirement<'info> {
    pub authority: Signer<'info>,
    #[account(
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = authority @ BulwarkError::NotAuthority,
    )]
    pub config: Box<Account<'info, Config>>,
    #[account(mut)]
    pub capital_pool: Box<Account<'info, CapitalPool>>,
}

impl SetCapitalRequirement<'_> {
    /// Governance: sets the capital pool's minimum capital requirement (its floor and its
    /// share of the lines). It limits new lines and exits, never what the pool pays; lines
    /// already granted stand.
    pub fn set_capital_requirement(
        ctx: Context<SetCapitalRequirement>,
        args: SetCapitalRequirementArgs,
    ) -> Result<()> {
        require!(
            (MIN_MCR_BPS..=MAX_MCR_BPS).contains(&args.mcr_bps),
            BulwarkError::InvalidCapitalRequirement
        );
        let pool = &mut ctx.accounts.capital_pool;
        let old_min_capital = std::mem::replace(&mut pool.min_capital, args.min_capital);
        let old_mcr_bps = std::mem::replace(&mut pool.mcr_bps, args.mcr_bps);
        pool.invariant()?;
        emit!(CapitalRequirementSet {
            capital_pool: pool.key(),
            old_min_capital,
            new_min_capital: args.min_capital,
            old_mcr_bps,
            new_mcr_bps: args.mcr_bps,
        });
        Ok(())
    }
}
