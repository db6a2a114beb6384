//! Account types. Each file holds one account (`vault_snapshot` the conservation check they
//! share): its fields, seeds, domain methods and the
//! `invariant()` handlers call after mutating it.

pub mod assessor;
pub mod capital_pool;
pub mod claim;
pub mod config;
pub mod cover;
pub mod mint_params;
pub mod panel_member;
pub mod pool;
pub mod pool_product;
pub mod product;
pub mod proposal;
pub mod stake_position;
pub mod tranche_archive;
pub mod vault_snapshot;

pub use assessor::*;
pub use capital_pool::*;
pub use claim::*;
pub use config::*;
pub use cover::*;
pub use mint_params::*;
pub use panel_member::*;
pub use pool::*;
pub use pool_product::*;
pub use product::*;
pub use proposal::*;
pub use stake_position::*;
pub use tranche_archive::*;
pub use vault_snapshot::*;
