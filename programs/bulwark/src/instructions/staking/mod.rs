//! Stakers: deposit into a tranche, extend to a later one, claim rewards, withdraw after the
//! tranche ends.

pub mod archive_tranche;
pub mod claim_rewards;
pub mod deposit_stake;
pub mod extend_stake;
pub mod withdraw_stake;

pub use archive_tranche::*;
pub use claim_rewards::*;
pub use deposit_stake::*;
pub use extend_stake::*;
pub use withdraw_stake::*;
