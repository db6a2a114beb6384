//! `bulwark-testing`: loads the Bulwark program into a `solana-program-test` bank or a LiteSVM
//! instance and sets up a market in a few lines, for Bulwark's own suites and for other
//! protocols' tests.
//!
//! - [`program`]: which build runs (native, the `.so` that `BULWARK_SO` / `SBF_OUT_DIR` name, or
//!   the `embedded-so` feature's) and how it is deployed, with a ProgramData account naming its
//!   upgrade authority.
//! - [`TestContext`]: the ledger ([`backend`]: program-test by default, LiteSVM through
//!   [`TestContext::litesvm`]) and the protocol's standing actors, with helpers to send, warp the
//!   clock, read accounts and make mints and token accounts. In SBF mode it also decodes the
//!   events the program logged and records compute units.
//! - [`market`]: products, listed mints, pools, stakers and assessors, and [`Market`], a whole
//!   market with helpers to buy, claim, vote, wait and redeem.
//!
//! The client side is `bulwark-sdk`, re-exported as [`builders`]; a [`TestContext`] is an SDK
//! `AccountSource`, so `bulwark_sdk::flows` run against it.

// solana-program-test 3.x marks its whole API as "unstable" with deprecation warnings; it is the
// harness TOOLCHAIN.md prescribes, so the warning carries no information here.
#![allow(deprecated)]

pub mod backend;
mod context;
pub mod market;
pub mod program;

pub use backend::{Backend, LiteBackend};
pub use bulwark_sdk::builders;
pub use context::{kit_params, TestContext, TxOutcome};
pub use market::{default_terms, Market, MarketSpec, PoolFixture};
pub use program::{add_sbf_program, add_to_litesvm, program_data_account, program_test, sbf_mode};

pub use anchor_spl::token::spl_token;
pub use anchor_spl::token_2022::spl_token_2022;
pub use litesvm::LiteSVM;
pub use solana_keypair::Keypair;
pub use solana_signer::Signer;

use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::Instruction;
use base64::Engine;
use solana_account::Account;
use solana_instruction_error::InstructionError;
use solana_transaction_error::TransactionError;
use std::io::Write;

/// Smallest claim deposit the harness lists every mint with: 1 token of a 6-decimal mint.
pub const CLAIM_MIN_DEPOSIT: u64 = 1_000_000;

/// The transaction error of Bulwark error `err` in a one-instruction transaction.
pub fn bulwark_error(err: bulwark::error::BulwarkError) -> TransactionError {
    TransactionError::InstructionError(0, InstructionError::Custom(u32::from(err)))
}

/// Asserts the error of re-creating an existing program account: Anchor's `init` asks the
/// system program to set the account up again and the system program refuses with
/// `InvalidInstructionData` (the same natively and on the SBF build).
pub fn assert_already_in_use(err: TransactionError) {
    assert_eq!(
        err,
        TransactionError::InstructionError(0, InstructionError::InvalidInstructionData)
    );
}

/// Appends a compute-unit measurement to `compute-units.jsonl` in the target directory
/// (`$CARGO_TARGET_DIR`, else the workspace's `target/`), so the benchmark report can be
/// assembled from the suites' own runs. SBF mode only ([`sbf_mode`]): natively, Bulwark's own
/// work is not metered (the SPL programs' is), so the figures would mean nothing.
pub fn record_compute_units(label: &str, outcome: &TxOutcome) {
    if !sbf_mode() {
        return;
    }
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(mut file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("compute-units.jsonl"))
    {
        let _ = writeln!(
            file,
            "{{\"label\":\"{label}\",\"cu\":{},\"tx_bytes\":{},\"accounts\":{}}}",
            outcome.compute_units, outcome.tx_bytes, outcome.accounts
        );
    }
}

/// Replaces account `from` with `to` in an instruction (to mount wrong-account attacks without
/// depending on account positions).
pub fn swap_account(ix: &mut Instruction, from: &Pubkey, to: &Pubkey) {
    let meta = ix
        .accounts
        .iter_mut()
        .find(|m| m.pubkey == *from)
        .expect("account present in the instruction");
    meta.pubkey = *to;
}

/// Extracts the program's events from transaction logs (`Program data: <base64>` lines).
pub fn events_from_logs(logs: &[String]) -> Vec<Vec<u8>> {
    logs.iter()
        .filter_map(|line| line.strip_prefix("Program data: "))
        .filter_map(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
        .collect()
}

/// The ledger as an account source of the SDK's flows.
impl<B: Backend> bulwark_sdk::client::AccountSource for TestContext<B> {
    async fn account(&mut self, address: &Pubkey) -> bulwark_sdk::client::Result<Option<Account>> {
        Ok(TestContext::account(self, address).await)
    }

    async fn unix_time(&mut self) -> bulwark_sdk::client::Result<i64> {
        Ok(self.now().await)
    }
}
