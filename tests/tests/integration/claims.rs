//! stake_assessor, unstake_assessor, file_claim, vote, overturn_claim, redeem_payout,
//! close_claim, settle_ballot, slash_ballot.

use crate::fixtures::*;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use bulwark::constants::*;
use bulwark::error::BulwarkError;
use bulwark::events::*;
use bulwark::instructions::FileClaimArgs;
use bulwark::math::tranche::tranche_end;
use bulwark::state::{
    Assessor, Ballot, CapitalPool, Claim, Config, Cover, Pool, PoolProduct, ProductTerms,
    ProtocolParams, StakePosition,
};
use bulwark_testing::builders::*;
use bulwark_testing::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// A market with one cover of `amount` bought by the buyer (who owns it).
struct Insured {
    m: Market,
    keys: CoverKeys,
}

async fn insured(amount: u64) -> Insured {
    insured_in(market(1_000_000 * UNIT).await, amount).await
}

/// [`insured`] in a market of 1,000,000 stake and `m`'s capital pool.
async fn insured_in(mut m: Market, amount: u64) -> Insured {
    m.buy(m.cover_of(1, amount, YEAR)).await;
    let keys = m.cover_keys(1, vec![m.pool.keys.pool]);
    Insured { m, keys }
}

impl Insured {
    /// The buyer's claim `index` of `amount` for a loss when the cover started.
    async fn file(&mut self, index: u32, amount: u64) -> TxOutcome {
        let ix = self.file_ix(index, amount, None).await;
        let buyer = self.m.buyer.insecure_clone();
        self.m.t.send_ok(&[ix], &[&buyer]).await
    }

    async fn file_err(&mut self, index: u32, amount: u64, err: BulwarkError) {
        let ix = self.file_ix(index, amount, None).await;
        let buyer = self.m.buyer.insecure_clone();
        self.m.t.send_err(ix, &[&buyer], err).await;
    }

    /// `file_claim` by the buyer for a loss at `incident` (default: when the cover started).
    async fn file_ix(&mut self, index: u32, amount: u64, incident: Option<i64>) -> Instruction {
        let incident = match incident {
            Some(time) => time,
            None => self.m.t.cover_start(&self.keys.cover).await,
        };
        file_claim(
            &self.m.buyer.pubkey(),
            &self.keys,
            index,
            &self.m.buyer_token,
            claim_args(amount, incident),
        )
    }

    /// A token account of the buyer's other than its associated one.
    async fn buyer_side_account(&mut self) -> Pubkey {
        let buyer = self.m.buyer.pubkey();
        let mint = self.m.mint;
        self.m.t.create_token_account(&buyer, &mint).await
    }

    fn claim(&self, index: u32) -> Pubkey {
        claim_pda(&self.keys.cover, index)
    }

    fn redeem_ix(&self, index: u32) -> anchor_lang::solana_program::instruction::Instruction {
        redeem_payout(
            &self.m.t.payer().pubkey(),
            &self.keys,
            &self.claim(index),
            &self.m.buyer_token,
            &self.m.buyer_token,
        )
    }

    async fn vote(&mut self, who: &Keypair, index: u32, accept: bool) -> TxOutcome {
        let ix = vote(&who.pubkey(), &self.claim(index), accept);
        self.m.t.send_ok(&[ix], &[who]).await
    }
}

#[tokio::test]
async fn full_lifecycle_stake_buy_claim_vote_payout_withdraw() {
    let mut s = insured(100_000 * UNIT).await;
    let premium = reference_premium(100_000 * UNIT, 250, YEAR);
    // A sweep pays the treasury and the capital pool; the assessment share of the premium
    // (10%) stays in the pool, for its claims' assessors.
    let treasury = s.m.t.treasury;
    let treasury_token = s.m.t.create_token_account(&treasury, &s.m.mint).await;
    let payer = s.m.t.payer().pubkey();
    s.m.t
        .send_ok(&[sweep_fees(&payer, &s.m.pool.keys, &treasury_token)], &[])
        .await;
    let pool: Pool = s.m.t.load_zc(&s.m.pool.keys.pool).await;
    assert_eq!(
        (pool.assessment_accrued, pool.assessor_rewards),
        (premium / 10, 0)
    );

    let (alice, _) = s.m.t.assessor(2 * UNIT).await;
    let (bob, _) = s.m.t.assessor(UNIT).await;

    // File: deposit = max(1 UNIT, 0.5% of 40,000) = 200.
    let buyer_before = s.m.t.balance(&s.m.buyer_token).await;
    let vault_before = s.m.t.balance(&s.m.pool.keys.vault).await;
    let outcome = s.file(0, 40_000 * UNIT).await;
    record_compute_units("file_claim", &outcome);
    let deposit = 200 * UNIT;
    assert_eq!(
        s.m.t.balance(&s.m.buyer_token).await,
        buyer_before - deposit
    );
    assert_eq!(
        s.m.t.balance(&s.m.pool.keys.vault).await,
        vault_before + deposit
    );
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert_eq!(
        (claim.requested_amount, claim.deposit),
        (40_000 * UNIT, deposit)
    );
    assert_eq!(claim.claimant, s.m.buyer.pubkey());
    // The reward: 0.5% of 40,000 is 200, but at most the cover's assessment premium for
    // 40% of the cover: 250 × 40% = 100, reserved from the pool's assessment share.
    assert_eq!(claim.assessor_reward, 100 * UNIT);
    assert_eq!(claim.reward_reserved, 100 * UNIT);
    let pool: Pool = s.m.t.load_zc(&s.m.pool.keys.pool).await;
    assert_eq!(
        (pool.assessment_accrued, pool.assessor_rewards),
        (premium / 10 - 100 * UNIT, 100 * UNIT)
    );
    let filed_at = s.m.t.now().await;
    assert_eq!(claim.voting_end, filed_at + 3 * DAY);
    let cover: Cover = s.m.t.load(&s.keys.cover).await;
    assert!(cover.open_claim);
    assert_eq!(pool.claim_deposits, deposit);
    if sbf_mode() {
        let event = &outcome.events_of::<ClaimFiled>()[0];
        assert_eq!(
            (event.deposit, event.assessor_reward, event.quorum),
            (deposit, 100 * UNIT, UNIT)
        );
    }

    // Votes: 2 accept, 1 deny.
    let outcome = s.vote(&alice, 0, true).await;
    record_compute_units("vote", &outcome);
    s.vote(&bob, 0, false).await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert_eq!(
        (claim.accept_weight, claim.deny_weight, claim.voters),
        (2 * UNIT, UNIT, 2)
    );
    let alice_state: Assessor = s.m.t.load(&assessor_pda(&alice.pubkey())).await;
    assert_eq!(
        alice_state.locked_until,
        claim.latest_voting_end + DAY + 14 * DAY
    );
    if sbf_mode() {
        let events = outcome.events_of::<VoteCast>();
        assert_eq!((events[0].weight, events[0].accept), (2 * UNIT, true));
    }

    // Payout only after the cooldown.
    s.m.t.warp_to_time(claim.voting_end).await;
    let ix = s.redeem_ix(0);
    s.m.t.send_err(ix, &[], BulwarkError::OutcomeNotFinal).await;
    s.m.t.warp_to_time(claim.voting_end + DAY).await;
    let owner_before = s.m.t.balance(&s.m.buyer_token).await;
    let vault_before = s.m.t.balance(&s.m.pool.keys.vault).await;
    let capital_vault = capital_vault_pda(&s.m.mint);
    let capital_before = s.m.t.balance(&capital_vault).await;
    let ix = s.redeem_ix(0);
    let outcome = s.m.t.send_ok(&[ix], &[]).await;
    record_compute_units("redeem_payout (1 pool)", &outcome);
    assert_eq!(
        s.m.t.balance(&s.m.buyer_token).await,
        owner_before + 40_000 * UNIT + deposit
    );
    // Sold at 2x on the leverage line: the stake pays 40,000 ÷ 2, the capital pool the rest.
    assert_eq!(
        s.m.t.balance(&s.m.pool.keys.vault).await,
        vault_before - 20_000 * UNIT - deposit
    );
    assert_eq!(
        s.m.t.balance(&capital_vault).await,
        capital_before - 20_000 * UNIT
    );
    let pool: Pool = s.m.t.load_zc(&s.m.pool.keys.pool).await;
    assert_eq!(pool.total_stake, 980_000 * UNIT);
    assert_eq!(pool.slot(s.m.far).unwrap().stake, 980_000 * UNIT);
    assert_eq!(pool.claim_deposits, 0);
    // The leverage of the cover paid out no longer holds the line: 30,000 of it is used.
    assert_eq!(pool.line.used, 30_000 * UNIT);
    let cover: Cover = s.m.t.load(&s.keys.cover).await;
    assert_eq!(cover.remaining, 60_000 * UNIT);
    assert!(!cover.open_claim);
    assert_eq!(cover.allocations[0].amount, 60_000 * UNIT);
    let pp: PoolProduct =
        s.m.t
            .load_zc(&pool_product_pda(&s.m.pool.keys.pool, s.m.product_id))
            .await;
    // 60,000 of cover at 2x occupies 30,000 of stake.
    assert_eq!(pp.allocation_in(s.m.far), 30_000 * UNIT);
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert!(claim.paid && claim.closed);
    assert_eq!(
        (
            claim.paid_amount,
            claim.staker_paid,
            claim.capital_paid,
            claim.owed
        ),
        (40_000 * UNIT, 20_000 * UNIT, 20_000 * UNIT, 0)
    );
    if sbf_mode() {
        let event = &outcome.events_of::<PayoutRedeemed>()[0];
        assert_eq!(event.paid_per_pool, vec![20_000 * UNIT]);
        assert_eq!(
            (event.staker_paid, event.capital_paid, event.owed),
            (20_000 * UNIT, 20_000 * UNIT, 0)
        );
        assert_eq!(event.deposit_refunded, deposit);
    }
    let ix = s.redeem_ix(0);
    s.m.t
        .send_err(ix, &[], BulwarkError::ClaimAlreadyPaid)
        .await;

    // Each ballot is settled once, by anyone: Alice voted for the outcome and takes the whole
    // reward (the accepting side's only weight); Bob, on the losing side, nothing.
    for (who, expected, label) in [
        (&alice, 100 * UNIT, "settle_ballot (reward)"),
        (&bob, 0, "settle_ballot (nothing)"),
    ] {
        let token = s.m.t.create_token_account(&who.pubkey(), &s.m.mint).await;
        let ix = settle_ballot(
            &who.pubkey(),
            &s.claim(0),
            &s.m.pool.keys.pool,
            &s.m.mint,
            &who.pubkey(),
            &token,
            &spl_token::ID,
        );
        let outcome = s.m.t.send_ok(&[ix], &[who]).await;
        record_compute_units(label, &outcome);
        assert_eq!(s.m.t.balance(&token).await, expected);
        assert!(!s.m.t.exists(&ballot_pda(&s.claim(0), &who.pubkey())).await);
        let assessor: Assessor = s.m.t.load(&assessor_pda(&who.pubkey())).await;
        assert_eq!(assessor.open_ballots, 0);
        if sbf_mode() {
            let event = &outcome.events_of::<BallotSettled>()[0];
            assert_eq!((event.reward, event.released), (expected, 0));
        }
    }
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert_eq!((claim.ballots_settled, claim.reward_reserved), (2, 0));
    let pool: Pool = s.m.t.load_zc(&s.m.pool.keys.pool).await;
    assert_eq!(
        (pool.assessment_accrued, pool.assessor_rewards),
        (premium / 10 - 100 * UNIT, 0)
    );

    // The staker bore its half of the loss: its tranche pays 980,000 plus every streamed reward.
    let far_end = tranche_end(s.m.far).unwrap();
    s.m.t.warp_to_time(far_end).await;
    let pool: Pool = s.m.t.load_zc(&s.m.pool.keys.pool).await;
    let reserved = pool.rewards_reserved;
    let staker = s.m.staker.insecure_clone();
    let staker_token = s.m.staker_token;
    let payer = s.m.t.payer().pubkey();
    let staker_before = s.m.t.balance(&staker_token).await;
    s.m.t
        .send_ok(
            &[
                archive_tranche(&payer, &s.m.pool.keys.pool, s.m.far),
                withdraw_stake(
                    &staker.pubkey(),
                    &s.m.pool.keys,
                    0,
                    s.m.far,
                    &payer,
                    &staker_token,
                ),
            ],
            &[&staker],
        )
        .await;
    let received = s.m.t.balance(&staker_token).await - staker_before;
    let pool: Pool = s.m.t.load_zc(&s.m.pool.keys.pool).await;
    let rewards = received - 980_000 * UNIT;
    // All of the stream reached the only staker, but for the rounding dust of each accrual step.
    assert_eq!(pool.rewards_reserved, reserved - rewards);
    assert!(
        pool.rewards_reserved <= 64,
        "dust left: {}",
        pool.rewards_reserved
    );
    assert_eq!(pool.total_stake, 0);
    assert_eq!(
        s.m.t.balance(&s.m.pool.keys.vault).await,
        pool.liabilities().unwrap()
    );
}

