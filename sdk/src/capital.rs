//! A member's view of a capital pool.

use bulwark::state::CapitalPool;

/// The fewest shares of `pool` worth at least `amount` at its current price (the inverse of
/// `CapitalPool::value_of`, rounded up), saturating at `u64::MAX`: what an exit asking for
/// `amount` requests.
pub fn shares_worth(pool: &CapitalPool, amount: u64) -> u64 {
    let net = u128::from(pool.net_capital()) + 1;
    let needed = (u128::from(amount) * (u128::from(pool.shares) + 1)).div_ceil(net);
    u64::try_from(needed).unwrap_or(u64::MAX)
}
