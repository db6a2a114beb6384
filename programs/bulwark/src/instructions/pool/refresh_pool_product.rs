use crate::error::BulwarkError;
use crate::events::EffectiveWeightRefreshed;
use crate::math::tranche::tranche_at;
use crate::state::{Pool, PoolProduct};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct RefreshPoolProduct<'info> {
    #[account(mut)]
    pub pool: AccountLoader<'info, Pool>,
    #[account(
        mut,
        constraint = pool_product.load()?.pool == pool.key() @ BulwarkError::WrongPoolProduct,
    )]
    pub pool_product: AccountLoader<'info, PoolProduct>,
}

impl RefreshPoolProduct<'_> {
    /// Recomputes a pool-product's effective weight from the pool's current stake and the
    /// product's live allocations, and the pool's sum with it. Purchases, payouts and weight
    /// changes keep the product they touch current; a payout on another product of the pool
    /// burns stake under this one and can leave its stored weight low until this runs.
    pub fn refresh_pool_product(ctx: Context<RefreshPoolProduct>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let mut pool = ctx.accounts.pool.load_mut()?;
        let mut pool_product = ctx.accounts.pool_product.load_mut()?;
        pool.roll_forward(now)?;
        pool_product.roll_forward(now)?;
        let old_effective_weight =
            pool_product.refresh_effective_weight(&mut pool, tranche_at(now)?)?;
        pool_product.invariant()?;
        pool.invariant()?;
        emit!(EffectiveWeightRefreshed {
            pool: ctx.accounts.pool.key(),
            product_id: pool_product.product_id,
            old_effective_weight,
            new_effective_weight: pool_product.effective_weight,
            pool_total_effective_weight: pool.total_effective_weight,
        });
        Ok(())
    }
}
