//! The timelock (create_proposal, execute_proposal, cancel_proposal) and the pause clocks that
//! stop claims' deadlines.

use crate::fixtures::*;
use anchor_lang::error::ErrorCode as AnchorError;
use anchor_lang::prelude::Pubkey;
use bulwark::constants::*;
use bulwark::error::BulwarkError;
use bulwark::events::*;
use bulwark::state::{
    Claim, ClaimStatus, Config, Cover, GovernanceChange, Param, Proposal, ProtocolParams,
};
use bulwark_testing::builders::*;
use bulwark_testing::*;
use solana_signer::Signer;

/// A context whose governance changes wait `delay` seconds.
async fn timelocked(delay: u32) -> TestContext {
    let mut t = TestContext::new().await;
    let treasury = t.treasury;
    t.update_config(
        ProtocolParams {
            timelock_delay: delay,
            ..kit_params()
        },
        treasury,
    )
    .await;
    t
}

/// Governance proposes `changes` as the next proposal; returns its id.
async fn propose(t: &mut TestContext, changes: Vec<GovernanceChange>) -> u64 {
    let authority = t.authority.insecure_clone();
    let id = t.load::<Config>(&config_pda()).await.proposal_count;
    let ix = create_proposal(&authority.pubkey(), id, changes, [3; 32], "ipfs://p".into());
    t.send_ok(&[ix], &[&authority]).await;
    id
}

/// The changes that set `param` from its current value to `new`.
async fn set(t: &mut TestContext, param: Param, new: u64) -> Vec<GovernanceChange> {
    let config: Config = t.load(&config_pda()).await;
    vec![GovernanceChange::Param {
        param,
        old: config.params.get(param),
        new,
    }]
}

fn execute(t: &TestContext, id: u64) -> anchor_lang::solana_program::instruction::Instruction {
    execute_proposal(&t.payer().pubkey(), id, &t.authority.pubkey(), None)
}

#[tokio::test]
async fn a_change_waits_for_the_timelock_then_executes_with_old_and_new() {
    let mut t = timelocked(DAY as u32).await;
    let authority = t.authority.insecure_clone();
    let old: Config = t.load(&config_pda()).await;
    let new_params = ProtocolParams {
        staker_share_bps: 6_000,
        capacity_ratio_bps: 30_000,
        quorum: 5_000_000,
        ..old.params
    };
    let new_treasury = Pubkey::new_unique();
    let changes = config_changes(&old, &new_params, &new_treasury);
    assert_eq!(changes.len(), 4, "three parameters and the treasury");
    let id = old.proposal_count;
    let now = t.now().await;
    let outcome = t
        .send_ok(
            &[create_proposal(
                &authority.pubkey(),
                id,
                changes.clone(),
                [3; 32],
                "ipfs://p".into(),
            )],
            &[&authority],
        )
        .await;
    record_compute_units("create_proposal", &outcome);
    let proposal: Proposal = t.load(&proposal_pda(id)).await;
    assert_eq!(proposal.id, id);
    assert_eq!(proposal.proposer, authority.pubkey());
    assert_eq!(proposal.changes, changes);
    assert_eq!(proposal.executable_at, proposal.proposed_at + DAY);
    assert!(proposal.proposed_at >= now);
    assert_eq!(
        proposal.expires_at,
        proposal.executable_at + PROPOSAL_EXECUTION_WINDOW
    );
    assert_eq!(proposal.description_uri, "ipfs://p");
    let config: Config = t.load(&config_pda()).await;
    assert_eq!(config.proposal_count, id + 1);
    assert_eq!(
        config.params, old.params,
        "nothing changes before execution"
    );
    if sbf_mode() {
        let created = outcome.events_of::<ProposalCreated>();
        assert_eq!(created.len(), 1);
        assert_eq!(created[0].changes, changes);
        assert_eq!(created[0].executable_at, proposal.executable_at);
    }

    // Not before the delay, to the second.
    t.send_err(execute(&t, id), &[], BulwarkError::TimelockNotElapsed)
        .await;
    t.warp_to_time(proposal.executable_at - 1).await;
    t.send_err(execute(&t, id), &[], BulwarkError::TimelockNotElapsed)
        .await;
    t.warp_to_time(proposal.executable_at).await;
    let rent = t.lamports(&proposal_pda(id)).await;
    let before = t.lamports(&authority.pubkey()).await;
    let outcome = t.send_ok(&[execute(&t, id)], &[]).await;
    record_compute_units("execute_proposal", &outcome);
    let config: Config = t.load(&config_pda()).await;
    assert_eq!(config.params, new_params);
    assert_eq!(config.treasury, new_treasury);
    assert!(!t.exists(&proposal_pda(id)).await, "closed once executed");
    assert_eq!(t.lamports(&authority.pubkey()).await, before + rent);
    if sbf_mode() {
        let updated = outcome.events_of::<ConfigUpdated>();
        assert_eq!(updated.len(), 1);
        assert_eq!(updated[0].old_params, old.params);
        assert_eq!(updated[0].new_params, new_params);
        assert_eq!(updated[0].old_treasury, old.treasury);
        assert_eq!(updated[0].new_treasury, new_treasury);
        let executed = outcome.events_of::<ProposalExecuted>();
        assert_eq!(executed.len(), 1);
        assert_eq!((executed[0].id, executed[0].changes.clone()), (id, changes));
    }
    // Executed once: the account is gone.
    t.send_anchor_err(execute(&t, id), &[], AnchorError::AccountNotInitialized)
        .await;
}

