//! Pool managers: create a pool, choose its products, set the fee.

pub mod create_pool;
pub mod set_manager_fee;
pub mod set_pool_product;

pub use create_pool::*;
pub use set_manager_fee::*;
pub use set_pool_product::*;
