use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::AuthorityAccepted;
use crate::state::Config;
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct AcceptAuthority<'info> {
    pub pending_authority: Signer<'info>,
    #[account(mut, address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Account<'info, Config>,
}

impl AcceptAuthority<'_> {
    fn validate(&self) -> Result<()> {
        require_keys_neq!(
            self.config.pending_authority,
            Pubkey::default(),
            BulwarkError::NoPendingAuthority
        );
        require_keys_eq!(
            self.config.pending_authority,
            self.pending_authority.key(),
            BulwarkError::NotPendingAuthority
        );
        Ok(())
    }

    /// Second step of the hand-over: the proposed authority signs and takes over.
    pub fn accept_authority(ctx: Context<AcceptAuthority>) -> Result<()> {
        ctx.accounts.validate()?;
        let config = &mut ctx.accounts.config;
        let old_authority = config.authority;
        config.authority = config.pending_authority;
        config.pending_authority = Pubkey::default();
        config.invariant()?;
        emit!(AuthorityAccepted {
            old_authority,
            new_authority: config.authority,
        });
        Ok(())
    }
}