#[tokio::test]
async fn a_cancelled_proposal_never_executes() {
    let mut t = timelocked(DAY as u32).await;
    let authority = t.authority.insecure_clone();
    let changes = set(&mut t, Param::Quorum, 9).await;
    let id = propose(&mut t, changes).await;
    let outcome = t
        .send_ok(
            &[cancel_proposal(
                &authority.pubkey(),
                id,
                &authority.pubkey(),
            )],
            &[&authority],
        )
        .await;
    record_compute_units("cancel_proposal", &outcome);
    assert!(!t.exists(&proposal_pda(id)).await);
    if sbf_mode() {
        let cancelled = outcome.events_of::<ProposalCancelled>();
        assert_eq!(cancelled.len(), 1);
        assert_eq!(cancelled[0].id, id);
    }
    t.warp_days(2).await;
    t.send_anchor_err(execute(&t, id), &[], AnchorError::AccountNotInitialized)
        .await;
    let config: Config = t.load(&config_pda()).await;
    assert_eq!(config.params.quorum, kit_params().quorum);
}

#[tokio::test]
async fn a_stale_proposal_does_not_revert_a_later_change() {
    let mut t = timelocked(DAY as u32).await;
    // A: capacity 2x -> 3x; B: the quorum, proposed with A; C: capacity 2x -> 2.5x, an hour
    // later.
    let a = set(&mut t, Param::CapacityRatioBps, 30_000).await;
    let a = propose(&mut t, a).await;
    let b = set(&mut t, Param::Quorum, 9).await;
    let b = propose(&mut t, b).await;
    let now = t.now().await;
    t.warp_to_time(now + 3_600).await;
    let c = set(&mut t, Param::CapacityRatioBps, 25_000).await;
    let c = propose(&mut t, c).await;
    t.warp_to_time(now + 3_600 + DAY).await;
    t.send_ok(&[execute(&t, c)], &[]).await;
    // B changes only the quorum: C's capacity ratio stands.
    t.send_ok(&[execute(&t, b)], &[]).await;
    let config: Config = t.load(&config_pda()).await;
    assert_eq!(
        (config.params.capacity_ratio_bps, config.params.quorum),
        (25_000, 9)
    );
    // A was proposed against 2x: it fails rather than undo C.
    t.send_err(execute(&t, a), &[], BulwarkError::ProposalStale)
        .await;
    let config: Config = t.load(&config_pda()).await;
    assert_eq!(config.params.capacity_ratio_bps, 25_000);
    assert!(
        t.exists(&proposal_pda(a)).await,
        "a stale proposal stays until cancelled"
    );
}