#[tokio::test]
async fn each_claim_rule_fails_with_its_own_error() {
    let mut s = insured(100_000 * UNIT).await;
    let (alice, _) = s.m.t.assessor(2 * UNIT).await;

    // Non-owner.
    let (stranger, stranger_token) = s.m.t.funded_user(&s.m.mint, 1_000 * UNIT).await;
    let incident = s.m.t.cover_start(&s.keys.cover).await;
    let ix = file_claim(
        &stranger.pubkey(),
        &s.keys,
        0,
        &stranger_token,
        claim_args(UNIT, incident),
    );
    s.m.t
        .send_err(ix, &[&stranger], BulwarkError::NotCoverOwner)
        .await;
    // Above remaining, zero, overlong evidence.
    s.file_err(0, 100_000 * UNIT + 1, BulwarkError::ClaimAboveRemaining)
        .await;
    s.file_err(0, 0, BulwarkError::ZeroAmount).await;
    let buyer = s.m.buyer.insecure_clone();
    let long = FileClaimArgs {
        evidence_uri: "x".repeat(MAX_URI_LEN + 1),
        ..claim_args(UNIT, incident)
    };
    let ix = file_claim(&buyer.pubkey(), &s.keys, 0, &s.m.buyer_token, long);
    s.m.t
        .send_err(ix, &[&buyer], BulwarkError::UriTooLong)
        .await;

    // One open claim at a time.
    s.file(0, 10_000 * UNIT).await;
    s.file_err(1, UNIT, BulwarkError::ClaimOpen).await;

    // Voting rules.
    let (bob, _) = s.m.t.assessor(UNIT).await;
    let ix = vote(&bob.pubkey(), &s.claim(0), false);
    s.m.t
        .send_err(ix, &[&bob], BulwarkError::FirstVoteMustAccept)
        .await;
    s.vote(&alice, 0, true).await;
    // A second vote is the voter's mistake, said as such (not the system program's "already
    // in use"), whichever way it goes.
    for accept in [true, false] {
        s.m.t
            .send_err(
                vote(&alice.pubkey(), &s.claim(0), accept),
                &[&alice],
                BulwarkError::AlreadyVoted,
            )
            .await;
    }
    let nobody = s.m.t.user().await;
    let ix = vote(&nobody.pubkey(), &s.claim(0), true);
    s.m.t
        .send_anchor_err(
            ix,
            &[&nobody],
            anchor_lang::error::ErrorCode::AccountNotInitialized,
        )
        .await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    s.m.t.warp_to_time(claim.voting_end).await;
    let ix = vote(&bob.pubkey(), &s.claim(0), false);
    s.m.t
        .send_err(ix, &[&bob], BulwarkError::VotingClosed)
        .await;

    // The assessor's stake is locked until its vote stops mattering.
    let alice_state: Assessor = s.m.t.load(&assessor_pda(&alice.pubkey())).await;
    let mint = s.m.t.assessment_mint;
    let alice_token = s.m.t.create_token_account(&alice.pubkey(), &mint).await;
    let unstake = unstake_assessor(&alice.pubkey(), &mint, &alice_token, &spl_token::ID, UNIT);
    s.m.t
        .send_err(unstake.clone(), &[&alice], BulwarkError::AssessorLocked)
        .await;

    // Overturn only during the cooldown.
    let authority = s.m.t.authority.insecure_clone();
    let outcome =
        s.m.t
            .send_ok(
                &[overturn_claim(
                    &authority.pubkey(),
                    &s.claim(0),
                    &s.m.pool.keys.pool,
                    FRAUD,
                )],
                &[&authority],
            )
            .await;
    if sbf_mode() {
        let event = &outcome.events_of::<ClaimOverturned>()[0];
        assert!(event.voters_accepted && !event.accepted);
        assert_eq!(event.reason_uri, FRAUD);
    }
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert_eq!(claim.overturn_uri, FRAUD);
    s.m.t
        .send_err(
            overturn_claim(&authority.pubkey(), &s.claim(0), &s.m.pool.keys.pool, FRAUD),
            &[&authority],
            BulwarkError::ClaimAlreadyOverturned,
        )
        .await;
    s.m.t
        .send_err(
            overturn_claim(&alice.pubkey(), &s.claim(0), &s.m.pool.keys.pool, FRAUD),
            &[&alice],
            BulwarkError::NotAuthority,
        )
        .await;
    s.m.t.warp_to_time(claim.voting_end + DAY).await;
    s.m.t
        .send_err(
            overturn_claim(&authority.pubkey(), &s.claim(0), &s.m.pool.keys.pool, FRAUD),
            &[&authority],
            BulwarkError::NotInCooldown,
        )
        .await;
    // Overturned to denied: no payout; closing forfeits the deposit to the assessors' share.
    let ix = s.redeem_ix(0);
    s.m.t.send_err(ix, &[], BulwarkError::ClaimDenied).await;
    let pool_before: Pool = s.m.t.load_zc(&s.m.pool.keys.pool).await;
    let caller = s.m.t.payer().pubkey();
    let close = close_claim(&caller, &s.keys, &s.claim(0));
    let outcome = s.m.t.send_ok(std::slice::from_ref(&close), &[]).await;
    record_compute_units("close_claim (denied)", &outcome);
    let pool: Pool = s.m.t.load_zc(&s.m.pool.keys.pool).await;
    assert_eq!(pool.claim_deposits, 0);
    assert_eq!(
        pool.assessment_accrued,
        pool_before.assessment_accrued + 50 * UNIT
    );
    s.m.t.send_err(close, &[], BulwarkError::ClaimClosed).await;

    // Unlocked once the lock passes, but not before its ballot is settled: Alice voted for
    // the overturned outcome, so anyone slashes half its ballot's weight to the treasury.
    s.m.t.warp_to_time(alice_state.locked_until).await;
    s.m.t
        .send_err(
            unstake.clone(),
            &[&alice],
            BulwarkError::AssessorHasOpenBallots,
        )
        .await;
    let treasury = s.m.t.treasury;
    let treasury_stake = s.m.t.create_token_account(&treasury, &mint).await;
    let slash = slash_ballot(
        &caller,
        &s.claim(0),
        &alice.pubkey(),
        &mint,
        &treasury_stake,
        &spl_token::ID,
    );
    let outcome = s.m.t.send_ok(&[slash], &[]).await;
    record_compute_units("slash_ballot", &outcome);
    assert_eq!(s.m.t.balance(&treasury_stake).await, UNIT);
    let slashed: Assessor = s.m.t.load(&assessor_pda(&alice.pubkey())).await;
    assert_eq!((slashed.staked, slashed.open_ballots), (UNIT, 0));
    assert!(
        !s.m.t
            .exists(&ballot_pda(&s.claim(0), &alice.pubkey()))
            .await
    );
    let outcome = s.m.t.send_ok(&[unstake], &[&alice]).await;
    record_compute_units("unstake_assessor", &outcome);
    assert_eq!(s.m.t.balance(&alice_token).await, UNIT);
    let too_much = unstake_assessor(
        &alice.pubkey(),
        &mint,
        &alice_token,
        &spl_token::ID,
        2 * UNIT,
    );
    s.m.t
        .send_err(too_much, &[&alice], BulwarkError::UnstakeAboveStake)
        .await;

    // A new claim after the previous one is closed; then no claims after end + grace.
    s.file(1, UNIT).await;
    let cover: Cover = s.m.t.load(&s.keys.cover).await;
    assert_eq!(cover.claim_count, 2);
    let claim: Claim = s.m.t.load(&s.claim(1)).await;
    s.m.t.warp_to_time(claim.voting_end + DAY).await;
    // No votes at all: denied.
    let ix = s.redeem_ix(1);
    s.m.t.send_err(ix, &[], BulwarkError::ClaimDenied).await;
    let close = close_claim(&caller, &s.keys, &s.claim(1));
    s.m.t.send_ok(&[close], &[]).await;
    s.m.t.warp_to_time(cover.claimable_until().unwrap()).await;
    s.file_err(2, UNIT, BulwarkError::ClaimWindowClosed).await;
}

