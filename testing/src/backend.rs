//! The two in-process ledgers the kit drives, behind one trait: a `solana-program-test` bank
//! ([`ProgramTestContext`], native or SBF) and a LiteSVM instance ([`LiteBackend`], SBF only).
//! Every helper of [`crate::TestContext`] is written once against [`Backend`].

use anchor_lang::prelude::Pubkey;
use litesvm::LiteSVM;
use solana_account::Account;
use solana_clock::Clock;
use solana_hash::Hash;
use solana_keypair::Keypair;
use solana_program_test::{BanksClientError, ProgramTestContext};
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;

/// What an executed or simulated transaction reported.
#[derive(Debug, Default)]
pub struct Executed {
    /// Compute units consumed (0 for the native build, which does not meter).
    pub compute_units: u64,
    pub logs: Vec<String>,
    /// Return data of the last instruction that set any.
    pub return_data: Option<Vec<u8>>,
}

/// A ledger the kit can send transactions to and read and write accounts and the clock of.
///
/// The futures are not `Send`: both ledgers run on the test's thread (program-test on a
/// current-thread Tokio runtime; LiteSVM's futures are ready at once, so any executor works).
#[allow(async_fn_in_trait)]
pub trait Backend {
    /// Whether compute units measured here join the benchmark report
    /// ([`crate::record_compute_units`]), which is measured in solana-program-test.
    const BENCHMARKED: bool;
    /// The fee payer of every transaction the kit sends.
    fn payer(&self) -> Keypair;
    async fn latest_blockhash(&mut self) -> Hash;
    /// Executes `tx` and commits it when it succeeds; a failure comes with the logs.
    async fn execute(
        &mut self,
        tx: Transaction,
    ) -> Result<Executed, (TransactionError, Vec<String>)>;
    /// Runs `tx` against the latest state without committing it.
    async fn simulate(&mut self, tx: Transaction) -> Result<Executed, TransactionError>;
    async fn account(&mut self, address: &Pubkey) -> Option<Account>;
    /// Writes an account straight into the ledger.
    fn set_account(&mut self, address: &Pubkey, account: Account);
    async fn clock(&mut self) -> Clock;
    fn set_clock(&mut self, clock: &Clock);
    /// Moves to `slot`, with a new blockhash (so a repeated transaction is not a duplicate).
    fn warp_to_slot(&mut self, slot: u64);
}

/// Return data as both ledgers report it: none when no instruction set any bytes.
fn return_data(data: Vec<u8>) -> Option<Vec<u8>> {
    (!data.is_empty()).then_some(data)
}

impl Backend for ProgramTestContext {
    const BENCHMARKED: bool = true;

    fn payer(&self) -> Keypair {
        self.payer.insecure_clone()
    }

    async fn latest_blockhash(&mut self) -> Hash {
        self.banks_client
            .get_latest_blockhash()
            .await
            .expect("blockhash")
    }

    async fn execute(
        &mut self,
        tx: Transaction,
    ) -> Result<Executed, (TransactionError, Vec<String>)> {
        let result = self
            .banks_client
            .process_transaction_with_metadata(tx)
            .await
            .map_err(|e| match e {
                BanksClientError::TransactionError(e) => (e, Vec::new()),
                BanksClientError::SimulationError { err, logs, .. } => (err, logs),
                other => panic!("banks client failed: {other:?}"),
            })?;
        // The native build reports no metadata.
        let executed = result
            .metadata
            .map(|m| Executed {
                compute_units: m.compute_units_consumed,
                logs: m.log_messages,
                return_data: m.return_data.and_then(|r| return_data(r.data)),
            })
            .unwrap_or_default();
        match result.result {
            Err(err) => Err((err, executed.logs)),
            Ok(()) => Ok(executed),
        }
    }

    async fn simulate(&mut self, tx: Transaction) -> Result<Executed, TransactionError> {
        let simulation = self
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
        Ok(simulation
            .simulation_details
            .map(|d| Executed {
                compute_units: d.units_consumed,
                logs: d.logs,
                return_data: d.return_data.and_then(|r| return_data(r.data)),
            })
            .unwrap_or_default())
    }

    async fn account(&mut self, address: &Pubkey) -> Option<Account> {
        self.banks_client
            .get_account(*address)
            .await
            .expect("get_account")
    }

    fn set_account(&mut self, address: &Pubkey, account: Account) {
        ProgramTestContext::set_account(self, address, &account.into());
    }

    async fn clock(&mut self) -> Clock {
        self.banks_client
            .get_sysvar::<Clock>()
            .await
            .expect("clock")
    }

    fn set_clock(&mut self, clock: &Clock) {
        self.set_sysvar(clock);
    }

    fn warp_to_slot(&mut self, slot: u64) {
        ProgramTestContext::warp_to_slot(self, slot).expect("warp");
    }
}

/// A LiteSVM instance (with the SPL programs it loads by default) and the payer the kit signs
/// with. `svm` is yours: add programs and accounts, or drive it directly.
pub struct LiteBackend {
    pub svm: LiteSVM,
    payer: Keypair,
}

/// Lamports the LiteSVM payer starts with (100,000 SOL, of the million its airdrop account holds).
const LITESVM_PAYER_LAMPORTS: u64 = 100_000_000_000_000;

impl LiteBackend {
    /// Wraps `svm`, funding a payer for the kit's transactions.
    pub fn new(mut svm: LiteSVM) -> Self {
        let payer = Keypair::new_from_array([5; 32]);
        svm.airdrop(&payer.pubkey(), LITESVM_PAYER_LAMPORTS)
            .expect("fund the LiteSVM payer");
        Self { svm, payer }
    }
}

impl Backend for LiteBackend {
    /// LiteSVM's SPL programs are not program-test's (its token CPIs cost less).
    const BENCHMARKED: bool = false;

    fn payer(&self) -> Keypair {
        self.payer.insecure_clone()
    }

    async fn latest_blockhash(&mut self) -> Hash {
        self.svm.latest_blockhash()
    }

    async fn execute(
        &mut self,
        tx: Transaction,
    ) -> Result<Executed, (TransactionError, Vec<String>)> {
        self.svm
            .send_transaction(tx)
            .map(|meta| Executed {
                compute_units: meta.compute_units_consumed,
                logs: meta.logs,
                return_data: return_data(meta.return_data.data),
            })
            .map_err(|failed| (failed.err, failed.meta.logs))
    }

    async fn simulate(&mut self, tx: Transaction) -> Result<Executed, TransactionError> {
        self.svm
            .simulate_transaction(tx)
            .map(|info| Executed {
                compute_units: info.meta.compute_units_consumed,
                logs: info.meta.logs,
                return_data: return_data(info.meta.return_data.data),
            })
            .map_err(|failed| failed.err)
    }

    async fn account(&mut self, address: &Pubkey) -> Option<Account> {
        self.svm.get_account(address)
    }

    fn set_account(&mut self, address: &Pubkey, account: Account) {
        self.svm
            .set_account(*address, account)
            .expect("LiteSVM set_account");
    }

    async fn clock(&mut self) -> Clock {
        self.svm.get_sysvar::<Clock>()
    }

    fn set_clock(&mut self, clock: &Clock) {
        self.svm.set_sysvar(clock);
    }

    fn warp_to_slot(&mut self, slot: u64) {
        self.svm.warp_to_slot(slot);
        self.svm.expire_blockhash();
    }
}
