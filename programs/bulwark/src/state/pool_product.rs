use crate::constants::*;
use crate::error::BulwarkError;
use anchor_lang::prelude::*;

/// What a pool underwrites of one product: how much of its capacity (weight) and at what
/// price. Created by the pool manager with `set_pool_product`.
#[account]
#[derive(InitSpace, Debug)]
pub struct PoolProduct {
    pub version: u8,
    pub bump: u8,
    /// Share of the pool's capacity this product may use, 0..=100 (percent).
    pub target_weight: u16,
    /// Annual price the manager asks, bps of the covered amount.
    pub target_price_bps: u16,
    /// Price after the last purchase's bump, before decay.
    pub bumped_price_bps: u16,
    /// When `bumped_price_bps` was last set.
    pub bumped_price_updated_at: i64,
    pub pool: Pubkey,
    pub product_id: u64,
    pub reserved: [u8; 64],
}

impl PoolProduct {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    pub fn invariant(&self) -> Result<()> {
        require!(
            self.version == ACCOUNT_VERSION
                && self.target_weight <= MAX_PRODUCT_WEIGHT
                && self.target_price_bps <= MAX_PRICE_BPS,
            BulwarkError::InvariantViolated
        );
        Ok(())
    }
}
