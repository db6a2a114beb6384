//! Rust client for the Bulwark program.
//!
//! - [`builders`]: PDA derivations and one instruction builder per program instruction.
//! - [`client`]: the account source a client reads through (an RPC, the embedded VM, a
//!   program-test bank) and loaders of the program's and the token programs' accounts.
//! - [`flows`]: one function per user flow over an account source — quote and buy cover, file,
//!   redeem and close claims, expire cover, withdraw stake — returning the instructions to send.
//! - [`capital`]: a capital pool's shares for a value (what an exit asks for).
//! - [`quote`]: prices a cover and routes its amount over the cheapest pools, with the
//!   program's own math applied to fetched account state, so a quote equals what `buy_cover`
//!   charges in the same slot.
//! - [`rewards`]: each position's pending rewards and each tranche's current stream, by the
//!   program's own reward code.

pub mod builders;
pub mod capital;
pub mod client;
pub mod flows;
pub mod quote;
pub mod rewards;
