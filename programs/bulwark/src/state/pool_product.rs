use crate::constants::*;
use crate::error::BulwarkError;
use crate::math::buckets::{bucket_at, bucket_slot};
use crate::math::capacity::tranche_capacity;
use crate::math::pricing::current_price;
use crate::math::tranche::ring_slot;
use crate::state::{CoverSchedule, Pool, ProductTerms, ProtocolParams};
use anchor_lang::prelude::*;

/// How an amount of cover fits in a pool's eligible tranches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AllocationPlan {
    /// Amount per tranche, `tranche_amounts[k]` in tranche `schedule.first_tranche + k`.
    pub tranche_amounts: [u64; MAX_ACTIVE_TRANCHES],
    /// Capacity of all eligible tranches, before this allocation (the price bump's base).
    pub total_capacity: u64,
    /// Capacity still free in the eligible tranches, before this allocation.
    pub free_capacity: u64,
}

/// What a pool underwrites of one product — how much of its capacity (weight) and at what
/// price — and the cover it has sold: allocations per tranche and, per 28-day bucket, the
/// allocations that expire then. Zero-copy: the bucket ring is 2 KiB.
#[account(zero_copy)]
#[derive(Debug)]
pub struct PoolProduct {
    pub pool: Pubkey,
    pub product_id: u64,
    /// When `bumped_price_bps` was last set.
    pub bumped_price_updated_at: i64,
    /// Last bucket whose expiries have been released.
    pub last_bucket: u64,
    /// Tranche each allocation slot refers to (slot `tranche_id % 8`).
    pub allocation_tranche_ids: [u64; MAX_ACTIVE_TRANCHES],
    /// Cover allocated per tranche slot.
    pub allocated: [u64; MAX_ACTIVE_TRANCHES],
    /// `expiring[bucket % 32][tranche slot]`: allocation released at the start of that bucket.
    pub expiring: [[u64; MAX_ACTIVE_TRANCHES]; BUCKET_RING],
    /// Share of the pool's capacity this product may use, 0..=100 (percent).
    pub target_weight: u16,
    /// Annual price the manager asks, bps of the covered amount.
    pub target_price_bps: u16,
    /// Price after the last purchase's bump, before decay.
    pub bumped_price_bps: u16,
    pub version: u8,
    pub bump: u8,
    pub reserved: [u8; 64],
}

const _: () = assert!(std::mem::size_of::<PoolProduct>() == 2_304);

impl PoolProduct {
    pub const SPACE: usize = 8 + std::mem::size_of::<PoolProduct>();

    /// Releases every allocation whose bucket has started by `now`. At most 32 buckets are
    /// walked (the ring); anything older was released when its slot was walked.
    pub fn roll_forward(&mut self, now: i64) -> Result<()> {
        let current = bucket_at(now)?;
        let mut walked = 0;
        while self.last_bucket < current && walked < BUCKET_RING {
            self.last_bucket += 1;
            let expiring = std::mem::take(&mut self.expiring[bucket_slot(self.last_bucket)]);
            for (allocated, released) in self.allocated.iter_mut().zip(expiring) {
                *allocated = allocated
                    .checked_sub(released)
                    .ok_or_else(|| error!(BulwarkError::InvariantViolated))?;
            }
            walked += 1;
        }
        self.last_bucket = self.last_bucket.max(current);
        Ok(())
    }

    /// Cover allocated in `tranche_id`.
    pub fn allocation_in(&self, tranche_id: u64) -> u64 {
        let slot = ring_slot(tranche_id);
        if self.allocation_tranche_ids[slot] == tranche_id {
            self.allocated[slot]
        } else {
            0
        }
    }