#[tokio::test]
async fn lowering_the_delay_waits_for_the_delay_and_raising_it_holds_back_pending_proposals() {
    let mut t = timelocked(DAY as u32).await;
    let start = t.now().await;
    let lower = set(&mut t, Param::TimelockDelay, 3_600).await;
    let lower = propose(&mut t, lower).await;
    t.warp_to_time(start + 3_600).await;
    t.send_err(execute(&t, lower), &[], BulwarkError::TimelockNotElapsed)
        .await;
    t.warp_to_time(start + DAY).await;
    t.send_ok(&[execute(&t, lower)], &[]).await;

    // Now an hour. A raise to two days, and a quorum change proposed an hour-delay later.
    let raise = set(&mut t, Param::TimelockDelay, 2 * DAY as u64).await;
    let raise = propose(&mut t, raise).await;
    let quorum = set(&mut t, Param::Quorum, 9).await;
    let quorum = propose(&mut t, quorum).await;
    let proposed: Proposal = t.load(&proposal_pda(quorum)).await;
    assert_eq!(proposed.executable_at, proposed.proposed_at + 3_600);
    t.warp_to_time(start + DAY + 3_600).await;
    t.send_ok(&[execute(&t, raise)], &[]).await;
    // The raised delay holds back what was proposed under the old one.
    t.send_err(execute(&t, quorum), &[], BulwarkError::TimelockNotElapsed)
        .await;
    t.warp_to_time(proposed.proposed_at + 2 * DAY).await;
    t.send_ok(&[execute(&t, quorum)], &[]).await;
    let config: Config = t.load(&config_pda()).await;
    assert_eq!(
        (config.params.timelock_delay, config.params.quorum),
        (2 * DAY as u32, 9)
    );
}

#[tokio::test]
async fn a_proposal_expires_after_its_execution_window() {
    let mut t = timelocked(DAY as u32).await;
    let authority = t.authority.insecure_clone();
    let changes = set(&mut t, Param::Quorum, 9).await;
    let id = propose(&mut t, changes).await;
    let proposal: Proposal = t.load(&proposal_pda(id)).await;
    t.warp_to_time(proposal.expires_at).await;
    t.send_err(execute(&t, id), &[], BulwarkError::ProposalExpired)
        .await;
    t.send_ok(
        &[cancel_proposal(
            &authority.pubkey(),
            id,
            &authority.pubkey(),
        )],
        &[&authority],
    )
    .await;
    assert!(!t.exists(&proposal_pda(id)).await);
}