#[tokio::test]
async fn no_claim_in_the_purchase_slot() {
    let mut m = market(1_000_000 * UNIT).await;
    let owner = m.buyer.pubkey();
    let keys = m.cover_keys(7, vec![m.pool.keys.pool]);
    let buy = m.buy_ix(m.cover_of(7, 1_000 * UNIT, YEAR), &[m.pool.keys.pool]);
    let now = m.t.now().await;
    let claim = file_claim(&owner, &keys, 0, &m.buyer_token, claim_args(UNIT, now));
    let buyer = m.buyer.insecure_clone();
    m.t.send_err_at(
        &[buy, claim],
        &[&buyer],
        1,
        BulwarkError::ClaimInPurchaseSlot,
    )
    .await;
}

/// An accepted claim is never dropped: `close_claim` refuses it, and once the cover's
/// `backing_until` has passed the backing stake is free and the capital pool alone pays it —
/// here an empty one, so all of it is owed (the pool sells no shares while it owes) until
/// contributions fund it, paid in two steps.
#[tokio::test]
async fn an_accepted_claim_is_paid_after_its_window_by_the_capital_pool() {
    let m = market_with(1_000_000 * UNIT, 0, spl_token::ID).await;
    let mut s = insured_in(m, 100_000 * UNIT).await;
    let (alice, _) = s.m.t.assessor(2 * UNIT).await;
    s.file(0, 10_000 * UNIT).await;
    s.vote(&alice, 0, true).await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    let caller = s.m.t.payer().pubkey();
    let buyer_token = s.m.buyer_token;
    let close = close_claim(&caller, &s.keys, &s.claim(0));
    s.m.t
        .send_err(close.clone(), &[], BulwarkError::OutcomeNotFinal)
        .await;
    s.m.t
        .warp_to_time(claim.redemption_end().unwrap() - 1)
        .await;
    s.m.t
        .send_err(close.clone(), &[], BulwarkError::ClaimAccepted)
        .await;
    // Paused payouts.
    let authority = s.m.t.authority.insecure_clone();
    s.m.t
        .send_ok(
            &[set_pause(&authority.pubkey(), PAUSE_PAYOUTS)],
            &[&authority],
        )
        .await;
    let ix = s.redeem_ix(0);
    s.m.t.send_err(ix, &[], BulwarkError::PayoutsPaused).await;
    s.m.t
        .send_ok(&[set_pause(&authority.pubkey(), 0)], &[&authority])
        .await;
    // Past the cover's backing: the stake is not touched, the capital pool owes it all.
    let cover: Cover = s.m.t.load(&s.keys.cover).await;
    s.m.t.warp_to_time(cover.backing_until).await;
    let pool_before: Pool = s.m.t.load_zc(&s.m.pool.keys.pool).await;
    let before = s.m.t.balance(&buyer_token).await;
    let ix = s.redeem_ix(0);
    s.m.t.send_ok(&[ix], &[]).await;
    assert_eq!(s.m.t.balance(&buyer_token).await, before + 50 * UNIT);
    let pool: Pool = s.m.t.load_zc(&s.m.pool.keys.pool).await;
    assert_eq!(pool.total_stake, pool_before.total_stake);
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert_eq!(
        (
            claim.paid,
            claim.closed,
            claim.staker_paid,
            claim.capital_paid,
            claim.owed,
            claim.debt_position
        ),
        (true, false, 0, 0, 10_000 * UNIT, 0)
    );
    let cover: Cover = s.m.t.load(&s.keys.cover).await;
    assert_eq!(cover.remaining, 90_000 * UNIT);
    assert!(!cover.open_claim);
    s.m.t
        .send_err(close.clone(), &[], BulwarkError::ClaimAccepted)
        .await;
    let owed = redeem_owed(&caller, &s.keys, &s.claim(0), &buyer_token);
    s.m.t
        .send_err(owed.clone(), &[], BulwarkError::DebtNotFunded)
        .await;
    // Owing everything, the pool sells no shares; 6,000 contributed pays 6,000 of it.
    let (ann, ann_token) = s.m.t.funded_user(&s.m.mint, 10_000 * UNIT).await;
    s.m.t
        .send_ok(
            &[create_share_account(
                &ann.pubkey(),
                &ann.pubkey(),
                &s.m.mint,
            )],
            &[&ann],
        )
        .await;
    let ix = deposit_capital(
        &ann.pubkey(),
        &s.m.mint,
        &spl_token::ID,
        &ann_token,
        UNIT,
        0,
    );
    s.m.t
        .send_err(ix, &[&ann], BulwarkError::CapitalPoolInsolvent)
        .await;
    let contribute =
        |amount| contribute_capital(&ann.pubkey(), &s.m.mint, &spl_token::ID, &ann_token, amount);
    s.m.t.send_ok(&[contribute(6_000 * UNIT)], &[&ann]).await;
    let before = s.m.t.balance(&buyer_token).await;
    let outcome = s.m.t.send_ok(std::slice::from_ref(&owed), &[]).await;
    record_compute_units("redeem_owed", &outcome);
    assert_eq!(s.m.t.balance(&buyer_token).await, before + 6_000 * UNIT);
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert_eq!(
        (
            claim.capital_paid,
            claim.owed,
            claim.debt_position,
            claim.closed
        ),
        (6_000 * UNIT, 4_000 * UNIT, 6_000 * UNIT, false)
    );
    s.m.t
        .send_err(owed.clone(), &[], BulwarkError::DebtNotFunded)
        .await;
    s.m.t.send_ok(&[contribute(4_000 * UNIT)], &[&ann]).await;
    s.m.t.next_slot().await;
    let before = s.m.t.balance(&buyer_token).await;
    s.m.t.send_ok(std::slice::from_ref(&owed), &[]).await;
    assert_eq!(s.m.t.balance(&buyer_token).await, before + 4_000 * UNIT);
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert_eq!(
        (
            claim.paid_amount,
            claim.capital_paid,
            claim.owed,
            claim.closed
        ),
        (10_000 * UNIT, 10_000 * UNIT, 0, true)
    );
    let capital: CapitalPool = s.m.t.load(&capital_pool_pda(&s.m.mint)).await;
    assert_eq!(
        (capital.capital, capital.owed(), capital.claims_paid),
        (0, 0, 10_000 * UNIT)
    );
    assert_eq!(s.m.t.balance(&capital_vault_pda(&s.m.mint)).await, 0);
    s.m.t.send_err(owed, &[], BulwarkError::NothingOwed).await;
    s.m.t.send_err(close, &[], BulwarkError::ClaimClosed).await;
}

