//! Conversions between a tranche's stake (assets) and its shares.
//!
//! Each tranche is a small vault: `stake` is the pool's own record of the tokens it holds (the
//! vault balance is never read), `supply` the shares outstanding. Virtual shares and assets keep
//! the conversion defined on an empty tranche and keep a first or dust deposit from setting a
//! price that later depositors pay for. Both directions round down, against the caller.

use super::{checked_mul_u128, mul_div_floor, to_u64};
use crate::constants::{VIRTUAL_ASSETS, VIRTUAL_SHARES};
use crate::error::{broken, BulwarkError};
use crate::math::OrOverflow;
use anchor_lang::prelude::*;

/// Shares minted for depositing `amount` into a tranche holding `stake` with `supply` shares.
///
/// Refuses a deposit after which redeeming the tranche's shares could overflow: every later
/// redemption multiplies at most the whole supply by at most the whole stake (losses only lower
/// the stake), so checking that product here means a deposit that succeeds can always be
/// withdrawn.
#[inline(always)]
pub fn shares_for_deposit(amount: u64, stake: u64, supply: u128) -> Result<u128> {
    if stake == 0 && supply > 0 {
        return err!(BulwarkError::TrancheWipedOut);
    }
    let shares = mul_div_floor(
        u128::from(amount),
        supply.checked_add(VIRTUAL_SHARES).or_overflow()?,
        u128::from(stake) + VIRTUAL_ASSETS,
    )?;
    if shares == 0 {
        return err!(BulwarkError::ZeroShares);
    }
    let stake_after = u128::from(stake) + u128::from(amount) + VIRTUAL_ASSETS;
    supply
        .checked_add(shares)
        .and_then(|s| s.checked_add(VIRTUAL_SHARES))
        .and_then(|s| checked_mul_u128(s, stake_after))
        .or_overflow()?;
    Ok(shares)
}

/// Stake that `shares` redeem for in a tranche holding `stake` with `supply` shares.
#[inline(always)]
pub fn assets_for_shares(shares: u128, stake: u64, supply: u128) -> Result<u64> {
    if shares > supply {
        return Err(broken!("shares redeemed are at most the tranche's supply"));
    }
    to_u64(mul_div_floor(
        shares,
        u128::from(stake) + VIRTUAL_ASSETS,
        supply.checked_add(VIRTUAL_SHARES).or_overflow()?,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_deposit_mints_one_share_per_unit() {
        assert_eq!(shares_for_deposit(1_000, 0, 0).unwrap(), 1_000);
        assert_eq!(shares_for_deposit(1, 0, 0).unwrap(), 1);
    }

    #[test]
    fn dust_first_deposit_does_not_move_the_price() {
        let supply = shares_for_deposit(1, 0, 0).unwrap();
        let shares = shares_for_deposit(1_000_000, 1, supply).unwrap();
        assert_eq!(shares, 1_000_000);
        let back = assets_for_shares(shares, 1_000_001, supply + shares).unwrap();
        assert_eq!(back, 1_000_000);
    }

    #[test]
    fn redemption_never_exceeds_stake() {
        // After a burn the price is fractional: three holders of 1 share each in a tranche
        // holding 2 units. Each alone redeems 0, all together redeem exactly the 2 units.
        assert_eq!(assets_for_shares(1, 2, 3).unwrap(), 0);
        assert_eq!(assets_for_shares(3, 2, 3).unwrap(), 2);
    }

    #[test]
    fn wiped_out_tranche_refuses_deposits() {
        assert!(shares_for_deposit(10, 0, 5).is_err());
    }

    #[test]
    fn redeeming_more_than_supply_is_an_error() {
        assert!(assets_for_shares(6, 10, 5).is_err());
    }
}