    /// Fills the eligible tranches of `schedule` in order with up to `amount` (read-only:
    /// `apply_plan` records it). Callers roll pool and pool-product forward first.
    pub fn plan(
        &self,
        pool: &Pool,
        capacity_ratio_bps: u32,
        schedule: &CoverSchedule,
        amount: u64,
    ) -> Result<AllocationPlan> {
        let mut plan = AllocationPlan::default();
        let mut left = amount;
        for (k, tranche_id) in (schedule.first_tranche..=schedule.last_tranche).enumerate() {
            let capacity = tranche_capacity(
                pool.live_stake(tranche_id),
                capacity_ratio_bps,
                self.target_weight,
            )?;
            let free = capacity.saturating_sub(self.allocation_in(tranche_id));
            let take = free.min(left);
            plan.tranche_amounts[k] = take;
            left -= take;
            plan.total_capacity = plan
                .total_capacity
                .checked_add(capacity)
                .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
            plan.free_capacity = plan
                .free_capacity
                .checked_add(free)
                .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
        }
        Ok(plan)
    }

    /// Records a plan's allocations, released at the start of the schedule's release bucket.
    pub fn apply_plan(&mut self, schedule: &CoverSchedule, plan: &AllocationPlan) -> Result<()> {
        for (k, amount) in plan.tranche_amounts.iter().enumerate() {
            if *amount > 0 {
                self.allocate(
                    schedule.first_tranche + k as u64,
                    *amount,
                    schedule.release_bucket,
                )?;
            }
        }
        Ok(())
    }

    /// Annual price (bps) the next buyer of this product pays in this pool at `now`.
    pub fn price(&self, terms: &ProductTerms, params: &ProtocolParams, now: i64) -> Result<u64> {
        current_price(
            self.target_price_bps,
            self.bumped_price_bps,
            self.bumped_price_updated_at,
            now,
            params.price_decay_bps_per_day,
            terms.min_price_bps,
            terms.fixed_price,
        )
    }

    /// Allocates `amount` in `tranche_id`, to be released at the start of `release_bucket`.
    fn allocate(&mut self, tranche_id: u64, amount: u64, release_bucket: u64) -> Result<()> {
        let slot = ring_slot(tranche_id);
        if self.allocation_tranche_ids[slot] != tranche_id {
            // The slot's previous tranche ended after all its allocations were released.
            require!(self.allocated[slot] == 0, BulwarkError::InvariantViolated);
            self.allocation_tranche_ids[slot] = tranche_id;
        }
        require!(
            release_bucket > self.last_bucket
                && release_bucket - self.last_bucket < BUCKET_RING as u64,
            BulwarkError::InvariantViolated
        );
        self.allocated[slot] = self.allocated[slot]
            .checked_add(amount)
            .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
        let expiring = &mut self.expiring[bucket_slot(release_bucket)][slot];
        *expiring = expiring
            .checked_add(amount)
            .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
        Ok(())
    }

    /// Releases `amount` of an allocation in `tranche_id` before its bucket (cover expired
    /// early or paid out). A no-op once the bucket has released it.
    pub fn deallocate(&mut self, tranche_id: u64, amount: u64, release_bucket: u64) -> Result<()> {
        if release_bucket <= self.last_bucket || amount == 0 {
            return Ok(());
        }
        let slot = ring_slot(tranche_id);
        require!(
            self.allocation_tranche_ids[slot] == tranche_id,
            BulwarkError::InvariantViolated
        );
        let expiring = &mut self.expiring[bucket_slot(release_bucket)][slot];
        *expiring = expiring
            .checked_sub(amount)
            .ok_or_else(|| error!(BulwarkError::InvariantViolated))?;
        self.allocated[slot] = self.allocated[slot]
            .checked_sub(amount)
            .ok_or_else(|| error!(BulwarkError::InvariantViolated))?;
        Ok(())
    }

    /// Every allocation is the sum of what its buckets will release; weight and price bounded.
    pub fn invariant(&self) -> Result<()> {
        require!(
            self.version == ACCOUNT_VERSION
                && self.target_weight <= MAX_PRODUCT_WEIGHT
                && self.target_price_bps <= MAX_PRICE_BPS
                && self.bumped_price_bps <= MAX_PRICE_BPS,
            BulwarkError::InvariantViolated
        );
        for slot in 0..MAX_ACTIVE_TRANCHES {
            let mut pending: u64 = 0;
            for bucket in self.expiring.iter() {
                pending = pending
                    .checked_add(bucket[slot])
                    .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
            }
            require!(
                pending == self.allocated[slot],
                BulwarkError::InvariantViolated
            );
        }
        Ok(())
    }
}