#[tokio::test]
async fn a_claimed_cover_is_never_expired_so_a_late_claim_is_still_paid() {
    let mut s = insured(100_000 * UNIT).await;
    let (alice, _) = s.m.t.assessor(2 * UNIT).await;
    let cover: Cover = s.m.t.load(&s.keys.cover).await;
    let until = cover.claimable_until().unwrap();
    // Filed on the last day of the grace period: voting runs past the claim window.
    s.m.t.warp_to_time(until - DAY).await;
    s.file(0, 10_000 * UNIT).await;
    s.vote(&alice, 0, true).await;
    s.m.t.warp_to_time(until).await;
    let payer = s.m.buyer.pubkey();
    let expire = expire_cover(&s.keys.cover, &payer, s.m.product_id, &[s.m.pool.keys.pool]);
    s.m.t
        .send_err(expire.clone(), &[], BulwarkError::CoverHasClaims)
        .await;

    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    s.m.t.warp_to_time(claim.voting_end + DAY).await;
    let before = s.m.t.balance(&s.m.buyer_token).await;
    let ix = s.redeem_ix(0);
    s.m.t.send_ok(&[ix], &[]).await;
    assert_eq!(
        s.m.t.balance(&s.m.buyer_token).await,
        before + 10_000 * UNIT + 50 * UNIT
    );
    // Settled, the cover stays as the claim's record: re-buying at its address is impossible.
    s.m.t
        .send_err(expire, &[], BulwarkError::CoverHasClaims)
        .await;
    let cover: Cover = s.m.t.load(&s.keys.cover).await;
    assert_eq!(
        (cover.remaining, cover.claim_count, cover.open_claim),
        (90_000 * UNIT, 1, false)
    );
}

#[tokio::test]
async fn only_the_recipient_names_a_token_account_other_than_its_associated_one() {
    let mut s = insured(100_000 * UNIT).await;
    let (alice, _) = s.m.t.assessor(2 * UNIT).await;
    s.file(0, 10_000 * UNIT).await;
    s.vote(&alice, 0, true).await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    s.m.t.warp_to_time(claim.voting_end + DAY).await;
    let buyer = s.m.buyer.insecure_clone();
    let ata = s.m.buyer_token;
    // Another token account of the owner (for a program, one it may have no way to move).
    let other = s.buyer_side_account().await;
    let caller = s.m.t.payer().pubkey();
    for (owner_token, claimant_token) in [(other, other), (other, ata), (ata, other)] {
        let ix = redeem_payout(&caller, &s.keys, &s.claim(0), &owner_token, &claimant_token);
        s.m.t
            .send_err(ix, &[], BulwarkError::RecipientNotAssociated)
            .await;
    }
    // The owner, cranking it, may name any of its accounts.
    let ix = redeem_payout(&buyer.pubkey(), &s.keys, &s.claim(0), &other, &other);
    s.m.t.send_ok(&[ix], &[&buyer]).await;
    assert_eq!(s.m.t.balance(&other).await, 10_000 * UNIT + 50 * UNIT);
}

#[tokio::test]
async fn a_token_2022_payout_goes_to_the_owners_associated_account() {
    let mut m = market_on(1_000_000 * UNIT, spl_token_2022::ID).await;
    let owner = m.buyer.pubkey();
    m.buy(m.cover_of(1, 100_000 * UNIT, YEAR)).await;
    let keys = m.cover_keys(1, vec![m.pool.keys.pool]);
    let (alice, _) = m.t.assessor(2 * UNIT).await;
    m.t.next_slot().await;
    let buyer = m.buyer.insecure_clone();
    let incident = m.t.cover_start(&keys.cover).await;
    let ix = file_claim(
        &owner,
        &keys,
        0,
        &m.buyer_token,
        claim_args(10_000 * UNIT, incident),
    );
    m.t.send_ok(&[ix], &[&buyer]).await;
    let claim = claim_pda(&keys.cover, 0);
    m.t.send_ok(&[vote(&alice.pubkey(), &claim, true)], &[&alice])
        .await;
    let state: Claim = m.t.load(&claim).await;
    m.t.warp_to_time(state.voting_end + DAY).await;

    // The buyer's Token-2022 associated account, derived with Token-2022's program id.
    assert_eq!(
        m.buyer_token,
        anchor_spl::associated_token::get_associated_token_address_with_program_id(
            &owner,
            &m.mint,
            &spl_token_2022::ID,
        )
    );
    let caller = m.t.payer().pubkey();
    let other = m.t.create_token_account(&owner, &m.mint).await;
    let ix = redeem_payout(&caller, &keys, &claim, &other, &other);
    m.t.send_err(ix, &[], BulwarkError::RecipientNotAssociated)
        .await;
    let before = m.t.balance(&m.buyer_token).await;
    let ix = redeem_payout(&caller, &keys, &claim, &m.buyer_token, &m.buyer_token);
    m.t.send_ok(&[ix], &[]).await;
    assert_eq!(
        m.t.balance(&m.buyer_token).await,
        before + 10_000 * UNIT + 50 * UNIT
    );
}

