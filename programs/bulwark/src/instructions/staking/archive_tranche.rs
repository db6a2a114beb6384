use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::TrancheArchived;
use crate::math::tranche::tranche_end;
use crate::state::{Pool, TrancheArchive};
use anchor_lang::prelude::*;

#[derive(Accounts)]
#[instruction(tranche_id: u64)]
pub struct ArchiveTranche<'info> {
    /// Anyone; pays the archive's rent and gets it back when its last share is withdrawn.
    #[account(mut)]
    pub payer: Signer<'info>,
    #[account(mut)]
    pub pool: AccountLoader<'info, Pool>,
    #[account(
        init,
        payer = payer,
        space = TrancheArchive::SPACE,
        seeds = [TRANCHE_ARCHIVE_SEED, pool.key().as_ref(), &tranche_id.to_le_bytes()],
        bump,
    )]
    pub archive: Box<Account<'info, TrancheArchive>>,
    pub system_program: Program<'info, System>,
}

impl ArchiveTranche<'_> {
    /// Freezes an ended tranche's totals into its own account and frees its ring slot.
    /// Permissionless: `withdraw_stake` needs the archive, and so does a deposit into the
    /// tranche that next uses the slot.
    pub fn archive_tranche(ctx: Context<ArchiveTranche>, tranche_id: u64) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        require!(
            now >= tranche_end(tranche_id)?,
            BulwarkError::TrancheNotEnded
        );

        let pool_key = ctx.accounts.pool.key();
        let mut pool = ctx.accounts.pool.load_mut()?;
        pool.roll_forward(now)?;
        let released = pool.release_slot(tranche_id)?;
        let archive = &mut ctx.accounts.archive;
        archive.set_inner(TrancheArchive {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.archive,
            pool: pool_key,
            tranche_id,
            stake_at_end: released.stake,
            shares_at_end: released.shares.get(),
            stake_remaining: released.stake,
            shares_remaining: released.shares.get(),
            reward_per_share: released.reward_per_share.get(),
            rent_payer: ctx.accounts.payer.key(),
            reserved: [0; 32],
        });
        archive.invariant()?;
        pool.invariant()?;
        emit!(TrancheArchived {
            pool: pool_key,
            tranche_id,
            stake: released.stake,
            shares: released.shares.get(),
        });
        Ok(())
    }
}
