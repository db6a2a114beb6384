//! The committed IDL and the README's generated sections match the program: regenerate with
//! `cargo run -p bulwark-idl`. The test runs the binary cargo built for this package (not
//! `cargo run`, which would rebuild the program's library with this package's features alone
//! and replace the workspace's `libbulwark.rlib` under the other tests).

use std::process::Command;

#[test]
fn committed_idl_and_readme_are_fresh() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let status = Command::new(env!("CARGO_BIN_EXE_bulwark-idl"))
        .arg("--check")
        .current_dir(root)
        .env_remove("RUSTUP_TOOLCHAIN")
        .status()
        .expect("run bulwark-idl");
    assert!(
        status.success(),
        "idl/bulwark.json or README.md is stale: run `cargo run -p bulwark-idl` and commit them"
    );
}