#[tokio::test]
async fn a_cover_under_claim_stays_with_the_claimant_who_is_paid() {
    let mut s = insured(100_000 * UNIT).await;
    let (alice, _) = s.m.t.assessor(2 * UNIT).await;
    s.file(0, 10_000 * UNIT).await;
    s.vote(&alice, 0, true).await;
    // The cover cannot change hands while the claim runs: its claimant stays the owner the
    // payout goes to and the key barred from voting on it.
    let heir = s.m.t.user().await;
    let heir_token =
        s.m.t
            .create_associated_token_account(&heir.pubkey(), &s.m.mint)
            .await;
    let buyer = s.m.buyer.insecure_clone();
    let hand_over = transfer_cover(&buyer.pubkey(), &s.keys.cover, &heir.pubkey());
    s.m.t
        .send_err(hand_over.clone(), &[&buyer], BulwarkError::ClaimOpen)
        .await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    s.m.t.warp_to_time(claim.voting_end + DAY).await;
    let caller = s.m.t.payer().pubkey();
    // Paying anyone but the owner is refused.
    let wrong = redeem_payout(&caller, &s.keys, &s.claim(0), &heir_token, &s.m.buyer_token);
    s.m.t
        .send_err(wrong, &[], BulwarkError::WrongRecipient)
        .await;
    // The deposit goes back to the claimant: a third party names its associated token account.
    let stray = s.buyer_side_account().await;
    let ix = redeem_payout(&caller, &s.keys, &s.claim(0), &s.m.buyer_token, &stray);
    s.m.t
        .send_err(ix, &[], BulwarkError::RecipientNotAssociated)
        .await;
    let before = s.m.t.balance(&s.m.buyer_token).await;
    let ix = redeem_payout(
        &caller,
        &s.keys,
        &s.claim(0),
        &s.m.buyer_token,
        &s.m.buyer_token,
    );
    s.m.t.send_ok(&[ix], &[]).await;
    assert_eq!(
        s.m.t.balance(&s.m.buyer_token).await,
        before + 10_000 * UNIT + 50 * UNIT
    );
    // Paid, the claim no longer holds the cover: it may change hands again.
    s.m.t.send_ok(&[hand_over], &[&buyer]).await;
    let cover: Cover = s.m.t.load(&s.keys.cover).await;
    assert_eq!(cover.owner, heir.pubkey());
}

#[tokio::test]
async fn a_claim_states_an_incident_inside_the_cover_after_its_cooling_off() {
    let mut m = market(1_000_000 * UNIT).await;
    // The product gets a 3-day cooling-off before the purchase: the cover copies it, and a
    // later change of the product does not move it.
    let cooling_off = 3 * DAY as u32;
    let authority = m.t.authority.insecure_clone();
    let terms = |cooling_off| ProductTerms {
        cooling_off,
        ..default_terms()
    };
    let product_id = m.product_id;
    let update = |cooling_off| update_product(&authority.pubkey(), product_id, terms(cooling_off));
    m.t.send_ok(&[update(cooling_off)], &[&authority]).await;
    let mut s = insured_in(m, 100_000 * UNIT).await;
    s.m.t.send_ok(&[update(0)], &[&authority]).await;
    let cover: Cover = s.m.t.load(&s.keys.cover).await;
    assert_eq!(cover.cooling_off, cooling_off);
    let cooled = cover.start + i64::from(cooling_off);

    // Two days in, no incident after the cooling-off can have happened yet.
    s.m.t.warp_to_time(cover.start + 2 * DAY).await;
    let buyer = s.m.buyer.insecure_clone();
    for (incident, err) in [
        (cover.start - 1, BulwarkError::IncidentOutsideCover),
        (cover.start, BulwarkError::IncidentInCoolingOff),
        (cooled - 1, BulwarkError::IncidentInCoolingOff),
        (cooled, BulwarkError::IncidentInFuture),
    ] {
        let ix = s.file_ix(0, UNIT, Some(incident)).await;
        s.m.t.send_err(ix, &[&buyer], err).await;
    }
    // In the grace period, an incident at the cover's end is outside it; one a second
    // before is claimable.
    let end = cover.end().unwrap();
    s.m.t.warp_to_time(end + DAY).await;
    let ix = s.file_ix(0, UNIT, Some(end)).await;
    s.m.t
        .send_err(ix, &[&buyer], BulwarkError::IncidentOutsideCover)
        .await;
    assert!(!s.m.t.exists(&s.claim(0)).await);
    let ix = s.file_ix(0, UNIT, Some(end - 1)).await;
    let outcome = s.m.t.send_ok(&[ix], &[&buyer]).await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert_eq!(claim.incident_time, end - 1);
    if sbf_mode() {
        assert_eq!(outcome.events_of::<ClaimFiled>()[0].incident_time, end - 1);
    }
}

#[tokio::test]
async fn the_claimant_cannot_vote_and_a_ballot_needs_the_voters_own_assessor() {
    let mut s = insured(100_000 * UNIT).await;
    let (alice, _) = s.m.t.assessor(UNIT).await;
    // The claimant stakes as an assessor too.
    let buyer = s.m.buyer.insecure_clone();
    let assessment_mint = s.m.t.assessment_mint;
    let buyer_stake =
        s.m.t
            .create_associated_token_account(&buyer.pubkey(), &assessment_mint)
            .await;
    s.m.t.mint_to(&assessment_mint, &buyer_stake, UNIT).await;
    let stake = stake_assessor(
        &buyer.pubkey(),
        &assessment_mint,
        &buyer_stake,
        &spl_token::ID,
        UNIT,
    );
    s.m.t.send_ok(&[stake], &[&buyer]).await;
    s.file(0, 10_000 * UNIT).await;
    let own = vote(&buyer.pubkey(), &s.claim(0), true);
    s.m.t
        .send_err(own, &[&buyer], BulwarkError::ClaimantCannotVote)
        .await;
    // A voter naming another's assessor is refused by its `owner`, not its address.
    let (bob, _) = s.m.t.assessor(UNIT).await;
    let mut borrowed = vote(&bob.pubkey(), &s.claim(0), true);
    swap_account(
        &mut borrowed,
        &assessor_pda(&bob.pubkey()),
        &assessor_pda(&alice.pubkey()),
    );
    s.m.t
        .send_err(borrowed, &[&bob], BulwarkError::NotAssessorOwner)
        .await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert_eq!((claim.voters, claim.accept_weight), (0, 0));
    assert!(
        !s.m.t
            .exists(&ballot_pda(&s.claim(0), &buyer.pubkey()))
            .await
    );
}

/// Governance's reason for the overturns of these tests.
const FRAUD: &str = "ipfs://bulwark/governance/overturn-fraud";

/// Governance changes the config's parameters to `params`.
async fn set_params(t: &mut TestContext, params: ProtocolParams) {
    let treasury = t.treasury;
    t.update_config(params, treasury).await;
}

#[tokio::test]
async fn stake_counts_as_weight_only_once_it_is_of_age() {
    let mut s = insured(100_000 * UNIT).await;
    let age = 2 * DAY as u32;
    set_params(
        &mut s.m.t,
        ProtocolParams {
            assessor_stake_age: age,
            ..kit_params()
        },
    )
    .await;
    let (alice, alice_token) = s.m.t.assessor(UNIT).await;
    let staked_at = s.m.t.now().await;
    let assessor: Assessor = s.m.t.load(&assessor_pda(&alice.pubkey())).await;
    assert_eq!(
        (
            assessor.staked,
            assessor.pending,
            assessor.pending_matures_at
        ),
        (UNIT, UNIT, staked_at + i64::from(age))
    );
    // Locked until of age: stake that raised the quorum of a claim filed meanwhile stays.
    assert_eq!(assessor.locked_until, staked_at + i64::from(age));
    s.file(0, 10_000 * UNIT).await;
    let early = vote(&alice.pubkey(), &s.claim(0), true);
    s.m.t
        .send_err(early, &[&alice], BulwarkError::StakeNotMatured)
        .await;

    // Of age, then topped up: only the top-up waits again, the ballot weighs the rest.
    s.m.t.warp_to_time(staked_at + i64::from(age)).await;
    let assessment_mint = s.m.t.assessment_mint;
    s.m.t
        .mint_to(&assessment_mint, &alice_token, 2 * UNIT)
        .await;
    let top_up = stake_assessor(
        &alice.pubkey(),
        &assessment_mint,
        &alice_token,
        &spl_token::ID,
        2 * UNIT,
    );
    s.m.t.send_ok(&[top_up], &[&alice]).await;
    let now = s.m.t.now().await;
    let assessor: Assessor = s.m.t.load(&assessor_pda(&alice.pubkey())).await;
    assert_eq!(
        (
            assessor.staked,
            assessor.pending,
            assessor.pending_matures_at
        ),
        (3 * UNIT, 2 * UNIT, now + i64::from(age))
    );
    s.vote(&alice, 0, true).await;
    let ballot: Ballot = s.m.t.load(&ballot_pda(&s.claim(0), &alice.pubkey())).await;
    assert_eq!(ballot.weight, UNIT);
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert_eq!(claim.accept_weight, UNIT);
    let config: Config = s.m.t.load(&config_pda()).await;
    assert_eq!(config.total_assessor_stake, 3 * UNIT);
}

