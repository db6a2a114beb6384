use crate::constants::*;
use crate::error::VaultError;
use crate::events::SponsorPolicySet;
use crate::state::{SponsorPolicy, Vault};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct SetSponsorPolicy<'info> {
    pub admin: Signer<'info>,
    #[account(
        mut,
        seeds = [VAULT_SEED, vault.mint.as_ref()],
        bump = vault.bump,
        has_one = admin @ VaultError::NotAdmin,
    )]
    pub vault: Box<Account<'info, Vault>>,
}

impl SetSponsorPolicy<'_> {
    /// Replaces what the vault sponsors; covers already bought are unaffected.
    pub fn set_sponsor_policy(ctx: Context<SetSponsorPolicy>, policy: SponsorPolicy) -> Result<()> {
        policy.validate()?;
        ctx.accounts.vault.sponsor_policy = policy.clone();
        emit!(SponsorPolicySet {
            vault: ctx.accounts.vault.key(),
            sponsor_policy: policy,
        });
        Ok(())
    }
}
