use crate::error::BulwarkError;
use crate::events::CoverExpired;
use crate::state::{Cover, PoolProduct};
use anchor_lang::prelude::*;

/// Remaining accounts: the cover's pool-product accounts (writable), one per pool of the
/// cover, in the cover's order.
#[derive(Accounts)]
pub struct ExpireCover<'info> {
    /// Closed by this instruction.
    #[account(
        mut,
        close = rent_payer,
        seeds = [crate::constants::COVER_SEED, cover.rent_payer.as_ref(), &cover.nonce.to_le_bytes()],
        bump = cover.bump,
    )]
    pub cover: Box<Account<'info, Cover>>,
    /// Receives the cover's rent back.
    /// CHECK: only lamports are credited, and the address is pinned to the cover's payer.
    #[account(mut, address = cover.rent_payer @ BulwarkError::WrongRentPayer)]
    pub rent_payer: UncheckedAccount<'info>,
}

impl ExpireCover<'_> {
    /// Anyone, once a cover's claim window (end + grace) has passed: releases its allocations
    /// in every pool right away instead of at their bucket, and closes the cover, returning
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
            now >= cover.claimable_until()?,
            BulwarkError::CoverNotExpired
        );
        require!(cover.claim_count == 0, BulwarkError::CoverHasClaims);
        let allocations = cover.used_allocations();
        require!(
            ctx.remaining_accounts.len() == allocations.len(),
            BulwarkError::WrongRemainingAccounts
        );
        let mut released: u64 = 0;
        for (allocation, info) in allocations.iter().zip(ctx.remaining_accounts) {
            require!(info.is_writable, BulwarkError::WrongRemainingAccounts);
            let loader: AccountLoader<'info, PoolProduct> = AccountLoader::try_from(info)?;
            let mut pool_product = loader.load_mut()?;
            require!(
                pool_product.pool == allocation.pool && pool_product.product_id == cover.product_id,
                BulwarkError::WrongRemainingAccounts
            );
            pool_product.roll_forward(now)?;
            if cover.release_bucket > pool_product.last_bucket {
                for (k, backing) in allocation.backing()?.iter().enumerate() {
                    pool_product.deallocate(
                        cover.first_tranche + k as u64,
                        *backing,
                        cover.release_bucket,
                    )?;
                }
                released = released
                    .checked_add(allocation.amount)
                    .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
            }
            pool_product.invariant()?;
        }
        emit!(CoverExpired {
            cover: cover.key(),
            released,
        });
        Ok(())
    }
}
