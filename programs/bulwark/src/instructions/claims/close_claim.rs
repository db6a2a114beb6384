use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::ClaimClosed;
use crate::state::{Claim, ClaimStatus, Config, Cover, Pool};
use crate::token::{check_recipient_account, transfer_from_pool};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(Accounts)]
pub struct CloseClaim<'info> {
    /// Anyone may close a settled claim.
    pub caller: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        mut,
        seeds = [CLAIM_SEED, cover.key().as_ref(), &claim.index.to_le_bytes()],
        bump = claim.bump,
        has_one = cover @ BulwarkError::WrongRemainingAccounts,
        has_one = mint @ BulwarkError::WrongMint,
        has_one = deposit_pool @ BulwarkError::WrongPool,
    )]
    pub claim: Box<Account<'info, Claim>>,
    #[account(
        mut,
        seeds = [COVER_SEED, cover.rent_payer.as_ref(), &cover.nonce.to_le_bytes()],
        bump = cover.bump,
    )]
    pub cover: Box<Account<'info, Cover>>,
    #[account(
        mut,
        has_one = vault @ BulwarkError::WrongVault,
        has_one = token_program @ BulwarkError::WrongTokenProgram,
    )]
    pub deposit_pool: AccountLoader<'info, Pool>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Gets the deposit back when an accepted claim lapsed unredeemed: the claimant's associated
    /// token account unless the claimant is the caller.
    #[account(
        mut,
        constraint = claimant_token.mint == mint.key() @ BulwarkError::WrongMint,
        constraint = claimant_token.owner == claim.claimant @ BulwarkError::WrongRecipient,
    )]
    pub claimant_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl CloseClaim<'_> {
    /// Settles a claim that will not be paid, freeing the cover for a new claim: a denied
    /// claim forfeits its deposit to the assessment reward share; an accepted claim whose
    /// redemption window passed gets its deposit back.
    pub fn close_claim(ctx: Context<CloseClaim>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let accounts = ctx.accounts;
        let claim = &accounts.claim;
        require!(!claim.closed, BulwarkError::ClaimClosed);
        let accepted = match claim.status(now)? {
            ClaimStatus::Final { accepted } => accepted,
            _ => return err!(BulwarkError::OutcomeNotFinal),
        };
        if accepted {
            // The refund moves tokens out of a vault: an outflow, stopped by the brake.
            accounts
                .config
                .require_not_paused(PAUSE_WITHDRAW, BulwarkError::WithdrawalsPaused)?;
            require!(
                now >= claim.redemption_end()?.min(accounts.cover.backing_until),
                BulwarkError::RedemptionWindowOpen
            );
            check_recipient_account(
                &accounts.claimant_token.key(),
                &claim.claimant,
                &accounts.caller.key(),
                &accounts.mint.key(),
                &accounts.token_program.key(),
            )?;
        }
        let deposit = claim.deposit;
        let before = {
            let mut pool = accounts.deposit_pool.load_mut()?;
            let before = pool.snapshot(accounts.vault.amount)?;
            pool.release_claim_deposit(deposit)?;
            if !accepted {
                pool.assessment_accrued = pool
                    .assessment_accrued
                    .checked_add(deposit)
                    .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
            }
            before
        };
        if accepted && deposit > 0 {
            transfer_from_pool(
                &accounts.token_program,
                &accounts.deposit_pool,
                &accounts.vault,
                &accounts.mint,
                accounts.claimant_token.to_account_info(),
                deposit,
            )?;
            accounts.vault.reload()?;
        }
        let pool = accounts.deposit_pool.load()?;
        pool.invariant()?;
        pool.check_vault(&before, accounts.vault.amount)?;
        accounts.claim.closed = true;
        accounts.cover.open_claim = false;
        accounts.claim.invariant()?;
        accounts.cover.invariant()?;
        emit!(ClaimClosed {
            claim: accounts.claim.key(),
            cover: accounts.cover.key(),
            accepted,
            deposit,
            deposit_forfeited: !accepted,
        });
        Ok(())
    }
}
