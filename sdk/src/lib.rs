//! Rust client for the Bulwark program.
//!
//! - [`builders`]: PDA derivations and one instruction builder per program instruction.
//! - [`quote`]: prices a cover and routes its amount over the cheapest pools, with the
//!   program's own math applied to fetched account state, so a quote equals what `buy_cover`
//!   charges in the same slot.

pub mod builders;
pub mod quote;
