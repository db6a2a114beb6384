//! Where the commands' transactions go: a cluster over JSON-RPC, or the embedded in-process VM.
//!
//! The commands build the same instructions and read the same accounts either way; only this
//! module differs. The embedded VM keeps its state between invocations in a ledger file (every
//! account a transaction touched, plus the clock), so `bulwark pool create` followed by
//! `bulwark pool list` works with no validator.

// solana-program-test 3.x marks its whole API "unstable" with deprecation warnings; it is the
// embedded VM TOOLCHAIN.md prescribes, so the warning carries no information here.
#![allow(deprecated)]

use crate::errors::{describe_failure, CliError, Result};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use base64::Engine;
use bulwark_sdk::client::{AccountSource, ClientError};
use bulwark_testing::TestContext;
use serde::{Deserialize, Serialize};
use solana_account::Account;
use solana_clock::Clock;
use solana_commitment_config::CommitmentConfig;
use solana_keypair::Keypair;
use solana_program_test::BanksClientError;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::client_error::ErrorKind as ClientErrorKind;
use solana_rpc_client_api::config::{RpcAccountInfoConfig, RpcProgramAccountsConfig};
use solana_rpc_client_api::filter::{Memcmp, MemcmpEncodedBytes, RpcFilterType};
use solana_rpc_client_api::request::{RpcError, RpcRequest, RpcResponseErrorData};
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// JSON-RPC's code for a method the node does not have.
const METHOD_NOT_FOUND: i64 = -32601;

/// SOL the embedded VM gives a wallet it has not seen before.
const EMBEDDED_AIRDROP: u64 = 1_000_000_000_000;

pub enum Transport {
    Rpc(RpcClient),
    Embedded(Box<Embedded>),
}

/// The embedded VM and the ledger file mirroring its accounts.
pub struct Embedded {
    t: TestContext,
    ledger: PathBuf,
    accounts: BTreeMap<Pubkey, Account>,
}

#[derive(Serialize, Deserialize, Default)]
struct LedgerFile {
    slot: u64,
    unix_timestamp: i64,
    accounts: BTreeMap<String, StoredAccount>,
}

#[derive(Serialize, Deserialize)]
struct StoredAccount {
    lamports: u64,
    owner: String,
    /// Base64.
    data: String,
}

fn parse_key(text: &str) -> Result<Pubkey> {
    text.parse()
        .map_err(|_| CliError(format!("ledger: `{text}` is not an address")))
}

/// Accounts the ledger keeps: everything but programs, sysvars and loader-owned accounts, which
/// the VM recreates at start.
fn is_state(account: &Account) -> bool {
    !account.executable
        && account.owner != solana_sdk_ids::sysvar::ID
        && account.owner != solana_sdk_ids::bpf_loader_upgradeable::ID
        && account.owner != solana_sdk_ids::native_loader::ID
}

impl Transport {
    /// A cluster at `url` (a URL or one of the Solana CLI's monikers).
    pub fn rpc(url: &str) -> Self {
        let url = match url {
            "localhost" | "l" => "http://127.0.0.1:8899",
            "devnet" | "d" => "https://api.devnet.solana.com",
            "testnet" | "t" => "https://api.testnet.solana.com",
            "mainnet-beta" | "m" => "https://api.mainnet-beta.solana.com",
            other => other,
        };
        Transport::Rpc(RpcClient::new_with_commitment(
            url.to_string(),
            CommitmentConfig::confirmed(),
        ))
    }

