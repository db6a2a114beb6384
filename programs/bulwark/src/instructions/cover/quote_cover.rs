use crate::constants::*;
use crate::error::BulwarkError;
use crate::instructions::cover::buy_cover::check_cover_terms;
use crate::instructions::cover_pools::PoolPair;
use crate::math::bps::Bps;
use crate::math::capacity::leverage_ratio;
use crate::math::pricing::premium;
use crate::math::OrOverflow;
use crate::state::{CapitalPool, Config, CoverSchedule, Pool, PoolProduct, Product};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::Mint;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct QuoteCoverArgs {
    pub product_id: u64,
    pub amount: u64,
    /// Seconds; at least 28 days and at most the product's maximum.
    pub period: u32,
    /// Distributor commission on top of the premium, bps of the premium (≤ 30%).
    pub commission_bps: u16,
}

/// One pool's part of a quote.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct PoolQuote {
    pub pool: Pubkey,
    /// Cover amount bought from this pool (its entry of `buy_cover`'s `allocations`).
    pub amount: u64,
    /// Annual price, bps.
    pub price_bps: u64,
    pub premium: u64,
}

/// What `buy_cover` would charge now for the cheapest route over the pools quoted.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug, PartialEq, Eq)]
pub struct CoverQuote {
    /// At most `MAX_COVER_POOLS` parts, in the order to pass the pools to `buy_cover`.
    pub parts: Vec<PoolQuote>,
    /// Amount the parts cover: the amount asked, or what the pools can sell when less.
    pub covered: u64,
    pub premium: u64,
    pub commission: u64,
    /// Pools whose `grant_leverage` crank changes their line, in the order given, up to the
    /// last routed pool's: the premium was priced on the lines they leave, so they are sent
    /// (with any `max_amount`, `u64::MAX` for all they may get) before the purchase.
    pub cranks: Vec<Pubkey>,
}

/// A pool able to sell the product now: its price and the most it can sell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Offer {
    pub pool: Pubkey,
    pub price_bps: u64,
    pub sellable: u64,
}

/// Remaining accounts: `[pool, pool_product]` for each candidate pool (read-only), at most
/// `MAX_QUOTE_POOLS` pairs.
#[derive(Accounts)]
#[instruction(args: QuoteCoverArgs)]
pub struct QuoteCover<'info> {
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    #[account(seeds = [PRODUCT_SEED, &args.product_id.to_le_bytes()], bump = product.bump)]
    pub product: Box<Account<'info, Product>>,
    /// The cover's mint: every pool quoted must be on it.
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    /// The mint's capital pool: the leverage line cranks are simulated against a copy of it.
    #[account(
        seeds = [CAPITAL_POOL_SEED, mint.key().as_ref()],
        bump = capital_pool.bump,
    )]
    pub capital_pool: Box<Account<'info, CapitalPool>>,
}

impl QuoteCover<'_> {
    fn validate(&self, args: &QuoteCoverArgs, pool_accounts: usize) -> Result<()> {
        // No price for what cannot be bought now.
        self.config
            .require_not_paused(PAUSE_BUY, BulwarkError::BuyingPaused)?;
        check_cover_terms(
            &self.product.terms,
            args.amount,
            args.period,
            args.commission_bps,
        )?;
        require!(
            pool_accounts.is_multiple_of(2) && (1..=MAX_QUOTE_POOLS).contains(&(pool_accounts / 2)),
            BulwarkError::InvalidQuotePools
        );
        Ok(())
    }

    /// Prices `amount` of cover for `period` over the given pools as `buy_cover` would now,
    /// after the pools' leverage line cranks (simulated in order on copies), routed greedily
    /// over the cheapest: the program's own quote, read by simulating this instruction (it
    /// writes nothing) and taking its return data.
    pub fn quote_cover<'info>(
        ctx: Context<'info, QuoteCover<'info>>,
        args: QuoteCoverArgs,
    ) -> Result<CoverQuote> {
        let now = Clock::get()?.unix_timestamp;
        ctx.accounts.validate(&args, ctx.remaining_accounts.len())?;
        let accounts = ctx.accounts;
        let params = &accounts.config.params;
        let terms = &accounts.product.terms;
        let schedule = CoverSchedule::new(
            params,
            terms.grace_period,
            terms.blind_votes,
            now,
            args.period,
        )?;
        // Copies on the heap, reused for every pool: a Pool and a PoolProduct together nearly
        // fill an SBF stack frame.
        let mut capital: Box<CapitalPool> = Box::new((**accounts.capital_pool).clone());
        let mut pool: Box<Pool> = bytemuck::zeroed_box();
        let mut pool_product: Box<PoolProduct> = bytemuck::zeroed_box();
        let mut offers = Vec::with_capacity(MAX_QUOTE_POOLS);
        let mut cranked = Vec::with_capacity(MAX_QUOTE_POOLS);
        let mut seen: Vec<Pubkey> = Vec::with_capacity(MAX_QUOTE_POOLS);
        for infos in ctx.remaining_accounts.chunks_exact(2) {
            let [pool_info, pool_product_info] = infos else {
                return err!(BulwarkError::InvalidQuotePools);
            };
            require!(!seen.contains(pool_info.key), BulwarkError::DuplicatePool);
            seen.push(pool_info.key());
            let pair = PoolPair::new(pool_info, pool_product_info)?;
            let (stored_pool, stored_pool_product) =
                pair.load_on_mint(&accounts.mint.key(), args.product_id)?;
            copy_pod(&mut *pool, &stored_pool);
            copy_pod(&mut *pool_product, &stored_pool_product);
            if pool
                .crank_line(&mut capital, params.capacity_ratio_bps, u64::MAX, now)?
                .changed()
            {
                cranked.push(pool_info.key());
            }
            if let Some(offer) = offer(
                pool_info.key(),
                &mut pool,
                &mut pool_product,
                &accounts.product,
                &accounts.config,
                &schedule,
                now,
            )? {
                offers.push(offer);
            }
        }
        let mut quote = route(offers, args.amount, args.period, args.commission_bps)?;
        keep_cranks_through_routed(&mut cranked, &quote.parts);
        quote.cranks = cranked;
        Ok(quote)
    }
}