#[tokio::test]
async fn proposals_reject_each_out_of_bounds_parameter_and_malformed_changes() {
    let mut t = TestContext::new().await;
    let authority = t.authority.insecure_clone();
    // The config as the kit initialized it.
    let d = kit_params();
    let cases: Vec<(ProtocolParams, BulwarkError)> = vec![
        (
            ProtocolParams {
                staker_share_bps: 5_000,
                assessment_share_bps: 5_001,
                ..d
            },
            BulwarkError::InvalidPremiumSplit,
        ),
        (
            ProtocolParams {
                staker_share_bps: 5_000,
                assessment_share_bps: 1_000,
                protocol_fee_bps: 4_001,
                ..d
            },
            BulwarkError::InvalidPremiumSplit,
        ),
        (
            ProtocolParams {
                capital_exit_delay: d.voting_period + d.silent_ending + d.cooldown - 1,
                ..d
            },
            BulwarkError::InvalidCapitalExitDelay,
        ),
        (
            ProtocolParams {
                capital_exit_delay: MAX_CAPITAL_EXIT_DELAY + 1,
                ..d
            },
            BulwarkError::InvalidCapitalExitDelay,
        ),
        (
            ProtocolParams {
                capacity_ratio_bps: MIN_CAPACITY_RATIO_BPS - 1,
                ..d
            },
            BulwarkError::InvalidCapacityRatio,
        ),
        (
            ProtocolParams {
                capacity_ratio_bps: MAX_CAPACITY_RATIO_BPS + 1,
                ..d
            },
            BulwarkError::InvalidCapacityRatio,
        ),
        (
            ProtocolParams {
                max_total_weight: MAX_PRODUCT_WEIGHT - 1,
                ..d
            },
            BulwarkError::InvalidMaxTotalWeight,
        ),
        (
            ProtocolParams {
                max_total_weight: MAX_TOTAL_WEIGHT_LIMIT + 1,
                ..d
            },
            BulwarkError::InvalidMaxTotalWeight,
        ),
        (
            ProtocolParams {
                price_bump_bps: 10_001,
                ..d
            },
            BulwarkError::InvalidPricingParameter,
        ),
        (
            ProtocolParams {
                price_decay_bps_per_day: 10_001,
                ..d
            },
            BulwarkError::InvalidPricingParameter,
        ),
        (
            ProtocolParams {
                claim_deposit_bps: MAX_CLAIM_DEPOSIT_BPS + 1,
                ..d
            },
            BulwarkError::InvalidClaimDeposit,
        ),
        (
            ProtocolParams {
                voting_period: MIN_CLAIM_TIMING - 1,
                ..d
            },
            BulwarkError::InvalidClaimTiming,
        ),
        (
            ProtocolParams {
                redemption_window: MAX_CLAIM_TIMING + 1,
                ..d
            },
            BulwarkError::InvalidClaimTiming,
        ),
        (
            ProtocolParams {
                silent_ending: d.voting_period + 1,
                ..d
            },
            BulwarkError::InvalidClaimTiming,
        ),
        (
            ProtocolParams {
                silent_ending_cap: d.silent_ending - 1,
                ..d
            },
            BulwarkError::InvalidClaimTiming,
        ),
        (
            ProtocolParams {
                silent_ending_cap: MAX_CLAIM_TIMING + 1,
                ..d
            },
            BulwarkError::InvalidClaimTiming,
        ),
        (
            ProtocolParams { quorum: 0, ..d },
            BulwarkError::InvalidQuorum,
        ),
        (
            ProtocolParams {
                quorum_bps: MAX_QUORUM_BPS + 1,
                ..d
            },
            BulwarkError::InvalidQuorum,
        ),
        (
            ProtocolParams {
                assessor_stake_age: MAX_CLAIM_TIMING + 1,
                ..d
            },
            BulwarkError::InvalidStakeAge,
        ),
        (
            ProtocolParams {
                assessor_reward_bps: 10_001,
                ..d
            },
            BulwarkError::InvalidAssessorReward,
        ),
    ];
    let mut cases = cases;
    cases.push((
        ProtocolParams {
            slash_bps: 10_001,
            ..d
        },
        BulwarkError::InvalidSlashShare,
    ));
    cases.push((
        ProtocolParams {
            timelock_delay: MAX_TIMELOCK_DELAY + 1,
            ..d
        },
        BulwarkError::InvalidTimelockDelay,
    ));
    let proposal =
        |changes| create_proposal(&authority.pubkey(), 0, changes, [0; 32], String::new());
    for (params, error) in cases {
        t.send_err(proposal(param_changes(&d, &params)), &[&authority], error)
            .await;
    }
    let quorum = |old, new| GovernanceChange::Param {
        param: Param::Quorum,
        old,
        new,
    };
    let shapes: Vec<(Vec<GovernanceChange>, BulwarkError)> = vec![
        (vec![], BulwarkError::InvalidProposalSize),
        (
            (0..9).map(|k| quorum(d.quorum, d.quorum + 1 + k)).collect(),
            BulwarkError::InvalidProposalSize,
        ),
        (
            vec![quorum(d.quorum, 9), quorum(d.quorum, 10)],
            BulwarkError::DuplicateChange,
        ),
        (vec![quorum(d.quorum, d.quorum)], BulwarkError::NoOpChange),
        (vec![quorum(d.quorum + 1, 9)], BulwarkError::ProposalStale),
        (
            vec![GovernanceChange::Treasury {
                old: t.treasury,
                new: Pubkey::default(),
            }],
            BulwarkError::InvalidTreasury,
        ),
        (
            vec![GovernanceChange::Treasury {
                old: Pubkey::new_unique(),
                new: Pubkey::new_unique(),
            }],
            BulwarkError::ProposalStale,
        ),
        (
            vec![GovernanceChange::McrBps {
                capital_pool: Pubkey::new_unique(),
                old: MAX_MCR_BPS,
                new: MAX_MCR_BPS + 1,
            }],
            BulwarkError::InvalidCapitalRequirement,
        ),
        (
            vec![
                GovernanceChange::McrBps {
                    capital_pool: Pubkey::new_unique(),
                    old: MAX_MCR_BPS,
                    new: 5_000,
                },
                GovernanceChange::MinCapital {
                    capital_pool: Pubkey::new_unique(),
                    old: 0,
                    new: 1,
                },
            ],
            BulwarkError::WrongProposalTarget,
        ),
    ];
    for (changes, error) in shapes {
        t.send_err(proposal(changes), &[&authority], error).await;
    }
    // Bounds are inclusive.
    let edge = ProtocolParams {
        capacity_ratio_bps: MAX_CAPACITY_RATIO_BPS,
        max_total_weight: MAX_TOTAL_WEIGHT_LIMIT,
        staker_share_bps: 8_500,
        assessment_share_bps: 1_000,
        timelock_delay: MAX_TIMELOCK_DELAY,
        ..d
    };
    t.send_ok(&[proposal(param_changes(&d, &edge))], &[&authority])
        .await;
    t.send_ok(&[execute(&t, 0)], &[]).await;
    let config: Config = t.load(&config_pda()).await;
    assert_eq!(config.params, edge);
}

