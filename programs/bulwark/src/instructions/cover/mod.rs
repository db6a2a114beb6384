//! Cover buyers and owners: quote, buy, transfer, expire.

pub mod buy_cover;
pub mod expire_cover;
pub mod quote_cover;
pub mod transfer_cover;

pub use buy_cover::*;
pub use expire_cover::*;
pub use quote_cover::*;
pub use transfer_cover::*;
