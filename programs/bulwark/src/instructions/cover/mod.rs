//! Cover buyers and owners: buy, transfer, expire.

pub mod buy_cover;
pub mod expire_cover;
pub mod transfer_cover;

pub use buy_cover::*;
pub use expire_cover::*;
pub use transfer_cover::*;