#[tokio::test]
async fn the_quorum_is_a_share_of_the_assessor_stake_at_filing() {
    let mut s = insured(100_000 * UNIT).await;
    let (alice, _) = s.m.t.assessor(UNIT).await;
    let (_bob, _) = s.m.t.assessor(29 * UNIT).await;
    s.file(0, 10_000 * UNIT).await;
    // 10% of the 30 tokens staked at filing, above the 1-token floor.
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert_eq!(claim.quorum, 3 * UNIT);
    // Stake added later does not move it.
    let (carol, _) = s.m.t.assessor(100 * UNIT).await;
    let config: Config = s.m.t.load(&config_pda()).await;
    assert_eq!(config.total_assessor_stake, 130 * UNIT);
    s.vote(&alice, 0, true).await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert_eq!(claim.quorum, 3 * UNIT);
    assert!(!claim.voted_accept());
    let (dave, _) = s.m.t.assessor(2 * UNIT).await;
    s.vote(&dave, 0, true).await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert!(claim.voted_accept());
    // Unstaking lowers the total once the votes no longer matter.
    let assessment_mint = s.m.t.assessment_mint;
    let carol_token =
        s.m.t
            .create_associated_token_account(&carol.pubkey(), &assessment_mint)
            .await;
    let ix = unstake_assessor(
        &carol.pubkey(),
        &assessment_mint,
        &carol_token,
        &spl_token::ID,
        40 * UNIT,
    );
    s.m.t.send_ok(&[ix], &[&carol]).await;
    let config: Config = s.m.t.load(&config_pda()).await;
    assert_eq!(config.total_assessor_stake, 92 * UNIT);
}

#[tokio::test]
async fn silent_ending_answers_every_late_flip_up_to_its_cap() {
    let mut s = insured(100_000 * UNIT).await;
    let mut voters = Vec::new();
    for weight in [UNIT, UNIT / 2, 2 * UNIT] {
        voters.push(s.m.t.assessor(weight).await.0);
    }
    s.file(0, 10_000 * UNIT).await;
    s.vote(&voters[0], 0, true).await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    let original_end = claim.voting_end;
    let d = ProtocolParams::default();
    assert_eq!(
        claim.latest_voting_end,
        original_end + i64::from(d.silent_ending_cap)
    );

    // Two days in: a vote that does not flip the outcome changes nothing.
    s.m.t.warp_to_time(original_end - DAY - 10).await;
    s.vote(&voters[1], 0, true).await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert_eq!(claim.voting_end, original_end);

    // One hour before the end a deny flips it: voting now ends a day after that vote.
    s.m.t.warp_to_time(original_end - 3_600).await;
    let outcome = s.vote(&voters[2], 0, false).await;
    let now = s.m.t.now().await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert_eq!(claim.voting_end, now + DAY);
    assert!(!claim.voted_accept());
    if sbf_mode() {
        assert_eq!(outcome.events_of::<VoteCast>()[0].voting_end, now + DAY);
    }

    // Flip after flip, each in the last second of the window the one before opened: the
    // heavier answer one second later is never `VotingClosed` (the sniping case). Each flip
    // moves the end a day (less a second) on, so the ninth reaches the cap: 9 days after the
    // original end, 23 hours of which the first deny already took.
    let (mut accept, mut weight, mut flips) = (true, 4 * UNIT, 0);
    loop {
        let claim: Claim = s.m.t.load(&s.claim(0)).await;
        if claim.voting_end == claim.latest_voting_end {
            break;
        }
        let (voter, _) = s.m.t.assessor(weight).await;
        s.m.t.warp_to_time(claim.voting_end - 1).await;
        s.vote(&voter, 0, accept).await;
        let now = s.m.t.now().await;
        let claim: Claim = s.m.t.load(&s.claim(0)).await;
        assert_eq!(claim.voted_accept(), accept);
        assert_eq!(claim.voting_end, (now + DAY).min(claim.latest_voting_end));
        (accept, weight, flips) = (!accept, 2 * weight, flips + 1);
    }
    assert_eq!(flips, 9);

    // Past the cap no vote counts, however heavy.
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    let (late, _) = s.m.t.assessor(100 * UNIT).await;
    s.m.t.warp_to_time(claim.latest_voting_end).await;
    let ix = vote(&late.pubkey(), &s.claim(0), false);
    s.m.t
        .send_err(ix, &[&late], BulwarkError::VotingClosed)
        .await;
}

#[tokio::test]
async fn the_first_accepting_vote_opens_a_full_voting_period() {
    let mut s = insured(100_000 * UNIT).await;
    let (alice, _) = s.m.t.assessor(UNIT / 2).await;
    s.file(0, 10_000 * UNIT).await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    let d = ProtocolParams::default();
    assert_eq!(claim.voting_period, d.voting_period);
    let cover: Cover = s.m.t.load(&s.keys.cover).await;
    assert_eq!(claim.incident_time, cover.start);
    // An accept below quorum in the last hour flips nothing, yet deniers get a whole period.
    s.m.t.warp_to_time(claim.voting_end - 3_600).await;
    s.vote(&alice, 0, true).await;
    let now = s.m.t.now().await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert!(!claim.voted_accept());
    assert_eq!(claim.voting_end, now + i64::from(d.voting_period));
    assert!(claim.voting_end <= claim.latest_voting_end);
}

#[tokio::test]
async fn parametric_products_cannot_be_created_until_incidents_can_be_resolved() {
    let mut t = TestContext::new().await;
    let authority = t.authority.insecure_clone();
    t.send_err(
        create_product(
            &authority.pubkey(),
            0,
            bulwark::instructions::CreateProductArgs {
                product_type: bulwark::state::ProductType::Parametric,
                terms: default_terms(),
            },
        ),
        &[&authority],
        BulwarkError::ParametricNotSupported,
    )
    .await;
    assert!(!t.exists(&product_pda(0)).await);
}

#[tokio::test]
async fn multi_pool_payout_is_pro_rata_and_only_backing_tranches_lose() {
    let stake = 100_000 * UNIT;
    let mut m = market(stake).await;
    let mut pools = vec![m.pool.keys.pool];
    pools.extend(m.more_pools(&[250, 250], stake).await);
    // A staker of the current tranche of the first pool: it cannot back a year of cover.
    let current = m.t.current_tranche().await;
    let (early, early_token) = m.t.funded_user(&m.mint, 50_000 * UNIT).await;
    m.t.deposit(
        &early,
        &m.pool.keys,
        &early_token,
        0,
        current,
        50_000 * UNIT,
    )
    .await;

    let owner = m.buyer.pubkey();
    let parts = vec![30_000 * UNIT, 20_000 * UNIT, 50_000 * UNIT];
    let ix = m.buy_ix(cover_args(5, owner, m.product_id, parts, YEAR), &pools);
    let buyer = m.buyer.insecure_clone();
    m.t.send_ok(&[ix], &[&buyer]).await;
    let keys = m.cover_keys(5, pools.clone());
    let mut s = Insured { m, keys };
    let (alice, _) = s.m.t.assessor(2 * UNIT).await;
    s.file(0, 10_000 * UNIT).await;
    s.vote(&alice, 0, true).await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    s.m.t.warp_to_time(claim.voting_end + DAY).await;

    let mut before = Vec::new();
    for pool in &pools {
        before.push(s.m.t.balance(&vault_pda(pool)).await);
    }
    let owner_before = s.m.t.balance(&s.m.buyer_token).await;
    let ix = s.redeem_ix(0);
    let outcome = s.m.t.send_ok(&[ix], &[]).await;
    record_compute_units("redeem_payout (3 pools)", &outcome);
    assert_eq!(
        s.m.t.balance(&s.m.buyer_token).await,
        owner_before + 10_000 * UNIT + 50 * UNIT
    );
    let expected_paid = [3_000 * UNIT, 2_000 * UNIT, 5_000 * UNIT];
    for (i, pool) in pools.iter().enumerate() {
        let refund = if i == 0 { 50 * UNIT } else { 0 };
        assert_eq!(
            s.m.t.balance(&vault_pda(pool)).await,
            before[i] - expected_paid[i] - refund
        );
        let state: Pool = s.m.t.load_zc(pool).await;
        assert_eq!(state.slot(s.m.far).unwrap().stake, stake - expected_paid[i]);
    }
    // The early staker's tranche did not back the cover and lost nothing.
    let state: Pool = s.m.t.load_zc(&pools[0]).await;
    assert_eq!(state.slot(current).unwrap().stake, 50_000 * UNIT);
    let cover: Cover = s.m.t.load(&s.keys.cover).await;
    assert_eq!(cover.remaining, 90_000 * UNIT);
    assert_eq!(
        [
            cover.allocations[0].amount,
            cover.allocations[1].amount,
            cover.allocations[2].amount
        ],
        [27_000 * UNIT, 18_000 * UNIT, 45_000 * UNIT]
    );

    // Passing the pools in another order is refused.
    s.file(1, UNIT).await;
    s.vote(&alice, 1, true).await;
    let claim: Claim = s.m.t.load(&s.claim(1)).await;
    s.m.t.warp_to_time(claim.voting_end + DAY).await;
    let mut shuffled = s.keys.clone();
    shuffled.pools.swap(1, 2);
    let caller = s.m.t.payer().pubkey();
    let ix = redeem_payout(
        &caller,
        &shuffled,
        &s.claim(1),
        &s.m.buyer_token,
        &s.m.buyer_token,
    );
    s.m.t
        .send_err(ix, &[], BulwarkError::WrongRemainingAccounts)
        .await;
    let ix = s.redeem_ix(1);
    s.m.t.send_ok(&[ix], &[]).await;
}

