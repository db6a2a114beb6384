//! Shared fixtures of the cover and claim suites: a market with a staked pool, a funded
//! buyer, and independent reference computations of prices and premiums.

use anchor_lang::prelude::Pubkey;
use bulwark::constants::*;
use bulwark_sdk::quote::CoverRequest;
use bulwark_testing::*;

pub use bulwark_testing::market::{claim_args, cover_args, CAPITAL_PER_STAKE, UNIT};
pub const DAY: i64 = SECONDS_PER_DAY;
pub const YEAR: u32 = 365 * DAY as u32;

/// A year of cover on `m`'s product and mint, without commission.
pub fn request(m: &Market, amount: u64) -> CoverRequest {
    CoverRequest {
        product_id: m.product_id,
        mint: m.mint,
        amount,
        period: YEAR,
        commission_bps: 0,
    }
}

/// Reference premium, written independently of the program: ceil(amount × price × period /
/// (10,000 × one year)).
pub fn reference_premium(amount: u64, price_bps: u64, period: u32) -> u64 {
    let numerator = u128::from(amount) * u128::from(price_bps) * u128::from(period);
    let denominator = 10_000u128 * 365 * 86_400;
    numerator.div_ceil(denominator) as u64
}

/// Reference price: the bumped price less 2% a day (rounded in the protocol's favour), never
/// below the target or the product minimum.
pub fn reference_price(target: u64, bumped: u64, elapsed: i64, min: u64) -> u64 {
    let decay = 200 * elapsed as u64 / 86_400;
    target.max(min).max(bumped.saturating_sub(decay))
}

/// Reference bump: 5% per 100% of capacity bought, rounded up, capped at 100%.
pub fn reference_bump(price: u64, amount: u64, capacity: u64) -> u64 {
    (price + (500 * u128::from(amount)).div_ceil(u128::from(capacity)) as u64).min(10_000)
}

/// A [`Market`] of `stake` in a new bank, with [`CAPITAL_PER_STAKE`] times as much capital.
pub async fn market(stake: u64) -> Market {
    market_on(stake, spl_token::ID).await
}

/// [`market`] on a mint of `token_program`.
pub async fn market_on(stake: u64, token_program: Pubkey) -> Market {
    market_with(
        stake,
        stake.saturating_mul(CAPITAL_PER_STAKE),
        token_program,
    )
    .await
}

/// [`market`] with `capital` in the mint's capital pool (none when 0: the pool sells 1x).
pub async fn market_with(stake: u64, capital: u64, token_program: Pubkey) -> Market {
    let t = TestContext::new().await;
    let spec = MarketSpec {
        capital,
        token_program,
        ..MarketSpec::new(stake)
    };
    Market::open(t, spec).await
}

/// SplitMix64: a small, well-mixed deterministic generator, so a seed names one sequence (a
/// failing case is reproducible from its seed).
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform enough in `low..=high` for test inputs.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}
