//! Which build of the program a test runs, and how it is deployed: into a `solana-program-test`
//! bank ([`program_test`]) or a LiteSVM instance ([`add_to_litesvm`]), in both cases with a
//! ProgramData account naming an upgrade authority, as a real upgradeable deployment has.

use anchor_lang::prelude::*;
use litesvm::LiteSVM;
use solana_account::Account;
use solana_program_test::{processor, ProgramTest};
use std::path::PathBuf;

/// Whether the suite runs against the SBF `.so` (`BULWARK_SBF=1`, a `.so` named by
/// `BULWARK_SO`, or the `embedded-so` feature) instead of the native build.
pub fn sbf_mode() -> bool {
    cfg!(feature = "embedded-so")
        || std::env::var("BULWARK_SBF").is_ok_and(|v| v == "1")
        || std::env::var_os("BULWARK_SO").is_some()
}

/// The build compiled into this crate by the `embedded-so` feature (see `build.rs`).
#[cfg(feature = "embedded-so")]
pub mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_so.rs"));
}

/// An SBF build of the program, and where it came from.
pub struct ProgramSo {
    pub bytes: Vec<u8>,
    /// The file it was read from, or the embedded build's hash.
    pub origin: String,
}

/// The SBF build to deploy, looked up in this order: the file `BULWARK_SO` names; the build the
/// `embedded-so` feature compiled in (its SHA-256 is printed to stderr, so a log says which
/// build ran); `bulwark.so` in `SBF_OUT_DIR`, then in `BPF_OUT_DIR`. `None` when none is set;
/// an error when a named file cannot be read.
pub fn find_program_so() -> std::result::Result<Option<ProgramSo>, String> {
    if let Some(path) = std::env::var_os("BULWARK_SO") {
        return read_so(PathBuf::from(path), "BULWARK_SO").map(Some);
    }
    if let Some(so) = embedded_so() {
        return Ok(Some(so));
    }
    for var in ["SBF_OUT_DIR", "BPF_OUT_DIR"] {
        if let Some(dir) = std::env::var_os(var) {
            return read_so(PathBuf::from(dir).join("bulwark.so"), var).map(Some);
        }
    }
    Ok(None)
}

/// The `embedded-so` build, its hash printed the first time (so a log says which build ran).
#[cfg(feature = "embedded-so")]
fn embedded_so() -> Option<ProgramSo> {
    static PRINTED: std::sync::Once = std::sync::Once::new();
    PRINTED.call_once(|| {
        eprintln!(
            "bulwark-testing: deploying the embedded bulwark.so ({} bytes, sha256 {}, built from {})",
            embedded::SO.len(),
            embedded::SHA256,
            embedded::SOURCE
        );
    });
    Some(ProgramSo {
        bytes: embedded::SO.to_vec(),
        origin: format!("the embedded build (sha256 {})", embedded::SHA256),
    })
}

#[cfg(not(feature = "embedded-so"))]
fn embedded_so() -> Option<ProgramSo> {
    None
}

fn read_so(path: PathBuf, var: &str) -> std::result::Result<ProgramSo, String> {
    std::fs::read(&path)
        .map(|bytes| ProgramSo {
            bytes,
            origin: path.display().to_string(),
        })
        .map_err(|e| format!("{var}: cannot read {}: {e}", path.display()))
}

fn native_entry(
    program_id: &Pubkey,
    accounts: &[AccountInfo],
    data: &[u8],
) -> std::result::Result<(), ProgramError> {
    // Anchor 1.x's entry wants one lifetime for everything; the test process is short-lived,
    // so leaking the per-call copies is the simplest way to give it that.
    let program_id: &'static Pubkey = Box::leak(Box::new(*program_id));
    let data: &'static [u8] = Box::leak(data.to_vec().into_boxed_slice());
    let accounts = Box::leak(accounts.to_vec().into_boxed_slice());
    bulwark::entry(program_id, accounts, data)
}

