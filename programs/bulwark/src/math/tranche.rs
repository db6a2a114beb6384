//! The tranche calendar: time is cut into fixed 91-day tranches numbered from the Unix epoch.

use crate::constants::{MAX_ACTIVE_TRANCHES, TRANCHE_DURATION};
use crate::error::BulwarkError;
use crate::math::OrOverflow;
use anchor_lang::prelude::*;

/// Id of the tranche that contains `timestamp`.
pub fn tranche_at(timestamp: i64) -> Result<u64> {
    if timestamp < 0 {
        return err!(BulwarkError::InvalidClock);
    }
    Ok((timestamp / TRANCHE_DURATION) as u64)
}

/// First second after tranche `id` (stake in it unlocks at this timestamp).
pub fn tranche_end(id: u64) -> Result<i64> {
    // Unsigned arithmetic: the SBF toolchain cannot lower signed overflow-checked multiplies.
    id.checked_add(1)
        .and_then(|next| next.checked_mul(TRANCHE_DURATION as u64))
        .and_then(|end| i64::try_from(end).ok())
        .or_overflow()
}

/// Whether a deposit may target `tranche` when the current tranche is `current`.
pub fn is_depositable(tranche: u64, current: u64) -> bool {
    tranche >= current && tranche - current < MAX_ACTIVE_TRANCHES as u64
}

/// Ring slot that holds `tranche` in a pool.
pub fn ring_slot(tranche: u64) -> usize {
    (tranche % MAX_ACTIVE_TRANCHES as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_boundaries() {
        assert_eq!(tranche_at(0).unwrap(), 0);
        assert_eq!(tranche_at(TRANCHE_DURATION - 1).unwrap(), 0);
        assert_eq!(tranche_at(TRANCHE_DURATION).unwrap(), 1);
        assert_eq!(tranche_end(0).unwrap(), TRANCHE_DURATION);
        assert!(tranche_at(-1).is_err());
        assert!(tranche_end(u64::MAX).is_err());
    }

    #[test]
    fn depositable_window_is_eight_tranches() {
        assert!(is_depositable(10, 10));
        assert!(is_depositable(17, 10));
        assert!(!is_depositable(18, 10));
        assert!(!is_depositable(9, 10));
        assert_eq!(ring_slot(17), 1);
    }
}
