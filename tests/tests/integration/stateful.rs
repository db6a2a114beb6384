//! Stateful property test: random sequences of staking, cover, claim, vote, payout, weight and
//! time actions against the program, checked after every step against a plain-Rust record of
//! what must hold (SPEC.md §5). The world has two pools on one mint and two products, so the
//! checks see what lies between tranches, products and pools. `BULWARK_STATEFUL_CASES` raises
//! the number of cases (CI runs 6).

use crate::fixtures::*;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use bulwark::constants::{PAUSE_CLAIMS, PAUSE_PAYOUTS, REWARD_SCALE};
use bulwark::error::BulwarkError;
use bulwark::instructions::QuoteCoverArgs;
use bulwark::instructions::{DepositStakeArgs, ExtendStakeArgs, FileClaimArgs, SetPoolProductArgs};
use bulwark::math::bps::Bps;
use bulwark::math::buckets::{bucket_start, release_bucket};
use bulwark::math::tranche::tranche_end;
use bulwark::state::{
    Assessor, Ballot, CapitalExit, CapitalPool, Claim, ClaimStatus, Config, Cover, CoverSchedule,
    Pool, PoolProduct, Product, ProtocolParams, StakePosition, TrancheArchive,
};
use bulwark_sdk::client::ClientError;
use bulwark_sdk::flows;
use bulwark_sdk::quote::{sellable, CoverRequest, QuoteError};
use bulwark_sdk::rewards::pending_rewards;
use bulwark_testing::builders::*;
use bulwark_testing::*;
use proptest::prelude::*;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction_error::TransactionError;
use std::collections::BTreeSet;

#[derive(Clone, Debug)]
enum Action {
    Deposit {
        staker: usize,
        offset: u64,
        amount: u64,
    },
    /// Moves the staker's position `by` tranches later (at most to the last one open).
    Extend {
        staker: usize,
        by: u64,
    },
    /// The staker withdraws its position, or (`by_other`) a third party does it for the staker,
    /// which is only allowed 30 days after the tranche ended.
    Withdraw {
        staker: usize,
        by_other: bool,
    },
    /// Governance sets the mint's smallest claim deposit, in tokens.
    SetClaimDeposit {
        tokens: u64,
    },
    /// Anyone sweeps a pool's fees (and what nobody can claim any more) to the treasury and the
    /// reward pot.
    Sweep {
        pool: usize,
    },
    ClaimRewards {
        staker: usize,
    },
    Buy {
        amount: u64,
        days: u32,
        product: usize,
        /// Pools to source from: 0, 1, or both (2), split evenly.
        route: usize,
    },
    /// Buys all the capacity one pool has left for a product, as the program plans it: a
    /// full pool is where reselling the same stake shows.
    BuyAll {
        days: u32,
        product: usize,
        pool: usize,
    },
    /// The pool's manager sets a product's target weight.
    SetWeight {
        pool: usize,
        product: usize,
        weight: u16,
    },
    /// Anyone recomputes a product's effective weight.
    Refresh {
        pool: usize,
        product: usize,
    },
    Expire {
        cover: usize,
    },
    Transfer {
        cover: usize,
    },
    File {
        cover: usize,
        percent: u64,
    },
    Vote {
        assessor: usize,
        claim: usize,
        accept: bool,
    },
    Overturn {
        claim: usize,
    },
    /// An assessor adds stake (its weight later, the quorum's base at once).
    AssessorStake {
        assessor: usize,
        amount: u64,
    },
    /// An assessor withdraws part of its stake: refused while its votes can still matter or
    /// a ballot of it is not settled.
    AssessorUnstake {
        assessor: usize,
        percent: u64,
    },
    /// Anyone settles an assessor's ballot on a claim: reward, nothing, or slash.
    Settle {
        assessor: usize,
        claim: usize,
    },
    Redeem {
        claim: usize,
    },
    Close {
        claim: usize,
    },
    Warp {
        hours: i64,
    },
    /// The assessor commits a blind ballot on the claim (refused unless it is blind and in its
    /// voting).
    Commit {
        assessor: usize,
        claim: usize,
        accept: bool,
    },
    /// The assessor reveals its blind ballot on the claim (refused outside the reveal window).
    Reveal {
        assessor: usize,
        claim: usize,
    },
    /// Governance pauses claims and/or payouts for `hours`, then resumes: every claim's clock
    /// stands still meanwhile.
    Pause {
        claims: bool,
        payouts: bool,
        hours: i64,
    },
    /// File, let every assessor vote, wait out voting and cooldown, redeem: a whole claim in one
    /// step, so payouts interleave with everything else.
    FullClaim {
        cover: usize,
        percent: u64,
        accept: bool,
    },
    /// File; if the claim is blind, every assessor commits its `choices`, those in `reveals`
    /// reveal them in the window, then voting and cooldown are waited out, the claim redeemed or
    /// closed and each ballot settled: a whole blind round in one step.
    BlindRound {
        cover: usize,
        percent: u64,
        choices: [bool; 3],
        reveals: [bool; 3],
    },
    /// A member deposits capital.
    Capital {
        member: usize,
        amount: u64,
    },
    /// A member asks to leave with `percent` of its shares.
    CapitalExit {
        member: usize,
        percent: u64,
    },
    /// A member executes its oldest pending exit.
    CapitalExecute {
        member: usize,
    },
    /// The leverage line crank on a pool.
    Grant {
        pool: usize,
    },
    /// Anyone pays what the capital pool can of what it owes on a claim.
    RedeemOwed {
        claim: usize,
    },
    /// Anyone simulates `quote_cover` over both pools (it writes nothing).
    Quote {
        amount: u64,
        days: u32,
        product: usize,
        commission_bps: u16,
    },
}

/// Stakers 0–2 stake in pool 0, 3–4 in pool 1.
const STAKERS: usize = 5;
/// Members of the mint's capital pool.
const MEMBERS: usize = 2;
const POOLS: usize = 2;
const PRODUCTS: usize = 2;
/// Σ effective weights a pool may reach: binds with two products of up to 100 each.
const MAX_TOTAL_WEIGHT: u16 = 150;

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        3 => (0..STAKERS, prop_oneof![1 => 0..2u64, 2 => 2..8u64], 1..200_000u64)
            .prop_map(|(staker, offset, amount)| Action::Deposit { staker, offset, amount: amount * UNIT }),
        3 => (0..STAKERS, 1..4u64).prop_map(|(staker, by)| Action::Extend { staker, by }),
        2 => (0..STAKERS, prop_oneof![3 => Just(false), 1 => Just(true)])
            .prop_map(|(staker, by_other)| Action::Withdraw { staker, by_other }),
        1 => (0..POOLS).prop_map(|pool| Action::Sweep { pool }),
        1 => (1..2_000u64).prop_map(|tokens| Action::SetClaimDeposit { tokens }),
        2 => (0..STAKERS).prop_map(|staker| Action::ClaimRewards { staker }),
        6 => (1..300_000u64, prop_oneof![2 => 28..120u32, 1 => 120..=365u32], 0..PRODUCTS, 0..3usize)
            .prop_map(|(amount, days, product, route)| Action::Buy { amount: amount * UNIT, days, product, route }),
        2 => (28..=365u32, 0..PRODUCTS, 0..POOLS)
            .prop_map(|(days, product, pool)| Action::BuyAll { days, product, pool }),
        2 => (0..POOLS, 0..PRODUCTS, prop_oneof![1 => Just(0u16), 3 => 1..=100u16])
            .prop_map(|(pool, product, weight)| Action::SetWeight { pool, product, weight }),
        1 => (0..POOLS, 0..PRODUCTS).prop_map(|(pool, product)| Action::Refresh { pool, product }),
        1 => (0..8usize).prop_map(|cover| Action::Expire { cover }),
        1 => (0..8usize).prop_map(|cover| Action::Transfer { cover }),
        4 => (0..8usize, 1..120u64).prop_map(|(cover, percent)| Action::File { cover, percent }),
        6 => (0..3usize, 0..3usize, prop_oneof![3 => Just(true), 1 => Just(false)])
            .prop_map(|(assessor, claim, accept)| Action::Vote { assessor, claim, accept }),
        1 => (0..3usize).prop_map(|claim| Action::Overturn { claim }),
        1 => (0..3usize, 1..5u64)
            .prop_map(|(assessor, amount)| Action::AssessorStake { assessor, amount: amount * UNIT }),
        1 => (0..3usize, 1..=100u64)
            .prop_map(|(assessor, percent)| Action::AssessorUnstake { assessor, percent }),
        3 => (0..3usize, 0..3usize).prop_map(|(assessor, claim)| Action::Settle { assessor, claim }),
        4 => (0..3usize).prop_map(|claim| Action::Redeem { claim }),
        2 => (0..3usize).prop_map(|claim| Action::Close { claim }),
        4 => prop_oneof![2 => 1..72i64, 1 => 72..24 * 120i64].prop_map(|hours| Action::Warp { hours }),
        3 => (0..3usize, 0..3usize, any::<bool>())
            .prop_map(|(assessor, claim, accept)| Action::Commit { assessor, claim, accept }),
        3 => (0..3usize, 0..3usize).prop_map(|(assessor, claim)| Action::Reveal { assessor, claim }),
        2 => (0..8usize, 1..100u64, any::<[bool; 3]>(), any::<[bool; 3]>())
            .prop_map(|(cover, percent, choices, reveals)| Action::BlindRound { cover, percent, choices, reveals }),
        1 => (any::<bool>(), any::<bool>(), 1..24 * 40i64)
            .prop_map(|(claims, payouts, hours)| Action::Pause { claims, payouts, hours }),
        2 => (0..8usize, 1..100u64, any::<bool>())
            .prop_map(|(cover, percent, accept)| Action::FullClaim { cover, percent, accept }),
        2 => (0..MEMBERS, 1..400_000u64)
            .prop_map(|(member, amount)| Action::Capital { member, amount: amount * UNIT }),
        1 => (0..MEMBERS, 1..=100u64).prop_map(|(member, percent)| Action::CapitalExit { member, percent }),
        2 => (0..MEMBERS).prop_map(|member| Action::CapitalExecute { member }),
        2 => (0..POOLS).prop_map(|pool| Action::Grant { pool }),
        2 => (0..3usize).prop_map(|claim| Action::RedeemOwed { claim }),
        2 => (1..1_500_000u64, 28..365u32, 0..PRODUCTS, 0..=3_000u16).prop_map(
            |(amount, days, product, commission_bps)| Action::Quote {
                amount: amount * UNIT,
                days,
                product,
                commission_bps,
            }
        ),
    ]
}

