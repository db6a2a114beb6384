//! Stateful property test: random sequences of staking, cover, claim, vote, payout and time
//! actions against the program, checked after every step against a plain-Rust record of what
//! must hold (SPEC.md §5). `BULWARK_STATEFUL_CASES` raises the number of cases (CI runs 6).

use crate::fixtures::*;
use anchor_lang::prelude::Pubkey;
use bulwark::instructions::{BuyCoverArgs, DepositStakeArgs, ExtendStakeArgs, FileClaimArgs};
use bulwark::math::tranche::tranche_end;
use bulwark::state::{Claim, Cover, Pool, PoolProduct, StakePosition};
use bulwark_tests::builders::*;
use bulwark_tests::*;
use proptest::prelude::*;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::collections::BTreeSet;

#[derive(Clone, Debug)]
enum Action {
    Deposit {
        staker: usize,
        offset: u64,
        amount: u64,
    },
    Extend {
        staker: usize,
        offset: u64,
    },
    Withdraw {
        staker: usize,
    },
    ClaimRewards {
        staker: usize,
    },
    Buy {
        amount: u64,
        days: u32,
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
    Redeem {
        claim: usize,
    },
    Close {
        claim: usize,
    },
    Warp {
        hours: i64,
    },
    /// File, let every assessor vote, wait out voting and cooldown, redeem: a whole claim in one
    /// step, so payouts interleave with everything else.
    FullClaim {
        cover: usize,
        percent: u64,
        accept: bool,
    },
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        3 => (0..3usize, prop_oneof![1 => 0..2u64, 2 => 2..8u64], 1..200_000u64)
            .prop_map(|(staker, offset, amount)| Action::Deposit { staker, offset, amount: amount * UNIT }),
        1 => (0..3usize, 1..8u64).prop_map(|(staker, offset)| Action::Extend { staker, offset }),
        2 => (0..3usize).prop_map(|staker| Action::Withdraw { staker }),
        2 => (0..3usize).prop_map(|staker| Action::ClaimRewards { staker }),
        4 => (1..300_000u64, 28..120u32).prop_map(|(amount, days)| Action::Buy { amount: amount * UNIT, days }),
        1 => (0..4usize).prop_map(|cover| Action::Expire { cover }),
        1 => (0..4usize).prop_map(|cover| Action::Transfer { cover }),
        4 => (0..4usize, 1..120u64).prop_map(|(cover, percent)| Action::File { cover, percent }),
        6 => (0..3usize, 0..3usize, prop_oneof![3 => Just(true), 1 => Just(false)])
            .prop_map(|(assessor, claim, accept)| Action::Vote { assessor, claim, accept }),
        1 => (0..3usize).prop_map(|claim| Action::Overturn { claim }),
        4 => (0..3usize).prop_map(|claim| Action::Redeem { claim }),
        2 => (0..3usize).prop_map(|claim| Action::Close { claim }),
        4 => prop_oneof![2 => 1..72i64, 1 => 72..24 * 120i64].prop_map(|hours| Action::Warp { hours }),
        2 => (0..4usize, 1..100u64, any::<bool>())
            .prop_map(|(cover, percent, accept)| Action::FullClaim { cover, percent, accept }),
    ]
}

struct Staker {
    key: Keypair,
    token: Pubkey,
    /// Current position id and its tranche, if open.
    position: u64,
    tranche: Option<u64>,
}

struct CoverRecord {
    key: Pubkey,
    amount: u64,
    owner: Keypair,
    owner_token: Pubkey,
    paid: u64,
}

struct ClaimRecord {
    key: Pubkey,
    cover: usize,
    voters: BTreeSet<usize>,
}

struct World {
    m: Market,
    stakers: Vec<Staker>,
    assessors: Vec<Keypair>,
    covers: Vec<CoverRecord>,
    claims: Vec<ClaimRecord>,
    /// Every token account of the pool's mint the world knows, with the vault.
    accounts: Vec<Pubkey>,
    minted: u64,
    rewards_paid: u64,
    rewards_streamed: u64,
}

async fn world() -> World {
    let mut m = market(0).await;
    let mut accounts = vec![m.pool.keys.vault, m.buyer_token, m.staker_token];
    let mut minted = 100_000_000 * UNIT + 1;
    let mut stakers = Vec::new();
    for _ in 0..3 {
        let (key, token) = m.t.funded_user(&m.mint, 1_000_000 * UNIT).await;
        minted += 1_000_000 * UNIT;
        accounts.push(token);
        stakers.push(Staker {
            key,
            token,
            position: 0,
            tranche: None,
        });
    }
    let mut assessors = Vec::new();
    let assessment_mint = m.t.assessment_mint;
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
    }
    World {
        m,
        stakers,
        assessors,
        covers: Vec::new(),
        claims: Vec::new(),
        accounts,
        minted,
        rewards_paid: 0,
        rewards_streamed: 0,
    }
}

impl World {
    fn cover_keys(&self, cover: usize) -> CoverKeys {
        // Cover `i` was bought with nonce `i`.
        self.m.cover_keys(cover as u64, vec![self.m.pool.keys.pool])
    }

