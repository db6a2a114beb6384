use crate::constants::*;
use crate::error::{broken, require_invariant};
use crate::math::buckets::{bucket_at, bucket_slot};
use crate::math::capacity::{
    backing_for, backing_x100, cover_for_backing, excess_x100, unscale_x100, weight_used,
    weighted_stake_x100,
};
use crate::math::pricing::current_price;
use crate::math::tranche::ring_slot;
use crate::math::OrOverflow;
use crate::state::{CoverSchedule, Pool, ProductTerms, ProtocolParams};
use anchor_lang::prelude::*;

/// How an amount of cover fits in a pool's eligible tranches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AllocationPlan {
    /// Cover amount per tranche, `tranche_amounts[k]` in tranche `schedule.first_tranche + k`.
    pub tranche_amounts: [u64; MAX_ACTIVE_TRANCHES],
    /// Backing units those amounts occupy (`backing_for` of each, at the plan's ratio).
    pub tranche_backing: [u64; MAX_ACTIVE_TRANCHES],
    /// Cover all eligible tranches can back for the product, before this allocation and
    /// regardless of what is sold (the price bump's base); saturates at `u64::MAX`.
    pub total_capacity: u64,
    /// Cover the eligible tranches can still back, after the allocations and the carry-over of
    /// over-allocated earlier tranches; saturates at `u64::MAX`.
    pub free_capacity: u64,
}

/// A pool-product's backing and its pool's live stake per live tranche: entry `k` is tranche
/// `current + k`. The cumulative capacity bound and the effective weight are read from it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TrancheBooks {
    /// The first live tranche: the one `now` falls in.
    pub current: u64,
    pub backing: [u64; MAX_ACTIVE_TRANCHES],
    pub stake: [u64; MAX_ACTIVE_TRANCHES],
}

impl TrancheBooks {
    /// Backing and stake summed over the tranches from each live tranche on: entry `k` sums
    /// entries `k..8`. Stake sums stay below `Pool::total_stake`; backing sums saturate, which
    /// only overstates what is sold (a purchase is refused, never allowed, by it).
    fn suffix_sums(&self) -> [(u64, u64); MAX_ACTIVE_TRANCHES] {
        let mut sums = [(0u64, 0u64); MAX_ACTIVE_TRANCHES];
        let (mut backing, mut stake) = (0u64, 0u64);
        for k in (0..MAX_ACTIVE_TRANCHES).rev() {
            backing = backing.saturating_add(self.backing[k]);
            stake = stake.saturating_add(self.stake[k]);
            sums[k] = (backing, stake);
        }
        sums
    }

    /// The cumulative capacity bound, as a shortfall: the most by which, from some live
    /// tranche on, the backing allocated exceeds what `weight` allows of the stake there
    /// (`max_t(100 × Σ_{u≥t} alloc(u) − weight × Σ_{u≥t} stake(u))`, scaled by 100, at least 0).
    /// Zero is SPEC §5.11. Only a payout (stake burnt under live cover) makes it positive; a
    /// purchase never adds to it.
    pub fn shortfall(&self, weight: u16) -> u128 {
        self.suffix_sums()
            .iter()
            .map(|(backing, stake)| excess_x100(*backing, *stake, weight))
            .max()
            .unwrap_or(0)
    }

    /// Weight the live allocations occupy: the largest, over the live tranches `t`, of
    /// `⌈100 × Σ_{u≥t} alloc(u) ÷ Σ_{u≥t} stake(u)⌉`, 100 where that stake is 0 (Nexus
    /// Mutual's `_getEffectiveWeight`, in stake units).
    pub fn weight_in_use(&self) -> u16 {
        self.suffix_sums()
            .iter()
            .map(|(backing, stake)| weight_used(*backing, *stake))
            .max()
            .unwrap_or(0)
    }

