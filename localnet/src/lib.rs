//! `bulwark localnet`: a real local Solana cluster — surfpool's engine, JSON-RPC and websocket on
//! 127.0.0.1 — with the Bulwark program deployed and a demo market seeded, for wallets, web apps,
//! Anchor's clients and other teams' scripts.
//!
//! - [`cluster`]: starts and stops the engine, offline (nothing forked from mainnet), and deploys
//!   the SBF build.
//! - [`backend`]: the `bulwark-testing` kit's backend over the cluster's RPC endpoint, so the
//!   kit and the scenario engine seed it with real transactions.
//! - [`market`]: seeds the market (the demo's opening chapter, or a scenario file's) and writes
//!   the wallets' keypair files and a description of what is where.
//!
//! The crate is a workspace of its own: none of surfpool's crates reach the `bulwark` command's
//! build or the main test suite.

pub mod backend;
pub mod cluster;
pub mod market;

pub use backend::SurfnetBackend;
pub use cluster::{Localnet, Options};
pub use market::{seed, Market, Wallet};
