//! Quotes and routing: which pools to buy a cover from, and what it costs.
//!
//! The program prices each pool's part independently from that pool's state before the
//! purchase, so routing an amount greedily over the pools with the lowest current price gives
//! the cheapest split the program can sell. Every number here comes from the program's own
//! functions (`CoverSchedule`, `PoolProduct::plan_on` and `price`, `math::pricing`, the
//! leverage ratio a pool's line allows), applied to
//! copies of the accounts rolled forward to the quote's time.

use anchor_lang::prelude::*;
use anchor_lang::{AccountDeserialize, Discriminator};
use bulwark::constants::{BPS, MAX_ACTIVE_TRANCHES, MAX_COVER_POOLS};
use bulwark::math::capacity::leverage_ratio;
use bulwark::math::pricing::{bps_of, premium};
use bulwark::state::{Config, CoverSchedule, Pool, PoolProduct, Product};

/// A pool that may sell the product, as fetched from the chain.
#[derive(Clone, Debug)]
pub struct PoolState {
    pub address: Pubkey,
    pub pool: Pool,
    pub pool_product: PoolProduct,
}

/// One pool's part of a quote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolQuote {
    pub pool: Pubkey,
    pub amount: u64,
    /// Annual price, bps.
    pub price_bps: u64,
    pub premium: u64,
}

/// What a buyer asks for: `amount` of cover on `product_id` for `period` seconds, paid in
/// `mint`, with `commission_bps` of the premium on top for a distributor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoverRequest {
    pub product_id: u64,
    pub mint: Pubkey,
    pub amount: u64,
    pub period: u32,
    pub commission_bps: u16,
}

/// What `buy_cover` would charge for a route, with the request it answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    pub request: CoverRequest,
    /// Pools in the order to pass them to `buy_cover`.
    pub parts: Vec<PoolQuote>,
    pub premium: u64,
    pub commission: u64,
    /// Pools whose leverage line the quote counted a `grant_leverage` crank for (see
    /// [`crate::flows::quote_cover`]): they are sent, in this order, before the purchase.
    pub cranks: Vec<Pubkey>,
}

impl Quote {
    /// `allocations` argument of `buy_cover`.
    pub fn allocations(&self) -> Vec<u64> {
        self.parts.iter().map(|p| p.amount).collect()
    }

    /// Pool addresses in route order.
    pub fn pools(&self) -> Vec<Pubkey> {
        self.parts.iter().map(|p| p.pool).collect()
    }

    /// Premium plus commission: the least `max_premium` that lets the purchase through.
    pub fn cost(&self) -> u64 {
        self.premium.saturating_add(self.commission)
    }

    /// A route the caller chose instead of a priced one: `parts` as `(pool, amount)`, with no
    /// premium known. Buy it with an explicit `max_premium`; the program prices it, or refuses
    /// it and says why.
    pub fn unpriced(request: CoverRequest, parts: &[(Pubkey, u64)]) -> Self {
        Self {
            request,
            parts: parts
                .iter()
                .map(|&(pool, amount)| PoolQuote {
                    pool,
                    amount,
                    price_bps: 0,
                    premium: 0,
                })
                .collect(),
            premium: 0,
            commission: 0,
            cranks: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuoteError {
    /// The best four pools together cannot take the amount.
    InsufficientCapacity { requested: u64, available: u64 },
    /// The program's math refused the inputs (period out of range, overflow, ...).
    Program(String),
}

impl std::fmt::Display for QuoteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::InsufficientCapacity {
                requested,
                available,
            } => write!(
                f,
                "not enough capacity: {requested} requested, {available} available"
            ),
            Self::Program(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for QuoteError {}

fn program_error(e: anchor_lang::error::Error) -> QuoteError {
    QuoteError::Program(e.to_string())
}

/// Routes `request` over the cheapest of `pools` on its mint (at most four), as `buy_cover`
/// would price it at `now`, with the pools' leverage lines as they are (no cranks counted).
pub fn quote(
    config: &Config,
    product: &Product,
    pools: &[PoolState],
    request: &CoverRequest,
    now: i64,
) -> std::result::Result<Quote, QuoteError> {
    let CoverRequest {
        amount,
        period,
        commission_bps,
        ..
    } = *request;
    if product.id != request.product_id {
        return Err(QuoteError::Program(format!(
            "product {} is not the product {} asked for",
            product.id, request.product_id
        )));
    }
    let params = &config.params;
    let schedule = CoverSchedule::new(params, product.terms.grace_period, now, period)
        .map_err(program_error)?;
    let mut offers = Vec::new();
    for state in pools {
        let mut pool = state.pool;
        let mut pool_product = state.pool_product;
        if pool_product.pool != state.address
            || pool.mint != request.mint
            || pool_product.product_id != product.id
            || pool_product.target_weight == 0
        {
            continue;
        }
        pool.roll_forward(now).map_err(program_error)?;
        pool_product.roll_forward(now).map_err(program_error)?;
        let free = sellable(&pool, &pool_product, params.capacity_ratio_bps, &schedule)
            .map_err(program_error)?;
        if free == 0 {
            continue;
        }
        let price_bps = pool_product
            .price(&product.terms, params, now)
            .map_err(program_error)?;
        offers.push((price_bps, free, state.address));
    }
    // Cheapest first; among equal prices the deepest pool, then the address for determinism.
    offers.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));

    let mut parts = Vec::new();
    let mut left = amount;
    for (price_bps, free, pool) in offers.into_iter().take(MAX_COVER_POOLS) {
        if left == 0 {
            break;
        }
        let take = free.min(left);
        left -= take;
        parts.push(PoolQuote {
            pool,
            amount: take,
            price_bps,
            premium: premium(take, price_bps, period).map_err(program_error)?,
        });
    }
    if left > 0 {
        return Err(QuoteError::InsufficientCapacity {
            requested: amount,
            available: amount - left,
        });
    }
    let total: u64 = parts.iter().map(|p| p.premium).sum();
    Ok(Quote {
        request: *request,
        commission: bps_of(total, commission_bps).map_err(program_error)?,
        premium: total,
        parts,
        cranks: Vec::new(),
    })
}

/// Most cover `pool` can sell of `pool_product` now, as `buy_cover` allocates it: at
/// `max_ratio_bps` as far as the pool's leverage line goes, 1x beyond (the pool and
/// pool-product rolled forward to now). The program prices the ratio from the amount bought,
/// so the bound is checked against the very plan a purchase of it would make.
pub fn sellable(
    pool: &Pool,
    pool_product: &PoolProduct,
    max_ratio_bps: u32,
    schedule: &CoverSchedule,
) -> anchor_lang::Result<u64> {
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

/// Decodes a Borsh program account (`Config`, `Product`, `Pool`, `Cover`, ...).
pub fn decode<T: AccountDeserialize>(data: &[u8]) -> Option<T> {
    T::try_deserialize(&mut &data[..]).ok()
}

/// Decodes a zero-copy program account (`Pool`, `PoolProduct`).
pub fn decode_zero_copy<T: bytemuck::Pod + Discriminator>(data: &[u8]) -> Option<T> {
    let body = data.strip_prefix(T::DISCRIMINATOR)?;
    let size = std::mem::size_of::<T>();
    (body.len() >= size).then(|| bytemuck::pod_read_unaligned(&body[..size]))
}
