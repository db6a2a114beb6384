//! A test harness that loads the Bulwark program into a `solana-program-test` bank.
//!
//! One harness, two modes: natively (the program compiled into the test binary) or against the
//! SBF `.so` when `BULWARK_SBF=1` (build it first with the registry-only toolchain or
//! `cargo build-sbf`). In SBF mode the harness also decodes the events the program logged and
//! records the compute units of every transaction it sends.

// solana-program-test 3.x marks its whole API as "unstable" with deprecation warnings; it is the
// harness TOOLCHAIN.md prescribes, so the warning carries no information here.
#![allow(deprecated)]

pub use bulwark_sdk::builders;

use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{AccountDeserialize, Discriminator};
use base64::Engine;
use bulwark::constants::*;
use solana_account::Account;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_program_pack::Pack;
use solana_program_test::{processor, BanksClientError, ProgramTest, ProgramTestContext};
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;
use std::io::Write;

pub use anchor_spl::token::spl_token;
pub use anchor_spl::token_2022::spl_token_2022;

/// Smallest claim deposit the harness lists every mint with: 1 token of a 6-decimal mint.
pub const CLAIM_MIN_DEPOSIT: u64 = 1_000_000;

/// Whether the suite runs against the SBF `.so` (`BULWARK_SBF=1`, or a `.so` named by
/// `BULWARK_SO`) instead of the native build.
pub fn sbf_mode() -> bool {
    std::env::var("BULWARK_SBF").is_ok_and(|v| v == "1") || std::env::var_os("BULWARK_SO").is_some()
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
/// may add accounts and programs of their own. When `sbf`, the `.so` is the file `BULWARK_SO`
/// names, else `bulwark.so` in `SBF_OUT_DIR` (or `BPF_OUT_DIR`, as solana-program-test looks);
/// otherwise the native build.
pub fn program_test(sbf: bool, upgrade_authority: &Pubkey) -> ProgramTest {
    let mut pt = ProgramTest::default();
    if sbf {
        pt.prefer_bpf(true);
        match std::env::var_os("BULWARK_SO") {
            Some(path) => {
                let so = std::fs::read(&path).unwrap_or_else(|e| {
                    panic!("BULWARK_SO={}: {e}", std::path::Path::new(&path).display())
                });
                // As solana-program-test deploys a `.so` it finds itself.
                pt.add_account(
                    bulwark::ID,
                    Account {
                        lamports: solana_rent::Rent::default()
                            .minimum_balance(so.len())
                            .max(1),
                        data: so,
                        owner: solana_sdk_ids::bpf_loader::ID,
                        executable: true,
                        rent_epoch: 0,
                    },
                );
            }
            None => pt.add_program("bulwark", bulwark::ID, None),
        }
    } else {
        pt.prefer_bpf(false);
        pt.add_program("bulwark", bulwark::ID, processor!(native_entry));
    }
    pt.add_account(
        builders::program_data_address(),
        program_data_account(upgrade_authority),
    );
    pt
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

/// What a successful transaction left behind: compute units and the program's events.
#[derive(Debug, Default)]
pub struct TxOutcome {
    /// Compute units consumed (SBF mode only; 0 natively).
    pub compute_units: u64,
    /// Raw event payloads (`discriminator ‖ borsh`) logged by the program (SBF mode only).
    pub events: Vec<Vec<u8>>,
    /// Return data of the last instruction that set it.
    pub return_data: Option<Vec<u8>>,
    /// Serialized size of the transaction, bytes (a legacy transaction fits in 1,232).
    pub tx_bytes: usize,
    /// Accounts the transaction references.
    pub accounts: usize,
}

impl TxOutcome {
    /// The outcome of `tx` before it runs: its size and accounts.
    fn sized(tx: &Transaction) -> Self {
        Self {
            tx_bytes: 1 + 64 * tx.signatures.len() + tx.message_data().len(),
            accounts: tx.message.account_keys.len(),
            ..Self::default()
        }
    }

    /// Decodes every event of type `E` the transaction emitted.
    pub fn events_of<E: AnchorDeserialize + Discriminator>(&self) -> Vec<E> {
        self.events
            .iter()
            .filter(|data| data.starts_with(E::DISCRIMINATOR))
            .map(|data| E::deserialize(&mut &data[E::DISCRIMINATOR.len()..]).expect("decode event"))
            .collect()
    }
}

/// Owns the in-process bank and the protocol's standing actors.
pub struct TestContext {
    pub ctx: ProgramTestContext,
    /// Upgrade authority of the program; signs `initialize_config`.
    pub deployer: Keypair,
    /// Governance authority named at initialization.
    pub authority: Keypair,
    pub treasury: Pubkey,
    pub assessment_mint: Pubkey,
    /// Counter behind [`TestContext::keypair`].
    keys_made: u64,
}

impl TestContext {
    /// A new keypair, the same sequence in every run: PDAs created from these keys get the
    /// same bump every time, so compute-unit measurements are reproducible.
    pub fn keypair(&mut self) -> Keypair {
        self.keys_made += 1;
        let mut secret = [7u8; 32];
        secret[..8].copy_from_slice(&self.keys_made.to_le_bytes());
        Keypair::new_from_array(secret)
    }

    /// The upgrade authority every context deploys the program with (see [`program_test`]).
    pub fn deployer_key() -> Keypair {
        Keypair::new_from_array([1; 32])
    }

    /// A bank with the program loaded and nothing initialized.
    pub async fn bare() -> Self {
        Self::bare_in(sbf_mode()).await
    }

    /// Like [`TestContext::bare`], running the SBF `.so` (from `SBF_OUT_DIR`) when `sbf` is
    /// set and the natively compiled program otherwise.
    pub async fn bare_in(sbf: bool) -> Self {
        Self::bare_with(program_test(sbf, &Self::deployer_key().pubkey())).await
    }

    /// Like [`TestContext::bare`] on the bank of `pt`: [`program_test`] with whatever the
    /// caller added to it (other programs, accounts), deployed by [`TestContext::deployer_key`].
    pub async fn bare_with(pt: ProgramTest) -> Self {
        let mut this = Self::start(pt, Self::deployer_key()).await;
        this.fund(&this.deployer.pubkey(), 10_000_000_000).await;
        this.fund(&this.authority.pubkey(), 10_000_000_000).await;
        this.assessment_mint = this.create_mint(6, &spl_token::ID).await;
        this
    }

    /// Starts the bank of `pt` (see [`program_test`]); `deployer` is the upgrade authority
    /// named in it. Nothing is funded or created.
    pub async fn start(pt: ProgramTest, deployer: Keypair) -> Self {
        Self {
            ctx: pt.start_with_context().await,
            deployer,
            authority: Keypair::new_from_array([2; 32]),
            treasury: Keypair::new_from_array([3; 32]).pubkey(),
            assessment_mint: Pubkey::default(),
            keys_made: 0,
        }
    }

    /// A bank with the config initialized with default parameters.
    pub async fn new() -> Self {
        Self::new_in(sbf_mode()).await
    }

    /// Like [`TestContext::new`], choosing SBF or native explicitly.
    pub async fn new_in(sbf: bool) -> Self {
        Self::new_with(program_test(sbf, &Self::deployer_key().pubkey())).await
    }

    /// Like [`TestContext::new`] on the bank of `pt` (see [`TestContext::bare_with`]).
    pub async fn new_with(pt: ProgramTest) -> Self {
        let mut this = Self::bare_with(pt).await;
        let ix = builders::initialize_config(
            &this.deployer.pubkey(),
            &this.authority.pubkey(),
            &this.treasury,
            &this.assessment_mint,
            &spl_token::ID,
            bulwark::state::ProtocolParams::default(),
        );
        let deployer = this.deployer.insecure_clone();
        this.send_ok(&[ix], &[&deployer]).await;
        this
    }

    pub fn payer(&self) -> Keypair {
        self.ctx.payer.insecure_clone()
    }

    // ---- transactions ----

    /// `ixs` in a transaction on a fresh blockhash, signed by the context payer (fee payer)
    /// and `signers`.
    async fn signed(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Transaction {
        let blockhash = self
            .ctx
            .banks_client
            .get_latest_blockhash()
            .await
            .expect("blockhash");
        let payer = self.payer();
        let mut all: Vec<&Keypair> = vec![&payer];
        all.extend(signers.iter().copied());
        Transaction::new_signed_with_payer(ixs, Some(&payer.pubkey()), &all, blockhash)
    }

    /// Sends `ixs` signed by the context payer (fee payer) and `signers`.
    pub async fn send(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> std::result::Result<TxOutcome, TransactionError> {
        self.send_logged(ixs, signers).await.map_err(|(err, _)| err)
    }

    /// Like [`TestContext::send`], returning the program logs with a failure.
    pub async fn send_logged(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> std::result::Result<TxOutcome, (TransactionError, Vec<String>)> {
        let tx = self.signed(ixs, signers).await;
        let size = TxOutcome::sized(&tx);
        let result = self
            .ctx
            .banks_client
            .process_transaction_with_metadata(tx)
            .await
            .map_err(|e| match e {
                BanksClientError::TransactionError(e) => (e, Vec::new()),
                BanksClientError::SimulationError { err, logs, .. } => (err, logs),
                other => panic!("banks client failed: {other:?}"),
            })?;
        // A fresh blockhash for the next transaction so identical retries are not deduplicated.
        self.next_slot().await;
        if let Err(err) = result.result {
            let logs = result.metadata.map(|m| m.log_messages).unwrap_or_default();
            return Err((err, logs));
        }
        Ok(match result.metadata {
            Some(m) => TxOutcome {
                compute_units: m.compute_units_consumed,
                events: events_from_logs(&m.log_messages),
                return_data: m.return_data.map(|r| r.data),
                ..size
            },
            None => size,
        })
    }

    /// Simulates `ixs` without committing: the outcome (events in SBF mode, return data) or
    /// the error.
    pub async fn simulate(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> std::result::Result<TxOutcome, TransactionError> {
        let tx = self.signed(ixs, signers).await;
        let size = TxOutcome::sized(&tx);
        let simulation = self
            .ctx
            .banks_client
            // The bank the last transactions were processed in, not the (older) rooted one.
            .simulate_transaction_with_commitment(
                tx,
                solana_commitment_config::CommitmentLevel::Processed,
            )
            .await
            .expect("simulate");
        if let Some(Err(e)) = simulation.result {
            return Err(e);
        }
        Ok(match simulation.simulation_details {
            Some(d) => TxOutcome {
                compute_units: d.units_consumed,
                events: events_from_logs(&d.logs),
                return_data: d.return_data.map(|r| r.data),
                ..size
            },
            None => size,
        })
    }

    /// Sends and asserts success.
    pub async fn send_ok(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> TxOutcome {
        match self.send(ixs, signers).await {
            Ok(outcome) => outcome,
            Err(e) => panic!("transaction failed: {e:?}"),
        }
    }

    /// Sends and asserts the transaction failed in instruction `index` with Bulwark error `err`.
    pub async fn send_err_at(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
        index: u8,
        err: bulwark::error::BulwarkError,
    ) {
        let code = u32::from(err);
        self.send_err_code_at(ixs, signers, index, code).await;
    }

    /// Sends a one-instruction transaction and asserts it failed with Bulwark error `err`.
    pub async fn send_err(
        &mut self,
        ix: Instruction,
        signers: &[&Keypair],
        err: bulwark::error::BulwarkError,
    ) {
        self.send_err_at(&[ix], signers, 0, err).await;
    }

    /// Sends a one-instruction transaction and asserts it failed with Anchor's error `err`.
    pub async fn send_anchor_err(
        &mut self,
        ix: Instruction,
        signers: &[&Keypair],
        err: anchor_lang::error::ErrorCode,
    ) {
        self.send_err_code_at(&[ix], signers, 0, err as u32).await;
    }

    /// Sends and asserts the exact custom error code of instruction `index`.
    pub async fn send_err_code_at(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
        index: u8,
        code: u32,
    ) {
        let err = self
            .send(ixs, signers)
            .await
            .expect_err("transaction should fail");
        assert_eq!(
            err,
            TransactionError::InstructionError(index, InstructionError::Custom(code)),
            "expected custom error {code}"
        );
    }

    /// Sends and asserts the exact transaction error (for runtime rejections).
    pub async fn send_tx_err(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
        expected: TransactionError,
    ) {
        let err = self
            .send(ixs, signers)
            .await
            .expect_err("transaction should fail");
        assert_eq!(err, expected);
    }

    // ---- time ----

    /// Advances one slot and refreshes the blockhash, keeping the clock's timestamp.
    pub async fn next_slot(&mut self) {
        let clock = self.clock().await;
        self.ctx.warp_to_slot(clock.slot + 1).expect("warp");
        self.set_time(clock.unix_timestamp).await;
    }

    pub async fn clock(&mut self) -> solana_clock::Clock {
        self.ctx
            .banks_client
            .get_sysvar::<solana_clock::Clock>()
            .await
            .expect("clock")
    }

    pub async fn now(&mut self) -> i64 {
        self.clock().await.unix_timestamp
    }

    /// Sets the clock's Unix timestamp (slot unchanged).
    pub async fn set_time(&mut self, unix_timestamp: i64) {
        let mut clock = self.clock().await;
        clock.unix_timestamp = unix_timestamp;
        self.ctx.set_sysvar(&clock);
    }

    /// Moves the clock to `unix_timestamp` in a new slot.
    pub async fn warp_to_time(&mut self, unix_timestamp: i64) {
        let clock = self.clock().await;
        self.ctx.warp_to_slot(clock.slot + 1).expect("warp");
        self.set_time(unix_timestamp).await;
    }

    pub async fn warp_days(&mut self, days: i64) {
        let now = self.now().await;
        self.warp_to_time(now + days * SECONDS_PER_DAY).await;
    }

    /// Moves the clock to `offset` seconds after the start of tranche `tranche_id`.
    pub async fn warp_to_tranche(&mut self, tranche_id: u64, offset: i64) {
        self.warp_to_time(tranche_id as i64 * TRANCHE_DURATION + offset)
            .await;
    }

    pub async fn current_tranche(&mut self) -> u64 {
        bulwark::math::tranche::tranche_at(self.now().await).expect("tranche")
    }

    // ---- accounts ----

    pub async fn account(&mut self, address: &Pubkey) -> Option<Account> {
        self.ctx
            .banks_client
            .get_account(*address)
            .await
            .expect("get_account")
    }

    /// Loads and decodes a program account (panics if it does not exist).
    pub async fn load<T: AccountDeserialize>(&mut self, address: &Pubkey) -> T {
        let account = self
            .account(address)
            .await
            .unwrap_or_else(|| panic!("account {address} does not exist"));
        T::try_deserialize(&mut account.data.as_slice()).expect("decode account")
    }

    /// Loads and decodes a zero-copy program account (`Pool`, `PoolProduct`).
    pub async fn load_zc<T: bytemuck::Pod + Discriminator>(&mut self, address: &Pubkey) -> T {
        let account = self
            .account(address)
            .await
            .unwrap_or_else(|| panic!("account {address} does not exist"));
        bulwark_sdk::quote::decode_zero_copy(&account.data).expect("decode zero-copy account")
    }

    /// Writes an account straight into the bank (fixtures for scale measurements).
    pub fn set_account(&mut self, address: &Pubkey, account: Account) {
        self.ctx.set_account(address, &account.into());
    }

    pub async fn exists(&mut self, address: &Pubkey) -> bool {
        self.account(address).await.is_some()
    }

    pub async fn lamports(&mut self, address: &Pubkey) -> u64 {
        self.account(address).await.map_or(0, |a| a.lamports)
    }

    /// Token balance of a legacy or Token-2022 token account.
    pub async fn balance(&mut self, address: &Pubkey) -> u64 {
        let account = self.account(address).await.expect("token account exists");
        spl_token_2022::state::Account::unpack_from_slice(&account.data[..165])
            .expect("token account")
            .amount
    }

    pub async fn fund(&mut self, to: &Pubkey, lamports: u64) {
        let payer = self.payer();
        let ix = solana_system_interface::instruction::transfer(&payer.pubkey(), to, lamports);
        self.send_ok(&[ix], &[]).await;
    }

    /// A funded keypair.
    pub async fn user(&mut self) -> Keypair {
        let user = self.keypair();
        self.fund(&user.pubkey(), 10_000_000_000).await;
        user
    }

    // ---- tokens ----

    /// Creates a mint with `decimals` under `token_program` (mint and freeze authority: the
    /// payer, as for most real stablecoins).
    pub async fn create_mint(&mut self, decimals: u8, token_program: &Pubkey) -> Pubkey {
        self.create_mint_with(decimals, token_program, &[], |_| Vec::new())
            .await
    }

    /// Creates a Token-2022 mint with the given extensions; `init` returns the extension
    /// initialization instructions for the mint address (run before `initialize_mint2`).
    pub async fn create_mint_with(
        &mut self,
        decimals: u8,
        token_program: &Pubkey,
        extensions: &[spl_token_2022::extension::ExtensionType],
        init: impl FnOnce(&Pubkey) -> Vec<Instruction>,
    ) -> Pubkey {
        let mint = self.keypair();
        let payer = self.payer();
        let space = if extensions.is_empty() {
            spl_token::state::Mint::LEN
        } else {
            spl_token_2022::extension::ExtensionType::try_calculate_account_len::<
                spl_token_2022::state::Mint,
            >(extensions)
            .expect("mint size")
        };
        let rent = solana_rent::Rent::default().minimum_balance(space);
        let mut ixs = vec![solana_system_interface::instruction::create_account(
            &payer.pubkey(),
            &mint.pubkey(),
            rent,
            space as u64,
            token_program,
        )];
        ixs.extend(init(&mint.pubkey()));
        ixs.push(
            spl_token_2022::instruction::initialize_mint2(
                token_program,
                &mint.pubkey(),
                &payer.pubkey(),
                Some(&payer.pubkey()),
                decimals,
            )
            .expect("initialize_mint2"),
        );
        self.send_ok(&ixs, &[&mint]).await;
        mint.pubkey()
    }

    /// Creates a token account for `owner` on `mint` (a fresh keypair address).
    pub async fn create_token_account(&mut self, owner: &Pubkey, mint: &Pubkey) -> Pubkey {
        let token_program = self.account(mint).await.expect("mint exists").owner;
        let account = self.keypair();
        let payer = self.payer();
        let space = if token_program == spl_token::ID {
            spl_token::state::Account::LEN
        } else {
            spl_token_2022::extension::ExtensionType::try_calculate_account_len::<
                spl_token_2022::state::Account,
            >(&[spl_token_2022::extension::ExtensionType::ImmutableOwner])
            .expect("account size")
        };
        let rent = solana_rent::Rent::default().minimum_balance(space);
        let mut ixs = vec![solana_system_interface::instruction::create_account(
            &payer.pubkey(),
            &account.pubkey(),
            rent,
            space as u64,
            &token_program,
        )];
        if token_program != spl_token::ID {
            ixs.push(
                spl_token_2022::instruction::initialize_immutable_owner(
                    &token_program,
                    &account.pubkey(),
                )
                .expect("immutable owner"),
            );
        }
        ixs.push(
            spl_token_2022::instruction::initialize_account3(
                &token_program,
                &account.pubkey(),
                mint,
                owner,
            )
            .expect("initialize_account3"),
        );
        self.send_ok(&ixs, &[&account]).await;
        account.pubkey()
    }

    /// Creates `owner`'s associated token account on `mint` (where third parties pay payouts).
    pub async fn create_associated_token_account(
        &mut self,
        owner: &Pubkey,
        mint: &Pubkey,
    ) -> Pubkey {
        let token_program = self.account(mint).await.expect("mint exists").owner;
        let payer = self.payer();
        let ix = anchor_spl::associated_token::spl_associated_token_account::instruction::create_associated_token_account_idempotent(
            &payer.pubkey(),
            owner,
            mint,
            &token_program,
        );
        self.send_ok(&[ix], &[]).await;
        anchor_spl::associated_token::get_associated_token_address_with_program_id(
            owner,
            mint,
            &token_program,
        )
    }

    /// Mints `amount` to `account` (the payer is every test mint's authority).
    pub async fn mint_to(&mut self, mint: &Pubkey, account: &Pubkey, amount: u64) {
        let token_program = self.account(mint).await.expect("mint exists").owner;
        let payer = self.payer();
        let ix = spl_token_2022::instruction::mint_to(
            &token_program,
            mint,
            account,
            &payer.pubkey(),
            &[],
            amount,
        )
        .expect("mint_to");
        self.send_ok(&[ix], &[]).await;
    }

    /// A funded user with its associated token account on `mint` holding `amount`.
    pub async fn funded_user(&mut self, mint: &Pubkey, amount: u64) -> (Keypair, Pubkey) {
        let user = self.user().await;
        let token = self
            .create_associated_token_account(&user.pubkey(), mint)
            .await;
        if amount > 0 {
            self.mint_to(mint, &token, amount).await;
        }
        (user, token)
    }
}

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
/// (`$CARGO_TARGET_DIR`, else the workspace's `target/`; SBF mode only), so the benchmark report
/// can be assembled from the suite's own runs.
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

/// Terms of a plain assessed product used across the suite.
pub fn default_terms() -> bulwark::state::ProductTerms {
    bulwark::state::ProductTerms {
        grace_period: 35 * SECONDS_PER_DAY as u32,
        min_price_bps: 100,
        initial_price_bps: 100,
        max_cover_period: 365 * SECONDS_PER_DAY as u32,
        fixed_price: false,
        deprecated: false,
        wording_hash: [7; 32],
        wording_uri: "ipfs://bulwark/wording/protocol-cover-v1".to_string(),
    }
}

/// A pool set up by [`TestContext::open_pool`].
pub struct PoolFixture {
    pub keys: builders::PoolKeys,
    pub pool_id: u64,
    pub manager: Keypair,
}

impl TestContext {
    /// Creates an assessed product with [`default_terms`]; returns its id.
    pub async fn create_default_product(&mut self) -> u64 {
        let config: bulwark::state::Config = self.load(&builders::config_pda()).await;
        let id = config.product_count;
        let authority = self.authority.insecure_clone();
        let ix = builders::create_product(
            &authority.pubkey(),
            id,
            bulwark::instructions::CreateProductArgs {
                product_type: bulwark::state::ProductType::Assessed,
                terms: default_terms(),
            },
        );
        self.send_ok(&[ix], &[&authority]).await;
        id
    }

    /// Governance lists `mint` (claim deposit at least [`CLAIM_MIN_DEPOSIT`]) without opening
    /// its capital pool.
    pub async fn set_mint_params_only(&mut self, mint: &Pubkey) {
        let authority = self.authority.insecure_clone();
        let ix = builders::set_mint_params(
            &authority.pubkey(),
            mint,
            bulwark::instructions::SetMintParamsArgs {
                claim_min_deposit: CLAIM_MIN_DEPOSIT,
            },
        );
        self.send_ok(&[ix], &[&authority]).await;
    }

    /// Governance lists `mint` with a claim deposit of at least [`CLAIM_MIN_DEPOSIT`] and opens
    /// its capital pool ([`builders::default_capital_pool_args`]), unless it is listed already.
    pub async fn list_mint(&mut self, mint: &Pubkey) {
        if self.exists(&builders::mint_params_pda(mint)).await {
            return;
        }
        let token_program = self.account(mint).await.expect("mint exists").owner;
        let authority = self.authority.insecure_clone();
        let ixs = builders::list_mint(
            &authority.pubkey(),
            mint,
            &token_program,
            bulwark::instructions::SetMintParamsArgs {
                claim_min_deposit: CLAIM_MIN_DEPOSIT,
            },
            builders::default_capital_pool_args(),
        );
        self.send_ok(&ixs, &[&authority]).await;
    }

    /// Opens a pool on `mint` with a fresh manager.
    pub async fn open_pool(
        &mut self,
        mint: &Pubkey,
        args: bulwark::instructions::CreatePoolArgs,
    ) -> PoolFixture {
        let token_program = self.account(mint).await.expect("mint exists").owner;
        self.list_mint(mint).await;
        let config: bulwark::state::Config = self.load(&builders::config_pda()).await;
        let pool_id = config.pool_count;
        let manager = self.user().await;
        let ix = builders::create_pool(&manager.pubkey(), pool_id, mint, &token_program, args);
        self.send_ok(&[ix], &[&manager]).await;
        PoolFixture {
            keys: builders::PoolKeys::new(pool_id, *mint, token_program),
            pool_id,
            manager,
        }
    }

    /// Opens a public pool with a 10% fee (max 20%).
    pub async fn open_public_pool(&mut self, mint: &Pubkey) -> PoolFixture {
        self.open_pool(
            mint,
            bulwark::instructions::CreatePoolArgs {
                manager_fee_bps: 1_000,
                max_manager_fee_bps: 2_000,
                private: false,
            },
        )
        .await
    }

    /// Deposits `amount` into `tranche_id` as position `position_id` of `owner`.
    pub async fn deposit(
        &mut self,
        owner: &Keypair,
        keys: &builders::PoolKeys,
        owner_token: &Pubkey,
        position_id: u64,
        tranche_id: u64,
        amount: u64,
    ) -> TxOutcome {
        let ix = builders::deposit_stake(
            &owner.pubkey(),
            keys,
            owner_token,
            bulwark::instructions::DepositStakeArgs {
                position_id,
                tranche_id,
                amount,
            },
        );
        self.send_ok(&[ix], &[owner]).await
    }
}

/// The bank as an account source of the SDK's flows.
impl bulwark_sdk::client::AccountSource for TestContext {
    async fn account(&mut self, address: &Pubkey) -> bulwark_sdk::client::Result<Option<Account>> {
        Ok(TestContext::account(self, address).await)
    }

    async fn unix_time(&mut self) -> bulwark_sdk::client::Result<i64> {
        Ok(self.now().await)
    }
}