#[tokio::test]
async fn backing_stake_cannot_leave_before_the_claim_can_be_paid() {
    let mut s = insured(100_000 * UNIT).await;
    let (alice, _) = s.m.t.assessor(2 * UNIT).await;
    let cover: Cover = s.m.t.load(&s.keys.cover).await;
    // File at the last second of the claim window.
    s.m.t
        .warp_to_time(cover.claimable_until().unwrap() - 1)
        .await;
    s.file(0, 50_000 * UNIT).await;
    s.vote(&alice, 0, true).await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    // Every tranche backing the cover ends after the claim's last possible payout.
    assert!(tranche_end(cover.first_tranche).unwrap() >= claim.redemption_end().unwrap());
    assert!(cover.backing_until >= claim.redemption_end().unwrap());
    // The staker's tranche has not ended when the payout is due, so it cannot withdraw first.
    s.m.t
        .warp_to_time(claim.redemption_end().unwrap() - 1)
        .await;
    let payer = s.m.t.payer().pubkey();
    s.m.t
        .send_err(
            archive_tranche(&payer, &s.m.pool.keys.pool, s.m.far),
            &[],
            BulwarkError::TrancheNotEnded,
        )
        .await;
    let ix = s.redeem_ix(0);
    s.m.t.send_ok(&[ix], &[]).await;
    let position: StakePosition =
        s.m.t
            .load(&position_pda(&s.m.pool.keys.pool, &s.m.staker.pubkey(), 0))
            .await;
    let pool: Pool = s.m.t.load_zc(&s.m.pool.keys.pool).await;
    let slot = pool.slot(position.tranche_id).unwrap();
    // The stake's part (50,000 ÷ 2) landed on the staker; the capital pool paid the rest.
    assert_eq!(slot.stake, 975_000 * UNIT, "the loss landed on the staker");
}

#[tokio::test]
async fn paused_claims_refuse_filing_and_voting() {
    let mut s = insured(100_000 * UNIT).await;
    let (alice, _) = s.m.t.assessor(UNIT).await;
    let authority = s.m.t.authority.insecure_clone();
    s.m.t
        .send_ok(
            &[set_pause(&authority.pubkey(), PAUSE_CLAIMS)],
            &[&authority],
        )
        .await;
    s.file_err(0, UNIT, BulwarkError::ClaimsPaused).await;
    s.m.t
        .send_ok(&[set_pause(&authority.pubkey(), 0)], &[&authority])
        .await;
    s.file(0, UNIT).await;
    s.m.t
        .send_ok(
            &[set_pause(&authority.pubkey(), PAUSE_CLAIMS)],
            &[&authority],
        )
        .await;
    let ix = vote(&alice.pubkey(), &s.claim(0), true);
    s.m.t
        .send_err(ix, &[&alice], BulwarkError::ClaimsPaused)
        .await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert_eq!(claim.voters, 0);
}

#[tokio::test]
async fn rewards_are_reserved_at_filing_so_two_claims_never_share_them() {
    let stake = 1_000_000 * UNIT;
    let mut m = market(stake).await;
    let mut pools = vec![m.pool.keys.pool];
    pools.extend(m.more_pools(&[250], stake).await);
    // Two covers of 100,000, each split evenly over both pools: the first pool keeps half of
    // each cover's assessment premium and escrows both covers' claims.
    let owner = m.buyer.pubkey();
    let buyer = m.buyer.insecure_clone();
    for nonce in [1, 2] {
        let parts = vec![50_000 * UNIT, 50_000 * UNIT];
        let ix = m.buy_ix(cover_args(nonce, owner, m.product_id, parts, YEAR), &pools);
        m.t.send_ok(&[ix], &[&buyer]).await;
    }
    let (alice, _) = m.t.assessor(UNIT).await;
    let first: Cover = m.t.load(&cover_pda(&owner, 1)).await;
    let second: Cover = m.t.load(&cover_pda(&owner, 2)).await;
    let pool: Pool = m.t.load_zc(&pools[0]).await;
    let held = pool.assessment_accrued;
    assert!(held < first.assessment_premium + second.assessment_premium);
    m.t.next_slot().await;
    let mut claims = Vec::new();
    for (nonce, cover) in [(1, &first), (2, &second)] {
        let keys = m.cover_keys(nonce, pools.clone());
        let ix = file_claim(
            &owner,
            &keys,
            0,
            &m.buyer_token,
            claim_args(100_000 * UNIT, cover.start),
        );
        m.t.send_ok(&[ix], &[&buyer]).await;
        claims.push(claim_pda(&keys.cover, 0));
    }
    // The first claim's reward (0.5% of 100,000 is 500, at most its cover's assessment
    // premium) takes what it is due; the second gets only what the pool still held.
    let one: Claim = m.t.load(&claims[0]).await;
    let two: Claim = m.t.load(&claims[1]).await;
    assert_eq!(one.assessor_reward, first.assessment_premium);
    assert_eq!(two.assessor_reward, held - first.assessment_premium);
    assert!(two.assessor_reward < second.assessment_premium);
    let pool: Pool = m.t.load_zc(&pools[0]).await;
    assert_eq!((pool.assessment_accrued, pool.assessor_rewards), (0, held));
    // Paid exactly what it reserved, once.
    m.t.send_ok(&[vote(&alice.pubkey(), &claims[1], true)], &[&alice])
        .await;
    m.t.warp_to_time(two.cooldown_end().unwrap()).await;
    let alice_token = m.t.create_token_account(&alice.pubkey(), &m.mint).await;
    let settle = settle_ballot(
        &alice.pubkey(),
        &claims[1],
        &pools[0],
        &m.mint,
        &alice.pubkey(),
        &alice_token,
        &spl_token::ID,
    );
    m.t.send_ok(std::slice::from_ref(&settle), &[&alice]).await;
    assert_eq!(m.t.balance(&alice_token).await, two.assessor_reward);
    m.t.send_anchor_err(
        settle,
        &[&alice],
        anchor_lang::error::ErrorCode::AccountNotInitialized,
    )
    .await;
    let pool: Pool = m.t.load_zc(&pools[0]).await;
    assert_eq!(pool.assessor_rewards, one.assessor_reward);
    // The ballot is closed; a vote now would create it afresh, and is refused because voting
    // is over: the weight is never counted twice.
    m.t.send_err(
        vote(&alice.pubkey(), &claims[1], true),
        &[&alice],
        BulwarkError::VotingClosed,
    )
    .await;
}

