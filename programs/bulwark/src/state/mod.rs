//! Account types. Each file holds one account: its fields, seeds, domain methods and the
//! `invariant()` handlers call after mutating it.

pub mod assessor;
pub mod claim;
pub mod config;
pub mod cover;
pub mod mint_params;
pub mod pool;
pub mod pool_product;
pub mod product;
pub mod stake_position;
pub mod tranche_archive;

pub use assessor::*;
pub use claim::*;
pub use config::*;
pub use cover::*;
pub use mint_params::*;
pub use pool::*;
pub use pool_product::*;
pub use product::*;
pub use stake_position::*;
pub use tranche_archive::*;
