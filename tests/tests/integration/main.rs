//! The integration suite: one binary, native or SBF (`BULWARK_SBF=1`).

mod admin;
mod claims;
mod cover;
mod fixtures;
mod pool;
mod staking;
