//! Quotes and routing: which pools to buy a cover from, and what it costs.
//!
//! The program prices each pool's part independently from that pool's state before the
//! purchase, so routing an amount greedily over the pools with the lowest current price gives
//! the cheapest split the program can sell. The pricing and routing are the program's own
//! ([`offer`], [`sellable`], [`route`], which its `quote_cover` instruction runs), applied to
//! copies of the accounts rolled forward to the quote's time.

use anchor_lang::prelude::*;
use anchor_lang::{AccountDeserialize, Discriminator};
pub use bulwark::instructions::{
    keep_cranks_through_routed, offer, route, sellable, CoverQuote, Offer, PoolQuote,
};
use bulwark::state::{Config, CoverSchedule, Pool, PoolProduct, Product};

/// A pool that may sell the product, as fetched from the chain.
#[derive(Clone, Debug)]
pub struct PoolState {
    pub address: Pubkey,
    pub pool: Pool,
    pub pool_product: PoolProduct,
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
/// would price it at `now`, with the pools' leverage lines as they are (no cranks counted):
/// the program's own [`offer`] and [`route`], which its `quote_cover` instruction runs too.
pub fn quote(
    config: &Config,
    product: &Product,
    pools: &[PoolState],
    request: &CoverRequest,
    now: i64,
) -> std::result::Result<Quote, QuoteError> {
    if product.id != request.product_id {
        return Err(QuoteError::Program(format!(
            "product {} is not the product {} asked for",
            product.id, request.product_id
        )));
    }
    let schedule = CoverSchedule::new(
        &config.params,
        product.terms.grace_period,
        product.terms.blind_votes,
        now,
        request.period,
    )
    .map_err(program_error)?;
    let mut offers: Vec<Offer> = Vec::new();
    for (index, state) in pools.iter().enumerate() {
        // A pool listed twice is one pool (`quote_cover` and `buy_cover` refuse it twice).
        if pools[..index].iter().any(|s| s.address == state.address) {
            continue;
        }
        let mut pool = state.pool;
        let mut pool_product = state.pool_product;
        if pool_product.pool != state.address
            || pool.mint != request.mint
            || pool_product.product_id != product.id
        {
            continue;
        }
        let found = offer(
            state.address,
            &mut pool,
            &mut pool_product,
            product,
            config,
            &schedule,
            now,
        )
        .map_err(program_error)?;
        offers.extend(found);
    }
    let routed = route(
        offers,
        request.amount,
        request.period,
        request.commission_bps,
    )
    .map_err(program_error)?;
    if routed.covered < request.amount {
        return Err(QuoteError::InsufficientCapacity {
            requested: request.amount,
            available: routed.covered,
        });
    }
    Ok(Quote {
        request: *request,
        parts: routed.parts,
        premium: routed.premium,
        commission: routed.commission,
        cranks: Vec::new(),
    })
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