struct Member {
    key: Keypair,
    token: Pubkey,
    /// Exit ids requested and not executed, oldest first; the next id.
    exits: Vec<u64>,
    next_exit: u64,
}

struct Staker {
    key: Keypair,
    token: Pubkey,
    /// The pool it stakes in (index into `World::pools`).
    pool: usize,
    /// Current position id and its tranche, if open.
    position: u64,
    tranche: Option<u64>,
}

struct CoverRecord {
    key: Pubkey,
    product: usize,
    /// Its pools, in the cover's order.
    pools: Vec<usize>,
    amount: u64,
    owner: Keypair,
    owner_token: Pubkey,
    paid: u64,
}

/// One pool's part of a cover's stakers' premium stream, as the purchase set it up.
struct StreamRecord {
    pool: usize,
    /// The cover's first eligible tranche: the stream's class.
    first_tranche: u64,
    /// Tokens per second, scaled by `REWARD_SCALE`.
    rate: u128,
    /// The purchase's time, and the time the stream stops (a bucket start).
    start: i64,
    until: i64,
}

struct ClaimRecord {
    key: Pubkey,
    cover: usize,
    voters: BTreeSet<usize>,
    /// Blind ballots committed and not revealed yet: assessor, choice, salt.
    committed: Vec<(usize, bool, [u8; 32])>,
}

struct World {
    m: Market,
    /// The market's pool and a second pool on the same mint.
    pools: Vec<PoolKeys>,
    products: Vec<u64>,
    /// Whether a payout has burnt stake in the pool: before that, the cumulative capacity
    /// bound holds exactly; after, no purchase may add to what it left short.
    paid_out: Vec<bool>,
    managers: [Keypair; POOLS],
    stakers: Vec<Staker>,
    assessors: Vec<Keypair>,
    /// Each assessor's assessment-mint account.
    assessor_tokens: Vec<Pubkey>,
    /// The treasury's assessment-mint account: receives slashed stake.
    treasury_stake: Pubkey,
    covers: Vec<CoverRecord>,
    claims: Vec<ClaimRecord>,
    /// Every token account of the pool's mint the world knows, with the vault.
    accounts: Vec<Pubkey>,
    /// The treasury's token account on the mint.
    treasury_token: Pubkey,
    /// The mint's smallest claim deposit (`MintParams`).
    claim_min_deposit: u64,
    minted: u64,
    /// Stakers' rewards paid, per pool.
    rewards_paid: [u64; POOLS],
    streams: Vec<StreamRecord>,
    /// Each pool as the previous check saw it.
    last_pools: Vec<Pool>,
    members: Vec<Member>,
}

async fn world() -> World {
    let mut m = market_with(0, 0, spl_token::ID).await;
    let treasury = m.t.treasury;
    let params = ProtocolParams {
        max_total_weight: MAX_TOTAL_WEIGHT,
        ..kit_params()
    };
    m.t.update_config(params, treasury).await;
    // The second product's claims are voted blind (commit, then reveal).
    let second_product =
        m.t.create_product_with(bulwark::state::ProductTerms {
            blind_votes: true,
            ..default_terms()
        })
        .await;
    let second = m.t.open_public_pool(&m.mint.clone()).await;
    m.t.add_product(&second, m.product_id, 50, 300).await;
    m.t.add_product(&second, second_product, 50, 200).await;
    m.t.add_product(&m.pool, second_product, 50, 400).await;
    let pools = vec![m.pool.keys, second.keys];
    let managers = [
        m.pool.manager.insecure_clone(),
        second.manager.insecure_clone(),
    ];
    let treasury_token =
        m.t.create_associated_token_account(&treasury, &m.mint.clone())
            .await;
    let mut accounts = vec![
        pools[0].vault,
        pools[1].vault,
        m.buyer_token,
        m.staker_token,
        treasury_token,
        capital_vault_pda(&m.mint),
    ];
    let mut minted = 100_000_000 * UNIT + 1;
    // Members start with 600,000 in the capital pool and as much to deposit later.
    let mut members = Vec::new();
    for _ in 0..MEMBERS {
        let (key, token) = m.t.funded_user(&m.mint, 1_200_000 * UNIT).await;
        minted += 1_200_000 * UNIT;
        accounts.push(token);
        let ix = deposit_capital(
            &key.pubkey(),
            &m.mint,
            &spl_token::ID,
            &token,
            600_000 * UNIT,
            0,
        );
        let create = create_share_account(&key.pubkey(), &key.pubkey(), &m.mint);
        m.t.send_ok(&[create, ix], &[&key]).await;
        members.push(Member {
            key,
            token,
            exits: Vec::new(),
            next_exit: 0,
        });
    }
    let mut stakers = Vec::new();
    for index in 0..STAKERS {
        let (key, token) = m.t.funded_user(&m.mint, 1_000_000 * UNIT).await;
        minted += 1_000_000 * UNIT;
        accounts.push(token);
        // Every staker starts with a position, in tranches from the farthest back, so cover
        // sells from the first steps on.
        let pool = usize::from(index >= 3);
        let current = m.t.current_tranche().await;
        let tranche = current + 7 - (index as u64 % 3) * 2;
        m.t.deposit(&key, &pools[pool], &token, 0, tranche, 300_000 * UNIT)
            .await;
        stakers.push(Staker {
            key,
            token,
            pool,
            position: 0,
            tranche: Some(tranche),
        });
    }
    let mut assessors = Vec::new();
    let mut assessor_tokens = Vec::new();
    let assessment_mint = m.t.assessment_mint;
    let treasury_stake = m.t.create_token_account(&treasury, &assessment_mint).await;
    for stake in [3 * UNIT, 2 * UNIT, UNIT] {
        let (key, token) = m.t.funded_user(&assessment_mint, stake).await;
        let ix = stake_assessor(
            &key.pubkey(),
            &assessment_mint,
            &token,
            &spl_token::ID,
            stake,
        );
        m.t.send_ok(&[ix], &[&key]).await;
        assessors.push(key);
        assessor_tokens.push(token);
    }
    World {
        m,
        pools,
        products: vec![0, second_product],
        managers,
        paid_out: vec![false; POOLS],
        stakers,
        assessors,
        assessor_tokens,
        treasury_stake,
        covers: Vec::new(),
        claims: Vec::new(),
        accounts,
        treasury_token,
        claim_min_deposit: CLAIM_MIN_DEPOSIT,
        minted,
        rewards_paid: [0; POOLS],
        streams: Vec::new(),
        last_pools: Vec::new(),
        members,
    }
}

