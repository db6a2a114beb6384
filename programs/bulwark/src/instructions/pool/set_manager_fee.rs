use crate::error::BulwarkError;
use crate::events::ManagerFeeSet;
use crate::state::Pool;
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct SetManagerFee<'info> {
    pub manager: Signer<'info>,
    #[account(
        mut,
        has_one = manager @ BulwarkError::NotPoolManager,
    )]
    pub pool: AccountLoader<'info, Pool>,
}

impl SetManagerFee<'_> {
    /// Changes the manager's fee, never above the maximum fixed when the pool was created.
    pub fn set_manager_fee(ctx: Context<SetManagerFee>, fee_bps: u16) -> Result<()> {
        let mut pool = ctx.accounts.pool.load_mut()?;
        require!(
            fee_bps <= pool.max_manager_fee_bps,
            BulwarkError::ManagerFeeAboveMax
        );
        let old_fee_bps = pool.manager_fee_bps;
        pool.manager_fee_bps = fee_bps;
        pool.invariant()?;
        emit!(ManagerFeeSet {
            pool: ctx.accounts.pool.key(),
            old_fee_bps,
            new_fee_bps: fee_bps,
        });
        Ok(())
    }
}