#[tokio::test]
async fn a_claims_pause_stops_the_claim_clock() {
    let mut m = market(1_000_000 * UNIT).await;
    m.buy(m.cover_of(0, 10_000 * UNIT, YEAR)).await;
    m.t.next_slot().await;
    let claim = m.file_claim(0, 1_000 * UNIT).await;
    let filed: Claim = m.t.load(&claim).await;
    let authority = m.t.authority.insecure_clone();
    // Claims paused from a day in to past the end of voting: two days in all.
    m.t.warp_to_time(filed.filed_at + DAY).await;
    m.t.send_ok(
        &[set_pause(&authority.pubkey(), PAUSE_CLAIMS)],
        &[&authority],
    )
    .await;
    m.t.warp_to_time(filed.filed_at + 3 * DAY).await;
    let config: Config = m.t.load(&config_pda()).await;
    let at = filed.filed_at + 3 * DAY;
    assert_eq!(filed.clock(&config, at).unwrap(), filed.filed_at + DAY);
    assert_eq!(filed.status(&config, at).unwrap(), ClaimStatus::Voting);
    m.t.send_ok(&[set_pause(&authority.pubkey(), 0)], &[&authority])
        .await;
    let config: Config = m.t.load(&config_pda()).await;
    assert_eq!(
        config.pause_clocks[PAUSE_CLAIMS.trailing_zeros() as usize],
        bulwark::state::PauseClock {
            paused_seconds: 2 * DAY as u64,
            paused_since: 0,
        }
    );
    // Past the filed voting end in real time, a day into voting on the claim's clock.
    m.t.warp_to_time(filed.filed_at + 3 * DAY + DAY / 2).await;
    m.vote(&claim, true).await;
    let voted: Claim = m.t.load(&claim).await;
    // The first accepting vote opens a full period from itself, on the claim's clock.
    assert_eq!(
        voted.voting_end,
        filed.filed_at + DAY + DAY / 2 + i64::from(DEFAULT_VOTING_PERIOD)
    );
    m.finish_voting(&claim).await;
    let now = m.t.now().await;
    assert_eq!(now, voted.cooldown_end().unwrap() + 2 * DAY + 1);
    m.redeem(0, &claim).await;
    let paid: Claim = m.t.load(&claim).await;
    assert!(paid.paid && paid.closed);
}

#[tokio::test]
async fn a_claims_pause_moves_the_filing_deadline() {
    let mut m = market(1_000_000 * UNIT).await;
    m.buy(m.cover_of(0, 10_000 * UNIT, MIN_COVER_PERIOD)).await;
    let keys = m.cover_keys(0, vec![m.pool.keys.pool]);
    let cover: Cover = m.t.load(&keys.cover).await;
    let deadline = cover.claimable_until().unwrap();
    let authority = m.t.authority.insecure_clone();
    m.t.warp_to_time(deadline - 3_600).await;
    m.t.send_ok(
        &[set_pause(&authority.pubkey(), PAUSE_CLAIMS)],
        &[&authority],
    )
    .await;
    m.t.warp_to_time(deadline + DAY).await;
    // Past the deadline in real time, but not on the cover's clock: it cannot be expired.
    let rent_payer = m.buyer.pubkey();
    let expire = expire_cover(&keys.cover, &rent_payer, m.product_id, &keys.pools);
    m.t.send_err(expire.clone(), &[], BulwarkError::CoverNotExpired)
        .await;
    m.t.send_ok(&[set_pause(&authority.pubkey(), 0)], &[&authority])
        .await;
    m.t.send_err(expire, &[], BulwarkError::CoverNotExpired)
        .await;
    // An hour of the window was left when claims were paused: it still is.
    m.t.warp_to_time(deadline + DAY + 3_600 - 1).await;
    let buyer = m.buyer.insecure_clone();
    let file = |index| {
        file_claim(
            &buyer.pubkey(),
            &keys,
            index,
            &m.buyer_token,
            claim_args(UNIT, cover.start),
        )
    };
    let late = file(0);
    m.t.send_ok(&[late], &[&buyer]).await;
    let claim: Claim = m.t.load(&claim_pda(&keys.cover, 0)).await;
    assert_eq!(claim.claims_paused, DAY as u64 + 3_600);
    assert_eq!(claim.filed_at, deadline + DAY + 3_600 - 1);
}

