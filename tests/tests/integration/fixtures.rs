//! Shared fixtures of the cover and claim suites: a market with a staked pool, a funded
//! buyer, and independent reference computations of prices and premiums.

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use bulwark::constants::*;
use bulwark::error::BulwarkError;
use bulwark::instructions::{BuyCoverArgs, FileClaimArgs, SetPoolProductArgs};
use bulwark_tests::builders::*;
use bulwark_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

pub const UNIT: u64 = 1_000_000;
pub const DAY: i64 = SECONDS_PER_DAY;
pub const YEAR: u32 = 365 * DAY as u32;

/// Reference premium, written independently of the program: ceil(amount × price × period /
/// (10,000 × one year)).
pub fn reference_premium(amount: u64, price_bps: u64, period: u32) -> u64 {
    let numerator = u128::from(amount) * u128::from(price_bps) * u128::from(period);
    let denominator = 10_000u128 * 365 * 86_400;
    numerator.div_ceil(denominator) as u64
}

/// Reference price: the bumped price less 2% a day (rounded in the protocol's favour), never
/// below the target or the product minimum.
pub fn reference_price(target: u64, bumped: u64, elapsed: i64, min: u64) -> u64 {
    let decay = 200 * elapsed as u64 / 86_400;
    target.max(min).max(bumped.saturating_sub(decay))
}

/// Reference bump: 5% per 100% of capacity bought, rounded up, capped at 100%.
pub fn reference_bump(price: u64, amount: u64, capacity: u64) -> u64 {
    (price + (500 * u128::from(amount)).div_ceil(u128::from(capacity)) as u64).min(10_000)
}