impl World {
    fn cover_keys(&self, cover: usize) -> CoverKeys {
        // Cover `i` was bought with nonce `i`.
        let record = &self.covers[cover];
        CoverKeys {
            cover: record.key,
            product_id: self.products[record.product],
            mint: self.m.mint,
            token_program: self.m.token_program,
            pools: record.pools.iter().map(|p| self.pools[*p].pool).collect(),
        }
    }

    async fn pool(&mut self, pool: usize) -> Pool {
        let key = self.pools[pool].pool;
        self.m.t.load_zc(&key).await
    }

    async fn pool_product(&mut self, pool: usize, product: usize) -> Option<PoolProduct> {
        let key = pool_product_pda(&self.pools[pool].pool, self.products[product]);
        if !self.m.t.exists(&key).await {
            return None;
        }
        Some(self.m.t.load_zc(&key).await)
    }

    async fn step(&mut self, action: &Action) {
        let now = self.m.t.now().await;
        let current = bulwark::math::tranche::tranche_at(now).unwrap();
        let payer = self.m.t.payer().pubkey();
        match action.clone() {
            Action::Deposit {
                staker,
                offset,
                amount,
            } => {
                let s = &self.stakers[staker];
                let keys = self.pools[s.pool];
                let tranche = s.tranche.unwrap_or(current + offset);
                let ix = deposit_stake(
                    &s.key.pubkey(),
                    &keys,
                    &s.token,
                    DepositStakeArgs {
                        position_id: s.position,
                        tranche_id: tranche,
                        amount,
                    },
                );
                let key = s.key.insecure_clone();
                if self.send(&[ix], &[&key]).await.is_ok() {
                    self.stakers[staker].tranche = Some(tranche);
                }
            }
            Action::Extend { staker, by } => {
                let s = &self.stakers[staker];
                let keys = self.pools[s.pool];
                let Some(tranche) = s.tranche else { return };
                let to = (tranche + by).min(current + 7);
                let ix = extend_stake(
                    &s.key.pubkey(),
                    &keys,
                    s.position,
                    &s.token,
                    ExtendStakeArgs {
                        new_tranche_id: to,
                        top_up_amount: 0,
                    },
                );
                let key = s.key.insecure_clone();
                let ok = self.send(&[ix], &[&key]).await.is_ok();
                if ok {
                    assert!(
                        now < tranche_end(tranche).unwrap(),
                        "extended an ended tranche"
                    );
                    self.stakers[staker].tranche = Some(to);
                }
            }
            Action::Withdraw { staker, by_other } => {
                let s = &self.stakers[staker];
                let pool = s.pool;
                let keys = self.pools[pool];
                let Some(tranche) = s.tranche else { return };
                let archive = archive_pda(&keys.pool, tranche);
                let mut ixs = Vec::new();
                let rent_payer = if self.m.t.exists(&archive).await {
                    let state: bulwark::state::TrancheArchive = self.m.t.load(&archive).await;
                    state.rent_payer
                } else {
                    ixs.push(archive_tranche(&payer, &keys.pool, tranche));
                    payer
                };
                let key = s.key.insecure_clone();
                let caller = if by_other { payer } else { key.pubkey() };
                ixs.push(withdraw_stake_for(
                    &caller,
                    &key.pubkey(),
                    &keys,
                    s.position,
                    tranche,
                    &rent_payer,
                    &s.token,
                ));
                let position: StakePosition = self
                    .m
                    .t
                    .load(&position_pda(&keys.pool, &key.pubkey(), s.position))
                    .await;
                // Rolled forward first, so a stream the roll books to the treasury (its
                // tranches burnt to zero) is not counted as paid.
                let owed_before = self.rolled_pool(pool, now).await.rewards_reserved;
                let archived: Option<TrancheArchive> = if self.m.t.exists(&archive).await {
                    Some(self.m.t.load(&archive).await)
                } else {
                    None
                };
                let state = self.pool(pool).await;
                let pending =
                    pending_rewards(&state, &position, archived.as_ref(), now).unwrap_or_default();
                let signers: Vec<&Keypair> = if by_other { vec![] } else { vec![&key] };
                let ok = self.send(&ixs, &signers).await.is_ok();
                // Invariant 4: stake never leaves before its tranche ends; a third party may
                // only withdraw it for the owner once it has been over for 30 days.
                let unlocked = tranche_end(tranche).unwrap()
                    + if by_other {
                        bulwark::constants::ABANDONED_POSITION_DELAY
                    } else {
                        0
                    };
                assert_eq!(
                    ok,
                    now >= unlocked,
                    "withdrawal at {now} of tranche {tranche} (by another: {by_other})"
                );
                if ok {
                    // The rewards part of the withdrawal left the pool's reward reserve, and
                    // is what the SDK computed from the accounts before it.
                    let paid = owed_before - self.pool(pool).await.rewards_reserved;
                    assert_eq!(
                        paid, pending,
                        "withdraw_stake paid the SDK's pending rewards"
                    );
                    self.rewards_paid[pool] += paid;
                    assert!(position.shares > 0);
                    let s = &mut self.stakers[staker];
                    s.position += 1;
                    s.tranche = None;
                }
            }
            Action::SetClaimDeposit { tokens } => {
                let authority = self.m.t.authority.insecure_clone();
                let ix = set_mint_params(
                    &authority.pubkey(),
                    &self.m.mint,
                    bulwark::instructions::SetMintParamsArgs {
                        claim_min_deposit: tokens * UNIT,
                    },
                );
                self.m.t.send_ok(&[ix], &[&authority]).await;
                self.claim_min_deposit = tokens * UNIT;
            }
            Action::Sweep { pool } => {
                let ix = sweep_fees(&payer, &self.pools[pool], &self.treasury_token);
                let _ = self.send(&[ix], &[]).await;
            }
            Action::ClaimRewards { staker } => {
                let s = &self.stakers[staker];
                if s.tranche.is_none() {
                    return;
                }
                let keys = self.pools[s.pool];
                let ix = claim_rewards(&s.key.pubkey(), &keys, s.position, &s.token);
                let key = s.key.insecure_clone();
                let token = s.token;
                let pool = s.pool;
                let position: StakePosition = self
                    .m
                    .t
                    .load(&position_pda(&keys.pool, &key.pubkey(), s.position))
                    .await;
                let state = self.pool(pool).await;
                // The SDK's figure, from the accounts before the claim, is what the claim pays.
                let pending = pending_rewards(&state, &position, None, now).unwrap();
                let before = self.m.t.balance(&token).await;
                if self.send(&[ix], &[&key]).await.is_ok() {
                    let paid = self.m.t.balance(&token).await - before;
                    assert_eq!(
                        paid, pending,
                        "claim_rewards paid the SDK's pending rewards"
                    );
                    self.rewards_paid[pool] += paid;
                }
            }
            Action::Buy {
                amount,
                days,
                product,
                route,
            } => {
                let nonce = self.covers.len() as u64;
                let owner = Keypair::new_from_array([40 + nonce as u8; 32]);
                let pools: Vec<usize> = match route {
                    0 | 1 => vec![route],
                    _ => vec![0, 1],
                };
                let parts: Vec<u64> = match pools.len() {
                    1 => vec![amount],
                    _ => vec![amount - amount / 2, amount / 2],
                };
                for pool in &pools {
                    self.grant(*pool).await;
                }
                let mut reserved_before = Vec::new();
                let mut books_before = Vec::new();
                for pool in &pools {
                    reserved_before.push(self.rolled_pool(*pool, now).await.rewards_reserved);
                    books_before.push(self.tranche_books(*pool, product).await);
                }
                let ix = buy_cover(
                    &self.m.buyer.pubkey(),
                    &self.m.buyer_token,
                    &self.m.mint,
                    &self.m.token_program,
                    &pools
                        .iter()
                        .map(|p| self.pools[*p].pool)
                        .collect::<Vec<_>>(),
                    None,
                    cover_args(
                        nonce,
                        owner.pubkey(),
                        self.products[product],
                        parts,
                        days * DAY as u32,
                    ),
                );
                let buyer = self.m.buyer.insecure_clone();
                if self.send(&[ix], &[&buyer]).await.is_ok() {
                    let cover: Cover = self
                        .m
                        .t
                        .load(&cover_pda(&self.m.buyer.pubkey(), nonce))
                        .await;
                    let until = bucket_start(
                        release_bucket(cover.start + i64::from(cover.period)).unwrap(),
                    )
                    .unwrap();
                    for (index, (pool, before)) in pools.iter().zip(&books_before).enumerate() {
                        self.check_capacity(*pool, product, before).await;
                        // The stakers' share, less the manager's fee, streams in full.
                        let state = self.pool(*pool).await;
                        let bps = |share| Bps::new(share).unwrap();
                        let share = bps(5_000)
                            .floor_of(cover.allocations[index].premium)
                            .unwrap();
                        let rewards = share - bps(state.manager_fee_bps).floor_of(share).unwrap();
                        assert_eq!(state.rewards_reserved - reserved_before[index], rewards);
                        self.streams.push(StreamRecord {
                            pool: *pool,
                            first_tranche: cover.first_tranche,
                            rate: u128::from(rewards) * REWARD_SCALE / (until - now) as u128,
                            start: now,
                            until,
                        });
                    }
                    self.m.t.fund(&owner.pubkey(), 1_000_000_000).await;
                    let owner_token = self
                        .m
                        .t
                        .create_associated_token_account(&owner.pubkey(), &self.m.mint)
                        .await;
                    self.m
                        .t
                        .mint_to(&self.m.mint.clone(), &owner_token, 10_000 * UNIT)
                        .await;
                    self.minted += 10_000 * UNIT;
                    self.accounts.push(owner_token);
                    self.covers.push(CoverRecord {
                        key: cover_pda(&self.m.buyer.pubkey(), nonce),
                        product,
                        pools,
                        amount,
                        owner,
                        owner_token,
                        paid: 0,
                    });
                }
            }
            Action::BuyAll {
                days,
                product,
                pool,
            } => {
                let Some(mut pp) = self.pool_product(pool, product).await else {
                    return;
                };
                self.grant(pool).await;
                let mut state = self.pool(pool).await;
                state.roll_forward(now).unwrap();
                pp.roll_forward(now).unwrap();
                let config: Config = self.m.t.load(&config_pda()).await;
                let product_state: Product =
                    self.m.t.load(&product_pda(self.products[product])).await;
                let Ok(schedule) = CoverSchedule::new(
                    &config.params,
                    product_state.terms.grace_period,
                    product_state.terms.blind_votes,
                    now,
                    days * DAY as u32,
                ) else {
                    return;
                };
                let free =
                    sellable(&state, &pp, config.params.capacity_ratio_bps, &schedule).unwrap();
                if free == 0 || pp.target_weight == 0 {
                    return;
                }
                Box::pin(self.step(&Action::Buy {
                    amount: free,
                    days,
                    product,
                    route: pool,
                }))
                .await;
            }
            Action::SetWeight {
                pool,
                product,
                weight,
            } => {
                let manager = self.managers[pool].insecure_clone();
                let before = self.pool(pool).await.total_effective_weight;
                let (old, old_target) = self
                    .pool_product(pool, product)
                    .await
                    .map_or((0, 0), |pp| (pp.effective_weight, pp.target_weight));
                // The program keeps what the live cover uses whatever the new target, after
                // bringing the product's stored weight up to date under its old target.
                let books = self.tranche_books(pool, product).await;
                let current =
                    before - u32::from(old) + u32::from(Self::effective_weight(&books, old_target));
                let new = Self::effective_weight(&books, weight);
                let total = current - u32::from(Self::effective_weight(&books, old_target))
                    + u32::from(new);
                let ix = set_pool_product(
                    &manager.pubkey(),
                    &self.pools[pool].pool,
                    SetPoolProductArgs {
                        product_id: self.products[product],
                        target_weight: weight,
                        target_price_bps: 250,
                    },
                );
                let ok = self.send(&[ix], &[&manager]).await.is_ok();
                // F-5: refused exactly when it would raise the sum above the bound.
                assert_eq!(
                    ok,
                    total <= u32::from(MAX_TOTAL_WEIGHT) || total <= current,
                    "set_pool_product of {weight}: total {current} -> {total}"
                );
                if ok {
                    let pp = self.pool_product(pool, product).await.unwrap();
                    assert_eq!(pp.effective_weight, new);
                    assert_eq!(self.pool(pool).await.total_effective_weight, total);
                }
            }
            Action::Refresh { pool, product } => {
                if self.pool_product(pool, product).await.is_none() {
                    return;
                }
                let ix = refresh_pool_product(&self.pools[pool].pool, self.products[product]);
                self.m.t.send_ok(&[ix], &[]).await;
                let pp = self.pool_product(pool, product).await.unwrap();
                let books = self.tranche_books(pool, product).await;
                assert_eq!(
                    pp.effective_weight,
                    Self::effective_weight(&books, pp.target_weight),
                    "refreshed effective weight"
                );
            }
            Action::Expire { cover } => {
                let Some(c) = self.covers.get(cover) else {
                    return;
                };
                let buyer = self.m.buyer.pubkey();
                let keys = self.cover_keys(cover);
                let ix = expire_cover(&c.key, &buyer, keys.product_id, &keys.pools);
                let _ = self.send(&[ix], &[]).await;
            }
            Action::Transfer { cover } => {
                let Some(c) = self.covers.get(cover) else {
                    return;
                };
                if !self.m.t.exists(&c.key).await {
                    return;
                }
                // Transfer to itself: the owner stays, the instruction's checks run. A cover
                // under claim stays with its claimant.
                let ix = transfer_cover(&c.owner.pubkey(), &c.key, &c.owner.pubkey());
                let owner = c.owner.insecure_clone();
                let state: Cover = self.m.t.load(&c.key).await;
                if state.open_claim {
                    self.m
                        .t
                        .send_err(ix, &[&owner], BulwarkError::ClaimOpen)
                        .await;
                } else {
                    self.m.t.send_ok(&[ix], &[&owner]).await;
                }
            }
            Action::File { cover, percent } => {
                let Some(c) = self.covers.get(cover) else {
                    return;
                };
                if !self.m.t.exists(&c.key).await {
                    return;
                }
                let state: Cover = self.m.t.load(&c.key).await;
                let amount = (u128::from(state.amount) * u128::from(percent) / 100) as u64;
                let ix = file_claim(
                    &c.owner.pubkey(),
                    &self.cover_keys(cover),
                    state.claim_count,
                    &c.owner_token,
                    FileClaimArgs {
                        amount,
                        incident_time: state.start,
                        evidence_hash: [0; 32],
                        evidence_uri: String::new(),
                    },
                );
                let owner = c.owner.insecure_clone();
                let owner_token = c.owner_token;
                let cover_key = c.key;
                let deposit = (u128::from(amount)
                    * u128::from(ProtocolParams::default().claim_deposit_bps)
                    / 10_000)
                    .max(u128::from(self.claim_min_deposit));
                let funds = self.m.t.balance(&owner_token).await;
                let result = self.send(&[ix], &[&owner]).await;
                let ok = result.is_ok();
                // Invariant 2: one open claim per cover, never above what remains, never after
                // end + grace on the cover's claims clock (and the owner can pay the deposit).
                let config: Config = self.m.t.load(&config_pda()).await;
                let expected = !state.open_claim
                    && amount > 0
                    && amount <= state.remaining
                    && state.claims_clock(&config, now).unwrap() < state.claimable_until().unwrap()
                    && u128::from(funds) >= deposit;
                assert_eq!(
                    ok,
                    expected,
                    "file_claim of {amount} on {:?}: {:?}",
                    state.remaining,
                    result.err()
                );
                if ok {
                    // The deposit is the mint's minimum or 0.5% of the claim, whichever is more.
                    let claim: Claim = self
                        .m
                        .t
                        .load(&claim_pda(&cover_key, state.claim_count))
                        .await;
                    assert_eq!(u128::from(claim.deposit), deposit);
                    self.claims.push(ClaimRecord {
                        key: claim_pda(&cover_key, state.claim_count),
                        committed: Vec::new(),
                        cover,
                        voters: BTreeSet::new(),
                    });
                }
            }
            Action::Vote {
                assessor,
                claim,
                accept,
            } => {
                let Some(record) = self.claims.get(claim) else {
                    return;
                };
                let key = self.assessors[assessor].insecure_clone();
                let ix = vote(&key.pubkey(), &record.key, accept);
                let already = record.voters.contains(&assessor);
                let state: Claim = self.m.t.load(&record.key).await;
                let ok = self.send(&[ix], &[&key]).await.is_ok();
                // Invariant 5: one ballot per (claim, assessor); no vote outside the window (on
                // the claim's clock, which claims pauses stopped).
                let config: Config = self.m.t.load(&config_pda()).await;
                if already || state.blind || state.clock(&config, now).unwrap() >= state.voting_end
                {
                    assert!(!ok, "a second or late vote went through");
                }
                if ok {
                    self.claims[claim].voters.insert(assessor);
                }
            }
            Action::AssessorStake { assessor, amount } => {
                let key = self.assessors[assessor].insecure_clone();
                let token = self.assessor_tokens[assessor];
                let mint = self.m.t.assessment_mint;
                self.m.t.mint_to(&mint, &token, amount).await;
                let ix = stake_assessor(&key.pubkey(), &mint, &token, &spl_token::ID, amount);
                self.m.t.send_ok(&[ix], &[&key]).await;
            }
            Action::AssessorUnstake { assessor, percent } => {
                let key = self.assessors[assessor].insecure_clone();
                let state: Assessor = self.m.t.load(&assessor_pda(&key.pubkey())).await;
                let amount = state.staked * percent / 100;
                if amount == 0 {
                    return;
                }
                let mint = self.m.t.assessment_mint;
                let token = self.assessor_tokens[assessor];
                let ix = unstake_assessor(&key.pubkey(), &mint, &token, &spl_token::ID, amount);
                // Invariant 4: an assessor cannot unstake while locked, nor before each of its
                // ballots is settled (so a slash always finds the stake).
                if now < state.locked_until {
                    self.m
                        .t
                        .send_err(ix, &[&key], BulwarkError::AssessorLocked)
                        .await;
                } else if state.open_ballots > 0 {
                    self.m
                        .t
                        .send_err(ix, &[&key], BulwarkError::AssessorHasOpenBallots)
                        .await;
                } else {
                    self.m.t.send_ok(&[ix], &[&key]).await;
                }
            }
            Action::Settle { assessor, claim } => {
                let Some(record) = self.claims.get(claim) else {
                    return;
                };
                let claim_key = record.key;
                let voter = self.assessors[assessor].pubkey();
                let ballot_key = ballot_pda(&claim_key, &voter);
                if !self.m.t.exists(&ballot_key).await {
                    return;
                }
                let state: Claim = self.m.t.load(&claim_key).await;
                let ballot: Ballot = self.m.t.load(&ballot_key).await;
                let payer = self.m.t.payer().pubkey();
                let ix = if state.slashable(&ballot) {
                    let mint = self.m.t.assessment_mint;
                    let treasury_stake = self.treasury_stake;
                    slash_ballot(
                        &payer,
                        &claim_key,
                        &voter,
                        &mint,
                        &treasury_stake,
                        &spl_token::ID,
                    )
                } else {
                    let token = self.reward_token(assessor).await;
                    settle_ballot(
                        &payer,
                        &claim_key,
                        &state.deposit_pool,
                        &self.m.mint,
                        &voter,
                        &token,
                        &spl_token::ID,
                    )
                };
                let result = self.send(&[ix], &[]).await;
                // A ballot is settled once, only when the outcome is final, and then always.
                let final_ = matches!(
                    state
                        .status(&self.m.t.load(&config_pda()).await, now)
                        .unwrap(),
                    ClaimStatus::Final { .. }
                );
                assert_eq!(result.is_ok(), final_, "settlement of a ballot: {result:?}");
                if final_ {
                    let after: Claim = self.m.t.load(&claim_key).await;
                    assert_eq!(after.ballots_settled, state.ballots_settled + 1);
                    assert!(!self.m.t.exists(&ballot_key).await);
                }
            }
            Action::Overturn { claim } => {
                let Some(record) = self.claims.get(claim) else {
                    return;
                };
                let authority = self.m.t.authority.insecure_clone();
                let state: Claim = self.m.t.load(&record.key).await;
                let ix = overturn_claim(
                    &authority.pubkey(),
                    &record.key,
                    &state.deposit_pool,
                    "ipfs://bulwark/overturn",
                );
                let _ = self.send(&[ix], &[&authority]).await;
            }
            Action::Redeem { claim } => {
                let Some(record) = self.claims.get(claim) else {
                    return;
                };
                let cover = record.cover;
                let c = &self.covers[cover];
                if !self.m.t.exists(&c.key).await {
                    return;
                }
                let ix = redeem_payout(
                    &payer,
                    &self.cover_keys(cover),
                    &record.key,
                    &c.owner_token,
                    &c.owner_token,
                );
                let owner_token = c.owner_token;
                let state: Claim = self.m.t.load(&record.key).await;
                let before = self.m.t.balance(&owner_token).await;
                if self.send(&[ix], &[]).await.is_ok() {
                    let received = self.m.t.balance(&owner_token).await - before;
                    self.covers[cover].paid += received - state.deposit;
                    // Invariant 1: Σ payouts of a cover ≤ its amount.
                    assert!(self.covers[cover].paid <= self.covers[cover].amount);
                    for pool in self.covers[cover].pools.clone() {
                        self.paid_out[pool] = true;
                    }
                }
            }
            Action::Close { claim } => {
                let Some(record) = self.claims.get(claim) else {
                    return;
                };
                let c = &self.covers[record.cover];
                if !self.m.t.exists(&c.key).await {
                    return;
                }
                let ix = close_claim(&payer, &self.cover_keys(record.cover), &record.key);
                let _ = self.send(&[ix], &[]).await;
            }
            Action::Capital { member, amount } => {
                let before = self.capital().await;
                let (key, token) = (
                    self.members[member].key.insecure_clone(),
                    self.members[member].token,
                );
                let ix = deposit_capital(
                    &key.pubkey(),
                    &self.m.mint,
                    &spl_token::ID,
                    &token,
                    amount,
                    0,
                );
                if self.send(&[ix], &[&key]).await.is_ok() {
                    let after = self.capital().await;
                    assert_eq!(after.capital - before.capital, amount);
                    assert_eq!(
                        after.shares - before.shares,
                        before.shares_for(amount).unwrap()
                    );
                }
            }
            Action::CapitalExit { member, percent } => {
                let key = self.members[member].key.insecure_clone();
                let held = self
                    .m
                    .t
                    .balance(&capital_shares_account(&key.pubkey(), &self.m.mint))
                    .await;
                let shares = held * percent / 100;
                if shares == 0 {
                    return;
                }
                let id = self.members[member].next_exit;
                let ix = request_capital_exit(&key.pubkey(), &self.m.mint, id, shares);
                self.m.t.send_ok(&[ix], &[&key]).await;
                self.members[member].exits.push(id);
                self.members[member].next_exit += 1;
            }
            Action::CapitalExecute { member } => {
                let Some(&id) = self.members[member].exits.first() else {
                    return;
                };
                let (key, token) = (
                    self.members[member].key.insecure_clone(),
                    self.members[member].token,
                );
                let exit_key = capital_exit_pda(&capital_pool_pda(&self.m.mint), &key.pubkey(), id);
                let exit: CapitalExit = self.m.t.load(&exit_key).await;
                let before = self.capital().await;
                let value = before
                    .value_of(exit.shares)
                    .unwrap()
                    .min(exit.value_at_request);
                let token_before = self.m.t.balance(&token).await;
                let ix =
                    execute_capital_exit(&key.pubkey(), &self.m.mint, &spl_token::ID, id, &token);
                let ok = self.send(&[ix], &[&key]).await.is_ok();
                // Refused before the delay, and when it would take capital below the
                // requirement; otherwise paid the lower of the two prices.
                let allowed = now >= exit.ready_at
                    && before.net_capital() - value >= before.minimum_capital().unwrap();
                assert_eq!(ok, allowed, "capital exit of {value}");
                if ok {
                    assert_eq!(self.m.t.balance(&token).await - token_before, value);
                    self.members[member].exits.remove(0);
                }
            }
            Action::Grant { pool } => self.grant(pool).await,
            Action::Quote {
                amount,
                days,
                product,
                commission_bps,
            } => {
                let request = CoverRequest {
                    product_id: self.products[product],
                    mint: self.m.mint,
                    amount,
                    period: days * DAY as u32,
                    commission_bps,
                };
                let pools: Vec<Pubkey> = self.pools.iter().map(|p| p.pool).collect();
                let ix = quote_cover(
                    &self.m.mint,
                    &pools,
                    QuoteCoverArgs {
                        product_id: request.product_id,
                        amount,
                        period: request.period,
                        commission_bps,
                    },
                );
                let simulated = self.m.t.simulate(&[ix], &[]).await;
                let sdk = flows::quote_cover(&mut self.m.t, &request, &pools).await;
                // The program's quote is the SDK's, priced or short, on every state reached (its
                // return data exists on the SBF build only).
                match (simulated, sdk) {
                    (Ok(outcome), sdk) if sbf_mode() => {
                        let program =
                            decode_cover_quote(&outcome.return_data.expect("return data"))
                                .expect("a CoverQuote");
                        match sdk {
                            Ok(sdk) => {
                                assert_eq!(program.parts, sdk.parts);
                                assert_eq!(program.premium, sdk.premium);
                                assert_eq!(program.commission, sdk.commission);
                                assert_eq!(program.cranks, sdk.cranks);
                                assert_eq!(program.covered, amount);
                            }
                            Err(ClientError::Quote(QuoteError::InsufficientCapacity {
                                available,
                                ..
                            })) => assert_eq!(program.covered, available),
                            Err(e) => panic!("the program quoted what the SDK refused: {e}"),
                        }
                    }
                    (
                        Ok(_),
                        Ok(_) | Err(ClientError::Quote(QuoteError::InsufficientCapacity { .. })),
                    ) => {}
                    (simulated, sdk) => panic!("quote_cover {simulated:?} but the SDK {sdk:?}"),
                }
            }
            Action::RedeemOwed { claim } => {
                let Some(record) = self.claims.get(claim) else {
                    return;
                };
                let (key, cover) = (record.key, record.cover);
                let owner_token = self.covers[cover].owner_token;
                let before: Claim = self.m.t.load(&key).await;
                let token_before = self.m.t.balance(&owner_token).await;
                let ix = redeem_owed(&payer, &self.cover_keys(cover), &key, &owner_token);
                if self.send(&[ix], &[]).await.is_ok() {
                    let after: Claim = self.m.t.load(&key).await;
                    let received = self.m.t.balance(&owner_token).await - token_before;
                    assert_eq!(received, before.owed - after.owed);
                    self.covers[cover].paid += received;
                    assert!(self.covers[cover].paid <= self.covers[cover].amount);
                }
            }
            Action::Warp { hours } => {
                self.m.t.warp_to_time(now + hours * 3_600).await;
            }
            Action::Commit {
                assessor,
                claim,
                accept,
            } => {
                let Some(record) = self.claims.get(claim) else {
                    return;
                };
                let key = self.assessors[assessor].insecure_clone();
                let claim_key = record.key;
                let already = record.voters.contains(&assessor);
                let state: Claim = self.m.t.load(&claim_key).await;
                let config: Config = self.m.t.load(&config_pda()).await;
                let stake: Assessor = self.m.t.load(&assessor_pda(&key.pubkey())).await;
                let salt = [u8::try_from(assessor).unwrap() + 1; 32];
                let commitment = Ballot::commitment_of(&claim_key, &key.pubkey(), accept, &salt);
                let ix = commit_vote(&key.pubkey(), &claim_key, commitment, None);
                let ok = self.send(&[ix], &[&key]).await.is_ok();
                let open = state.clock(&config, now).unwrap() < state.voting_end;
                assert_eq!(
                    ok,
                    state.blind && !already && open && stake.matured(now) > 0,
                    "commit on a {} claim",
                    if state.blind { "blind" } else { "open" }
                );
                if ok {
                    // Hidden: the tallies do not move, one ballot more.
                    let after: Claim = self.m.t.load(&claim_key).await;
                    assert_eq!(
                        (after.accept_weight, after.deny_weight, after.voters),
                        (state.accept_weight, state.deny_weight, state.voters + 1)
                    );
                    self.claims[claim].voters.insert(assessor);
                    self.claims[claim].committed.push((assessor, accept, salt));
                }
            }
            Action::Reveal { assessor, claim } => {
                let Some(record) = self.claims.get(claim) else {
                    return;
                };
                let claim_key = record.key;
                let Some(position) = record.committed.iter().position(|(a, ..)| *a == assessor)
                else {
                    return;
                };
                let (_, accept, salt) = record.committed[position];
                let voter = self.assessors[assessor].pubkey();
                let state: Claim = self.m.t.load(&claim_key).await;
                let config: Config = self.m.t.load(&config_pda()).await;
                let ballot: Ballot = self.m.t.load(&ballot_pda(&claim_key, &voter)).await;
                let args = bulwark::instructions::RevealVoteArgs {
                    accept,
                    salt,
                    reason_hash: [0; 32],
                    reason_uri: String::new(),
                };
                let key = self.assessors[assessor].insecure_clone();
                let ok = self
                    .send(&[reveal_vote(&voter, &claim_key, args)], &[&key])
                    .await
                    .is_ok();
                assert_eq!(
                    ok,
                    state.status(&config, now).unwrap() == ClaimStatus::Reveal,
                    "a reveal counts exactly in the reveal window"
                );
                if ok {
                    // The weight fixed at commit counts for the revealed choice.
                    let after: Claim = self.m.t.load(&claim_key).await;
                    let (accept_weight, deny_weight) = if accept {
                        (state.accept_weight + ballot.weight, state.deny_weight)
                    } else {
                        (state.accept_weight, state.deny_weight + ballot.weight)
                    };
                    assert_eq!(
                        (after.accept_weight, after.deny_weight),
                        (accept_weight, deny_weight)
                    );
                    self.claims[claim].committed.remove(position);
                }
            }
            Action::Pause {
                claims,
                payouts,
                hours,
            } => {
                let flags =
                    if claims { PAUSE_CLAIMS } else { 0 } | if payouts { PAUSE_PAYOUTS } else { 0 };
                let config: Config = self.m.t.load(&config_pda()).await;
                let mut clocks = Vec::new();
                for record in &self.claims {
                    let state: Claim = self.m.t.load(&record.key).await;
                    clocks.push((
                        state.clock(&config, now).unwrap(),
                        state.status(&config, now).unwrap(),
                    ));
                }
                let authority = self.m.t.authority.insecure_clone();
                self.m
                    .t
                    .send_ok(&[set_pause(&authority.pubkey(), flags)], &[&authority])
                    .await;
                let until = now + hours * 3_600;
                self.m.t.warp_to_time(until).await;
                self.m
                    .t
                    .send_ok(&[set_pause(&authority.pubkey(), 0)], &[&authority])
                    .await;
                let after: Config = self.m.t.load(&config_pda()).await;
                let paused =
                    |config: &Config, family: u8| config.paused_seconds(family, until).unwrap();
                for (family, on) in [(PAUSE_CLAIMS, claims), (PAUSE_PAYOUTS, payouts)] {
                    let grew = paused(&after, family) - paused(&config, family);
                    assert_eq!(grew, if on { (until - now) as u64 } else { 0 });
                }
                // A claims pause stops every claim's clock, so its status stands; otherwise
                // the clocks ran with time.
                for (record, (clock, status)) in self.claims.iter().zip(clocks) {
                    let state: Claim = self.m.t.load(&record.key).await;
                    let expected = if claims { clock } else { clock + (until - now) };
                    assert_eq!(state.clock(&after, until).unwrap(), expected);
                    if claims {
                        assert_eq!(state.status(&after, until).unwrap(), status);
                    }
                }
            }
            Action::FullClaim {
                cover,
                percent,
                accept,
            } => {
                let claims_before = self.claims.len();
                Box::pin(self.step(&Action::File { cover, percent })).await;
                if self.claims.len() == claims_before {
                    return;
                }
                let claim = claims_before;
                for assessor in 0..self.assessors.len() {
                    // The first vote must accept; the others vote as asked.
                    let vote_accept = assessor == 0 || accept;
                    Box::pin(self.step(&Action::Vote {
                        assessor,
                        claim,
                        accept: vote_accept,
                    }))
                    .await;
                }
                let state: Claim = self.m.t.load(&self.claims[claim].key).await;
                self.m.t.warp_to_time(state.voting_end + DAY + 1).await;
                Box::pin(self.step(&Action::Redeem { claim })).await;
                Box::pin(self.step(&Action::Close { claim })).await;
            }
            Action::BlindRound {
                cover,
                percent,
                choices,
                reveals,
            } => {
                let claims_before = self.claims.len();
                Box::pin(self.step(&Action::File { cover, percent })).await;
                if self.claims.len() == claims_before {
                    return;
                }
                let claim = claims_before;
                let state: Claim = self.m.t.load(&self.claims[claim].key).await;
                if !state.blind {
                    return;
                }
                for (assessor, accept) in choices.into_iter().enumerate() {
                    Box::pin(self.step(&Action::Commit {
                        assessor,
                        claim,
                        accept,
                    }))
                    .await;
                }
                self.m.t.warp_to_time(state.voting_end).await;
                // Each committed ballot's weight, fixed at its commit.
                let mut weights = [None; 3];
                for (assessor, weight) in weights.iter_mut().enumerate() {
                    let voter = self.assessors[assessor].pubkey();
                    let key = ballot_pda(&self.claims[claim].key, &voter);
                    if self.m.t.exists(&key).await {
                        *weight = Some(self.m.t.load::<Ballot>(&key).await.weight);
                    }
                }
                for (assessor, reveal) in reveals.into_iter().enumerate() {
                    if reveal {
                        Box::pin(self.step(&Action::Reveal { assessor, claim })).await;
                    }
                }
                // The outcome counts only what was revealed.
                let revealed: Claim = self.m.t.load(&self.claims[claim].key).await;
                let weight = |accept: bool| -> u64 {
                    (0..3)
                        .filter(|a| reveals[*a] && choices[*a] == accept)
                        .filter_map(|a| weights[a])
                        .sum()
                };
                assert_eq!(
                    (revealed.accept_weight, revealed.deny_weight),
                    (weight(true), weight(false)),
                    "a blind claim's tallies are its revealed ballots"
                );
                self.m
                    .t
                    .warp_to_time(revealed.cooldown_end().unwrap() + 1)
                    .await;
                Box::pin(self.step(&Action::Redeem { claim })).await;
                Box::pin(self.step(&Action::Close { claim })).await;
                for assessor in 0..3 {
                    Box::pin(self.step(&Action::Settle { assessor, claim })).await;
                }
            }
        }
    }

