use crate::constants::*;
use crate::error::{broken, BulwarkError};
use crate::events::CoverExpired;
use crate::instructions::cover_pools::PoolPair;
use crate::math::OrOverflow;
use crate::state::{Config, Cover};
use anchor_lang::prelude::*;

/// Remaining accounts: for each pool of the cover, in the cover's order, `[pool,
/// pool_product]`, both writable.
#[derive(Accounts)]
pub struct ExpireCover<'info> {
    /// Its claims pause clock: the cover's filing deadline moves with claims pauses.
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    /// Closed by this instruction.
    #[account(
        mut,
        close = rent_payer,
        has_one = rent_payer @ BulwarkError::WrongRentPayer,
    )]
    pub cover: Box<Account<'info, Cover>>,
    /// Receives the cover's rent back.
    /// CHECK: only lamports are credited, and the address is pinned to the cover's payer.
    #[account(mut)]
    pub rent_payer: UncheckedAccount<'info>,
}

impl ExpireCover<'_> {
    /// Anyone, once a cover's claim window (end + grace, on its claims clock: moved by claims
    /// pauses, as `file_claim` sees it) has passed: releases its allocations
    /// and the leverage line they used in every pool right away instead of at their bucket,
    /// and closes the cover, returning
    /// its rent to whoever paid it. Releasing never depends on this call: buckets do it anyway.
    ///
    /// Only a cover nobody ever claimed on can be expired. A claim may be filed until the
    /// window closes and is then voted on and redeemed against the cover account, so closing
    /// it would strand the claim; and claims are addressed by `[cover, index]`, so a cover
    /// re-bought at the same address after closing would collide with the old claim #0. Such
    /// a cover stays as its claims' record and its capacity returns at its release bucket.
    pub fn expire_cover<'info>(ctx: Context<'info, ExpireCover<'info>>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let cover = &ctx.accounts.cover;
        require!(
            cover.claims_clock(&ctx.accounts.config, now)? >= cover.claimable_until()?,
            BulwarkError::CoverNotExpired
        );
        require!(cover.claim_count == 0, BulwarkError::CoverHasClaims);
        let allocations = cover.used_allocations();
        require!(
            ctx.remaining_accounts.len() == allocations.len() * 2,
            BulwarkError::WrongRemainingAccounts
        );
        let mut released: u64 = 0;
        for (allocation, infos) in allocations
            .iter()
            .zip(ctx.remaining_accounts.chunks_exact(2))
        {
            let pair = PoolPair::named(infos, allocation.pool)?;
            let (mut pool, mut pool_product) =
                pair.load_mut(cover.product_id, BulwarkError::WrongRemainingAccounts)?;
            pool.roll_forward(now)?;
            pool_product.roll_forward(now)?;
            if cover.release_bucket > pool_product.last_bucket {
                let mut backing_total: u64 = 0;
                for (k, backing) in allocation.backing()?.iter().enumerate() {
                    pool_product.deallocate(
                        cover.first_tranche + k as u64,
                        *backing,
                        cover.release_bucket,
                    )?;
                    backing_total = backing_total.checked_add(*backing).or_overflow()?;
                }
                let leverage = allocation
                    .amount
                    .checked_sub(backing_total)
                    .ok_or_else(|| broken!("an allocation's backing is at most its amount"))?;
                let last_bucket = pool.last_bucket;
                pool.line
                    .release(leverage, cover.release_bucket, last_bucket)?;
                released = released.checked_add(allocation.amount).or_overflow()?;
            }
            pool.invariant()?;
            pool_product.invariant()?;
        }
        emit!(CoverExpired {
            cover: cover.key(),
            released,
        });
        Ok(())
    }
}
