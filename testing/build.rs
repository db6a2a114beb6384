//! With the `embedded-so` feature, compiles an SBF build of the program into the crate, so a
//! test binary carries the program it runs: the file `BULWARK_EMBED_SO` names, else
//! `bulwark.so` in `SBF_OUT_DIR`, else this repository's `target/deploy/bulwark.so`. Its SHA-256
//! becomes `program::embedded::SHA256` (printed when it is deployed). Without the feature this
//! does nothing.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    #[cfg(feature = "embedded-so")]
    embed();
}

#[cfg(feature = "embedded-so")]
fn embed() {
    use sha2::{Digest, Sha256};
    use std::path::PathBuf;

    println!("cargo::rerun-if-env-changed=BULWARK_EMBED_SO");
    println!("cargo::rerun-if-env-changed=SBF_OUT_DIR");
    let source = match (
        std::env::var_os("BULWARK_SO"),
        std::env::var_os("SBF_OUT_DIR"),
    ) {
        (Some(file), _) => PathBuf::from(file),
        (None, Some(dir)) => PathBuf::from(dir).join("bulwark.so"),
        (None, None) => {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/deploy/bulwark.so")
        }
    };
    println!("cargo::rerun-if-changed={}", source.display());
    let so = std::fs::read(&source).unwrap_or_else(|e| {
        panic!(
            "bulwark-testing's `embedded-so` feature embeds an SBF build of the program, but {} \
             cannot be read ({e}): build it first (../shared/sbf-toolchain/build-sbf.sh \
             programs/bulwark, or cargo build-sbf) or name it with BULWARK_EMBED_SO",
            source.display()
        )
    });
    let sha256: String = Sha256::digest(&so)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("bulwark.so"), &so).expect("write the embedded build");
    let module = format!(
        "/// The embedded SBF build of the program.\n\
         pub static SO: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/bulwark.so\"));\n\
         /// SHA-256 of [`SO`], lowercase hex.\n\
         pub const SHA256: &str = {sha256:?};\n\
         /// The file it was embedded from.\n\
         pub const SOURCE: &str = {:?};\n",
        source.display().to_string()
    );
    std::fs::write(out.join("embedded_so.rs"), module).expect("write embedded_so.rs");
}