    /// Backing allocated and live stake per live tranche of `pool` for `product`, current
    /// tranche first, read from the raw accounts rolled forward to now.
    async fn tranche_books(&mut self, pool: usize, product: usize) -> Vec<(u64, u64)> {
        let now = self.m.t.now().await;
        let current = bulwark::math::tranche::tranche_at(now).unwrap();
        let mut state = self.pool(pool).await;
        state.roll_forward(now).unwrap();
        let pp = match self.pool_product(pool, product).await {
            Some(mut pp) => {
                pp.roll_forward(now).unwrap();
                Some(pp)
            }
            None => None,
        };
        (current..current + 8)
            .map(|t| (pp.map_or(0, |pp| pp.allocation_in(t)), state.live_stake(t)))
            .collect()
    }

    /// Invariant 11, from the raw books: the most by which, from some live tranche on, the
    /// backing sold exceeds `weight`% of the stake there (0 when the bound holds).
    fn shortfall(books: &[(u64, u64)], weight: u16) -> u128 {
        (0..books.len())
            .map(|k| {
                let (backing, stake) = Self::suffix(&books[k..]);
                (100 * backing).saturating_sub(u128::from(weight) * stake)
            })
            .max()
            .unwrap_or(0)
    }

    fn suffix(books: &[(u64, u64)]) -> (u128, u128) {
        books.iter().fold((0, 0), |(a, s), (b, t)| {
            (a + u128::from(*b), s + u128::from(*t))
        })
    }

