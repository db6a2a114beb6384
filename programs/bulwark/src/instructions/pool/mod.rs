//! Pool managers: create a pool, choose its products, set and claim the fee; anyone: sweep
//! a pool's protocol fees.

pub mod claim_manager_fees;
pub mod create_pool;
pub mod refresh_pool_product;
pub mod set_manager_fee;
pub mod set_pool_product;
pub mod sweep_fees;

pub use claim_manager_fees::*;
pub use create_pool::*;
pub use refresh_pool_product::*;
pub use set_manager_fee::*;
pub use set_pool_product::*;
pub use sweep_fees::*;
