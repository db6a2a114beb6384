//! How much of a pool product's capacity is used, with the program's own capacity math.

use bulwark::constants::BPS;
use bulwark::math::capacity::tranche_capacity;
use bulwark::math::mul_div_floor;
use bulwark::state::{Pool, PoolProduct};
use serde::Serialize;

/// Cover allocated in a pool for one product against what the pool's live tranches can back
/// for it (`stake × capacity ratio × weight / 100`, per tranche, summed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CapacityUse {
    pub product_id: u64,
    /// The product's target weight in the pool, which the capacity is computed with.
    pub weight: u16,
    pub allocated: u64,
    pub capacity: u64,
    /// `allocated / capacity` in bps, rounded down; `None` without capacity. Above 10,000
    /// when payouts burnt stake under existing allocations.
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
        let mut capacity = 0u64;
        for slot in pool.tranches.iter().filter(|s| !s.is_empty()) {
            capacity = capacity
                .checked_add(tranche_capacity(
                    pool.live_stake(slot.tranche_id),
                    capacity_ratio_bps,
                    pool_product.target_weight,
                )?)
                .ok_or_else(|| anchor_lang::error!(bulwark::error::BulwarkError::MathOverflow))?;
        }
        let allocated = pool_product
            .allocated
            .iter()
            .try_fold(0u64, |sum, a| sum.checked_add(*a))
            .ok_or_else(|| anchor_lang::error!(bulwark::error::BulwarkError::MathOverflow))?;
        let used_bps = match capacity {
            0 => None,
            _ => Some(bulwark::math::to_u64(mul_div_floor(
                u128::from(allocated),
                u128::from(BPS),
                u128::from(capacity),
            )?)?),
        };
        Ok(Self {
            product_id: pool_product.product_id,
            weight: pool_product.target_weight,
            allocated,
            capacity,
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
                .map_or("no capacity".to_string(), crate::commands::bps)
        )
    }
}