    /// Reference effective weight (Nexus Mutual's `_getEffectiveWeight` in stake units):
    /// `min(100, max(target, max over live t of ⌈100 × Σ alloc ÷ Σ stake⌉))`, 100 where the
    /// stake under a live allocation is 0.
    fn effective_weight(books: &[(u64, u64)], target: u16) -> u16 {
        let used = (0..books.len())
            .map(|k| match Self::suffix(&books[k..]) {
                (0, _) => 0,
                (_, 0) => 100,
                (backing, stake) => (100 * backing).div_ceil(stake).min(100) as u16,
            })
            .max()
            .unwrap_or(0);
        used.max(target).min(100)
    }

    /// Invariant 11 around a purchase: before any payout the cumulative bound holds; after a
    /// payout left a shortfall, no purchase adds to it.
    async fn check_capacity(&mut self, pool: usize, product: usize, before: &[(u64, u64)]) {
        let pp = self.pool_product(pool, product).await.unwrap();
        pp.invariant().unwrap();
        let after = self.tranche_books(pool, product).await;
        let weight = pp.effective_weight;
        assert!(
            Self::shortfall(&after, weight) <= Self::shortfall(before, weight),
            "purchase oversold pool {pool} product {product}: {before:?} -> {after:?} at weight {weight}"
        );
    }

