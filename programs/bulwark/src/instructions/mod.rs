//! One file per instruction, grouped by the role that calls it.

pub mod admin;
pub mod capital;
pub mod claims;
pub mod cover;
pub mod cover_pools;
pub mod pool;
pub mod pool_vault;
pub mod staking;

pub use admin::*;
pub use capital::*;
pub use claims::*;
pub use cover::*;
pub use pool::*;
pub use pool_vault::*;
pub use staking::*;
