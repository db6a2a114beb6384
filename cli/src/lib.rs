//! The `bulwark` command. `bulwark demo` runs the protocol's whole lifecycle on an embedded
//! in-process Solana VM (solana-program-test): no validator, no network.

pub mod demo;

/// Where the SBF build of the program lands in this workspace.
pub fn sbf_program_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/deploy")
}