/// A bank with the program, deployed as if by `upgrade_authority`, before it starts: callers
/// may add accounts and programs of their own. When `sbf`, the `.so` of [`find_program_so`],
/// or else `bulwark.so` wherever solana-program-test looks itself; otherwise the native build.
pub fn program_test(sbf: bool, upgrade_authority: &Pubkey) -> ProgramTest {
    let mut pt = ProgramTest::default();
    if sbf {
        pt.prefer_bpf(true);
        match find_program_so().unwrap_or_else(|e| panic!("{e}")) {
            // As solana-program-test deploys a `.so` it finds itself.
            Some(so) => pt.add_account(
                bulwark::ID,
                Account {
                    lamports: solana_rent::Rent::default()
                        .minimum_balance(so.bytes.len())
                        .max(1),
                    data: so.bytes,
                    owner: solana_sdk_ids::bpf_loader::ID,
                    executable: true,
                    rent_epoch: 0,
                },
            ),
            None => pt.add_program("bulwark", bulwark::ID, None),
        }
    } else {
        pt.prefer_bpf(false);
        pt.add_program("bulwark", bulwark::ID, processor!(native_entry));
    }
    pt.add_account(
        bulwark_sdk::builders::program_data_address(),
        program_data_account(upgrade_authority),
    );
    pt
}

/// Adds your own program to `pt` as solana-program-test finds it (`<name>.so` in `SBF_OUT_DIR`,
/// `BPF_OUT_DIR`, `tests/fixtures` or the working directory), with a ProgramData account naming
/// `upgrade_authority`, as for Bulwark: for a program that checks who deployed it.
pub fn add_sbf_program(
    pt: &mut ProgramTest,
    name: &'static str,
    program_id: &Pubkey,
    upgrade_authority: &Pubkey,
) {
    pt.add_program(name, *program_id, None);
    let (program_data, _) = Pubkey::find_program_address(
        &[program_id.as_ref()],
        &solana_sdk_ids::bpf_loader_upgradeable::ID,
    );
    pt.add_account(program_data, program_data_account(upgrade_authority));
}

/// Deploys the SBF build of [`find_program_so`] into `svm` (BPF loader 2, as
/// solana-program-test does) with a ProgramData account naming `upgrade_authority`, who can then
/// initialize the config. LiteSVM runs SBF programs only: without a build this is an error that
/// says where it looked.
pub fn add_to_litesvm(
    svm: &mut LiteSVM,
    upgrade_authority: &Pubkey,
) -> std::result::Result<(), String> {
    let so = find_program_so()?.ok_or_else(|| {
        "LiteSVM runs the SBF build only: set BULWARK_SO to bulwark.so (or SBF_OUT_DIR to its \
         directory), or enable bulwark-testing's `embedded-so` feature"
            .to_string()
    })?;
    svm.add_program_with_loader(bulwark::ID, &so.bytes, solana_sdk_ids::bpf_loader::ID)
        .map_err(|e| format!("deploying {}: {e:?}", so.origin))?;
    svm.set_account(
        bulwark_sdk::builders::program_data_address(),
        program_data_account(upgrade_authority),
    )
    .map_err(|e| format!("writing the ProgramData account: {e:?}"))
}

/// The ProgramData account an upgradeable deployment would have, naming `authority` as the
/// upgrade authority (bincode layout of `UpgradeableLoaderState::ProgramData`).
pub fn program_data_account(authority: &Pubkey) -> Account {
    let mut data = Vec::with_capacity(45);
    data.extend_from_slice(&3u32.to_le_bytes());
    data.extend_from_slice(&0u64.to_le_bytes());
    data.push(1);
    data.extend_from_slice(authority.as_ref());
    Account {
        lamports: 1_000_000_000,
        data,
        owner: solana_sdk_ids::bpf_loader_upgradeable::ID,
        executable: false,
        rent_epoch: 0,
    }
}