    /// `min(100, max(target, weight in use))`: what a product of `target` counts for.
    pub fn effective_weight(&self, target: u16) -> u16 {
        target.max(self.weight_in_use()).min(MAX_PRODUCT_WEIGHT)
    }
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
    /// Backing units allocated per tranche slot: the stake the live cover occupies there
    /// (`math::capacity`), each part at the ratio it was sold at.
    pub allocated: [u64; MAX_ACTIVE_TRANCHES],
    /// `expiring[bucket % 32][tranche slot]`: backing released at the start of that bucket.
    pub expiring: [[u64; MAX_ACTIVE_TRANCHES]; BUCKET_RING],
    /// Share of the pool's capacity this product may use, 0..=100 (percent).
    pub target_weight: u16,
    /// Annual price the manager asks, bps of the covered amount.
    pub target_price_bps: u16,
    /// Price after the last purchase's bump, before decay.
    pub bumped_price_bps: u16,
    pub version: u8,
    pub bump: u8,
    /// Weight this product counts for in the pool's `total_effective_weight`: the larger of
    /// its target and the weight its live allocations occupy, at most 100. Lowering a target
    /// cannot free weight that sold cover still uses. Kept current by every instruction that
    /// writes this account; a payout elsewhere in the pool can leave it low until
    /// `refresh_pool_product`.
    pub effective_weight: u16,
    pub reserved: [u8; 62],
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
                    .ok_or_else(|| broken!("released backing is at most what is allocated"))?;
            }
            walked += 1;
        }
        self.last_bucket = self.last_bucket.max(current);
        Ok(())
    }

    /// Backing units allocated in `tranche_id`.
    pub fn allocation_in(&self, tranche_id: u64) -> u64 {
        let slot = ring_slot(tranche_id);
        if self.allocation_tranche_ids[slot] == tranche_id {
            self.allocated[slot]
        } else {
            0
        }
    }

    /// The product's backing and the pool's live stake in each live tranche, read once.
    pub fn books(&self, pool: &Pool, current: u64) -> TrancheBooks {
        let mut books = TrancheBooks {
            current,
            ..TrancheBooks::default()
        };
        for k in 0..MAX_ACTIVE_TRANCHES {
            let tranche_id = current + k as u64;
            books.backing[k] = self.allocation_in(tranche_id);
            books.stake[k] = pool.live_stake(tranche_id);
        }
        books
    }

    /// [`PoolProduct::plan_on`] the pool's current books.
    pub fn plan(
        &self,
        pool: &Pool,
        capacity_ratio_bps: u32,
        schedule: &CoverSchedule,
        amount: u64,
    ) -> Result<AllocationPlan> {
        let books = self.books(pool, schedule.current_tranche);
        self.plan_on(&books, capacity_ratio_bps, schedule, amount)
    }

    /// Fills the eligible tranches of `schedule` in order with up to `amount` of cover at
    /// `capacity_ratio_bps` (read-only: `apply_plan` records it). Callers roll pool and
    /// pool-product forward first; `books` start at `schedule.current_tranche`.
    ///
    /// Nexus Mutual's carry-over, walked from the first live tranche (not the cover's first
    /// eligible one): stake that left a tranche (moved on by `extend_stake`) leaves its
    /// allocations behind, and the excess over what the tranche still holds is carried into
    /// the later tranches, so the same stake is never sold twice.
    /// `free(t) = max(0, cap(t) − alloc(t) − carry(t−1))`,
    /// `carry(t) = max(0, alloc(t) + carry(t−1) − cap(t))`, in stake units scaled by 100 so
    /// the walk only multiplies.
    pub fn plan_on(
        &self,
        books: &TrancheBooks,
        capacity_ratio_bps: u32,
        schedule: &CoverSchedule,
        amount: u64,
    ) -> Result<AllocationPlan> {
        require_invariant!(
            books.current == schedule.current_tranche,
            "the books are those of the schedule's current tranche"
        );
        let mut plan = AllocationPlan::default();
        let mut left = amount;
        let mut carry: u128 = 0;
        let mut eligible: u128 = 0;
        for (k, (backing, stake)) in books.backing.iter().zip(books.stake).enumerate() {
            let tranche_id = books.current + k as u64;
            let cap = weighted_stake_x100(stake, self.target_weight);
            let needed = backing_x100(*backing) + carry;
            carry = needed.saturating_sub(cap);
            let Some(offset) = tranche_id
                .checked_sub(schedule.first_tranche)
                .map(|offset| offset as usize)
            else {
                continue;
            };
            eligible += cap;
            let free =
                cover_for_backing(unscale_x100(cap.saturating_sub(needed)), capacity_ratio_bps);
            plan.free_capacity = plan.free_capacity.saturating_add(free);
            let take = free.min(left);
            if take > 0 {
                plan.tranche_amounts[offset] = take;
                plan.tranche_backing[offset] = backing_for(take, capacity_ratio_bps)?;
                left -= take;
            }
        }
        plan.total_capacity = cover_for_backing(unscale_x100(eligible), capacity_ratio_bps);
        Ok(plan)
    }

    /// Stores `effective_weight` and moves the pool's sum with it. Returns the previous value.
    pub fn set_effective_weight(&mut self, pool: &mut Pool, effective_weight: u16) -> Result<u16> {
        let old = self.effective_weight;
        pool.total_effective_weight = pool
            .total_effective_weight
            .checked_sub(u32::from(old))
            .and_then(|w| w.checked_add(u32::from(effective_weight)))
            .ok_or_else(|| broken!("the pool's total effective weight includes this product's"))?;
        self.effective_weight = effective_weight;
        Ok(old)
    }

    /// Recomputes the effective weight from the current books and stores it. Returns the
    /// previous value.
    pub fn refresh_effective_weight(&mut self, pool: &mut Pool, current: u64) -> Result<u16> {
        let effective_weight = self
            .books(pool, current)
            .effective_weight(self.target_weight);
        self.set_effective_weight(pool, effective_weight)
    }

    /// Records a plan's backing, released at the start of the schedule's release bucket.
    pub fn apply_plan(&mut self, schedule: &CoverSchedule, plan: &AllocationPlan) -> Result<()> {
        for (k, backing) in plan.tranche_backing.iter().enumerate() {
            if *backing > 0 {
                self.allocate(
                    schedule.first_tranche + k as u64,
                    *backing,
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

    /// Allocates `amount` backing units in `tranche_id`, released at the start of
    /// `release_bucket`.
    fn allocate(&mut self, tranche_id: u64, amount: u64, release_bucket: u64) -> Result<()> {
        let slot = ring_slot(tranche_id);
        if self.allocation_tranche_ids[slot] != tranche_id {
            // The slot's previous tranche ended after all its allocations were released.
            require_invariant!(
                self.allocated[slot] == 0,
                "a ring slot is reused only once its tranche's allocations are released"
            );
            self.allocation_tranche_ids[slot] = tranche_id;
        }
        require_invariant!(
            release_bucket > self.last_bucket
                && release_bucket - self.last_bucket < BUCKET_RING as u64,
            "an allocation's release bucket lies within the ring's window"
        );
        self.allocated[slot] = self.allocated[slot].checked_add(amount).or_overflow()?;
        let expiring = &mut self.expiring[bucket_slot(release_bucket)][slot];
        *expiring = expiring.checked_add(amount).or_overflow()?;
        Ok(())
    }

    /// Releases `amount` backing units of an allocation in `tranche_id` before its bucket
    /// (cover expired early or paid out). A no-op once the bucket has released it.
    pub fn deallocate(&mut self, tranche_id: u64, amount: u64, release_bucket: u64) -> Result<()> {
        if release_bucket <= self.last_bucket || amount == 0 {
            return Ok(());
        }
        let slot = ring_slot(tranche_id);
        require_invariant!(
            self.allocation_tranche_ids[slot] == tranche_id,
            "a release names the tranche its slot holds"
        );
        let expiring = &mut self.expiring[bucket_slot(release_bucket)][slot];
        *expiring = expiring
            .checked_sub(amount)
            .ok_or_else(|| broken!("a release is at most what expires in its bucket"))?;
        self.allocated[slot] = self.allocated[slot]
            .checked_sub(amount)
            .ok_or_else(|| broken!("a release is at most what is allocated"))?;
        Ok(())
    }

    /// Every allocation is the sum of what its buckets will release; weights and price
    /// bounded, the effective weight never below the target.
    pub fn invariant(&self) -> Result<()> {
        require_invariant!(
            self.version == ACCOUNT_VERSION
                && self.target_weight <= self.effective_weight
                && self.effective_weight <= MAX_PRODUCT_WEIGHT
                && self.target_price_bps <= MAX_PRICE_BPS
                && self.bumped_price_bps <= MAX_PRICE_BPS,
            "a pool-product has the current version, its target weight is at most its effective weight, and weights and prices are within their bounds"
        );
        for slot in 0..MAX_ACTIVE_TRANCHES {
            let mut pending: u64 = 0;
            for bucket in self.expiring.iter() {
                pending = pending.checked_add(bucket[slot]).or_overflow()?;
            }
            require_invariant!(
                pending == self.allocated[slot],
                "a tranche's expiry ring sums to its allocation"
            );
        }
        Ok(())
    }
}
