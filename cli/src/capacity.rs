//! How much of a pool product's capacity is used, with the program's own capacity math.

use bulwark::constants::BPS;
use bulwark::math::capacity::{cover_for_backing, unscale_x100, weighted_stake_x100};
use bulwark::math::mul_div_floor;
use bulwark::state::{Pool, PoolProduct};
use serde::Serialize;

/// Cover allocated in a pool for one product against what the pool's live tranches can back
/// for it. The program keeps allocations as the stake they occupy (backing units); both figures
/// are shown as cover at today's full capacity ratio — what that stake backs on a leverage line
/// (a part sold at 1x, without one, occupies the stake of twice its amount at 2x) — and
/// `used_bps` is the ratio of the stake occupied to the stake the product's weight allows
/// (`stake × weight / 100`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CapacityUse {
    pub product_id: u64,
    /// The product's target weight in the pool, which the capacity is computed with.
    pub weight: u16,
    /// The weight the product counts for in the pool's sum (at least its target).
    pub effective_weight: u16,
    pub allocated: u64,
    pub capacity: u64,
    /// Stake occupied over stake allowed, in bps, rounded down; `None` without capacity.
    /// Above 10,000 when payouts burnt stake under existing allocations.
    pub used_bps: Option<u64>,
}

impl CapacityUse {
    /// The use at `now`: copies of `pool` and `pool_product` are rolled forward first, so
    /// ended tranches and released allocations no longer count.
    pub fn at(
        pool: &Pool,
        pool_product: &PoolProduct,
        capacity_ratio_bps: u32,
        now: i64,
    ) -> anchor_lang::Result<Self> {
        let (mut pool, mut pool_product) = (*pool, *pool_product);
        pool.roll_forward(now)?;
        pool_product.roll_forward(now)?;
        let allowed = unscale_x100(
            pool.tranches
                .iter()
                .filter(|s| !s.is_empty())
                .map(|s| {
                    weighted_stake_x100(pool.live_stake(s.tranche_id), pool_product.target_weight)
                })
                .sum(),
        );
        let backing = pool_product
            .allocated
            .iter()
            .try_fold(0u64, |sum, a| sum.checked_add(*a))
            .ok_or_else(|| anchor_lang::error!(bulwark::error::BulwarkError::MathOverflow))?;
        let used_bps = match allowed {
            0 => None,
            _ => Some(bulwark::math::to_u64(mul_div_floor(
                u128::from(backing),
                u128::from(BPS),
                u128::from(allowed),
            )?)?),
        };
        Ok(Self {
            product_id: pool_product.product_id,
            weight: pool_product.target_weight,
            effective_weight: pool_product.effective_weight,
            allocated: cover_for_backing(backing, capacity_ratio_bps),
            capacity: cover_for_backing(allowed, capacity_ratio_bps),
            used_bps,
        })
    }

    /// `capacity used 100,000.00 of 2,000,000.00 (5.00%)`, amounts shown by `show`.
    pub fn describe(&self, show: impl Fn(u64) -> String) -> String {
        format!(
            "capacity used {} of {} ({})",
            show(self.allocated),
            show(self.capacity),
            self.used_bps
                .map_or("no capacity".to_string(), crate::format::bps)
        )
    }
}
