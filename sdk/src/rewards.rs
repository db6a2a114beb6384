//! A staker's view of a pool: what each position has earned and what each tranche is
//! receiving, computed by the program's own code (`Pool::roll_forward`, the tranche's reward
//! per share, `StakePosition::settle`) on copies of fetched accounts, so the numbers equal what
//! `claim_rewards` or `withdraw_stake` would pay at the same time.

use anchor_lang::prelude::*;
use bulwark::constants::REWARD_SCALE;
use bulwark::state::{Pool, StakePosition, TrancheArchive};

/// Rewards `position` would be paid at `now`: what it has earned and not been paid. For a
/// position of a tranche that has been archived, pass the archive (its reward per share is
/// final); otherwise the pool is rolled forward to `now` first.
pub fn pending_rewards(
    pool: &Pool,
    position: &StakePosition,
    archive: Option<&TrancheArchive>,
    now: i64,
) -> Result<u64> {
    let reward_per_share = match archive {
        Some(archive) => archive.reward_per_share,
        None => {
            let mut pool = *pool;
            pool.roll_forward(now)?;
            pool.reward_per_share(position.tranche_id)?
        }
    };
    let mut position = position.clone();
    position.settle(reward_per_share)?;
    Ok(position.rewards_owed)
}

/// What one tranche of a pool is receiving at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrancheStream {
    pub tranche_id: u64,
    pub stake: u64,
    /// Premium streamed to the tranche per second, scaled by `REWARD_SCALE` (10^12).
    pub rate: u128,
}

impl TrancheStream {
    /// Whole tokens (base units) the tranche receives per day at this rate, rounded down.
    pub fn per_day(&self) -> u128 {
        self.rate * 86_400 / REWARD_SCALE
    }
}

/// Every tranche the pool's ring holds at `now`, in tranche order, with the stream it
/// receives: its share, by stake, of the streams of the cover classes it backs. An ended
/// tranche, or one a payout burnt to zero, receives nothing.
pub fn tranche_streams(pool: &Pool, now: i64) -> Result<Vec<TrancheStream>> {
    let mut pool = *pool;
    pool.roll_forward(now)?;
    let rates = pool.tranche_stream_rates()?;
    let mut streams: Vec<TrancheStream> = pool
        .tranches
        .iter()
        .zip(rates)
        .filter(|(slot, _)| !slot.is_empty())
        .map(|(slot, rate)| TrancheStream {
            tranche_id: slot.tranche_id,
            stake: slot.stake,
            rate,
        })
        .collect();
    streams.sort_by_key(|s| s.tranche_id);
    Ok(streams)
}
