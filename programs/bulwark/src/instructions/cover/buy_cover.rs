use crate::constants::*;
use crate::error::{broken, BulwarkError};
use crate::events::{CoverBought, PoolPurchase};
use crate::instructions::cover_pools::{ExpectedPool, PoolVaultAccounts};
use crate::math::bps::Bps;
use crate::math::capacity::leverage_ratio;
use crate::math::pricing::{bumped_price, premium, split_premium, PremiumSplit};
use crate::math::OrOverflow;
use crate::state::{Config, Cover, CoverAllocation, CoverSchedule, Product, ProductTerms};
use crate::token::{token_amount, transfer};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct BuyCoverArgs {
    /// Seed of the cover PDA, chosen by the payer (any value not used before by this payer).
    pub cover_nonce: u64,
    /// Who holds the cover: receives payouts, may claim and transfer it. May differ from the
    /// payer (a wallet buying for someone else, a protocol buying for its user through CPI).
    pub owner: Pubkey,
    pub product_id: u64,
    pub amount: u64,
    /// Seconds; at least 28 days and at most the product's maximum.
    pub period: u32,
    /// Slippage guard: the purchase fails if premium + commission exceed it.
    pub max_premium: u64,
    /// Cover amount per pool, in the order of the pool accounts in the remaining accounts.
    pub allocations: Vec<u64>,
    /// Distributor commission on top of the premium, bps of the premium (≤ 30%).
    pub commission_bps: u16,
}

/// Remaining accounts: for each allocation, in order, `[pool, pool_product, pool vault]`, all
/// writable.
#[derive(Accounts)]
#[instruction(args: BuyCoverArgs)]
pub struct BuyCover<'info> {
    /// Pays premium, commission and the cover's rent.
    #[account(mut)]
    pub payer: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(seeds = [PRODUCT_SEED, &args.product_id.to_le_bytes()], bump = product.bump)]
    pub product: Box<Account<'info, Product>>,
    #[account(
        init,
        payer = payer,
        space = Cover::SPACE,
        seeds = [COVER_SEED, payer.key().as_ref(), &args.cover_nonce.to_le_bytes()],
        bump,
    )]
    pub cover: Box<Account<'info, Cover>>,
    /// The cover's mint: every pool of the cover must be on it.
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        mut,
        constraint = payer_token.mint == mint.key() @ BulwarkError::WrongMint,
        constraint = payer_token.owner == payer.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub payer_token: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Receives the commission; required when `commission_bps > 0`.
    #[account(
        mut,
        constraint = commission_destination.mint == mint.key() @ BulwarkError::WrongMint,
    )]
    pub commission_destination: Option<Box<InterfaceAccount<'info, TokenAccount>>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl BuyCover<'_> {
    fn validate(&self, args: &BuyCoverArgs, pool_accounts: usize) -> Result<()> {
        self.config
            .require_not_paused(PAUSE_BUY, BulwarkError::BuyingPaused)?;
        require_keys_neq!(
            args.owner,
            Pubkey::default(),
            BulwarkError::InvalidCoverOwner
        );
        check_cover_terms(
            &self.product.terms,
            args.amount,
            args.period,
            args.commission_bps,
        )?;
        require!(
            args.commission_bps == 0 || self.commission_destination.is_some(),
            BulwarkError::MissingCommissionDestination
        );
        require!(
            (1..=MAX_COVER_POOLS).contains(&args.allocations.len())
                && pool_accounts == args.allocations.len() * 3,
            BulwarkError::InvalidAllocations
        );
        require!(
            args.allocations.iter().all(|a| *a > 0),
            BulwarkError::ZeroAmount
        );
        let total = args
            .allocations
            .iter()
            .try_fold(0u64, |sum, a| sum.checked_add(*a))
            .or_overflow()?;
        require!(total == args.amount, BulwarkError::AllocationSumMismatch);
        Ok(())
    }

    /// Buys cover: allocates it across the given pools' eligible tranches, prices each part,
    /// collects premium (and commission), streams the stakers' share and records the cover.
    /// Returns the cover's address (also in return data).
    pub fn buy_cover<'info>(
        ctx: Context<'info, BuyCover<'info>>,
        args: BuyCoverArgs,
    ) -> Result<Pubkey> {
        let clock = Clock::get()?;
        let now = clock.unix_timestamp;
        ctx.accounts.validate(&args, ctx.remaining_accounts.len())?;
        let schedule = CoverSchedule::new(
            &ctx.accounts.config.params,
            ctx.accounts.product.terms.grace_period,
            ctx.accounts.product.terms.blind_votes,
            now,
            args.period,
        )?;

        let mut allocations = [CoverAllocation::default(); MAX_COVER_POOLS];
        let mut purchases = Vec::with_capacity(args.allocations.len());
        let mut total_premium: u64 = 0;
        let mut assessment_premium: u64 = 0;
        for (index, (amount, accounts)) in args
            .allocations
            .iter()
            .zip(ctx.remaining_accounts.chunks_exact(3))
            .enumerate()
        {
            let (allocation, purchase) =
                buy_from_pool(ctx.accounts, accounts, *amount, &args, &schedule, now)?;
            require!(
                allocations[..index]
                    .iter()
                    .all(|a| a.pool != allocation.pool),
                BulwarkError::DuplicatePool
            );
            total_premium = total_premium.checked_add(purchase.premium).or_overflow()?;
            assessment_premium = assessment_premium
                .checked_add(purchase.assessment_share)
                .or_overflow()?;
            allocations[index] = allocation;
            purchases.push(purchase);
        }

        let commission = Bps::of_valid(args.commission_bps)?.floor_of(total_premium)?;
        let cost = total_premium.checked_add(commission).or_overflow()?;
        require!(cost <= args.max_premium, BulwarkError::PremiumAboveMax);
        let accounts = ctx.accounts;
        if let Some(destination) = accounts.commission_destination.as_ref() {
            if commission > 0 {
                transfer(
                    &accounts.token_program,
                    accounts.payer_token.to_account_info(),
                    &accounts.mint,
                    destination.to_account_info(),
                    accounts.payer.to_account_info(),
                    None,
                    commission,
                )?;
            }
        }

        let cover = &mut accounts.cover;
        cover.set_inner(Cover {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.cover,
            pool_count: args.allocations.len() as u8,
            open_claim: false,
            claim_count: 0,
            product_type: accounts.product.product_type,
            product_id: args.product_id,
            owner: args.owner,
            rent_payer: accounts.payer.key(),
            nonce: args.cover_nonce,
            mint: accounts.mint.key(),
            amount: args.amount,
            remaining: args.amount,
            start: now,
            period: args.period,
            grace_period: accounts.product.terms.grace_period,
            cooling_off: accounts.product.terms.cooling_off,
            purchase_slot: clock.slot,
            backing_until: schedule.backing_until,
            release_bucket: schedule.release_bucket,
            first_tranche: schedule.first_tranche,
            premium: total_premium,
            assessment_premium,
            allocations,
            timings: schedule.timings,
            deposit_pool: allocations[0].pool,
            claims_paused: accounts.config.paused_seconds(PAUSE_CLAIMS, now)?,
            blind_votes: accounts.product.terms.blind_votes,
            panel_quorum: accounts.product.terms.panel_quorum,
            reserved: [0; 5],
        });
        cover.invariant()?;
        emit!(CoverBought {
            cover: cover.key(),
            product_id: args.product_id,
            owner: args.owner,
            payer: accounts.payer.key(),
            amount: args.amount,
            start: now,
            period: args.period,
            premium: total_premium,
            commission,
            first_tranche: schedule.first_tranche,
            pools: purchases,
        });
        Ok(cover.key())
    }
}

