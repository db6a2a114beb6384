//! A Bulwark market in a few lines: the protocol's setup steps (a product, a listed mint with
//! its capital pool, pools, stakers, assessors) as [`TestContext`] helpers, and [`Market`], a
//! whole market with a staked pool and a funded buyer, with helpers to buy cover, file a claim,
//! vote, wait out the voting and redeem. Written once for both backends.

use crate::backend::Backend;
use crate::{builders, record_compute_units, TestContext, TxOutcome, CLAIM_MIN_DEPOSIT};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::token::spl_token;
use bulwark::constants::*;
use bulwark::error::BulwarkError;
use bulwark::instructions::{BuyCoverArgs, FileClaimArgs, SetPoolProductArgs};
use bulwark_sdk::builders::CoverKeys;
use solana_keypair::Keypair;
use solana_program_test::ProgramTestContext;
use solana_signer::Signer;

/// One token of the 6-decimal mints the market helpers create.
pub const UNIT: u64 = 1_000_000;

/// Capital a [`Market`]'s member deposits in the mint's capital pool per unit of stake by
/// default ([`MarketSpec::new`]): enough for the pool to sell 2x its stake on a leverage line.
pub const CAPITAL_PER_STAKE: u64 = 4;

/// Terms of a plain assessed product used across the suite.
pub fn default_terms() -> bulwark::state::ProductTerms {
    bulwark::state::ProductTerms {
        grace_period: 35 * SECONDS_PER_DAY as u32,
        cooling_off: 0,
        min_price_bps: 100,
        initial_price_bps: 100,
        max_cover_period: 365 * SECONDS_PER_DAY as u32,
        fixed_price: false,
        deprecated: false,
        blind_votes: false,
        panel_quorum: 0,
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

impl<B: Backend> TestContext<B> {
    /// Creates an assessed product with [`default_terms`]; returns its id.
    pub async fn create_default_product(&mut self) -> u64 {
        self.create_product_with(default_terms()).await
    }

    /// Creates an assessed product with `terms`; returns its id.
    pub async fn create_product_with(&mut self, terms: bulwark::state::ProductTerms) -> u64 {
        let config: bulwark::state::Config = self.load(&builders::config_pda()).await;
        let id = config.product_count;
        let authority = self.authority.insecure_clone();
        let ix = builders::create_product(
            &authority.pubkey(),
            id,
            bulwark::instructions::CreateProductArgs {
                product_type: bulwark::state::ProductType::Assessed,
                terms,
            },
        );
        self.send_ok(&[ix], &[&authority]).await;
        id
    }

    /// Governance seats `member` on product `product_id`'s panel of designated assessors (for
    /// the claims filed after this second: move the clock on before filing one it votes on).
    pub async fn seat(&mut self, product_id: u64, member: &Pubkey) {
        let authority = self.authority.insecure_clone();
        let ix = builders::add_panel_member(&authority.pubkey(), product_id, member);
        self.send_ok(&[ix], &[&authority]).await;
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

    /// Has `pool`'s manager weight `product_id` at `weight` with a target price of `price_bps`.
    pub async fn add_product(
        &mut self,
        pool: &PoolFixture,
        product_id: u64,
        weight: u16,
        price_bps: u16,
    ) {
        let manager = pool.manager.insecure_clone();
        let ix = builders::set_pool_product(
            &manager.pubkey(),
            &pool.keys.pool,
            SetPoolProductArgs {
                product_id,
                target_weight: weight,
                target_price_bps: price_bps,
            },
        );
        self.send_ok(&[ix], &[&manager]).await;
    }

    /// A funded assessor with `stake` of the assessment mint staked; returns it and its token
    /// account.
    pub async fn assessor(&mut self, stake: u64) -> (Keypair, Pubkey) {
        let mint = self.assessment_mint;
        let (owner, token) = self.funded_user(&mint, stake).await;
        let ix = builders::stake_assessor(&owner.pubkey(), &mint, &token, &spl_token::ID, stake);
        let outcome = self.send_ok(&[ix], &[&owner]).await;
        if B::BENCHMARKED {
            record_compute_units("stake_assessor (first stake)", &outcome);
        }
        (owner, token)
    }
}

/// What [`Market::open`] sets up.
#[derive(Clone, Copy, Debug)]
pub struct MarketSpec {
    /// Stake in the pool's farthest tranche (none when 0).
    pub stake: u64,
    /// Deposited in the mint's capital pool by a member (none when 0: the pool sells 1x).
    pub capital: u64,
    /// SPL Token or Token-2022: the owner of the market's mint.
    pub token_program: Pubkey,
    /// The product's target price in the pool, basis points a year.
    pub price_bps: u16,
    /// What the buyer holds to pay premiums and claim deposits with.
    pub buyer_funds: u64,
}

impl MarketSpec {
    /// `stake` in the pool, [`CAPITAL_PER_STAKE`] times as much capital, an SPL Token mint,
    /// 2.5% a year, and a buyer with 100 million tokens.
    pub fn new(stake: u64) -> Self {
        Self {
            stake,
            capital: stake.saturating_mul(CAPITAL_PER_STAKE),
            token_program: spl_token::ID,
            price_bps: 250,
            buyer_funds: 100_000_000 * UNIT,
        }
    }
}

/// A market: an assessed product ([`default_terms`]), a 6-decimal mint listed with its capital
/// pool, one public pool fully weighted on the product with `stake` in its farthest tranche, and
/// a funded buyer. The clock sits 10 days into tranche 230.
pub struct Market<B: Backend = ProgramTestContext> {
    pub t: TestContext<B>,
    pub mint: Pubkey,
    pub product_id: u64,
    pub pool: PoolFixture,
    pub staker: Keypair,
    pub staker_token: Pubkey,
    pub buyer: Keypair,
    pub buyer_token: Pubkey,
    /// The latest tranche a deposit can target now: it backs every cover.
    pub far: u64,
    /// SPL Token or Token-2022: the owner of `mint`.
    pub token_program: Pubkey,
}

/// Arguments of a cover of `allocations` (one amount per pool, in order) for `owner`, with no
/// premium limit or commission.
pub fn cover_args(
    nonce: u64,
    owner: Pubkey,
    product_id: u64,
    allocations: Vec<u64>,
    period: u32,
) -> BuyCoverArgs {
    BuyCoverArgs {
        cover_nonce: nonce,
        owner,
        product_id,
        amount: allocations.iter().sum(),
        period,
        max_premium: u64::MAX,
        allocations,
        commission_bps: 0,
    }
}

/// A claim of `amount` for a loss at `incident_time`, with placeholder evidence.
pub fn claim_args(amount: u64, incident_time: i64) -> FileClaimArgs {
    FileClaimArgs {
        amount,
        incident_time,
        evidence_hash: [9; 32],
        evidence_uri: "ipfs://bulwark/evidence/exploit-report".to_string(),
    }
}

impl<B: Backend> Market<B> {
    /// Sets up the market of `spec` on `t` (a context with the config initialized).
    pub async fn open(mut t: TestContext<B>, spec: MarketSpec) -> Self {
        let mint = t.create_mint(6, &spec.token_program).await;
        let product_id = t.create_default_product().await;
        t.warp_to_tranche(230, 10 * SECONDS_PER_DAY).await;
        let pool = t.open_public_pool(&mint).await;
        t.add_product(&pool, product_id, 100, spec.price_bps).await;
        let far = t.current_tranche().await + 7;
        let (staker, staker_token) = t.funded_user(&mint, spec.stake.max(1)).await;
        if spec.stake > 0 {
            t.deposit(&staker, &pool.keys, &staker_token, 0, far, spec.stake)
                .await;
        }
        let (buyer, buyer_token) = t.funded_user(&mint, spec.buyer_funds).await;
        if spec.capital > 0 {
            let (member, member_token) = t.funded_user(&mint, spec.capital).await;
            let create = builders::create_share_account(&member.pubkey(), &member.pubkey(), &mint);
            let deposit = builders::deposit_capital(
                &member.pubkey(),
                &mint,
                &spec.token_program,
                &member_token,
                spec.capital,
                0,
            );
            t.send_ok(&[create, deposit], &[&member]).await;
        }
        Self {
            t,
            mint,
            product_id,
            pool,
            staker,
            staker_token,
            buyer,
            buyer_token,
            far,
            token_program: spec.token_program,
        }
    }

    /// Keys the claim instructions need for the buyer's cover `nonce` on the market's product,
    /// backed by `pools` in the cover's order.
    pub fn cover_keys(&self, nonce: u64, pools: Vec<Pubkey>) -> CoverKeys {
        CoverKeys {
            cover: builders::cover_pda(&self.buyer.pubkey(), nonce),
            product_id: self.product_id,
            mint: self.mint,
            token_program: self.token_program,
            pools,
        }
    }

    /// Arguments of the buyer's cover `nonce` of `amount` on the market's product, from the
    /// market's pool alone, for `period` seconds (see [`cover_args`]).
    pub fn cover_of(&self, nonce: u64, amount: u64, period: u32) -> BuyCoverArgs {
        cover_args(
            nonce,
            self.buyer.pubkey(),
            self.product_id,
            vec![amount],
            period,
        )
    }

    /// The buyer's `buy_cover` of `args` from `pools`.
    pub fn buy_ix(&self, args: BuyCoverArgs, pools: &[Pubkey]) -> Instruction {
        builders::buy_cover(
            &self.buyer.pubkey(),
            &self.buyer_token,
            &self.mint,
            &self.token_program,
            pools,
            None,
            args,
        )
    }

    /// Cranks the leverage line of each of `pools` (as a client does before a purchase that
    /// needs it): each gets as much as the capital pool can give.
    pub async fn grant(&mut self, pools: &[Pubkey]) {
        let payer = self.t.payer().pubkey();
        let ixs: Vec<Instruction> = pools
            .iter()
            .map(|pool| builders::grant_leverage(&payer, pool, &self.mint, u64::MAX))
            .collect();
        self.t.send_ok(&ixs, &[]).await;
    }

    /// The buyer buys `args` from the market's pool (its leverage line cranked first).
    pub async fn buy(&mut self, args: BuyCoverArgs) -> TxOutcome {
        self.grant(&[self.pool.keys.pool]).await;
        let ix = self.buy_ix(args, &[self.pool.keys.pool]);
        let buyer = self.buyer.insecure_clone();
        self.t.send_ok(&[ix], &[&buyer]).await
    }

    /// Like [`Market::buy`], asserting the purchase fails with `err`.
    pub async fn buy_err(&mut self, args: BuyCoverArgs, err: BulwarkError) {
        self.grant(&[self.pool.keys.pool]).await;
        let ix = self.buy_ix(args, &[self.pool.keys.pool]);
        let buyer = self.buyer.insecure_clone();
        self.t.send_err(ix, &[&buyer], err).await;
    }

    /// The buyer files its first claim, of `amount`, on its cover `nonce` (backed by the
    /// market's pool), for a loss when the cover started; returns the claim's address.
    pub async fn file_claim(&mut self, nonce: u64, amount: u64) -> Pubkey {
        let keys = self.cover_keys(nonce, vec![self.pool.keys.pool]);
        let buyer = self.buyer.insecure_clone();
        let incident = self.t.cover_start(&keys.cover).await;
        let ix = builders::file_claim(
            &buyer.pubkey(),
            &keys,
            0,
            &self.buyer_token,
            claim_args(amount, incident),
        );
        self.t.send_ok(&[ix], &[&buyer]).await;
        builders::claim_pda(&keys.cover, 0)
    }

    /// A new assessor with one token staked votes on `claim` (`accept` or deny); returns it.
    pub async fn vote(&mut self, claim: &Pubkey, accept: bool) -> Keypair {
        let (voter, _) = self.t.assessor(UNIT).await;
        let ix = builders::vote(&voter.pubkey(), claim, accept);
        self.t.send_ok(&[ix], &[&voter]).await;
        voter
    }

    /// Creates a product with `terms` and weights it fully in the market's pool at 2.5% a
    /// year; returns its id (the buyer buys it with [`cover_args`]).
    pub async fn list_product(&mut self, terms: bulwark::state::ProductTerms) -> u64 {
        let id = self.t.create_product_with(terms).await;
        let pool = PoolFixture {
            keys: self.pool.keys,
            pool_id: self.pool.pool_id,
            manager: self.pool.manager.insecure_clone(),
        };
        self.t.add_product(&pool, id, 100, 250).await;
        id
    }

    /// A new assessor with one token staked commits a blind ballot for `accept` on `claim`,
    /// hidden by `salt`; returns it.
    pub async fn commit(&mut self, claim: &Pubkey, accept: bool, salt: [u8; 32]) -> Keypair {
        let (voter, _) = self.t.assessor(UNIT).await;
        self.commit_as(&voter, claim, accept, salt).await;
        voter
    }

    /// `voter` commits a blind ballot for `accept` on `claim`, hidden by `salt` (its panel seat
    /// passed when a panel decides the claim).
    pub async fn commit_as(
        &mut self,
        voter: &Keypair,
        claim: &Pubkey,
        accept: bool,
        salt: [u8; 32],
    ) -> TxOutcome {
        let ix =
            bulwark_sdk::flows::commit_vote(&mut self.t, &voter.pubkey(), claim, accept, &salt)
                .await
                .expect("read the claim");
        self.t.send_ok(&[ix], &[voter]).await
    }

    /// `voter` reveals its blind ballot for `accept` with `salt`.
    pub async fn reveal(
        &mut self,
        claim: &Pubkey,
        voter: &Keypair,
        accept: bool,
        salt: [u8; 32],
    ) -> TxOutcome {
        let ix = builders::reveal_vote(
            &voter.pubkey(),
            claim,
            bulwark::instructions::RevealVoteArgs {
                accept,
                salt,
                reason_hash: [0; 32],
                reason_uri: String::new(),
            },
        );
        self.t.send_ok(&[ix], &[voter]).await
    }

    /// Moves the clock past `claim`'s voting and cooldown: its outcome is final. Its deadlines
    /// are on its clock, behind real time by the claims pauses since it was filed.
    pub async fn finish_voting(&mut self, claim: &Pubkey) {
        let state: bulwark::state::Claim = self.t.load(claim).await;
        let config: bulwark::state::Config = self.t.load(&builders::config_pda()).await;
        let now = self.t.now().await;
        let behind = now - state.clock(&config, now).expect("the claim's clock");
        self.t
            .warp_to_time(state.cooldown_end().expect("the cooldown's end") + behind + 1)
            .await;
    }

    /// Redeems accepted `claim` on the buyer's cover `nonce` into the buyer's token account
    /// (the payer sends it: anyone may).
    pub async fn redeem(&mut self, nonce: u64, claim: &Pubkey) -> TxOutcome {
        let keys = self.cover_keys(nonce, vec![self.pool.keys.pool]);
        let payer = self.t.payer().pubkey();
        let ix =
            builders::redeem_payout(&payer, &keys, claim, &self.buyer_token, &self.buyer_token);
        self.t.send_ok(&[ix], &[]).await
    }

    /// Files a claim of `amount` on the buyer's cover `nonce` (its first claim), has an
    /// assessor accept it, waits out voting and the cooldown and redeems it. Returns the
    /// claim's address.
    pub async fn pay_claim(&mut self, nonce: u64, amount: u64) -> Pubkey {
        let claim = self.file_claim(nonce, amount).await;
        self.vote(&claim, true).await;
        self.finish_voting(&claim).await;
        self.redeem(nonce, &claim).await;
        claim
    }

    /// Opens one more pool on the market's mint per price of `prices`, each weighted fully on
    /// the product at that price with `stake` from the market's staker in the far tranche.
    pub async fn more_pools(&mut self, prices: &[u16], stake: u64) -> Vec<Pubkey> {
        let mut pools = Vec::new();
        for (i, price) in prices.iter().enumerate() {
            let pool = self.t.open_public_pool(&self.mint).await;
            self.t
                .add_product(&pool, self.product_id, 100, *price)
                .await;
            let staker = self.staker.insecure_clone();
            self.t.mint_to(&self.mint, &self.staker_token, stake).await;
            let token = self.staker_token;
            self.t
                .deposit(&staker, &pool.keys, &token, 100 + i as u64, self.far, stake)
                .await;
            pools.push(pool.keys.pool);
        }
        pools
    }
}
