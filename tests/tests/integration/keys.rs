//! Compute units as users meet them. A PDA an instruction creates costs 1,500 CU per bump the
//! runtime tries, so a transaction's cost depends on its addresses: the suite's deterministic
//! keys show one point of that range. This bench replays each budgeted transaction with fresh
//! seeded-random keys (`BULWARK_BENCH_KEYS` key sets, 200 by default; `BULWARK_BENCH_SEED`,
//! fixed in `.ci/run`) in one bank and records every run, so `benches/compute-units.md` gives
//! the median, p99 and maximum of each and the budgets apply to p99.

use crate::fixtures::*;
use anchor_lang::prelude::Pubkey;
use bulwark::instructions::{BuyCoverArgs, DepositStakeArgs};
use bulwark::math::tranche::tranche_end;
use bulwark::state::Claim;
use bulwark_testing::builders::*;
use bulwark_testing::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// A seed's sequence of keys and key-like numbers.
struct Keys(SplitMix);

impl Keys {
    fn next(&mut self) -> u64 {
        self.0.next()
    }

    fn keypair(&mut self) -> Keypair {
        let mut secret = [0u8; 32];
        for chunk in secret.chunks_mut(8) {
            chunk.copy_from_slice(&self.next().to_le_bytes());
        }
        Keypair::new_from_array(secret)
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A keypair with lamports and its associated token account on `mint` holding `amount`.
async fn fund(t: &mut TestContext, key: &Keypair, mint: &Pubkey, amount: u64) -> Pubkey {
    t.fund(&key.pubkey(), 1_000_000_000).await;
    let token = t.create_associated_token_account(&key.pubkey(), mint).await;
    if amount > 0 {
        t.mint_to(mint, &token, amount).await;
    }
    token
}

/// One key set: a staker with a new position in the far tranche and one in the current
/// tranche (withdrawn later), a buyer with three covers (one pool, with commission, four
/// pools), an assessor.
struct KeySet {
    staker: Keypair,
    staker_token: Pubkey,
    position: u64,
    buyer: Keypair,
    buyer_token: Pubkey,
    nonce: u64,
    assessor: Keypair,
}

#[tokio::test]
#[cfg_attr(
    not(bulwark_sbf),
    ignore = "compute units exist only on the SBF build: run with BULWARK_SBF=1"
)]
async fn compute_units_over_random_keys() {
    let runs = env_u64("BULWARK_BENCH_KEYS", 200);
    let mut keys = Keys(SplitMix(env_u64("BULWARK_BENCH_SEED", 20_261_202)));
    let mut m = market(100_000_000 * UNIT).await;
    let pools = {
        let mut pools = vec![m.pool.keys.pool];
        pools.extend(m.more_pools(&[260, 270, 280], 100_000_000 * UNIT).await);
        pools
    };
    let mint = m.mint;
    let current = m.t.current_tranche().await;
    let distributor = keys.keypair();
    let distributor_token = fund(&mut m.t, &distributor, &mint, 0).await;
    let assessment_mint = m.t.assessment_mint;
    let keys_of_pool = m.pool.keys;
    let product_id = m.product_id;
    // A blind-vote product on the market's pool: each key set also commits and reveals.
    let blind_product = m
        .list_product(bulwark::state::ProductTerms {
            blind_votes: true,
            ..default_terms()
        })
        .await;
    let buy_blind = |set: &KeySet| {
        buy_cover(
            &set.buyer.pubkey(),
            &set.buyer_token,
            &mint,
            &spl_token::ID,
            &[keys_of_pool.pool],
            None,
            cover_args(
                set.nonce + 3,
                set.buyer.pubkey(),
                blind_product,
                vec![1_000 * UNIT],
                YEAR,
            ),
        )
    };
    let buy = |set: &KeySet, nonce: u64, pools: &[Pubkey], commission: bool| {
        let parts = vec![1_000 * UNIT; pools.len()];
        buy_cover(
            &set.buyer.pubkey(),
            &set.buyer_token,
            &mint,
            &spl_token::ID,
            pools,
            commission.then_some(distributor_token),
            BuyCoverArgs {
                commission_bps: if commission { 1_000 } else { 0 },
                ..cover_args(nonce, set.buyer.pubkey(), product_id, parts, YEAR)
            },
        )
    };

    // Every pool sells on its leverage line, as a client cranks it before buying.
    m.grant(&pools).await;
    let mut sets = Vec::new();
    for _ in 0..runs {
        let staker = keys.keypair();
        let staker_token = fund(&mut m.t, &staker, &mint, 2_000 * UNIT).await;
        let buyer = keys.keypair();
        let buyer_token = fund(&mut m.t, &buyer, &mint, 1_000 * UNIT).await;
        let assessor = keys.keypair();
        let assessor_token = fund(&mut m.t, &assessor, &assessment_mint, UNIT).await;
        let set = KeySet {
            staker,
            staker_token,
            position: keys.next(),
            buyer,
            buyer_token,
            nonce: keys.next() >> 2,
            assessor,
        };
        for (position, tranche) in [(set.position, m.far), (set.position ^ 1, current)] {
            let ix = deposit_stake(
                &set.staker.pubkey(),
                &keys_of_pool,
                &set.staker_token,
                DepositStakeArgs {
                    position_id: position,
                    tranche_id: tranche,
                    amount: 1_000 * UNIT,
                },
            );
            let outcome = m.t.send_ok(&[ix], &[&set.staker]).await;
            record_compute_units("deposit_stake (new position)", &outcome);
        }
        for (offset, cover_pools, commission, label) in [
            (0, &pools[..1], false, "buy_cover (1 pool)"),
            (1, &pools[..1], true, "buy_cover (1 pool, with commission)"),
            (2, &pools[..], false, "buy_cover (4 pools)"),
        ] {
            let ix = buy(&set, set.nonce + offset, cover_pools, commission);
            let outcome = m.t.send_ok(&[ix], &[&set.buyer]).await;
            record_compute_units(label, &outcome);
        }
        m.t.send_ok(&[buy_blind(&set)], &[&set.buyer]).await;
        let ix = stake_assessor(
            &set.assessor.pubkey(),
            &assessment_mint,
            &assessor_token,
            &spl_token::ID,
            UNIT,
        );
        m.t.send_ok(&[ix], &[&set.assessor]).await;
        sets.push(set);
    }

    // Claims on the one-pool covers, one vote each: one assessor's token is well under the
    // quorum's share of all of theirs, so the share is off and the floor (one token) holds.
    let treasury = m.t.treasury;
    let params = bulwark::state::ProtocolParams {
        quorum_bps: 0,
        ..kit_params()
    };
    m.t.update_config(params, treasury).await;
    m.t.next_slot().await;
    let mut claims = Vec::new();
    let mut blind_claims = Vec::new();
    for set in &sets {
        let cover = CoverKeys {
            cover: cover_pda(&set.buyer.pubkey(), set.nonce),
            product_id,
            mint,
            token_program: spl_token::ID,
            pools: pools[..1].to_vec(),
        };
        let incident = m.t.cover_start(&cover.cover).await;
        let ix = file_claim(
            &set.buyer.pubkey(),
            &cover,
            0,
            &set.buyer_token,
            claim_args(10 * UNIT, incident),
        );
        let outcome = m.t.send_ok(&[ix], &[&set.buyer]).await;
        record_compute_units("file_claim", &outcome);
        let claim = claim_pda(&cover.cover, 0);
        let outcome =
            m.t.send_ok(
                &[vote(&set.assessor.pubkey(), &claim, true)],
                &[&set.assessor],
            )
            .await;
        record_compute_units("vote", &outcome);
        claims.push((cover, claim));
        let blind = CoverKeys {
            cover: cover_pda(&set.buyer.pubkey(), set.nonce + 3),
            product_id: blind_product,
            ..claims.last().unwrap().0.clone()
        };
        let incident = m.t.cover_start(&blind.cover).await;
        let ix = file_claim(
            &set.buyer.pubkey(),
            &blind,
            0,
            &set.buyer_token,
            claim_args(10 * UNIT, incident),
        );
        m.t.send_ok(&[ix], &[&set.buyer]).await;
        let blind_claim = claim_pda(&blind.cover, 0);
        let salt = set.assessor.pubkey().to_bytes();
        let commitment = bulwark::state::Ballot::commitment_of(
            &blind_claim,
            &set.assessor.pubkey(),
            true,
            &salt,
        );
        let ix = commit_vote(&set.assessor.pubkey(), &blind_claim, commitment, None);
        let outcome = m.t.send_ok(&[ix], &[&set.assessor]).await;
        record_compute_units("commit_vote", &outcome);
        blind_claims.push((blind_claim, salt));
    }

    // The blind ballots, revealed by their voters in the reveal window.
    let first: Claim = m.t.load(&blind_claims[0].0).await;
    m.t.warp_to_time(first.voting_end + 3_600).await;
    for (set, (claim, salt)) in sets.iter().zip(&blind_claims) {
        let args = bulwark::instructions::RevealVoteArgs {
            accept: true,
            salt: *salt,
            reason_hash: [0; 32],
            reason_uri: String::new(),
        };
        let voter = &set.assessor;
        let outcome =
            m.t.send_ok(&[reveal_vote(&voter.pubkey(), claim, args)], &[voter])
                .await;
        record_compute_units("reveal_vote", &outcome);
    }

    // Payouts, half cranked by their owners, half by a third party to the owners' associated
    // token accounts (which the program then re-derives).
    let last: Claim = m.t.load(&claims.last().unwrap().1).await;
    m.t.warp_to_time(last.cooldown_end().unwrap()).await;
    let payer = m.t.payer().pubkey();
    for (index, (set, (cover, claim))) in sets.iter().zip(&claims).enumerate() {
        let before = m.t.balance(&set.buyer_token).await;
        let by_owner = index % 2 == 0;
        let caller = if by_owner { set.buyer.pubkey() } else { payer };
        let ix = redeem_payout(&caller, cover, claim, &set.buyer_token, &set.buyer_token);
        let (outcome, label) = if by_owner {
            let outcome = m.t.send_ok(&[ix], &[&set.buyer]).await;
            (outcome, "redeem_payout (1 pool, by the owner)")
        } else {
            (
                m.t.send_ok(&[ix], &[]).await,
                "redeem_payout (1 pool, third party)",
            )
        };
        record_compute_units(label, &outcome);
        // The claim (10) and its deposit (the mint's minimum, 1) come back.
        assert_eq!(m.t.balance(&set.buyer_token).await, before + 11 * UNIT);
    }

    // Members: a first deposit (creating the share account), a second, an exit request at a
    // random exit id; once the delay passed and the cranks returned the lapsed lines, the exits.
    let mut members = Vec::new();
    for _ in 0..runs {
        let member = keys.keypair();
        let token = fund(&mut m.t, &member, &mint, 2 * UNIT).await;
        let exit_id = keys.next();
        // The member's client creates the share account first (idempotent), in the same
        // transaction as the first deposit.
        let create = create_share_account(&member.pubkey(), &member.pubkey(), &mint);
        for (label, first) in [
            ("deposit_capital (creates the share account)", true),
            ("deposit_capital (existing share account)", false),
        ] {
            let ix = deposit_capital(&member.pubkey(), &mint, &spl_token::ID, &token, UNIT, 0);
            let ixs = if first {
                vec![create.clone(), ix]
            } else {
                vec![ix]
            };
            let outcome = m.t.send_ok(&ixs, &[&member]).await;
            record_compute_units(label, &outcome);
        }
        let ix = request_capital_exit(&member.pubkey(), &mint, exit_id, UNIT);
        let outcome = m.t.send_ok(&[ix], &[&member]).await;
        record_compute_units("request_capital_exit", &outcome);
        members.push((member, token, exit_id));
    }
    m.t.warp_days(i64::from(bulwark::constants::DEFAULT_CAPITAL_EXIT_DELAY) / DAY)
        .await;
    for pool in &pools {
        let ix = grant_leverage(&payer, pool, &mint, 0);
        let outcome = m.t.send_ok(&[ix], &[]).await;
        record_compute_units("grant_leverage", &outcome);
    }
    for (member, token, exit_id) in &members {
        let ix = execute_capital_exit(&member.pubkey(), &mint, &spl_token::ID, *exit_id, token);
        let outcome = m.t.send_ok(&[ix], &[member]).await;
        record_compute_units("execute_capital_exit", &outcome);
    }

    // Withdrawals of the current tranche's positions once it ended.
    m.t.warp_to_time(tranche_end(current).unwrap()).await;
    m.t.send_ok(&[archive_tranche(&payer, &keys_of_pool.pool, current)], &[])
        .await;
    for set in &sets {
        let ix = withdraw_stake(
            &set.staker.pubkey(),
            &keys_of_pool,
            set.position ^ 1,
            current,
            &payer,
            &set.staker_token,
        );
        let outcome = m.t.send_ok(&[ix], &[&set.staker]).await;
        record_compute_units("withdraw_stake", &outcome);
    }
}
