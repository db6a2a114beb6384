//! The kit's [`Backend`] over a running surfnet: transactions, simulations, accounts and the
//! clock through its JSON-RPC endpoint, as any client sees them; what a cluster cannot do
//! through RPC (write an account, move the clock) through the in-process engine.
//!
//! With it the kit's helpers and the scenario engine seed the cluster with real transactions,
//! so every account they leave is indexed as the cluster's own clients read it.

use anchor_lang::prelude::Pubkey;
use base64::Engine;
use bulwark_cli::transport::{clock_of, transaction_failure};
use bulwark_testing::backend::{Backend, Executed};
use crossbeam_channel::Sender;
use solana_account::Account;
use solana_clock::Clock;
use solana_commitment_config::{CommitmentConfig, CommitmentLevel};
use solana_hash::Hash;
use solana_keypair::Keypair;
use solana_rpc_client::nonblocking::rpc_client::RpcClient;
use solana_rpc_client_api::config::{
    RpcSendTransactionConfig, RpcSimulateTransactionConfig, RpcTransactionConfig,
};
use solana_signature::Signature;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;
use solana_transaction_status_client_types::{UiTransactionEncoding, UiTransactionReturnData};
use std::time::{Duration, Instant};
use surfpool_core::surfnet::locker::SurfnetSvmLocker;
use surfpool_core::types::TimeTravelConfig;
use surfpool_types::SimnetCommand;

/// How long a transaction may take to be confirmed, or a slot to pass.
const PATIENCE: Duration = Duration::from_secs(30);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(5);

/// A surfnet seen through its RPC endpoint, with the engine behind it for cheatcodes.
pub struct SurfnetBackend {
    rpc: RpcClient,
    locker: SurfnetSvmLocker,
    commands: Sender<SimnetCommand>,
    payer: Keypair,
}

impl SurfnetBackend {
    /// `payer` pays the kit's fees: fund it (the surfnet's airdrop list) before the first send.
    pub fn new(
        url: String,
        locker: SurfnetSvmLocker,
        commands: Sender<SimnetCommand>,
        payer: Keypair,
    ) -> Self {
        Self {
            // Processed: what the kit reads next must include what it just sent.
            rpc: RpcClient::new_with_commitment(url, CommitmentConfig::processed()),
            locker,
            commands,
            payer,
        }
    }

    /// The executed transaction's logs, compute units and return data, once it is confirmed.
    async fn executed(&self, signature: &Signature) -> Executed {
        let config = RpcTransactionConfig {
            encoding: Some(UiTransactionEncoding::Base64),
            commitment: Some(CommitmentConfig::confirmed()),
            max_supported_transaction_version: Some(0),
        };
        let started = Instant::now();
        let meta = loop {
            match self
                .rpc
                .get_transaction_with_config(signature, config)
                .await
            {
                Ok(found) => break found.transaction.meta,
                Err(_) if started.elapsed() < PATIENCE => tokio::time::sleep(POLL).await,
                Err(e) => panic!("transaction {signature} not confirmed: {e}"),
            }
        };
        let Some(meta) = meta else {
            return Executed::default();
        };
        Executed {
            compute_units: Option::from(meta.compute_units_consumed).unwrap_or(0),
            logs: Option::from(meta.log_messages).unwrap_or_default(),
            return_data: Option::<UiTransactionReturnData>::from(meta.return_data)
                .and_then(|data| return_data(&data)),
        }
    }
}

/// The bytes of `data` (base64 on the wire); none when it is empty.
fn return_data(data: &UiTransactionReturnData) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(&data.data.0)
        .ok()
        .filter(|bytes| !bytes.is_empty())
}

impl Backend for SurfnetBackend {
    /// The benchmark report is measured in solana-program-test, not here.
    const BENCHMARKED: bool = false;

    fn payer(&self) -> Keypair {
        self.payer.insecure_clone()
    }