/// Keeps of `cranked` (the pools whose line crank changed it, in the order simulated) every
/// crank up to the last routed pool's: one before it may have returned the capital that pool's
/// line was granted from, so it is sent too.
pub fn keep_cranks_through_routed(cranked: &mut Vec<Pubkey>, parts: &[PoolQuote]) {
    let last = cranked
        .iter()
        .rposition(|pool| parts.iter().any(|part| part.pool == *pool));
    cranked.truncate(last.map_or(0, |i| i + 1));
}

fn copy_pod<T: bytemuck::Pod>(to: &mut T, from: &T) {
    bytemuck::bytes_of_mut(to).copy_from_slice(bytemuck::bytes_of(from));
}

/// What `pool` offers of `product` at `now` (the pool and its pool-product rolled forward, as
/// `buy_cover` rolls them): its price and the most it can sell, or `None` when the product is
/// not weighted in the pool or nothing is free.
pub fn offer(
    address: Pubkey,
    pool: &mut Pool,
    pool_product: &mut PoolProduct,
    product: &Product,
    config: &Config,
    schedule: &CoverSchedule,
    now: i64,
) -> Result<Option<Offer>> {
    if pool_product.target_weight == 0 {
        return Ok(None);
    }
    pool.roll_forward(now)?;
    pool_product.roll_forward(now)?;
    let params = &config.params;
    let free = sellable(pool, pool_product, params.capacity_ratio_bps, schedule)?;
    if free == 0 {
        return Ok(None);
    }
    Ok(Some(Offer {
        pool: address,
        price_bps: pool_product.price(&product.terms, params, now)?,
        sellable: free,
    }))
}

/// Most cover `pool` can sell of `pool_product` now, as `buy_cover` allocates it: at
/// `max_ratio_bps` as far as the pool's leverage line goes, 1x beyond (the pool and
/// pool-product rolled forward to now). The ratio is priced from the amount bought, so the
/// bound is checked against the very plan a purchase of it would make.
pub fn sellable(
    pool: &Pool,
    pool_product: &PoolProduct,
    max_ratio_bps: u32,
    schedule: &CoverSchedule,
) -> Result<u64> {
    let books = pool_product.books(pool, schedule.current_tranche);
    let free_at = |ratio| {
        pool_product
            .plan_on(&books, ratio, schedule, 0)
            .map(|plan| plan.free_capacity)
    };
    let line = pool.line.available;
    let mut amount = free_at(max_ratio_bps)?.min(free_at(BPS as u32)?.saturating_add(line));
    // The ratio is rounded down and backing per tranche rounded up, so the estimate can be a
    // little above what fits; what fits at an amount's ratio fits at any smaller amount (whose
    // ratio is no lower), so each step moves down to it.
    for _ in 0..MAX_ACTIVE_TRANCHES {
        let fits = free_at(leverage_ratio(amount, line, max_ratio_bps))?;
        if fits >= amount {
            return Ok(amount);
        }
        amount = fits.min(amount - 1);
    }
    // Without the line it always sells what 1x offers.
    free_at(BPS as u32)
}

/// Routes `amount` greedily over the cheapest `offers` (each pool's part priced on its own
/// state, so this is the cheapest split the program sells), at most `MAX_COVER_POOLS` of them;
/// among equal prices the deepest pool first, then the lower address. `cranks` is left empty.
pub fn route(
    mut offers: Vec<Offer>,
    amount: u64,
    period: u32,
    commission_bps: u16,
) -> Result<CoverQuote> {
    // A total order (the pool breaks ties, and a quote has each pool once), so the unstable
    // sort is exact; the stable one keeps a 4 KiB scratch buffer on the SBF stack.
    offers.sort_unstable_by(|a, b| {
        a.price_bps
            .cmp(&b.price_bps)
            .then(b.sellable.cmp(&a.sellable))
            .then(a.pool.cmp(&b.pool))
    });
    let mut parts = Vec::with_capacity(MAX_COVER_POOLS);
    let mut left = amount;
    for offer in offers.into_iter().take(MAX_COVER_POOLS) {
        if left == 0 {
            break;
        }
        let take = offer.sellable.min(left);
        left -= take;
        parts.push(PoolQuote {
            pool: offer.pool,
            amount: take,
            price_bps: offer.price_bps,
            premium: premium(take, offer.price_bps, period)?,
        });
    }
    let total = parts
        .iter()
        .try_fold(0u64, |sum, part| sum.checked_add(part.premium))
        .or_overflow()?;
    Ok(CoverQuote {
        parts,
        covered: amount - left,
        premium: total,
        commission: Bps::of_valid(commission_bps)?.floor_of(total)?,
        cranks: Vec::new(),
    })
}
