use crate::constants::*;
use crate::error::{require_invariant, BulwarkError};
use crate::events::ClaimClosed;
use crate::math::OrOverflow;
use crate::state::{Claim, ClaimStatus, Config, Cover, Pool};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct CloseClaim<'info> {
    /// Anyone may close a denied claim.
    pub caller: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        mut,
        has_one = cover @ BulwarkError::WrongCover,
        has_one = deposit_pool @ BulwarkError::WrongPool,
    )]
    pub claim: Box<Account<'info, Claim>>,
    #[account(mut)]
    pub cover: Box<Account<'info, Cover>>,
    /// Escrows the deposit, which stays in its vault as the assessment reward share.
    #[account(mut)]
    pub deposit_pool: AccountLoader<'info, Pool>,
}

impl CloseClaim<'_> {
    /// Settles a denied claim, freeing the cover for a new claim: its deposit is forfeited to
    /// the deposit pool's assessment share (it stays in the pool's vault, for the rewards of
    /// later claims). An
    /// accepted claim is never closed unpaid: `redeem_payout` pays it or records what is owed,
    /// and it closes once paid in full.
    pub fn close_claim(ctx: Context<CloseClaim>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let accounts = ctx.accounts;
        let claim = &accounts.claim;
        require!(!claim.closed, BulwarkError::ClaimClosed);
        match claim.status(&accounts.config, now)? {
            ClaimStatus::Final { accepted: false } => {}
            ClaimStatus::Final { accepted: true } => return err!(BulwarkError::ClaimAccepted),
            _ => return err!(BulwarkError::OutcomeNotFinal),
        }
        let deposit = claim.deposit;
        // Without a ballot nobody settles the reward: it goes back to the assessment share
        // now (with ballots, the last one settled gives back what is left).
        let released = if claim.voters == 0 {
            accounts.claim.release_reward()
        } else {
            0
        };
        {
            let mut pool = accounts.deposit_pool.load_mut()?;
            let liabilities = pool.liabilities()?;
            pool.release_claim_deposit(deposit)?;
            pool.assessment_accrued = pool.assessment_accrued.checked_add(deposit).or_overflow()?;
            pool.release_assessor_reward(released)?;
            pool.invariant()?;
            // Books only: what the vault must hold is unchanged.
            require_invariant!(
                pool.liabilities()? == liabilities,
                "closing a claim changes no liability of its deposit pool"
            );
        }
        accounts.claim.closed = true;
        accounts.cover.open_claim = false;
        accounts.claim.invariant()?;
        accounts.cover.invariant()?;
        emit!(ClaimClosed {
            claim: accounts.claim.key(),
            cover: accounts.cover.key(),
            deposit,
        });
        Ok(())
    }
}
