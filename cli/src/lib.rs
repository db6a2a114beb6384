//! The `bulwark` command: the protocol on an embedded in-process Solana VM
//! (solana-program-test) by default — no validator, no network — and on any cluster by URL.

pub mod app;
pub mod args;
pub mod capacity;
pub mod commands;
pub mod demo;
pub mod errors;
pub mod format;
pub mod report;
pub mod scenario;
pub mod transport;

/// Where the SBF build of the program lands in this workspace.
pub fn sbf_program_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/deploy")
}
