//! The expiry-bucket calendar: 28-day buckets numbered from the Unix epoch.

use crate::constants::{BUCKET_DURATION, BUCKET_RING};
use crate::error::BulwarkError;
use crate::math::OrOverflow;
use anchor_lang::prelude::*;

/// Bucket containing `timestamp`.
pub fn bucket_at(timestamp: i64) -> Result<u64> {
    if timestamp < 0 {
        return err!(BulwarkError::InvalidClock);
    }
    Ok((timestamp / BUCKET_DURATION) as u64)
}

/// The first bucket boundary at or after `timestamp`: the bucket whose start releases what
/// expires at `timestamp`.
pub fn release_bucket(timestamp: i64) -> Result<u64> {
    if timestamp < 0 {
        return err!(BulwarkError::InvalidClock);
    }
    Ok((timestamp as u64).div_ceil(BUCKET_DURATION as u64))
}

/// Start of bucket `id`.
pub fn bucket_start(id: u64) -> Result<i64> {
    id.checked_mul(BUCKET_DURATION as u64)
        .and_then(|start| i64::try_from(start).ok())
        .or_overflow()
}

/// Ring slot of bucket `id`.
pub fn bucket_slot(id: u64) -> usize {
    (id % BUCKET_RING as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_rounds_up_to_a_boundary() {
        assert_eq!(release_bucket(0).unwrap(), 0);
        assert_eq!(release_bucket(1).unwrap(), 1);
        assert_eq!(release_bucket(BUCKET_DURATION).unwrap(), 1);
        assert_eq!(release_bucket(BUCKET_DURATION + 1).unwrap(), 2);
        assert_eq!(bucket_at(BUCKET_DURATION - 1).unwrap(), 0);
        assert_eq!(bucket_start(2).unwrap(), 2 * BUCKET_DURATION);
        assert_eq!(bucket_slot(33), 1);
        assert!(release_bucket(-1).is_err());
    }
}