    async fn pool(&mut self) -> Pool {
        let key = self.m.pool.keys.pool;
        self.m.t.load_zc(&key).await
    }

    async fn step(&mut self, action: &Action) {
        let now = self.m.t.now().await;
        let current = bulwark::math::tranche::tranche_at(now).unwrap();
        let keys = self.m.pool.keys;
        let payer = self.m.t.payer().pubkey();
        match action.clone() {
            Action::Deposit {
                staker,
                offset,
                amount,
            } => {
                let s = &self.stakers[staker];
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
                if self.m.t.send(&[ix], &[&key]).await.is_ok() {
                    self.stakers[staker].tranche = Some(tranche);
                }
            }
            Action::Extend { staker, offset } => {
                let s = &self.stakers[staker];
                let Some(tranche) = s.tranche else { return };
                let ix = extend_stake(
                    &s.key.pubkey(),
                    &keys,
                    s.position,
                    &s.token,
                    ExtendStakeArgs {
                        new_tranche_id: current + offset,
                        top_up_amount: 0,
                    },
                );
                let key = s.key.insecure_clone();
                let ok = self.m.t.send(&[ix], &[&key]).await.is_ok();
                if ok {
                    assert!(
                        now < tranche_end(tranche).unwrap(),
                        "extended an ended tranche"
                    );
                    self.stakers[staker].tranche = Some(current + offset);
                }
            }
            Action::Withdraw { staker } => {
                let s = &self.stakers[staker];
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
                ixs.push(withdraw_stake(
                    &s.key.pubkey(),
                    &keys,
                    s.position,
                    tranche,
                    &rent_payer,
                    &s.token,
                ));
                let key = s.key.insecure_clone();
                let position: StakePosition = self
                    .m
                    .t
                    .load(&position_pda(&keys.pool, &key.pubkey(), s.position))
                    .await;
                let owed_before = self.pool().await.rewards_reserved;
                let ok = self.m.t.send(&ixs, &[&key]).await.is_ok();
                // Invariant 4: stake never leaves before its tranche ends.
                assert_eq!(
                    ok,
                    now >= tranche_end(tranche).unwrap(),
                    "withdrawal at {now} of tranche {tranche}"
                );
                if ok {
                    // The rewards part of the withdrawal left the pool's reward reserve.
                    self.rewards_paid += owed_before - self.pool().await.rewards_reserved;
                    assert!(position.shares > 0);
                    let s = &mut self.stakers[staker];
                    s.position += 1;
                    s.tranche = None;
                }
            }
            Action::ClaimRewards { staker } => {
                let s = &self.stakers[staker];
                if s.tranche.is_none() {
                    return;
                }
                let ix = claim_rewards(&s.key.pubkey(), &keys, s.position, &s.token);
                let key = s.key.insecure_clone();
                let token = s.token;
                let before = self.m.t.balance(&token).await;
                if self.m.t.send(&[ix], &[&key]).await.is_ok() {
                    self.rewards_paid += self.m.t.balance(&token).await - before;
                }
            }
            Action::Buy { amount, days } => {
                let nonce = self.covers.len() as u64;
                let owner = Keypair::new_from_array([40 + nonce as u8; 32]);
                let before = self.pool().await.rewards_reserved;
                let allocated_before = self.tranche_books().await;
                let ix = self.m.buy_ix(
                    BuyCoverArgs {
                        owner: owner.pubkey(),
                        ..args(
                            nonce,
                            owner.pubkey(),
                            self.m.product_id,
                            vec![amount],
                            days * DAY as u32,
                        )
                    },
                    &[keys.pool],
                );
                let buyer = self.m.buyer.insecure_clone();
                if self.m.t.send(&[ix], &[&buyer]).await.is_ok() {
                    self.rewards_streamed += self.pool().await.rewards_reserved - before;
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
                        amount,
                        owner,
                        owner_token,
                        paid: 0,
                    });
                    self.check_capacity(&allocated_before).await;
                }
            }
            Action::Expire { cover } => {
                let Some(c) = self.covers.get(cover) else {
                    return;
                };
                let buyer = self.m.buyer.pubkey();
                let ix = expire_cover(&c.key, &buyer, self.m.product_id, &[keys.pool]);
                let _ = self.m.t.send(&[ix], &[]).await;
            }
            Action::Transfer { cover } => {
                let Some(c) = self.covers.get(cover) else {
                    return;
                };
                if !self.m.t.exists(&c.key).await {
                    return;
                }
                // Transfer to itself: the owner stays, the instruction's checks run.
                let ix = transfer_cover(&c.owner.pubkey(), &c.key, &c.owner.pubkey());
                let owner = c.owner.insecure_clone();
                self.m.t.send_ok(&[ix], &[&owner]).await;
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
                        evidence_hash: [0; 32],
                        evidence_uri: String::new(),
                    },
                );
                let owner = c.owner.insecure_clone();
                let ok = self.m.t.send(&[ix], &[&owner]).await.is_ok();
                // Invariant 2: one open claim per cover, never above what remains, never after
                // end + grace.
                let expected = !state.open_claim
                    && amount > 0
                    && amount <= state.remaining
                    && now < state.claimable_until().unwrap();
                assert_eq!(
                    ok, expected,
                    "file_claim of {amount} on {:?}",
                    state.remaining
                );
                if ok {
                    self.claims.push(ClaimRecord {
                        key: claim_pda(&c.key, state.claim_count),
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
                let state: Claim = self.m.t.load(&record.key).await;
                let ok = self.m.t.send(&[ix], &[&key]).await.is_ok();
                let already = record.voters.contains(&assessor);
                // Invariant 5: one ballot per (claim, assessor); no vote outside the window.
                if already || now >= state.voting_end {
                    assert!(!ok, "a second or late vote went through");
                }
                if ok {
                    self.claims[claim].voters.insert(assessor);
                }
            }
            Action::Overturn { claim } => {
                let Some(record) = self.claims.get(claim) else {
                    return;
                };
                let authority = self.m.t.authority.insecure_clone();
                let ix = overturn_claim(&authority.pubkey(), &record.key);
                let _ = self.m.t.send(&[ix], &[&authority]).await;
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
                if self.m.t.send(&[ix], &[]).await.is_ok() {
                    let received = self.m.t.balance(&owner_token).await - before;
                    self.covers[cover].paid += received - state.deposit;
                    // Invariant 1: Σ payouts of a cover ≤ its amount.
                    assert!(self.covers[cover].paid <= self.covers[cover].amount);
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
                let ix = close_claim(
                    &payer,
                    &self.cover_keys(record.cover),
                    &record.key,
                    &c.owner_token,
                );
                let _ = self.m.t.send(&[ix], &[]).await;
            }
            Action::Warp { hours } => {
                self.m.t.warp_to_time(now + hours * 3_600).await;
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
        }
    }

    async fn pool_product(&mut self) -> PoolProduct {
        let key = pool_product_pda(&self.m.pool.keys.pool, self.m.product_id);
        self.m.t.load_zc(&key).await
    }

    /// Backing allocated and live stake per live tranche, current tranche first.
    async fn tranche_books(&mut self) -> Vec<(u64, u64)> {
        let now = self.m.t.now().await;
        let current = bulwark::math::tranche::tranche_at(now).unwrap();
        let mut pool = self.pool().await;
        let mut pp = self.pool_product().await;
        pool.roll_forward(now).unwrap();
        pp.roll_forward(now).unwrap();
        (current..current + 8)
            .map(|t| (pp.allocation_in(t), pool.live_stake(t)))
            .collect()
    }

    /// Invariant 11, from the raw books: the most by which, from some live tranche on, the
    /// backing sold exceeds `weight`% of the stake there (0 when the bound holds).
    fn shortfall(books: &[(u64, u64)], weight: u16) -> u128 {
        (0..books.len())
            .map(|k| {
                let (backing, stake) = books[k..].iter().fold((0u128, 0u128), |(a, s), (b, t)| {
                    (a + u128::from(*b), s + u128::from(*t))
                });
                (100 * backing).saturating_sub(u128::from(weight) * stake)
            })
            .max()
            .unwrap_or(0)
    }

    /// Invariant 11 around a purchase: before any payout the cumulative bound holds; after a
    /// payout left a shortfall, no purchase adds to it.
    async fn check_capacity(&mut self, before: &[(u64, u64)]) {
        let pp = self.pool_product().await;
        pp.invariant().unwrap();
        let after = self.tranche_books().await;
        let weight = pp.effective_weight;
        assert!(
            Self::shortfall(&after, weight) <= Self::shortfall(before, weight),
            "purchase oversold: {before:?} -> {after:?} at weight {weight}"
        );
    }

    /// Invariants checked after every step.
    async fn check(&mut self) {
        let pool = self.pool().await;
        pool.invariant().unwrap();
        // Invariant 6: the vault holds exactly what the pool owes (no donations here).
        let vault = self.m.t.balance(&self.m.pool.keys.vault).await;
        assert_eq!(vault, pool.liabilities().unwrap(), "conservation");
        // Nothing is created or lost: every minted token is in a known account.
        let mut total = 0;
        for account in self.accounts.clone() {
            total += self.m.t.balance(&account).await;
        }
        assert_eq!(total, self.minted, "tokens conserved");
        // Invariant 7: rewards paid never exceed what was streamed in.
        assert!(self.rewards_paid <= self.rewards_streamed);
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
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let mut w = world().await;
            for action in &actions {
                w.step(action).await;
                w.check().await;
            }
            if std::env::var("BULWARK_STATEFUL_VERBOSE").is_ok() {
                let paid = w.covers.iter().filter(|c| c.paid > 0).count();
                let withdrawals: u64 = w.stakers.iter().map(|s| s.position).sum();
                eprintln!(
                    "steps {}: covers {}, claims {}, paid {paid}, withdrawals {withdrawals}, rewards paid {}",
                    actions.len(), w.covers.len(), w.claims.len(), w.rewards_paid
                );
            }
        });
    }
}