    async fn latest_blockhash(&mut self) -> Hash {
        self.rpc
            .get_latest_blockhash()
            .await
            .unwrap_or_else(|e| panic!("localnet: no blockhash: {e}"))
    }

    async fn execute(
        &mut self,
        tx: Transaction,
    ) -> Result<Executed, (TransactionError, Vec<String>)> {
        let config = RpcSendTransactionConfig {
            preflight_commitment: Some(CommitmentLevel::Processed),
            ..RpcSendTransactionConfig::default()
        };
        // The surfnet answers once the transaction ran: a failure comes back with its logs.
        match self.rpc.send_transaction_with_config(&tx, config).await {
            Ok(signature) => Ok(self.executed(&signature).await),
            Err(e) => Err(transaction_failure(&e)
                .unwrap_or_else(|| panic!("localnet: sending a transaction: {e}"))),
        }
    }

    async fn simulate(&mut self, tx: Transaction) -> Result<Executed, TransactionError> {
        let config = RpcSimulateTransactionConfig {
            commitment: Some(CommitmentConfig::processed()),
            ..RpcSimulateTransactionConfig::default()
        };
        let simulation = self
            .rpc
            .simulate_transaction_with_config(&tx, config)
            .await
            .unwrap_or_else(|e| panic!("localnet: simulating a transaction: {e}"))
            .value;
        if let Some(err) = simulation.err {
            return Err(err.into());
        }
        Ok(Executed {
            compute_units: simulation.units_consumed.unwrap_or(0),
            logs: simulation.logs.unwrap_or_default(),
            return_data: simulation.return_data.as_ref().and_then(return_data),
        })
    }

    async fn account(&mut self, address: &Pubkey) -> Option<Account> {
        self.rpc
            .get_account_with_commitment(address, self.rpc.commitment())
            .await
            .unwrap_or_else(|e| panic!("localnet: reading {address}: {e}"))
            .value
    }

    fn set_account(&mut self, address: &Pubkey, account: Account) {
        self.locker
            .with_svm_writer(|svm| svm.set_account(address, account))
            .unwrap_or_else(|e| panic!("localnet: writing {address}: {e}"));
    }

    async fn clock(&mut self) -> Clock {
        let account = self
            .account(&solana_sdk_ids::sysvar::clock::ID)
            .await
            .expect("localnet: no clock sysvar");
        clock_of(&account.data).unwrap_or_else(|e| panic!("localnet: {}", e.0))
    }

    /// A cluster's clock only runs forward: a time at or before the cluster's is already
    /// past, and leaves it alone; a later one travels there (the slot moves with it).
    fn set_clock(&mut self, clock: &Clock) {
        let now_ms = self.locker.with_svm_reader(|svm| svm.updated_at);
        let Some(target_ms) = u64::try_from(clock.unix_timestamp)
            .ok()
            .and_then(|seconds| seconds.checked_mul(1_000))
            .filter(|target| *target > now_ms)
        else {
            return;
        };
        self.locker
            .time_travel(
                None,
                self.commands.clone(),
                TimeTravelConfig::AbsoluteTimestamp(target_ms),
            )
            .unwrap_or_else(|e| panic!("localnet: moving the clock: {e}"));
    }

    /// Waits for the cluster to reach `slot`, and for at least one new slot (a new blockhash):
    /// its slots pass on their own, one per slot time. (Right after a time travel the clock
    /// sysvar names the slot within the epoch, below the absolute slot compared here.)
    fn warp_to_slot(&mut self, slot: u64) {
        let started = Instant::now();
        let current = self.locker.get_latest_absolute_slot();
        let target = slot.max(current.saturating_add(1));
        while self.locker.get_latest_absolute_slot() < target {
            assert!(
                started.elapsed() < PATIENCE,
                "localnet: slot {slot} did not come"
            );
            std::thread::sleep(POLL);
        }
    }
}
