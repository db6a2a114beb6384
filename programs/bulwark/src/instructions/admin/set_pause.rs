use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::PauseFlagsSet;
use crate::state::Config;
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct SetPause<'info> {
    pub authority: Signer<'info>,
    #[account(
        mut,
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = authority @ BulwarkError::NotAuthority,
    )]
    pub config: Account<'info, Config>,
}

impl SetPause<'_> {
    /// Sets the paused action families (`PAUSE_*` bits); 0 resumes everything. Immediate (no
    /// timelock). Each family's pause clock runs while it is paused: claims' deadlines move
    /// by the time claims were paused.
    pub fn set_pause(ctx: Context<SetPause>, flags: u8) -> Result<()> {
        require!(flags & !PAUSE_ALL == 0, BulwarkError::InvalidPauseFlags);
        let now = Clock::get()?.unix_timestamp;
        let config = &mut ctx.accounts.config;
        let old_flags = config.pause_flags;
        config.set_pause_flags(flags, now)?;
        config.invariant()?;
        emit!(PauseFlagsSet {
            old_flags,
            new_flags: flags,
            pause_clocks: config.pause_clocks,
        });
        Ok(())
    }
}