    /// The embedded VM, resumed from `ledger` when it exists. `wallet` is the program's upgrade
    /// authority there and gets SOL the first time it is seen.
    pub async fn embedded(ledger: PathBuf, wallet: &Keypair, sbf: bool) -> Result<Self> {
        let stored: LedgerFile = match std::fs::read_to_string(&ledger) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                CliError(format!("ledger {} is not readable: {e}", ledger.display()))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => LedgerFile::default(),
            Err(e) => return Err(CliError(format!("ledger {}: {e}", ledger.display()))),
        };
        let mut accounts = BTreeMap::new();
        for (key, stored) in &stored.accounts {
            let data = base64::engine::general_purpose::STANDARD
                .decode(&stored.data)
                .map_err(|e| CliError(format!("ledger: account {key}: {e}")))?;
            let account = Account {
                lamports: stored.lamports,
                data,
                owner: parse_key(&stored.owner)?,
                executable: false,
                rent_epoch: u64::MAX,
            };
            accounts.insert(parse_key(key)?, account);
        }
        accounts.entry(wallet.pubkey()).or_insert_with(|| {
            Account::new(EMBEDDED_AIRDROP, 0, &solana_sdk_ids::system_program::ID)
        });
        let mut pt = bulwark_testing::program_test(sbf, &wallet.pubkey());
        for (key, account) in &accounts {
            pt.add_account(*key, account.clone());
        }
        let mut t = TestContext::start(pt, wallet.insecure_clone()).await;
        if stored.slot > 0 {
            t.ctx
                .warp_to_slot(stored.slot + 1)
                .map_err(|e| CliError(format!("ledger: cannot resume at its slot: {e:?}")))?;
            t.set_time(stored.unix_timestamp).await;
        }
        Ok(Transport::Embedded(Box::new(Embedded {
            t,
            ledger,
            accounts,
        })))
    }

    pub fn is_embedded(&self) -> bool {
        matches!(self, Transport::Embedded(_))
    }

    pub async fn account(&mut self, address: &Pubkey) -> Result<Option<Account>> {
        match self {
            Transport::Rpc(rpc) => Ok(rpc
                .get_account_with_commitment(address, rpc.commitment())
                .await
                .map_err(|e| CliError(format!("reading {address}: {e}")))?
                .value),
            Transport::Embedded(vm) => Ok(vm.t.account(address).await),
        }
    }

    /// Every account of the Bulwark program whose data starts with `discriminator`.
    pub async fn program_accounts(
        &mut self,
        discriminator: &[u8],
    ) -> Result<Vec<(Pubkey, Account)>> {
        match self {
            Transport::Rpc(rpc) => {
                let config = RpcProgramAccountsConfig {
                    // Base64, which every RPC provider accepts (raw bytes are agave-only).
                    filters: Some(vec![RpcFilterType::Memcmp(Memcmp::new(
                        0,
                        MemcmpEncodedBytes::Base64(
                            base64::engine::general_purpose::STANDARD.encode(discriminator),
                        ),
                    ))]),
                    account_config: RpcAccountInfoConfig {
                        encoding: Some(solana_rpc_client_api::response::UiAccountEncoding::Base64),
                        commitment: Some(rpc.commitment()),
                        ..RpcAccountInfoConfig::default()
                    },
                    ..RpcProgramAccountsConfig::default()
                };
                let accounts = rpc
                    .get_program_ui_accounts_with_config(&bulwark::ID, config)
                    .await
                    .map_err(|e| CliError(format!("listing program accounts: {e}")))?;
                accounts
                    .into_iter()
                    .map(|(key, ui)| {
                        ui.decode::<Account>()
                            .map(|account| (key, account))
                            .ok_or_else(|| CliError(format!("account {key} is not base64")))
                    })
                    .collect()
            }
            Transport::Embedded(vm) => {
                let keys: Vec<Pubkey> = vm.accounts.keys().copied().collect();
                let mut found = Vec::new();
                for key in keys {
                    if let Some(account) = vm.t.account(&key).await {
                        if account.owner == bulwark::ID && account.data.starts_with(discriminator) {
                            found.push((key, account));
                        }
                    }
                }
                Ok(found)
            }
        }
    }

    pub async fn clock(&mut self) -> Result<Clock> {
        match self {
            Transport::Rpc(_) => {
                let account = self
                    .account(&solana_sdk_ids::sysvar::clock::ID)
                    .await?
                    .ok_or_else(|| CliError("the cluster has no clock sysvar".into()))?;
                clock_of(&account.data)
            }
            Transport::Embedded(vm) => Ok(vm.t.clock().await),
        }
    }

    /// Signs `ixs` with `signers` (the first pays the fee) and sends them; on failure the error
    /// carries the program's own message.
    pub async fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Result<Signature> {
        let fee_payer = signers
            .first()
            .ok_or_else(|| CliError("a transaction needs a fee payer".into()))?
            .pubkey();
        match self {
            Transport::Rpc(rpc) => {
                let blockhash = rpc
                    .get_latest_blockhash()
                    .await
                    .map_err(|e| CliError(format!("fetching a blockhash: {e}")))?;
                let tx =
                    Transaction::new_signed_with_payer(ixs, Some(&fee_payer), signers, blockhash);
                rpc.send_and_confirm_transaction(&tx).await.map_err(|e| {
                    match transaction_failure(&e) {
                        Some((err, logs)) => describe_failure(&err, &logs),
                        None => CliError(format!("sending the transaction: {e}")),
                    }
                })
            }
            Transport::Embedded(vm) => vm.send(ixs, &fee_payer, signers).await,
        }
    }

    /// Moves the clock `seconds` forward: the embedded VM's, or a local cluster's that takes
    /// surfpool's `surfnet_timeTravel` (`bulwark localnet`); any other cluster's clock is its own.
    pub async fn warp(&mut self, seconds: i64) -> Result<Clock> {
        let now = self.clock().await?.unix_timestamp;
        let target = now
            .checked_add(seconds)
            .filter(|_| seconds >= 0)
            .ok_or_else(|| CliError("time only moves forward".into()))?;
        match self {
            Transport::Rpc(rpc) => {
                let millis = target
                    .checked_mul(1_000)
                    .ok_or_else(|| CliError("time only moves forward".into()))?;
                let request = RpcRequest::Custom {
                    method: "surfnet_timeTravel",
                };
                rpc.send::<serde_json::Value>(
                    request,
                    serde_json::json!([{ "absoluteTimestamp": millis }]),
                )
                .await
                .map_err(|e| match e.kind() {
                    ClientErrorKind::RpcError(RpcError::RpcResponseError { code, .. })
                        if *code == METHOD_NOT_FOUND =>
                    {
                        CliError(
                            "this cluster's clock is its own: only the embedded VM and a local \
                             surfnet (`bulwark localnet`) move time"
                                .into(),
                        )
                    }
                    _ => CliError(format!("moving the cluster's clock: {e}")),
                })?;
            }
            Transport::Embedded(vm) => vm.t.warp_to_time(target).await,
        }
        self.clock().await
    }

    /// Writes the embedded VM's ledger file (nothing to do on a cluster).
    pub async fn save(&mut self) -> Result<()> {
        let Transport::Embedded(vm) = self else {
            return Ok(());
        };
        let clock = vm.t.clock().await;
        let mut file = LedgerFile {
            slot: clock.slot,
            unix_timestamp: clock.unix_timestamp,
            accounts: BTreeMap::new(),
        };
        let keys: Vec<Pubkey> = vm.accounts.keys().copied().collect();
        for key in keys {
            if let Some(account) = vm.t.account(&key).await {
                file.accounts.insert(
                    key.to_string(),
                    StoredAccount {
                        lamports: account.lamports,
                        owner: account.owner.to_string(),
                        data: base64::engine::general_purpose::STANDARD.encode(&account.data),
                    },
                );
            }
        }
        let text = serde_json::to_string(&file)
            .map_err(|e| CliError(format!("ledger: cannot encode: {e}")))?;
        if let Some(dir) = vm.ledger.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| CliError(format!("ledger {}: {e}", dir.display())))?;
        }
        std::fs::write(&vm.ledger, text)
            .map_err(|e| CliError(format!("ledger {}: {e}", vm.ledger.display())))
    }
}

