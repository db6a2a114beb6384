//! The integration suite: one binary, native or SBF (`BULWARK_SBF=1`).

mod admin;
mod cover;
mod pool;
mod staking;
