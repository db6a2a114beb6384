//! The committed IDL must match the program: regenerate with `cargo run -p bulwark-idl`.

use std::process::Command;

#[test]
fn committed_idl_is_fresh() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let status = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "-p", "bulwark-idl", "--", "--check"])
        .current_dir(root)
        .env_remove("RUSTUP_TOOLCHAIN")
        .status()
        .expect("run bulwark-idl");
    assert!(
        status.success(),
        "idl/bulwark.json is stale: run `cargo run -p bulwark-idl` and commit it"
    );
}