pub struct Market {
    pub t: TestContext,
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

/// Capital a [`market`]'s member deposits in the mint's capital pool per unit of stake: enough
/// for every pool of the usual tests to sell 2x its stake on a leverage line.
pub const CAPITAL_PER_STAKE: u64 = 4;

/// A pool with `stake` in its farthest tranche, fully weighted on one product at 2.5%/year.
pub async fn market(stake: u64) -> Market {
    market_on(stake, spl_token::ID).await
}

/// [`market`] on a mint of `token_program`.
pub async fn market_on(stake: u64, token_program: Pubkey) -> Market {
    market_with(
        stake,
        stake.saturating_mul(CAPITAL_PER_STAKE),
        token_program,
    )
    .await
}

/// [`market`] with `capital` in the mint's capital pool (none when 0: the pool sells 1x).
pub async fn market_with(stake: u64, capital: u64, token_program: Pubkey) -> Market {
    let mut t = TestContext::new_with(bulwark_tests::suite_program_test()).await;
    let mint = t.create_mint(6, &token_program).await;
    let product_id = t.create_default_product().await;
    t.warp_to_tranche(230, 10 * DAY).await;
    let pool = t.open_public_pool(&mint).await;
    add_product(&mut t, &pool, product_id, 100, 250).await;
    let far = t.current_tranche().await + 7;
    let (staker, staker_token) = t.funded_user(&mint, stake.max(1)).await;
    if stake > 0 {
        t.deposit(&staker, &pool.keys, &staker_token, 0, far, stake)
            .await;
    }
    let (buyer, buyer_token) = t.funded_user(&mint, 100_000_000 * UNIT).await;
    if capital > 0 {
        let (member, member_token) = t.funded_user(&mint, capital).await;
        let ix = deposit_capital(
            &member.pubkey(),
            &mint,
            &token_program,
            &member_token,
            capital,
            0,
        );
        let create = create_share_account(&member.pubkey(), &member.pubkey(), &mint);
        t.send_ok(&[create, ix], &[&member]).await;
    }
    Market {
        t,
        mint,
        product_id,
        pool,
        staker,
        staker_token,
        buyer,
        buyer_token,
        far,
        token_program,
    }
}

pub async fn add_product(
    t: &mut TestContext,
    pool: &PoolFixture,
    product_id: u64,
    weight: u16,
    price: u16,
) {
    let manager = pool.manager.insecure_clone();
    t.send_ok(
        &[set_pool_product(
            &manager.pubkey(),
            &pool.keys.pool,
            SetPoolProductArgs {
                product_id,
                target_weight: weight,
                target_price_bps: price,
            },
        )],
        &[&manager],
    )
    .await;
}

pub fn args(
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

impl Market {
    /// Keys the claim instructions need for the buyer's cover `nonce` on the market's product,
    /// backed by `pools` in the cover's order.
    pub fn cover_keys(&self, nonce: u64, pools: Vec<Pubkey>) -> CoverKeys {
        CoverKeys {
            cover: cover_pda(&self.buyer.pubkey(), nonce),
            product_id: self.product_id,
            mint: self.mint,
            token_program: self.token_program,
            pools,
        }
    }

    pub fn buy_ix(&self, args: BuyCoverArgs, pools: &[Pubkey]) -> Instruction {
        buy_cover(
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
            .map(|pool| grant_leverage(&payer, pool, &self.mint, u64::MAX))
            .collect();
        self.t.send_ok(&ixs, &[]).await;
    }

    pub async fn buy(&mut self, args: BuyCoverArgs) -> TxOutcome {
        self.grant(&[self.pool.keys.pool]).await;
        let ix = self.buy_ix(args, &[self.pool.keys.pool]);
        let buyer = self.buyer.insecure_clone();
        self.t.send_ok(&[ix], &[&buyer]).await
    }

    pub async fn buy_err(&mut self, args: BuyCoverArgs, err: BulwarkError) {
        self.grant(&[self.pool.keys.pool]).await;
        let ix = self.buy_ix(args, &[self.pool.keys.pool]);
        let buyer = self.buyer.insecure_clone();
        self.t.send_err(ix, &[&buyer], err).await;
    }
}

impl Market {
    /// Files a claim of `amount` on the buyer's cover `nonce` (its first claim), has an
    /// assessor accept it, waits out voting and the cooldown and redeems it. Returns the
    /// claim's address.
    pub async fn pay_claim(&mut self, nonce: u64, amount: u64) -> Pubkey {
        let keys = self.cover_keys(nonce, vec![self.pool.keys.pool]);
        let buyer = self.buyer.insecure_clone();
        let ix = file_claim(
            &buyer.pubkey(),
            &keys,
            0,
            &self.buyer_token,
            claim_args(amount),
        );
        self.t.send_ok(&[ix], &[&buyer]).await;
        let claim = claim_pda(&keys.cover, 0);
        let (voter, _) = assessor(&mut self.t, UNIT).await;
        self.t
            .send_ok(&[vote(&voter.pubkey(), &claim, true)], &[&voter])
            .await;
        let state: bulwark::state::Claim = self.t.load(&claim).await;
        self.t
            .warp_to_time(state.voting_end + i64::from(DEFAULT_COOLDOWN) + 1)
            .await;
        let payer = self.t.payer().pubkey();
        let ix = redeem_payout(&payer, &keys, &claim, &self.buyer_token, &self.buyer_token);
        self.t.send_ok(&[ix], &[]).await;
        claim
    }
}

/// Opens `n` more pools on the market's mint, each with `stake` in the far tranche and the
/// product at the given prices.
pub async fn more_pools(m: &mut Market, prices: &[u16], stake: u64) -> Vec<Pubkey> {
    let mut pools = Vec::new();
    for (i, price) in prices.iter().enumerate() {
        let pool = m.t.open_public_pool(&m.mint).await;
        add_product(&mut m.t, &pool, m.product_id, 100, *price).await;
        let staker = m.staker.insecure_clone();
        m.t.mint_to(&m.mint, &m.staker_token, stake).await;
        let token = m.staker_token;
        m.t.deposit(&staker, &pool.keys, &token, 100 + i as u64, m.far, stake)
            .await;
        pools.push(pool.keys.pool);
    }
    pools
}

/// A funded assessor with `stake` of the assessment mint staked.
pub async fn assessor(t: &mut TestContext, stake: u64) -> (Keypair, Pubkey) {
    let mint = t.assessment_mint;
    let (owner, token) = t.funded_user(&mint, stake).await;
    let ix = stake_assessor(&owner.pubkey(), &mint, &token, &spl_token::ID, stake);
    let outcome = t.send_ok(&[ix], &[&owner]).await;
    record_compute_units("stake_assessor (first stake)", &outcome);
    (owner, token)
}

pub fn claim_args(amount: u64) -> FileClaimArgs {
    FileClaimArgs {
        amount,
        evidence_hash: [9; 32],
        evidence_uri: "ipfs://bulwark/evidence/exploit-report".to_string(),
    }
}

/// SplitMix64: a small, well-mixed deterministic generator, so a seed names one sequence (a
/// failing case is reproducible from its seed).
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform enough in `low..=high` for test inputs.
    pub fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
}