/// The commands read through the SDK's flows: a transport failure is the source's error.
impl AccountSource for Transport {
    async fn account(&mut self, address: &Pubkey) -> bulwark_sdk::client::Result<Option<Account>> {
        Transport::account(self, address)
            .await
            .map_err(|e| ClientError::Source(e.0))
    }

    async fn unix_time(&mut self) -> bulwark_sdk::client::Result<i64> {
        self.clock()
            .await
            .map(|clock| clock.unix_timestamp)
            .map_err(|e| ClientError::Source(e.0))
    }
}

impl Embedded {
    async fn send(
        &mut self,
        ixs: &[Instruction],
        fee_payer: &Pubkey,
        signers: &[&Keypair],
    ) -> Result<Signature> {
        let blockhash = self
            .t
            .ctx
            .banks_client
            .get_latest_blockhash()
            .await
            .map_err(|e| CliError(format!("embedded VM: {e}")))?;
        let tx = Transaction::new_signed_with_payer(ixs, Some(fee_payer), signers, blockhash);
        let signature = tx.signatures[0];
        let keys = tx.message.account_keys.clone();
        let result = self
            .t
            .ctx
            .banks_client
            .process_transaction_with_metadata(tx)
            .await;
        // A new slot per transaction, as on a cluster: claims may not be filed in the slot the
        // cover was bought in.
        self.t.next_slot().await;
        let processed = match result {
            Ok(processed) => processed,
            Err(BanksClientError::TransactionError(err)) => {
                return Err(describe_failure(&err, &[]))
            }
            Err(BanksClientError::SimulationError { err, logs, .. }) => {
                return Err(describe_failure(&err, &logs))
            }
            Err(other) => return Err(CliError(format!("embedded VM: {other}"))),
        };
        if let Err(err) = processed.result {
            let logs = processed
                .metadata
                .map(|m| m.log_messages)
                .unwrap_or_default();
            return Err(describe_failure(&err, &logs));
        }
        for key in keys {
            if let Some(account) = self.t.account(&key).await {
                if is_state(&account) {
                    self.accounts.insert(key, account);
                }
            }
        }
        Ok(signature)
    }
}

/// The transaction error behind an RPC client's error, with the program's logs when the node
/// ran the transaction in preflight; `None` when the transaction never ran (a transport error).
pub fn transaction_failure(
    e: &solana_rpc_client_api::client_error::Error,
) -> Option<(TransactionError, Vec<String>)> {
    let logs = match e.kind() {
        ClientErrorKind::RpcError(RpcError::RpcResponseError {
            data: RpcResponseErrorData::SendTransactionPreflightFailure(result),
            ..
        }) => result.logs.clone().unwrap_or_default(),
        _ => Vec::new(),
    };
    e.get_transaction_error().map(|err| (err, logs))
}

/// The clock sysvar's account data, decoded.
pub fn clock_of(data: &[u8]) -> Result<Clock> {
    let field = |i: usize| -> Result<[u8; 8]> {
        data.get(i * 8..i * 8 + 8)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| CliError("the clock sysvar is malformed".into()))
    };
    Ok(Clock {
        slot: u64::from_le_bytes(field(0)?),
        epoch_start_timestamp: i64::from_le_bytes(field(1)?),
        epoch: u64::from_le_bytes(field(2)?),
        leader_schedule_epoch: u64::from_le_bytes(field(3)?),
        unix_timestamp: i64::from_le_bytes(field(4)?),
    })
}