    /// Sends a random step's transaction, which the program may refuse for a reason of the
    /// protocol's; it must never fail on its own books (an invariant, an overflow, the vault
    /// check): that would be a bug a user could hit, or a pool stuck for everyone.
    /// The associated account of the claims' mint of assessor `index` (created on first use),
    /// where its rewards go; it joins the conservation check.
    async fn reward_token(&mut self, index: usize) -> Pubkey {
        let owner = self.assessors[index].pubkey();
        let mint = self.m.mint;
        let token = anchor_spl::associated_token::get_associated_token_address_with_program_id(
            &owner,
            &mint,
            &spl_token::ID,
        );
        if !self.m.t.exists(&token).await {
            self.m
                .t
                .create_associated_token_account(&owner, &mint)
                .await;
            self.accounts.push(token);
        }
        token
    }

    async fn send(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<TxOutcome, TransactionError> {
        let result = self.m.t.send(ixs, signers).await;
        if let Err(TransactionError::InstructionError(_, InstructionError::Custom(code))) = &result
        {
            let internal = [
                BulwarkError::InvariantViolated,
                BulwarkError::MathOverflow,
                BulwarkError::VaultBelowAccounting,
                BulwarkError::VaultMovedOffBooks,
            ];
            assert!(
                !internal.into_iter().any(|e| u32::from(e) == *code),
                "a step failed on the program's own books: error {code}"
            );
        }
        result
    }

    /// The pool as the program sees it at `now`: rolled forward.
    async fn capital(&mut self) -> CapitalPool {
        let key = capital_pool_pda(&self.m.mint);
        self.m.t.load(&key).await
    }

    /// The leverage line crank, as clients run it before a purchase: once what the line
    /// returned is booked, it either takes back unused line the capital no longer carries (and
    /// grants nothing), or grants no more than the capital above the minimum requirement.
    async fn grant(&mut self, pool: usize) {
        let now = self.m.t.now().await;
        let before = self.capital().await;
        let line = self.rolled_pool(pool, now).await.line;
        let returned = line.booked - line.available - line.used;
        let payer = self.m.t.payer().pubkey();
        let ix = grant_leverage(&payer, &self.pools[pool].pool, &self.m.mint, u64::MAX);
        self.m.t.send_ok(&[ix], &[]).await;
        let after = self.capital().await;
        let state = self.pool(pool).await;
        let mut mid = before.clone();
        mid.lines -= returned;
        if state.line.available < line.available {
            let clawed = line.available - state.line.available;
            assert!(
                clawed <= mid.excess_lines(),
                "pool {pool}: clawed back {clawed}"
            );
            assert_eq!(after.lines, mid.lines - clawed);
        } else {
            let granted = state.line.available - line.available;
            // Short of capital, nothing is granted (nothing unused was left to take back).
            assert!(
                granted == 0 || mid.excess_lines() == 0,
                "pool {pool}: granted while short of capital"
            );
            assert!(
                granted <= mid.free_capital().unwrap(),
                "pool {pool}: granted {granted} beyond the capital above the requirement"
            );
            assert_eq!(after.lines, mid.lines + granted);
        }
    }

    async fn rolled_pool(&mut self, pool: usize, now: i64) -> Pool {
        let mut state = self.pool(pool).await;
        state.roll_forward(now).unwrap();
        state
    }

    /// Invariant 13, from the record of every stream sold: each tranche receives, of every
    /// class it backs (class first tranche ≤ its id) still streaming, its share by stake of
    /// the class's backing stake, and nothing of any other class; a tranche without stake
    /// receives nothing.
    fn check_streams(&self, pool: usize, state: &Pool, now: i64) {
        let mut classes: Vec<(u64, u128)> = Vec::new();
        for stream in self
            .streams
            .iter()
            .filter(|s| s.pool == pool && s.until > now)
        {
            match classes.iter_mut().find(|(c, _)| *c == stream.first_tranche) {
                Some((_, rate)) => *rate += stream.rate,
                None => classes.push((stream.first_tranche, stream.rate)),
            }
        }
        let live = |id: u64| {
            state
                .tranches
                .iter()
                .find(|s| s.tranche_id == id && !s.is_empty() && !s.has_ended())
                .map_or(0, |s| s.stake)
        };
        let rates = state.tranche_stream_rates().unwrap();
        for (slot, rate) in state.tranches.iter().zip(rates) {
            let stake = live(slot.tranche_id);
            let expected: u128 = classes
                .iter()
                .filter(|(first, _)| slot.tranche_id >= *first && stake > 0)
                .map(|(first, class_rate)| {
                    let backing: u64 = state
                        .tranches
                        .iter()
                        .filter(|s| s.tranche_id >= *first)
                        .map(|s| live(s.tranche_id))
                        .sum();
                    class_rate * u128::from(stake) / u128::from(backing)
                })
                .sum();
            assert_eq!(
                rate, expected,
                "pool {pool} tranche {}: stream rate",
                slot.tranche_id
            );
        }
    }

    /// Invariants checked after every step.
    async fn check(&mut self) {
        let now = self.m.t.now().await;
        // The assessment vault holds exactly the assessors' stake, which the config totals
        // (the base of every claim's quorum).
        let mut staked = 0u64;
        for key in &self.assessors {
            let assessor: Assessor = self.m.t.load(&assessor_pda(&key.pubkey())).await;
            staked += assessor.staked;
        }
        let config: Config = self.m.t.load(&config_pda()).await;
        assert_eq!(config.total_assessor_stake, staked, "assessor stake total");
        assert_eq!(
            self.m.t.balance(&assessment_vault_pda()).await,
            staked,
            "assessment vault"
        );
        let mut owed = [0u64; POOLS];
        let open: Vec<_> = self
            .stakers
            .iter()
            .filter_map(|s| Some((s.pool, s.key.pubkey(), s.position, s.tranche?)))
            .collect();
        for (pool, owner, position_id, tranche) in open {
            let keys = self.pools[pool];
            let position: StakePosition = self
                .m
                .t
                .load(&position_pda(&keys.pool, &owner, position_id))
                .await;
            let archive_key = archive_pda(&keys.pool, tranche);
            let archive: Option<TrancheArchive> = if self.m.t.exists(&archive_key).await {
                Some(self.m.t.load(&archive_key).await)
            } else {
                None
            };
            let state = self.pool(pool).await;
            owed[pool] += pending_rewards(&state, &position, archive.as_ref(), now).unwrap();
        }
        // Invariant 7, per pool: rewards paid and owed never exceed what its streams have
        // streamed so far (rate × time elapsed, rounded up).
        for pool in 0..POOLS {
            let streamed: u128 = self
                .streams
                .iter()
                .filter(|s| s.pool == pool)
                .map(|s| (s.rate * (now.min(s.until) - s.start) as u128).div_ceil(REWARD_SCALE))
                .sum();
            let (paid, owed) = (self.rewards_paid[pool], owed[pool]);
            assert!(
                u128::from(paid + owed) <= streamed,
                "pool {pool}: paid {paid} + owed {owed} > streamed so far {streamed}"
            );
        }
        let mut pools = Vec::new();
        for pool in 0..POOLS {
            let rolled = self.rolled_pool(pool, now).await;
            self.check_streams(pool, &rolled, now);
            // Each stream's rate is exactly what its expiry ring will still take off it.
            for stream in &rolled.streams {
                let pending: u128 = stream.expiring.iter().map(|e| e.get()).sum();
                assert_eq!(stream.rate.get(), pending, "pool {pool}: stream expiries");
            }
            let state = self.pool(pool).await;
            if let Some(last) = self.last_pools.get(pool) {
                for (before, after) in last.tranches.iter().zip(&state.tranches) {
                    if before.tranche_id != after.tranche_id || before.is_empty() {
                        continue;
                    }
                    // A tranche with no stake earns nothing: its reward per share stands still.
                    if before.stake == 0 {
                        assert_eq!(
                            before.reward_per_share, after.reward_per_share,
                            "pool {pool}: tranche {} without stake earned",
                            after.tranche_id
                        );
                    }
                    // Nor does a tranche that backs no class that streamed since the pool's
                    // last accrual.
                    let backed = self.streams.iter().any(|s| {
                        s.pool == pool
                            && s.first_tranche <= after.tranche_id
                            && s.start < now
                            && s.until > last.rewards_updated_at
                    });
                    if !backed {
                        assert_eq!(
                            before.reward_per_stake, after.reward_per_stake,
                            "pool {pool}: tranche {} earned from a cover it does not back",
                            after.tranche_id
                        );
                    }
                }
            }
            pools.push(state);
        }
        self.last_pools = pools;
        for pool in 0..POOLS {
            let state = self.pool(pool).await;
            state.invariant().unwrap();
            // Invariant 6: the vault holds exactly what the pool owes (no donations here).
            let vault = self.m.t.balance(&self.pools[pool].vault).await;
            assert_eq!(
                vault,
                state.liabilities().unwrap(),
                "conservation in pool {pool}"
            );
            // The pool's sum is the sum of its products' effective weights.
            let mut sum = 0u32;
            for product in 0..PRODUCTS {
                let Some(pp) = self.pool_product(pool, product).await else {
                    continue;
                };
                pp.invariant().unwrap();
                sum += u32::from(pp.effective_weight);
                let books = self.tranche_books(pool, product).await;
                if !self.paid_out[pool] {
                    // Invariant 11 for every product and tranche: without a payout, no stored
                    // effective weight lags behind what the allocations use, and from every
                    // live tranche on the backing sold fits the stake at that weight.
                    assert!(
                        pp.effective_weight >= Self::effective_weight(&books, pp.target_weight),
                        "pool {pool} product {product}: stale effective weight"
                    );
                    assert_eq!(
                        Self::shortfall(&books, pp.effective_weight),
                        0,
                        "pool {pool} product {product} oversold: {books:?}"
                    );
                }
            }
            assert_eq!(sum, state.total_effective_weight, "pool {pool} weight sum");
            if !self.paid_out[pool] {
                assert!(
                    sum <= u32::from(MAX_TOTAL_WEIGHT),
                    "pool {pool}: Σ effective {sum}"
                );
            }
        }
        // The capital vault holds exactly its books; the lines it counts are the pools'; each
        // pool's used line covers the leverage of its live cover; every redeemed claim's paid
        // + owed is its accepted amount, and the capital pool owes what the claims are owed.
        let capital = self.capital().await;
        capital.invariant().unwrap();
        assert_eq!(
            self.m.t.balance(&capital_vault_pda(&self.m.mint)).await,
            capital.capital,
            "capital vault equals its books"
        );
        let mut booked = 0;
        for pool in 0..POOLS {
            let state = self.rolled_pool(pool, now).await;
            booked += self.pool(pool).await.line.booked;
            let mut exposure = 0;
            for cover in self.covers.iter() {
                if !self.m.t.exists(&cover.key).await {
                    continue;
                }
                let c: Cover = self.m.t.load(&cover.key).await;
                if c.release_bucket <= state.last_bucket {
                    continue;
                }
                for allocation in c.used_allocations() {
                    if allocation.pool == self.pools[pool].pool {
                        let backing: u64 = allocation.backing().unwrap().iter().sum();
                        exposure += allocation.amount - backing;
                    }
                }
            }
            assert!(
                exposure <= state.line.used && state.line.used <= state.line.booked,
                "pool {pool}: exposure {exposure}, line {:?}",
                (state.line.used, state.line.booked)
            );
        }
        assert_eq!(booked, capital.lines, "lines booked");
        let mut owed = 0;
        let mut reserved = [0u64; POOLS];
        for record in self.claims.iter() {
            let claim: Claim = self.m.t.load(&record.key).await;
            claim.invariant().unwrap();
            owed += claim.owed;
            let pool = self.pools.iter().position(|p| p.pool == claim.deposit_pool);
            reserved[pool.unwrap()] += claim.reward_reserved;
        }
        // Every reward a pool holds for assessors is some claim's reservation, and no more.
        for (pool, reserved) in reserved.into_iter().enumerate() {
            let state = self.pool(pool).await;
            assert_eq!(
                state.assessor_rewards, reserved,
                "assessor rewards of pool {pool}"
            );
        }
        assert_eq!(owed, capital.owed(), "debts owed");
        // Nothing is created or lost: every minted token is in a known account.
        let mut total = 0;
        for account in self.accounts.clone() {
            if self.m.t.exists(&account).await {
                total += self.m.t.balance(&account).await;
            }
        }
        assert_eq!(total, self.minted, "tokens conserved");
    }
}

fn cases() -> u32 {
    std::env::var("BULWARK_STATEFUL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_sequences_keep_every_invariant(actions in prop::collection::vec(action(), 40..80)) {
        // On a thread of its own with a large stack: a step's frame holds several copies of
        // the 5.7 KB pool account in an unoptimised build.
        let actions = actions.clone();
        let run = move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let mut w = Box::pin(world()).await;
                for action in &actions {
                    Box::pin(w.step(action)).await;
                    Box::pin(w.check()).await;
                }
                if std::env::var("BULWARK_STATEFUL_VERBOSE").is_ok() {
                    let paid = w.covers.iter().filter(|c| c.paid > 0).count();
                    let withdrawals: u64 = w.stakers.iter().map(|s| s.position).sum();
                    eprintln!(
                        "steps {}: covers {}, claims {}, paid {paid}, withdrawals {withdrawals}, rewards paid {}",
                        actions.len(), w.covers.len(), w.claims.len(), w.rewards_paid.iter().sum::<u64>()
                    );
                }
            });
        };
        let outcome = std::thread::Builder::new().stack_size(64 << 20).spawn(run).unwrap().join();
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    }
}
