use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::ClaimOverturned;
use crate::state::{Claim, ClaimStatus, Config};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct OverturnClaim<'info> {
    pub authority: Signer<'info>,
    #[account(
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = authority @ BulwarkError::NotAuthority,
    )]
    pub config: Box<Account<'info, Config>>,
    #[account(mut)]
    pub claim: Box<Account<'info, Claim>>,
}

impl OverturnClaim<'_> {
    /// Governance reverses the voters' outcome of a claim (fraud), only during its cooldown
    /// and only once.
    pub fn overturn_claim(ctx: Context<OverturnClaim>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let claim = &mut ctx.accounts.claim;
        require!(
            matches!(claim.status(now)?, ClaimStatus::Cooldown { .. }),
            BulwarkError::NotInCooldown
        );
        require!(!claim.overturned, BulwarkError::ClaimAlreadyOverturned);
        claim.overturned = true;
        claim.invariant()?;
        emit!(ClaimOverturned {
            claim: claim.key(),
            authority: ctx.accounts.authority.key(),
            voters_accepted: claim.voted_accept(),
            accepted: claim.accepted(),
        });
        Ok(())
    }
}
