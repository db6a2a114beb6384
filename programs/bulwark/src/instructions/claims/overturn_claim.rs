use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::ClaimOverturned;
use crate::state::{Claim, ClaimStatus, Config, Pool};
use anchor_lang::prelude::*;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct OverturnClaimArgs {
    /// Where governance publishes why it overturned the outcome (stored on the claim).
    pub reason_uri: String,
}

#[derive(Accounts)]
pub struct OverturnClaim<'info> {
    pub authority: Signer<'info>,
    #[account(
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = authority @ BulwarkError::NotAuthority,
    )]
    pub config: Box<Account<'info, Config>>,
    #[account(mut, has_one = deposit_pool @ BulwarkError::WrongPool)]
    pub claim: Box<Account<'info, Claim>>,
    /// Holds the claim's reserved assessor reward, which goes back to its assessment share.
    #[account(mut)]
    pub deposit_pool: AccountLoader<'info, Pool>,
}

impl OverturnClaim<'_> {
    /// Governance reverses the voters' outcome of a claim (fraud), only during its cooldown
    /// and only once, giving its reason. Nobody is rewarded for an overturned claim: its
    /// reserved reward goes back to the deposit pool's assessment share, and the ballots on
    /// the overturned side become slashable (`slash_ballot`).
    pub fn overturn_claim(ctx: Context<OverturnClaim>, args: OverturnClaimArgs) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        require!(
            args.reason_uri.len() <= MAX_URI_LEN,
            BulwarkError::UriTooLong
        );
        let claim = &mut ctx.accounts.claim;
        require!(
            matches!(
                claim.status(&ctx.accounts.config, now)?,
                ClaimStatus::Cooldown { .. }
            ),
            BulwarkError::NotInCooldown
        );
        require!(!claim.overturned, BulwarkError::ClaimAlreadyOverturned);
        claim.overturned = true;
        claim.overturn_uri = args.reason_uri;
        let released = claim.release_reward();
        {
            let mut pool = ctx.accounts.deposit_pool.load_mut()?;
            pool.release_assessor_reward(released)?;
            pool.invariant()?;
        }
        claim.invariant()?;
        emit!(ClaimOverturned {
            claim: claim.key(),
            authority: ctx.accounts.authority.key(),
            voters_accepted: claim.voted_accept(),
            accepted: claim.accepted(),
            reward_released: released,
            reason_uri: claim.overturn_uri.clone(),
        });
        Ok(())
    }
}
