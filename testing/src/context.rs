//! [`TestContext`]: the ledger, the protocol's standing actors and the generic helpers —
//! transactions, time, accounts and tokens — written once for both backends.

use crate::backend::{Backend, Executed, LiteBackend};
use crate::program::{add_to_litesvm, program_test, sbf_mode};
use crate::{builders, events_from_logs};
use anchor_lang::prelude::*;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{AccountDeserialize, Discriminator};
use anchor_spl::token::spl_token;
use anchor_spl::token_2022::spl_token_2022;
use bulwark::constants::*;
use litesvm::LiteSVM;
use solana_account::Account;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_program_pack::Pack;
use solana_program_test::{ProgramTest, ProgramTestContext};
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;

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

    /// This outcome completed with what the ledger reported.
    fn with(self, executed: Executed) -> Self {
        Self {
            compute_units: executed.compute_units,
            events: events_from_logs(&executed.logs),
            return_data: executed.return_data,
            ..self
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

/// The parameters a [`TestContext`] initializes the config with: the program's defaults, but
/// stake counts as voting weight at once (`assessor_stake_age` 0), so [`TestContext::assessor`]
/// can vote in the next transaction, and governance changes execute at once (`timelock_delay`
/// 0, see [`TestContext::govern`]). A test of stake age or of the timelock sets its own
/// (`update_config`).
pub fn kit_params() -> bulwark::state::ProtocolParams {
    bulwark::state::ProtocolParams {
        assessor_stake_age: 0,
        timelock_delay: 0,
        ..Default::default()
    }
}

/// Owns the in-process ledger — a `solana-program-test` bank by default, or LiteSVM
/// ([`TestContext::litesvm`]) — and the protocol's standing actors.
pub struct TestContext<B: Backend = ProgramTestContext> {
    /// The ledger itself, for what the kit does not wrap (`ctx.banks_client`, `ctx.svm`).
    pub ctx: B,
    /// Upgrade authority of the program; signs `initialize_config`.
    pub deployer: Keypair,
    /// Governance authority named at initialization.
    pub authority: Keypair,
    pub treasury: Pubkey,
    pub assessment_mint: Pubkey,
    /// Counter behind [`TestContext::keypair`].
    keys_made: u64,
}

/// The upgrade authority every context deploys the program with (see [`program_test`]).
fn deployer_key() -> Keypair {
    Keypair::new_from_array([1; 32])
}

impl TestContext<ProgramTestContext> {
    /// The upgrade authority every context deploys the program with (see [`program_test`]).
    pub fn deployer_key() -> Keypair {
        deployer_key()
    }

    /// A bank with the program loaded and nothing initialized.
    pub async fn bare() -> Self {
        Self::bare_in(sbf_mode()).await
    }

    /// Like [`TestContext::bare`], running the SBF `.so` (see [`program_test`]) when `sbf` is
    /// set and the natively compiled program otherwise.
    pub async fn bare_in(sbf: bool) -> Self {
        Self::bare_with(program_test(sbf, &deployer_key().pubkey())).await
    }

    /// Like [`TestContext::bare`] on the bank of `pt`: [`program_test`] with whatever the
    /// caller added to it (other programs, accounts), deployed by [`TestContext::deployer_key`].
    pub async fn bare_with(pt: ProgramTest) -> Self {
        let mut this = Self::start(pt, deployer_key()).await;
        this.stand_up().await;
        this
    }

    /// Starts the bank of `pt` (see [`program_test`]); `deployer` is the upgrade authority
    /// named in it. Nothing is funded or created.
    pub async fn start(pt: ProgramTest, deployer: Keypair) -> Self {
        Self::on(pt.start_with_context().await, deployer)
    }

    /// A bank with the config initialized with default parameters.
    pub async fn new() -> Self {
        Self::new_in(sbf_mode()).await
    }

    /// Like [`TestContext::new`], choosing SBF or native explicitly.
    pub async fn new_in(sbf: bool) -> Self {
        Self::new_with(program_test(sbf, &deployer_key().pubkey())).await
    }

    /// Like [`TestContext::new`] on the bank of `pt` (see [`TestContext::bare_with`]).
    pub async fn new_with(pt: ProgramTest) -> Self {
        let mut this = Self::bare_with(pt).await;
        this.initialize_config().await;
        this
    }
}

impl TestContext<LiteBackend> {
    /// A fresh LiteSVM instance with the SBF build deployed (see [`add_to_litesvm`]) and the
    /// config initialized with default parameters.
    pub async fn litesvm() -> Self {
        Self::litesvm_with(LiteSVM::new()).await
    }

    /// Like [`TestContext::litesvm`] on your own instance (your programs and accounts in it).
    pub async fn litesvm_with(svm: LiteSVM) -> Self {
        let mut this = Self::litesvm_bare(svm).await;
        this.initialize_config().await;
        this
    }

    /// `svm` with the program deployed by [`TestContext::deployer_key`] and nothing
    /// initialized (panics, saying where it looked, without an SBF build).
    pub async fn litesvm_bare(mut svm: LiteSVM) -> Self {
        let deployer = deployer_key();
        add_to_litesvm(&mut svm, &deployer.pubkey()).unwrap_or_else(|e| panic!("{e}"));
        let mut this = Self::on(LiteBackend::new(svm), deployer);
        this.stand_up().await;
        this
    }
}

impl<B: Backend> TestContext<B> {
    /// Wraps a started ledger in which `deployer` is the program's upgrade authority.
    pub fn on(ctx: B, deployer: Keypair) -> Self {
        Self {
            ctx,
            deployer,
            authority: Keypair::new_from_array([2; 32]),
            treasury: Keypair::new_from_array([3; 32]).pubkey(),
            assessment_mint: Pubkey::default(),
            keys_made: 0,
        }
    }

    /// What [`TestContext::new`] and [`TestContext::litesvm`] give, on a ledger of your own
    /// implementing [`Backend`] (a local cluster, say) where the program is already deployed
    /// with `deployer` as its upgrade authority: the deployer and the governance authority
    /// funded by the ledger's payer, the assessment mint created and the config initialized
    /// with [`kit_params`].
    pub async fn initialized_on(ctx: B, deployer: Keypair) -> Self {
        let mut this = Self::on(ctx, deployer);
        this.stand_up().await;
        this.initialize_config().await;
        this
    }

    /// Funds the deployer and the governance authority and creates the assessment mint.
    async fn stand_up(&mut self) {
        self.fund(&self.deployer.pubkey(), 10_000_000_000).await;
        self.fund(&self.authority.pubkey(), 10_000_000_000).await;
        self.assessment_mint = self.create_mint(6, &spl_token::ID).await;
    }

    /// The deployer's `initialize_config` naming the context's authority, treasury and
    /// assessment mint, with default parameters.
    pub fn initialize_config_ix(&self) -> Instruction {
        builders::initialize_config(
            &self.deployer.pubkey(),
            &self.authority.pubkey(),
            &self.treasury,
            &self.assessment_mint,
            &spl_token::ID,
            kit_params(),
        )
    }

    /// The deployer initializes the config with [`kit_params`].
    async fn initialize_config(&mut self) {
        let ix = self.initialize_config_ix();
        let deployer = self.deployer.insecure_clone();
        self.send_ok(&[ix], &[&deployer]).await;
    }

    /// A new keypair, the same sequence in every run: PDAs created from these keys get the
    /// same bump every time, so compute-unit measurements are reproducible.
    pub fn keypair(&mut self) -> Keypair {
        self.keys_made += 1;
        let mut secret = [7u8; 32];
        secret[..8].copy_from_slice(&self.keys_made.to_le_bytes());
        Keypair::new_from_array(secret)
    }

    pub fn payer(&self) -> Keypair {
        self.ctx.payer()
    }

    // ---- transactions ----

    /// `ixs` in a transaction on the latest blockhash, signed by the payer (fee payer) and
    /// `signers`.
    async fn signed(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Transaction {
        let blockhash = self.ctx.latest_blockhash().await;
        let payer = self.payer();
        let mut all: Vec<&Keypair> = vec![&payer];
        all.extend(signers.iter().copied());
        Transaction::new_signed_with_payer(ixs, Some(&payer.pubkey()), &all, blockhash)
    }

    /// Sends `ixs` signed by the payer (fee payer) and `signers`.
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
        let result = self.ctx.execute(tx).await;
        // A fresh blockhash for the next transaction so identical retries are not deduplicated.
        self.next_slot().await;
        result.map(|executed| size.with(executed))
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
        self.ctx
            .simulate(tx)
            .await
            .map(|executed| size.with(executed))
    }

    /// Governance applies `changes` through the timelock: proposes them, lets the config's
    /// timelock delay pass (warping the clock when it is not 0; [`kit_params`] sets it to 0)
    /// and executes. Returns the execution's outcome.
    pub async fn govern(&mut self, changes: Vec<bulwark::state::GovernanceChange>) -> TxOutcome {
        let authority = self.authority.insecure_clone();
        let (propose, id) =
            bulwark_sdk::flows::propose(self, &authority.pubkey(), changes, [0; 32], String::new())
                .await
                .expect("read the config");
        self.send_ok(&[propose], &[&authority]).await;
        let delay = self
            .load::<bulwark::state::Config>(&builders::config_pda())
            .await
            .params
            .timelock_delay;
        if delay > 0 {
            let now = self.now().await;
            self.warp_to_time(now + i64::from(delay)).await;
        }
        let execute = bulwark_sdk::flows::execute_proposal(self, &authority.pubkey(), id)
            .await
            .expect("read the proposal");
        self.send_ok(&[execute], &[&authority]).await
    }

    /// [`TestContext::govern`] with the changes that set the config's parameters and
    /// treasury to `params` and `treasury`.
    pub async fn update_config(
        &mut self,
        params: bulwark::state::ProtocolParams,
        treasury: Pubkey,
    ) -> TxOutcome {
        let config: bulwark::state::Config = self.load(&builders::config_pda()).await;
        self.govern(builders::config_changes(&config, &params, &treasury))
            .await
    }

    /// [`TestContext::govern`] with the changes that set the minimum capital requirement of
    /// `mint`'s capital pool.
    pub async fn set_capital_requirement(
        &mut self,
        mint: &Pubkey,
        min_capital: u64,
        mcr_bps: u16,
    ) -> TxOutcome {
        let address = builders::capital_pool_pda(mint);
        let pool: bulwark::state::CapitalPool = self.load(&address).await;
        self.govern(builders::capital_requirement_changes(
            &address,
            &pool,
            min_capital,
            mcr_bps,
        ))
        .await
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
        self.ctx.warp_to_slot(clock.slot + 1);
        self.set_time(clock.unix_timestamp).await;
    }

    pub async fn clock(&mut self) -> solana_clock::Clock {
        self.ctx.clock().await
    }

    pub async fn now(&mut self) -> i64 {
        self.clock().await.unix_timestamp
    }

    /// When `cover` started: an incident time every claim on it may state (on a product
    /// without cooling-off).
    pub async fn cover_start(&mut self, cover: &Pubkey) -> i64 {
        self.load::<bulwark::state::Cover>(cover).await.start
    }

    /// Sets the clock's Unix timestamp (slot unchanged).
    pub async fn set_time(&mut self, unix_timestamp: i64) {
        let mut clock = self.clock().await;
        clock.unix_timestamp = unix_timestamp;
        self.ctx.set_clock(&clock);
    }

    /// Moves the clock to `unix_timestamp` in a new slot.
    pub async fn warp_to_time(&mut self, unix_timestamp: i64) {
        let clock = self.clock().await;
        self.ctx.warp_to_slot(clock.slot + 1);
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

    /// The account at `address`; `None` when it does not exist (no lamports: closed).
    pub async fn account(&mut self, address: &Pubkey) -> Option<Account> {
        self.ctx
            .account(address)
            .await
            .filter(|account| account.lamports > 0)
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
        self.ctx.set_account(address, account);
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
