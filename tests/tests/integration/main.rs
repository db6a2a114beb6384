//! The integration suite: one binary, native or SBF (`BULWARK_SBF=1`).

mod admin;
mod attacks;
mod audit;
mod blind;
mod capital;
mod claims;
mod cover;
mod deployments;
mod fixtures;
mod flows;
mod governance;
mod hostile;
mod keys;
mod ledgers;
mod parallel;
mod pool;
mod quote;
mod rewards;
mod scale;
mod staking;
mod stateful;
