//! Rust client for the Bulwark program.
//!
//! - [`builders`]: PDA derivations and one instruction builder per program instruction.
//! - [`capital`]: a capital pool's shares for a value (what an exit asks for).
//! - [`quote`]: prices a cover and routes its amount over the cheapest pools, with the
//!   program's own math applied to fetched account state, so a quote equals what `buy_cover`
//!   charges in the same slot.
//! - [`rewards`]: each position's pending rewards and each tranche's current stream, by the
//!   program's own reward code.

pub mod builders;
pub mod capital;
pub mod quote;
pub mod rewards;
