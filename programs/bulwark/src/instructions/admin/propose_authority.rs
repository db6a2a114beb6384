use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::AuthorityProposed;
use crate::state::Config;
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct ProposeAuthority<'info> {
    pub authority: Signer<'info>,
    #[account(
        mut,
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = authority @ BulwarkError::NotAuthority,
    )]
    pub config: Account<'info, Config>,
}

impl ProposeAuthority<'_> {
    /// First step of the hand-over: names the next authority, who must accept. Proposing the
    /// default public key cancels a pending hand-over.
    pub fn propose_authority(ctx: Context<ProposeAuthority>, new_authority: Pubkey) -> Result<()> {
        let config = &mut ctx.accounts.config;
        config.pending_authority = new_authority;
        config.invariant()?;
        emit!(AuthorityProposed {
            authority: config.authority,
            pending_authority: new_authority,
        });
        Ok(())
    }
}
