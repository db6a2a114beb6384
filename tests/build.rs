//! Compiles the CPI tests as ignored unless the suite is built for the SBF run
//! (`BULWARK_SBF=1`): they need the SBF builds of both programs, and an ignored test says so in
//! `cargo test`'s summary where a test that returned early would read "ok".

fn main() {
    println!("cargo::rustc-check-cfg=cfg(bulwark_sbf)");
    println!("cargo::rerun-if-env-changed=BULWARK_SBF");
    if std::env::var("BULWARK_SBF").is_ok_and(|v| v == "1") {
        println!("cargo::rustc-cfg=bulwark_sbf");
    }
}