/// What `buy_cover` and `quote_cover` both refuse: no amount, a deprecated product, a period
/// outside 28 days to the product's maximum, a commission above `MAX_COMMISSION_BPS`.
pub fn check_cover_terms(
    terms: &ProductTerms,
    amount: u64,
    period: u32,
    commission_bps: u16,
) -> Result<()> {
    require!(amount > 0, BulwarkError::ZeroAmount);
    require!(!terms.deprecated, BulwarkError::ProductDeprecated);
    require!(
        period >= MIN_COVER_PERIOD && period <= terms.max_cover_period,
        BulwarkError::InvalidCoverPeriod
    );
    require!(
        commission_bps <= MAX_COMMISSION_BPS,
        BulwarkError::CommissionTooHigh
    );
    Ok(())
}

/// Allocates `amount` of the cover in one pool: checks the pool's accounts, rolls its buckets
/// forward, fills its eligible tranches in order, prices and collects the premium, splits it.
fn buy_from_pool<'info>(
    accounts: &BuyCover<'info>,
    pool_accounts: &'info [AccountInfo<'info>],
    amount: u64,
    args: &BuyCoverArgs,
    schedule: &CoverSchedule,
    now: i64,
) -> Result<(CoverAllocation, PoolPurchase)> {
    let slot = PoolVaultAccounts::new(pool_accounts, ExpectedPool::OnMint(accounts.mint.key()))?;
    let (mut pool, mut pool_product) =
        slot.load_mut(&accounts.token_program.key(), args.product_id)?;
    require!(
        pool_product.target_weight > 0,
        BulwarkError::ProductNotInPool
    );
    let vault_info = slot.vault();

    let before = pool.snapshot(token_amount(vault_info)?)?;

    pool.roll_forward(now)?;
    pool_product.roll_forward(now)?;

    let params = &accounts.config.params;
    let current = schedule.current_tranche;
    let books = pool_product.books(&pool, current);
    // Above 1x the stake, only as far as the pool's leverage line goes (SPEC §4.3).
    let max_ratio = params.capacity_ratio_bps;
    let ratio = leverage_ratio(amount, pool.line.available, max_ratio);
    let plan = pool_product.plan_on(&books, ratio, schedule, amount)?;
    if plan.free_capacity < amount {
        let short_of_line = ratio < max_ratio
            && pool_product
                .plan_on(&books, max_ratio, schedule, amount)?
                .free_capacity
                >= amount;
        return Err(if short_of_line {
            BulwarkError::LeverageUnavailable
        } else {
            BulwarkError::InsufficientCapacity
        }
        .into());
    }
    let backing = plan
        .tranche_backing
        .iter()
        .try_fold(0u64, |sum, b| sum.checked_add(*b))
        .or_overflow()?;
    let leverage = amount
        .checked_sub(backing)
        .ok_or_else(|| broken!("a plan's backing is at most the amount it covers"))?;
    let last_bucket = pool.last_bucket;
    pool.line
        .use_line(leverage, schedule.release_bucket, last_bucket)?;
    pool_product.apply_plan(schedule, &plan)?;
    // The cumulative bound (SPEC §5.11), checked on the books the plan produced, at the
    // product's target weight: from no live tranche on may the backing sold exceed what the
    // target allows of the stake there, beyond what a payout or a lowered target already left
    // short; nor may the purchase raise the weight the product's cover uses.
    let target = pool_product.target_weight;
    let after = pool_product.books(&pool, current);
    require!(
        after.shortfall(target) <= books.shortfall(target)
            && after.effective_weight(target) <= books.effective_weight(target),
        BulwarkError::CumulativeCapacityExceeded
    );
    pool_product.set_effective_weight(&mut pool, after.effective_weight(target))?;

    let terms = &accounts.product.terms;
    let price_bps = pool_product.price(terms, params, now)?;
    let premium = premium(amount, price_bps, args.period)?;
    if !terms.fixed_price {
        pool_product.bumped_price_bps = bumped_price(
            price_bps,
            amount,
            plan.total_capacity,
            params.price_bump_bps,
        )?;
        pool_product.bumped_price_updated_at = now;
    }

    let PremiumSplit {
        staker_rewards,
        manager_fee,
        assessment: assessment_share,
        treasury: treasury_share,
        capital: capital_share,
    } = split_premium(
        premium,
        Bps::of_valid(params.staker_share_bps)?,
        Bps::of_valid(params.assessment_share_bps)?,
        Bps::of_valid(params.protocol_fee_bps)?,
        Bps::of_valid(pool.manager_fee_bps)?,
    )?;
    // To the tranches that back this cover (from its first eligible tranche on), the same
    // set and shares a payout of it burns (SPEC §4.4, §5.13).
    pool.add_stream(
        now,
        staker_rewards,
        schedule.first_tranche,
        schedule.stream_until_bucket,
    )?;
    pool.manager_fees = pool.manager_fees.checked_add(manager_fee).or_overflow()?;
    pool.assessment_accrued = pool
        .assessment_accrued
        .checked_add(assessment_share)
        .or_overflow()?;
    pool.treasury_accrued = pool
        .treasury_accrued
        .checked_add(treasury_share)
        .or_overflow()?;
    pool.capital_accrued = pool
        .capital_accrued
        .checked_add(capital_share)
        .or_overflow()?;

    transfer(
        &accounts.token_program,
        accounts.payer_token.to_account_info(),
        &accounts.mint,
        vault_info.clone(),
        accounts.payer.to_account_info(),
        None,
        premium,
    )?;
    let vault: InterfaceAccount<'info, TokenAccount> = InterfaceAccount::try_from(vault_info)?;
    pool.invariant()?;
    pool.check_vault(&before, vault.amount)?;
    pool_product.invariant()?;

    Ok((
        CoverAllocation {
            pool: slot.key(),
            amount,
            premium,
            ratio_bps: ratio,
            tranche_amounts: plan.tranche_amounts,
        },
        PoolPurchase {
            pool: slot.key(),
            amount,
            price_bps,
            premium,
            staker_rewards,
            manager_fee,
            assessment_share,
            treasury_share,
            capital_share,
            ratio_bps: ratio,
            leverage,
            new_bumped_price_bps: pool_product.bumped_price_bps,
        },
    ))
}
