//! A staker's view of a pool: what each position has earned and what each tranche is
//! receiving, computed by the program's own code (`Pool::roll_forward`, the tranche's reward
//! per share, `StakePosition::settle`) on copies of fetched accounts, so the numbers equal what
//! `claim_rewards` or `withdraw_stake` would pay at the same time.

use anchor_lang::prelude::*;
use bulwark::constants::REWARD_SCALE;
use bulwark::error::BulwarkError;
use bulwark::state::{Pool, StakePosition, TrancheArchive};

/// Rewards `position` would be paid at `now`: what it has earned and not been paid. For a
/// position of a tranche that has been archived, pass the archive (its reward per share is
/// final; one of another pool or tranche is refused); otherwise the pool is rolled forward to
/// `now` first.
pub fn pending_rewards(
    pool: &Pool,
    position: &StakePosition,
    archive: Option<&TrancheArchive>,
    now: i64,
) -> Result<u64> {
    let reward_per_share = match archive {
        Some(archive) => {
            require_keys_eq!(archive.pool, position.pool, BulwarkError::WrongPool);
            require_eq!(
                archive.tranche_id,
                position.tranche_id,
                BulwarkError::PositionTrancheMismatch
            );
            archive.reward_per_share
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use bytemuck::Zeroable;

    fn position(pool: Pubkey, tranche_id: u64) -> StakePosition {
        StakePosition {
            version: bulwark::constants::ACCOUNT_VERSION,
            bump: 255,
            pool,
            owner: Pubkey::new_unique(),
            position_id: 0,
            tranche_id,
            shares: 1_000,
            reward_checkpoint: 0,
            rewards_owed: 7,
            reserved: [0; 64],
        }
    }

    fn archive(pool: Pubkey, tranche_id: u64) -> TrancheArchive {
        TrancheArchive {
            version: bulwark::constants::ACCOUNT_VERSION,
            bump: 255,
            pool,
            tranche_id,
            stake_at_end: 1_000,
            shares_at_end: 1_000,
            stake_remaining: 1_000,
            shares_remaining: 1_000,
            reward_per_share: 3 * REWARD_SCALE,
            rent_payer: Pubkey::new_unique(),
            reserved: [0; 32],
        }
    }

    #[test]
    fn an_archived_position_earns_up_to_its_tranches_final_reward_per_share() {
        let pool_key = Pubkey::new_unique();
        let pool = Pool::zeroed();
        let held = position(pool_key, 9);
        // 1,000 shares × 3 tokens per share, plus the 7 owed.
        let pending = pending_rewards(&pool, &held, Some(&archive(pool_key, 9)), 0).unwrap();
        assert_eq!(pending, 3_007);
        let other_pool = archive(Pubkey::new_unique(), 9);
        assert_eq!(
            pending_rewards(&pool, &held, Some(&other_pool), 0).unwrap_err(),
            error!(BulwarkError::WrongPool)
        );
        let other_tranche = archive(pool_key, 10);
        assert_eq!(
            pending_rewards(&pool, &held, Some(&other_tranche), 0).unwrap_err(),
            error!(BulwarkError::PositionTrancheMismatch)
        );
    }
}