#[tokio::test]
async fn self_voted_fraud_through_a_second_key_costs_the_deposit_and_the_slash() {
    let mut s = insured(100_000 * UNIT).await;
    // Honest assessors stake 9 tokens; the claimant's second key stakes 1, the tenth of all
    // assessor stake the quorum asks.
    let (_honest, _) = s.m.t.assessor(9 * UNIT).await;
    let (second_key, _) = s.m.t.assessor(UNIT).await;
    let buyer_before = s.m.t.balance(&s.m.buyer_token).await;
    let pool_before: Pool = s.m.t.load_zc(&s.m.pool.keys.pool).await;
    s.file(0, 100_000 * UNIT).await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    // Deposit 0.5% of 100,000; the reward is the cover's whole assessment premium, 250.
    assert_eq!((claim.deposit, claim.quorum), (500 * UNIT, UNIT));
    assert_eq!(claim.assessor_reward, 250 * UNIT);
    s.vote(&second_key, 0, true).await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert!(claim.voted_accept());

    // Governance overturns it as fraud: nobody is rewarded, the reservation goes back.
    s.m.t.warp_to_time(claim.voting_end).await;
    let authority = s.m.t.authority.insecure_clone();
    let ix = overturn_claim(&authority.pubkey(), &s.claim(0), &s.m.pool.keys.pool, FRAUD);
    let outcome = s.m.t.send_ok(&[ix], &[&authority]).await;
    record_compute_units("overturn_claim", &outcome);
    let pool: Pool = s.m.t.load_zc(&s.m.pool.keys.pool).await;
    assert_eq!(
        (pool.assessment_accrued, pool.assessor_rewards),
        (pool_before.assessment_accrued, 0)
    );
    s.m.t.warp_to_time(claim.cooldown_end().unwrap()).await;
    let ix = s.redeem_ix(0);
    s.m.t.send_err(ix, &[], BulwarkError::ClaimDenied).await;

    // The second key's ballot earns nothing and is slashed: half its weight to the treasury.
    let caller = s.m.t.payer().pubkey();
    let reward_token =
        s.m.t
            .create_token_account(&second_key.pubkey(), &s.m.mint)
            .await;
    let settle = settle_ballot(
        &caller,
        &s.claim(0),
        &s.m.pool.keys.pool,
        &s.m.mint,
        &second_key.pubkey(),
        &reward_token,
        &spl_token::ID,
    );
    s.m.t
        .send_err(settle, &[], BulwarkError::BallotSlashable)
        .await;
    let assessment_mint = s.m.t.assessment_mint;
    let treasury = s.m.t.treasury;
    let treasury_stake =
        s.m.t
            .create_token_account(&treasury, &assessment_mint)
            .await;
    let slash = slash_ballot(
        &caller,
        &s.claim(0),
        &second_key.pubkey(),
        &assessment_mint,
        &treasury_stake,
        &spl_token::ID,
    );
    let outcome = s.m.t.send_ok(&[slash], &[]).await;
    assert_eq!(s.m.t.balance(&treasury_stake).await, UNIT / 2);
    let assessor: Assessor = s.m.t.load(&assessor_pda(&second_key.pubkey())).await;
    assert_eq!((assessor.staked, assessor.open_ballots), (UNIT / 2, 0));
    let config: Config = s.m.t.load(&config_pda()).await;
    assert_eq!(config.total_assessor_stake, 9 * UNIT + UNIT / 2);
    if sbf_mode() {
        let event = &outcome.events_of::<BallotSlashed>()[0];
        assert_eq!((event.slashed, event.staked), (UNIT / 2, UNIT / 2));
    }

    // Closing it forfeits the deposit to the pool's assessment share: the attempt cost the
    // claimant 500 and half of its second key's stake, and earned nothing.
    let close = close_claim(&caller, &s.keys, &s.claim(0));
    s.m.t.send_ok(&[close], &[]).await;
    assert_eq!(s.m.t.balance(&reward_token).await, 0);
    assert_eq!(
        s.m.t.balance(&s.m.buyer_token).await,
        buyer_before - 500 * UNIT
    );
    let pool: Pool = s.m.t.load_zc(&s.m.pool.keys.pool).await;
    assert_eq!(
        pool.assessment_accrued,
        pool_before.assessment_accrued + 500 * UNIT
    );
}

#[tokio::test]
async fn claim_accounts_must_be_the_protocols_own() {
    let mut s = insured(100_000 * UNIT).await;
    // Another token account of the assessment mint posing as the assessment vault.
    let assessment_mint = s.m.t.assessment_mint;
    let (alice, alice_token) = s.m.t.funded_user(&assessment_mint, UNIT).await;
    let mut ix = stake_assessor(
        &alice.pubkey(),
        &assessment_mint,
        &alice_token,
        &spl_token::ID,
        UNIT,
    );
    let decoy =
        s.m.t
            .create_token_account(&alice.pubkey(), &assessment_mint)
            .await;
    swap_account(&mut ix, &assessment_vault_pda(), &decoy);
    s.m.t
        .send_err(ix, &[&alice], BulwarkError::WrongAssessmentAccount)
        .await;
    // Another pool posing as the cover's deposit pool.
    let other = s.m.t.open_public_pool(&s.m.mint).await;
    let buyer = s.m.buyer.insecure_clone();
    let mut keys = s.keys.clone();
    keys.pools = vec![other.keys.pool];
    let incident = s.m.t.cover_start(&keys.cover).await;
    let ix = file_claim(
        &buyer.pubkey(),
        &keys,
        0,
        &s.m.buyer_token,
        claim_args(UNIT, incident),
    );
    s.m.t.send_err(ix, &[&buyer], BulwarkError::WrongPool).await;
    // A claim redeemed, closed or paid from the capital pool with another cover than its own.
    s.file(0, UNIT).await;
    let owner = s.m.buyer.pubkey();
    s.m.buy(cover_args(2, owner, s.m.product_id, vec![UNIT], YEAR))
        .await;
    let mut other_cover = s.keys.clone();
    other_cover.cover = cover_pda(&owner, 2);
    let caller = s.m.t.payer().pubkey();
    let token = s.m.buyer_token;
    for ix in [
        redeem_payout(&caller, &other_cover, &s.claim(0), &token, &token),
        close_claim(&caller, &other_cover, &s.claim(0)),
        redeem_owed(&caller, &other_cover, &s.claim(0), &token),
    ] {
        s.m.t.send_err(ix, &[], BulwarkError::WrongCover).await;
    }
}

#[tokio::test]
async fn a_claim_of_the_whole_2x_cover_wipes_the_tranche_and_the_capital_pays_the_rest() {
    let stake = 10_000 * UNIT;
    let mut m = market(stake).await;
    // 2x leverage: the whole capacity is twice the stake.
    m.buy(m.cover_of(1, 2 * stake, YEAR)).await;
    let keys = m.cover_keys(1, vec![m.pool.keys.pool]);
    let mut s = Insured { m, keys };
    let (alice, _) = s.m.t.assessor(UNIT).await;
    s.file(0, 2 * stake).await;
    s.vote(&alice, 0, true).await;
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    s.m.t.warp_to_time(claim.voting_end + DAY).await;
    let before = s.m.t.balance(&s.m.buyer_token).await;
    let ix = s.redeem_ix(0);
    s.m.t.send_ok(&[ix], &[]).await;
    // The review's case: paid in full, the backing tranche its whole stake (the cover's
    // 2 × stake ÷ 2), the capital pool the leverage.
    let deposit = claim.deposit;
    assert_eq!(
        s.m.t.balance(&s.m.buyer_token).await,
        before + 2 * stake + deposit
    );
    let claim: Claim = s.m.t.load(&s.claim(0)).await;
    assert_eq!(
        (
            claim.paid_amount,
            claim.staker_paid,
            claim.capital_paid,
            claim.owed
        ),
        (2 * stake, stake, stake, 0)
    );
    let pool: Pool = s.m.t.load_zc(&s.m.pool.keys.pool).await;
    assert_eq!(pool.slot(s.m.far).unwrap().stake, 0);
    assert_eq!(
        s.m.t.balance(&s.m.pool.keys.vault).await,
        pool.liabilities().unwrap()
    );
    // A tranche with shares and no stake takes no new deposits (they would be diluted to 0).
    let (late, late_token) = s.m.t.funded_user(&s.m.mint, UNIT).await;
    let ix = deposit_stake(
        &late.pubkey(),
        &s.m.pool.keys,
        &late_token,
        bulwark::instructions::DepositStakeArgs {
            position_id: 0,
            tranche_id: s.m.far,
            amount: UNIT,
        },
    );
    s.m.t
        .send_err(ix, &[&late], BulwarkError::TrancheWipedOut)
        .await;
    assert_eq!(s.m.t.balance(&late_token).await, UNIT);
}