#[tokio::test]
async fn a_payouts_pause_that_outlasts_the_backing_leaves_the_claim_payable() {
    let mut m = market(1_000_000 * UNIT).await;
    m.buy(m.cover_of(0, 10_000 * UNIT, MIN_COVER_PERIOD)).await;
    m.t.next_slot().await;
    let claim = m.file_claim(0, 1_000 * UNIT).await;
    m.vote(&claim, true).await;
    m.finish_voting(&claim).await;
    let authority = m.t.authority.insecure_clone();
    m.t.send_ok(
        &[set_pause(&authority.pubkey(), PAUSE_PAYOUTS)],
        &[&authority],
    )
    .await;
    let keys = m.cover_keys(0, vec![m.pool.keys.pool]);
    let cover: Cover = m.t.load(&keys.cover).await;
    let payer = m.t.payer().pubkey();
    let redeem = redeem_payout(&payer, &keys, &claim, &m.buyer_token, &m.buyer_token);
    m.t.send_err(redeem.clone(), &[], BulwarkError::PayoutsPaused)
        .await;
    // The pause outlasts the redemption window and the cover's backing.
    let state: Claim = m.t.load(&claim).await;
    assert!(state.redemption_end().unwrap() < cover.backing_until);
    m.t.warp_to_time(cover.backing_until + DAY).await;
    m.t.send_ok(&[set_pause(&authority.pubkey(), 0)], &[&authority])
        .await;
    let before = m.t.balance(&m.buyer_token).await;
    let capital_before =
        m.t.load::<bulwark::state::CapitalPool>(&capital_pool_pda(&m.mint))
            .await;
    m.t.send_ok(&[redeem], &[]).await;
    let paid: Claim = m.t.load(&claim).await;
    // The backing stake is free by now: the capital pool pays it all.
    assert_eq!(
        (paid.staker_paid, paid.capital_paid, paid.owed),
        (0, 1_000 * UNIT, 0)
    );
    assert!(paid.paid && paid.closed);
    let deposit = state.deposit;
    assert_eq!(
        m.t.balance(&m.buyer_token).await,
        before + 1_000 * UNIT + deposit
    );
    let capital_after =
        m.t.load::<bulwark::state::CapitalPool>(&capital_pool_pda(&m.mint))
            .await;
    assert_eq!(capital_after.capital, capital_before.capital - 1_000 * UNIT);
}

#[tokio::test]
async fn a_claims_pause_holds_back_capital_exits() {
    let mut m = market(1_000_000 * UNIT).await;
    let mint = m.mint;
    let (member, token) = m.t.funded_user(&mint, 1_000 * UNIT).await;
    let ixs = [
        create_share_account(&member.pubkey(), &member.pubkey(), &mint),
        deposit_capital(
            &member.pubkey(),
            &mint,
            &spl_token::ID,
            &token,
            1_000 * UNIT,
            0,
        ),
    ];
    m.t.send_ok(&ixs, &[&member]).await;
    m.t.send_ok(
        &[request_capital_exit(&member.pubkey(), &mint, 0, 100 * UNIT)],
        &[&member],
    )
    .await;
    let exit: bulwark::state::CapitalExit =
        m.t.load(&capital_exit_pda(
            &capital_pool_pda(&mint),
            &member.pubkey(),
            0,
        ))
        .await;
    // Claims are paused for two days of the delay: the exit waits two days more.
    let authority = m.t.authority.insecure_clone();
    m.t.send_ok(
        &[set_pause(&authority.pubkey(), PAUSE_CLAIMS)],
        &[&authority],
    )
    .await;
    m.t.warp_to_time(exit.requested_at + 2 * DAY).await;
    m.t.send_ok(&[set_pause(&authority.pubkey(), 0)], &[&authority])
        .await;
    let execute = execute_capital_exit(&member.pubkey(), &mint, &spl_token::ID, 0, &token);
    m.t.warp_to_time(exit.ready_at).await;
    m.t.send_err(
        execute.clone(),
        &[&member],
        BulwarkError::CapitalExitNotReady,
    )
    .await;
    m.t.warp_to_time(exit.ready_at + 2 * DAY - 1).await;
    m.t.send_err(
        execute.clone(),
        &[&member],
        BulwarkError::CapitalExitNotReady,
    )
    .await;
    m.t.warp_to_time(exit.ready_at + 2 * DAY).await;
    let before = m.t.balance(&token).await;
    m.t.send_ok(&[execute], &[&member]).await;
    assert_eq!(m.t.balance(&token).await, before + 100 * UNIT);
}
