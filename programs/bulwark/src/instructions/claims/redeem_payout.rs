use crate::constants::*;
use crate::error::{broken, require_invariant, BulwarkError};
use crate::events::PayoutRedeemed;
use crate::instructions::capital::{capital_settle, capital_snapshot};
use crate::instructions::cover_pools::{ExpectedPool, PoolVaultAccounts};
use crate::math::tranche::tranche_at;
use crate::math::OrOverflow;
use crate::math::{add, mul_div_floor, to_u64};
use crate::state::{CapitalPool, Claim, ClaimStatus, Config, Cover};
use crate::token::{
    check_recipient_account, token_amount, transfer_from_capital, transfer_from_pool,
};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// Remaining accounts: for each pool of the cover, in the cover's order,
/// `[pool, pool_product, pool vault]`, all writable.
#[derive(Accounts)]
pub struct RedeemPayout<'info> {
    /// Anyone may crank a payout; the money always goes to the cover's current owner.
    pub caller: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(
        mut,
        has_one = cover @ BulwarkError::WrongCover,
        has_one = mint @ BulwarkError::WrongMint,
    )]
    pub claim: Box<Account<'info, Claim>>,
    #[account(mut)]
    pub cover: Box<Account<'info, Cover>>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    /// The mint's capital pool: pays what the backing stake does not, or owes it.
    #[account(
        mut,
        seeds = [CAPITAL_POOL_SEED, mint.key().as_ref()],
        bump = capital_pool.bump,
        has_one = token_program @ BulwarkError::WrongTokenProgram,
    )]
    pub capital_pool: Box<Account<'info, CapitalPool>>,
    #[account(
        mut,
        seeds = [CAPITAL_VAULT_SEED, mint.key().as_ref()],
        bump = capital_pool.vault_bump,
    )]
    pub capital_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The cover owner's token account: receives the payout. Its associated token account
    /// unless the owner is the caller.
    #[account(
        mut,
        constraint = owner_token.mint == mint.key() @ BulwarkError::WrongMint,
        constraint = owner_token.owner == cover.owner @ BulwarkError::WrongRecipient,
    )]
    pub owner_token: Box<InterfaceAccount<'info, TokenAccount>>,
    /// The claimant's token account: gets the deposit back. The claimant owns the cover while
    /// its claim is open (a cover under claim cannot be transferred), so this is often the
    /// same account as `owner_token`, hence `dup`: both are only ever credited through the
    /// token program, never written by this program. Its associated token
    /// account unless the claimant is the caller.
    #[account(
        mut,
        dup,
        constraint = claimant_token.mint == mint.key() @ BulwarkError::WrongMint,
        constraint = claimant_token.owner == claim.claimant @ BulwarkError::WrongRecipient,
    )]
    pub claimant_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl RedeemPayout<'_> {
    fn validate(&self, now: i64, pool_accounts: usize) -> Result<()> {
        self.config
            .require_not_paused(PAUSE_PAYOUTS, BulwarkError::PayoutsPaused)?;
        let claim = &self.claim;
        require!(!claim.paid, BulwarkError::ClaimAlreadyPaid);
        require!(!claim.closed, BulwarkError::ClaimClosed);
        match claim.status(&self.config, now)? {
            ClaimStatus::Final { accepted: true } => {}
            ClaimStatus::Final { accepted: false } => return err!(BulwarkError::ClaimDenied),
            _ => return err!(BulwarkError::OutcomeNotFinal),
        }
        require!(
            pool_accounts == self.cover.used_allocations().len() * 3,
            BulwarkError::WrongRemainingAccounts
        );
        let (caller, mint, token_program) =
            (self.caller.key(), self.mint.key(), self.token_program.key());
        check_recipient_account(
            &self.owner_token.key(),
            &self.cover.owner,
            &caller,
            &mint,
            &token_program,
        )?;
        // The same account as `owner_token` means the claimant is the owner: checked above.
        if self.claimant_token.key() != self.owner_token.key() {
            check_recipient_account(
                &self.claimant_token.key(),
                &claim.claimant,
                &caller,
                &mint,
                &token_program,
            )?;
        }
        Ok(())
    }

    /// Pays an accepted claim to the cover's current owner. Each backing pool's part, pro
    /// rata to its allocation, burns `part ÷ ratio` (the stake the part occupies) from the
    /// tranches backing the cover, pro rata to their stake; the capital pool pays the rest —
    /// the leverage, and whatever the stake can no longer pay. What the capital pool cannot pay
    /// now is owed, in its debt queue (`redeem_owed`). After the cover's `backing_until` the
    /// backing stake is free and the capital pool alone pays. The claimant's deposit is
    /// refunded. Once per claim.
    pub fn redeem_payout<'info>(ctx: Context<'info, RedeemPayout<'info>>) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        ctx.accounts.validate(now, ctx.remaining_accounts.len())?;
        let current = tranche_at(now)?;
        let accounts = ctx.accounts;
        let requested = accounts.claim.requested_amount;
        // The backing stake is locked, and pays its part, until the cover's `backing_until`.
        let stake_pays = now < accounts.cover.backing_until;
        let parts = split_by_allocation(&accounts.cover, requested)?;
        let mut staker_paid: u64 = 0;
        let mut paid_per_pool = Vec::with_capacity(MAX_COVER_POOLS);
        let mut deposit_refunded: u64 = 0;
        let (product_id, first_tranche, release_bucket) = (
            accounts.cover.product_id,
            accounts.cover.first_tranche,
            accounts.cover.release_bucket,
        );
        for (index, pool_accounts) in ctx.remaining_accounts.chunks_exact(3).enumerate() {
            let part = parts[index];
            let allocation = &mut accounts.cover.allocations[index];
            let slot = PoolVaultAccounts::new(pool_accounts, ExpectedPool::Named(allocation.pool))?;
            let vault_info = slot.vault();
            let refund = if slot.key() == accounts.claim.deposit_pool {
                accounts.claim.deposit
            } else {
                0
            };
            let (burned, before) = {
                let (mut pool, mut pool_product) =
                    slot.load_mut(&accounts.token_program.key(), product_id)?;
                let before = pool.snapshot(token_amount(vault_info)?)?;
                pool.roll_forward(now)?;
                pool_product.roll_forward(now)?;
                // The stake this part occupies, tranche by tranche, as the pool-product
                // recorded it; the rest of the part was sold on the leverage line.
                let released = allocation.take(part)?;
                let mut stake_due: u64 = 0;
                for (k, backing) in released.iter().enumerate() {
                    pool_product.deallocate(first_tranche + k as u64, *backing, release_bucket)?;
                    stake_due = stake_due.checked_add(*backing).or_overflow()?;
                }
                let leverage = part.checked_sub(stake_due).ok_or_else(|| {
                    broken!("the stake's due is at most the pool's part of the payout")
                })?;
                let last_bucket = pool.last_bucket;
                pool.line.release(leverage, release_bucket, last_bucket)?;
                let burned = if stake_pays {
                    pool.burn(first_tranche, stake_due)?
                } else {
                    0
                };
                // The payout moved this product's allocations and the pool's stake: its
                // effective weight follows (the pool's other products may lag until
                // `refresh_pool_product`; a payout never fails on weights).
                pool_product.refresh_effective_weight(&mut pool, current)?;
                pool.release_claim_deposit(refund)?;
                pool_product.invariant()?;
                (burned, before)
            };
            let vault: InterfaceAccount<'info, TokenAccount> =
                InterfaceAccount::try_from(vault_info)?;
            for (amount, to) in [
                (burned, accounts.owner_token.to_account_info()),
                (refund, accounts.claimant_token.to_account_info()),
            ] {
                if amount > 0 {
                    transfer_from_pool(
                        &accounts.token_program,
                        slot.pool(),
                        &vault,
                        &accounts.mint,
                        to,
                        amount,
                    )?;
                }
            }
            let vault: InterfaceAccount<'info, TokenAccount> =
                InterfaceAccount::try_from(vault_info)?;
            let pool = slot.pool().load()?;
            pool.invariant()?;
            pool.check_vault(&before, vault.amount)?;
            deposit_refunded = add(deposit_refunded, refund)?;
            staker_paid = staker_paid.checked_add(burned).or_overflow()?;
            paid_per_pool.push(burned);
        }
        require!(
            deposit_refunded == accounts.claim.deposit,
            BulwarkError::WrongRemainingAccounts
        );

        // The capital pool's part joins the end of its debt queue and is paid as far as the
        // capital it holds goes.
        let capital_due = requested
            .checked_sub(staker_paid)
            .ok_or_else(|| broken!("the stake paid is at most the amount requested"))?;
        let capital_before = capital_snapshot(&accounts.capital_pool, &accounts.capital_vault)?;
        let capital_pool = &mut accounts.capital_pool;
        let debt_position = capital_pool.record_debt(capital_due)?;
        let capital_paid = capital_pool.payable(debt_position, capital_due);
        capital_pool.pay_debt(capital_paid)?;
        if capital_paid > 0 {
            transfer_from_capital(
                &accounts.token_program,
                &accounts.capital_pool,
                &accounts.capital_vault,
                &accounts.mint,
                accounts.owner_token.to_account_info(),
                capital_paid,
            )?;
        }
        capital_settle(
            &accounts.capital_pool,
            &accounts.capital_vault,
            &capital_before,
        )?;

        let cover = &mut accounts.cover;
        cover.remaining = cover
            .remaining
            .checked_sub(requested)
            .ok_or_else(|| broken!("a payout is at most the cover's remaining amount"))?;
        cover.open_claim = false;
        let claim = &mut accounts.claim;
        claim.record_redemption(staker_paid, capital_paid, debt_position)?;
        cover.invariant()?;
        claim.invariant()?;
        emit!(PayoutRedeemed {
            claim: claim.key(),
            cover: cover.key(),
            recipient: cover.owner,
            requested,
            paid: claim.paid_amount,
            paid_per_pool,
            staker_paid,
            capital_paid,
            owed: claim.owed,
            debt_position: claim.debt_position,
            deposit_refunded,
            cover_remaining: cover.remaining,
        });
        Ok(())
    }
}

/// `amount` split over the cover's pools pro rata to their allocations, rounded down, the
/// rounding remainder to the first pools with cover left: the parts add up to `amount`
/// exactly, each within its allocation.
fn split_by_allocation(cover: &Cover, amount: u64) -> Result<[u64; MAX_COVER_POOLS]> {
    let mut parts = [0u64; MAX_COVER_POOLS];
    let allocations = cover.used_allocations();
    let mut left = amount;
    for (part, allocation) in parts.iter_mut().zip(allocations) {
        *part = to_u64(mul_div_floor(
            u128::from(amount),
            u128::from(allocation.amount),
            u128::from(cover.remaining),
        )?)?;
        left = left
            .checked_sub(*part)
            .ok_or_else(|| broken!("pro-rata parts sum to at most the payout"))?;
    }
    for (part, allocation) in parts.iter_mut().zip(allocations) {
        let extra = allocation.amount.saturating_sub(*part).min(left);
        *part = part.saturating_add(extra);
        left -= extra;
    }
    require_invariant!(
        left == 0,
        "the payout is spread in full over the cover's pools"
    );
    Ok(parts)
}
