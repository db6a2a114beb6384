//! Blind (commit–reveal) ballots and products decided by a panel of designated assessors.

use crate::fixtures::*;
use anchor_lang::error::ErrorCode as AnchorError;
use bulwark::constants::*;
use bulwark::error::BulwarkError;
use bulwark::events::*;
use bulwark::instructions::{RevealVoteArgs, VoteArgs};
use bulwark::state::{Assessor, Ballot, Claim, ClaimStatus, Config, Cover, ProductTerms};
use bulwark_testing::builders::*;
use bulwark_testing::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

/// A market whose buyer holds cover `nonce` of 100,000 tokens for a year on a new product of
/// `terms`; returns it, the product and the cover's keys.
async fn covered(terms: ProductTerms, nonce: u64) -> (Market, u64, CoverKeys) {
    let mut m = market(1_000_000 * UNIT).await;
    let product = m.list_product(terms).await;
    let owner = m.buyer.pubkey();
    m.buy(cover_args(
        nonce,
        owner,
        product,
        vec![100_000 * UNIT],
        YEAR,
    ))
    .await;
    m.t.next_slot().await;
    let keys = CoverKeys {
        product_id: product,
        ..m.cover_keys(nonce, vec![m.pool.keys.pool])
    };
    (m, product, keys)
}

/// Redeems accepted `claim` on the cover of `keys` into the buyer's account.
async fn redeem(m: &mut Market, keys: &CoverKeys, claim: &anchor_lang::prelude::Pubkey) {
    let payer = m.t.payer().pubkey();
    let ix = redeem_payout(&payer, keys, claim, &m.buyer_token, &m.buyer_token);
    m.t.send_ok(&[ix], &[]).await;
}

fn blind() -> ProductTerms {
    ProductTerms {
        blind_votes: true,
        ..default_terms()
    }
}

fn reveal_args(accept: bool, salt: [u8; 32]) -> RevealVoteArgs {
    RevealVoteArgs {
        accept,
        salt,
        reason_hash: [4; 32],
        reason_uri: "ipfs://reasoning".into(),
    }
}

#[tokio::test]
async fn a_commit_reveal_round_with_one_unrevealed_ballot() {
    let (mut m, _, keys) = covered(blind(), 1).await;
    let cover: Cover = m.t.load(&keys.cover).await;
    // Blind covers have no silent ending but a reveal window, which their backing covers.
    assert_eq!(
        (
            cover.blind_votes,
            cover.timings.silent_ending_cap,
            cover.timings.reveal_period
        ),
        (true, 0, DEFAULT_REVEAL_PERIOD)
    );
    assert_eq!(
        cover.backing_until,
        cover.end().unwrap()
            + i64::from(default_terms().grace_period)
            + i64::from(DEFAULT_VOTING_PERIOD + DEFAULT_REVEAL_PERIOD)
            + i64::from(DEFAULT_COOLDOWN + DEFAULT_REDEMPTION_WINDOW)
    );
    let claim = m.file_claim(1, 10_000 * UNIT).await;
    let filed: Claim = m.t.load(&claim).await;
    assert!(filed.blind && !filed.panel);
    assert_eq!(filed.latest_voting_end, filed.voting_end);

    // An open vote is refused; ballots are committed instead.
    let (open, _) = m.t.assessor(UNIT).await;
    m.t.send_err(
        vote(&open.pubkey(), &claim, true),
        &[&open],
        BulwarkError::VoteMustBeCommitted,
    )
    .await;
    let (alice, _) = m.t.assessor(2 * UNIT).await;
    let (bob, _) = m.t.assessor(2 * UNIT).await;
    let (carol, _) = m.t.assessor(UNIT).await;
    let salt = |k: u8| [k; 32];
    let outcome = m.commit_as(&alice, &claim, true, salt(1)).await;
    record_compute_units("commit_vote", &outcome);
    if sbf_mode() {
        let committed = outcome.events_of::<VoteCommitted>();
        assert_eq!(committed.len(), 1);
        assert_eq!(committed[0].weight, 2 * UNIT);
        assert_eq!(committed[0].voters, 1);
    }
    // A deny first is fine: there is no first-vote rule in a blind vote.
    m.commit_as(&bob, &claim, false, salt(2)).await;
    m.commit_as(&carol, &claim, false, salt(3)).await;
    m.t.send_err(
        commit_vote(&carol.pubkey(), &claim, [0; 32], None),
        &[&carol],
        BulwarkError::AlreadyVoted,
    )
    .await;
    let state: Claim = m.t.load(&claim).await;
    assert_eq!(
        (state.accept_weight, state.deny_weight, state.voters),
        (0, 0, 3),
        "nothing shows before the reveal"
    );
    assert_eq!(state.voting_end, filed.voting_end, "no extension");
    let ballot: Ballot = m.t.load(&ballot_pda(&claim, &alice.pubkey())).await;
    assert_eq!(
        (
            ballot.counted,
            ballot.weight,
            ballot.stake,
            ballot.commitment
        ),
        (
            false,
            2 * UNIT,
            2 * UNIT,
            Ballot::commitment_of(&claim, &alice.pubkey(), true, &salt(1))
        )
    );
    let reveal =
        |voter: &Keypair, accept, s| reveal_vote(&voter.pubkey(), &claim, reveal_args(accept, s));
    m.t.send_err(
        reveal(&alice, true, salt(1)),
        &[&alice],
        BulwarkError::NotInRevealWindow,
    )
    .await;

    // The reveal window: voting's end to a day later.
    m.t.warp_to_time(filed.voting_end).await;
    let config: Config = m.t.load(&config_pda()).await;
    assert_eq!(
        state.status(&config, filed.voting_end).unwrap(),
        ClaimStatus::Reveal
    );
    m.t.send_err(
        commit_vote(&open.pubkey(), &claim, [0; 32], None),
        &[&open],
        BulwarkError::VotingClosed,
    )
    .await;
    m.t.send_err(
        reveal(&alice, false, salt(1)),
        &[&alice],
        BulwarkError::CommitmentMismatch,
    )
    .await;
    m.t.send_err(
        reveal(&alice, true, salt(9)),
        &[&alice],
        BulwarkError::CommitmentMismatch,
    )
    .await;
    // Only the voter reveals: a third party holding the salt cannot put words in its ballot.
    let mut by_other = reveal(&alice, true, salt(1));
    by_other.accounts[0].pubkey = open.pubkey();
    m.t.send_err(by_other, &[&open], BulwarkError::NotAssessorOwner)
        .await;
    let outcome =
        m.t.send_ok(&[reveal(&alice, true, salt(1))], &[&alice])
            .await;
    record_compute_units("reveal_vote", &outcome);
    if sbf_mode() {
        let revealed = outcome.events_of::<VoteRevealed>();
        assert_eq!(revealed.len(), 1);
        assert_eq!(
            (revealed[0].accept, revealed[0].accept_weight),
            (true, 2 * UNIT)
        );
    }
    m.t.send_err(
        reveal(&alice, true, salt(1)),
        &[&alice],
        BulwarkError::AlreadyRevealed,
    )
    .await;
    m.reveal(&claim, &carol, false, salt(3)).await;
    let ballot: Ballot = m.t.load(&ballot_pda(&claim, &alice.pubkey())).await;
    assert!(ballot.counted && ballot.accept);
    assert_eq!(ballot.reason_uri, "ipfs://reasoning");
    // Bob never reveals: its 2 tokens of deny count for nothing.
    m.t.warp_to_time(filed.voting_end + i64::from(DEFAULT_REVEAL_PERIOD))
        .await;
    m.t.send_err(
        reveal(&bob, false, salt(2)),
        &[&bob],
        BulwarkError::NotInRevealWindow,
    )
    .await;
    let state: Claim = m.t.load(&claim).await;
    assert_eq!((state.accept_weight, state.deny_weight), (2 * UNIT, UNIT));
    let config: Config = m.t.load(&config_pda()).await;
    let now = m.t.now().await;
    assert_eq!(
        state.status(&config, now).unwrap(),
        ClaimStatus::Cooldown { accepted: true }
    );
    m.finish_voting(&claim).await;
    redeem(&mut m, &keys, &claim).await;

    // Alice is the whole rewarded side; Carol (denied) and Bob (unrevealed) get nothing and
    // neither is slashable.
    let reward = state.assessor_reward;
    assert!(reward > 0);
    let payer = m.t.payer().pubkey();
    for (voter, expected) in [(&bob, 0), (&carol, 0), (&alice, reward)] {
        let ixs =
            bulwark_sdk::flows::settle_ballot(&mut m.t, &payer, &claim, &voter.pubkey(), None)
                .await
                .unwrap();
        let token = anchor_spl::associated_token::get_associated_token_address_with_program_id(
            &voter.pubkey(),
            &m.mint,
            &spl_token::ID,
        );
        m.t.send_ok(&ixs, &[]).await;
        assert_eq!(m.t.balance(&token).await, expected);
        let assessor: Assessor = m.t.load(&assessor_pda(&voter.pubkey())).await;
        assert_eq!(assessor.open_ballots, 0);
    }
    let settled: Claim = m.t.load(&claim).await;
    assert_eq!((settled.ballots_settled, settled.reward_reserved), (3, 0));
}

#[tokio::test]
async fn a_panel_decides_one_vote_each_and_refuses_outsiders() {
    let terms = ProductTerms {
        panel_quorum: 2,
        ..default_terms()
    };
    let (mut m, product, keys) = covered(terms, 1).await;
    let owner = m.buyer.pubkey();
    m.buy(cover_args(2, owner, product, vec![100_000 * UNIT], YEAR))
        .await;
    m.t.next_slot().await;
    // Xavier stakes ten times Yann: on the panel their votes weigh the same.
    let (xavier, _) = m.t.assessor(10 * UNIT).await;
    let (yann, _) = m.t.assessor(UNIT).await;
    let authority = m.t.authority.insecure_clone();
    let outcome =
        m.t.send_ok(
            &[add_panel_member(
                &authority.pubkey(),
                product,
                &xavier.pubkey(),
            )],
            &[&authority],
        )
        .await;
    record_compute_units("add_panel_member", &outcome);
    m.t.seat(product, &yann.pubkey()).await;
    let member: bulwark::state::PanelMember =
        m.t.load(&panel_member_pda(product, &xavier.pubkey())).await;
    assert_eq!(
        (member.product_id, member.member),
        (product, xavier.pubkey())
    );
    // A seat counts for claims filed after it: not in its own second.
    let seated = m.t.now().await;
    m.t.warp_to_time(seated + 1).await;
    m.t.send_err(
        add_panel_member(&authority.pubkey(), product, &yann.pubkey()),
        &[&authority],
        BulwarkError::PanelMemberSeated,
    )
    .await;
    let claim = m.file_claim(1, 10_000 * UNIT).await;
    let filed: Claim = m.t.load(&claim).await;
    assert!(filed.panel);
    assert_eq!(filed.quorum, 2, "a panel's quorum counts votes");

    // An outsider with stake is refused; so is a member seated after the filing.
    let (outsider, _) = m.t.assessor(100 * UNIT).await;
    m.t.send_err(
        vote(&outsider.pubkey(), &claim, true),
        &[&outsider],
        BulwarkError::NotPanelMember,
    )
    .await;
    m.t.send_anchor_err(
        vote_with(
            &outsider.pubkey(),
            &claim,
            VoteArgs {
                accept: true,
                reason_hash: [0; 32],
                reason_uri: String::new(),
            },
            Some(product),
        ),
        &[&outsider],
        AnchorError::AccountNotInitialized,
    )
    .await;
    let (late, _) = m.t.assessor(UNIT).await;
    m.t.warp_to_time(filed.filed_at + 1).await;
    m.t.seat(product, &late.pubkey()).await;
    let panel_vote = |voter: &Keypair, accept| {
        vote_with(
            &voter.pubkey(),
            &claim,
            VoteArgs {
                accept,
                reason_hash: [8; 32],
                reason_uri: "ipfs://panel-reasoning".into(),
            },
            Some(product),
        )
    };
    m.t.send_err(
        panel_vote(&late, true),
        &[&late],
        BulwarkError::NotPanelMember,
    )
    .await;
    // One vote each: the quorum of two is met by two members, whatever their stake.
    m.t.send_ok(&[panel_vote(&xavier, true)], &[&xavier]).await;
    let state: Claim = m.t.load(&claim).await;
    assert_eq!(state.accept_weight, 1);
    assert!(!state.voted_accept(), "one vote is short of the quorum");
    m.t.send_ok(&[panel_vote(&yann, true)], &[&yann]).await;
    let state: Claim = m.t.load(&claim).await;
    assert_eq!((state.accept_weight, state.voters), (2, 2));
    assert!(state.voted_accept());
    let ballot: Ballot = m.t.load(&ballot_pda(&claim, &xavier.pubkey())).await;
    assert_eq!((ballot.weight, ballot.stake), (1, 10 * UNIT));
    assert_eq!(ballot.reason_hash, [8; 32]);
    m.finish_voting(&claim).await;
    redeem(&mut m, &keys, &claim).await;
    // Rewards split equally.
    let payer = m.t.payer().pubkey();
    let reward = state.assessor_reward;
    for voter in [&xavier, &yann] {
        let ixs =
            bulwark_sdk::flows::settle_ballot(&mut m.t, &payer, &claim, &voter.pubkey(), None)
                .await
                .unwrap();
        m.t.send_ok(&ixs, &[]).await;
        let token = anchor_spl::associated_token::get_associated_token_address_with_program_id(
            &voter.pubkey(),
            &m.mint,
            &spl_token::ID,
        );
        assert_eq!(m.t.balance(&token).await, reward / 2);
    }

    // A second claim, overturned: the slash takes its share of the member's stake, not of
    // its one vote.
    let now = m.t.now().await;
    let second_keys = CoverKeys {
        product_id: product,
        ..m.cover_keys(2, vec![m.pool.keys.pool])
    };
    let buyer = m.buyer.insecure_clone();
    let ix = file_claim(
        &owner,
        &second_keys,
        0,
        &m.buyer_token,
        claim_args(UNIT, m.t.cover_start(&second_keys.cover).await),
    );
    m.t.send_ok(&[ix], &[&buyer]).await;
    let second = claim_pda(&second_keys.cover, 0);
    let second_vote = |voter: &Keypair| {
        vote_with(
            &voter.pubkey(),
            &second,
            VoteArgs {
                accept: true,
                reason_hash: [0; 32],
                reason_uri: String::new(),
            },
            Some(product),
        )
    };
    m.t.send_ok(&[second_vote(&xavier)], &[&xavier]).await;
    m.t.send_ok(&[second_vote(&yann)], &[&yann]).await;
    let state: Claim = m.t.load(&second).await;
    m.t.warp_to_time(state.voting_end.max(now) + 1).await;
    let ix = overturn_claim(
        &authority.pubkey(),
        &second,
        &m.pool.keys.pool,
        "ipfs://fraud",
    );
    m.t.send_ok(&[ix], &[&authority]).await;
    m.finish_voting(&second).await;
    let ixs = bulwark_sdk::flows::settle_ballot(&mut m.t, &payer, &second, &xavier.pubkey(), None)
        .await
        .unwrap();
    m.t.send_ok(&ixs, &[]).await;
    let slashed: Assessor = m.t.load(&assessor_pda(&xavier.pubkey())).await;
    assert_eq!(slashed.staked, 5 * UNIT, "half of its ten tokens");

    // Removed after a claim was filed, a member still votes on it (the claim's panel was fixed
    // at filing), but on no claim filed later; seated again, it votes on claims filed after.
    let fresh = CoverKeys {
        product_id: product,
        ..m.cover_keys(1, vec![m.pool.keys.pool])
    };
    let ix = file_claim(
        &owner,
        &fresh,
        1,
        &m.buyer_token,
        claim_args(UNIT, m.t.cover_start(&fresh.cover).await),
    );
    m.t.send_ok(&[ix], &[&buyer]).await;
    let third = claim_pda(&fresh.cover, 1);
    let now = m.t.now().await;
    m.t.warp_to_time(now + 1).await;
    let outcome =
        m.t.send_ok(
            &[remove_panel_member(
                &authority.pubkey(),
                product,
                &yann.pubkey(),
            )],
            &[&authority],
        )
        .await;
    record_compute_units("remove_panel_member", &outcome);
    let seat: bulwark::state::PanelMember =
        m.t.load(&panel_member_pda(product, &yann.pubkey())).await;
    assert_eq!(seat.removed_at, now + 1);
    m.t.send_err(
        remove_panel_member(&authority.pubkey(), product, &yann.pubkey()),
        &[&authority],
        BulwarkError::NotPanelMember,
    )
    .await;
    let third_vote = |voter: &Keypair| {
        vote_with(
            &voter.pubkey(),
            &third,
            VoteArgs {
                accept: true,
                reason_hash: [0; 32],
                reason_uri: String::new(),
            },
            Some(product),
        )
    };
    m.t.send_ok(&[third_vote(&yann)], &[&yann]).await;
    let seat_for = |at: i64| seat.seated_for(at);
    assert!(seat_for(now) && !seat_for(now + 1) && !seat_for(now + 2));
    m.t.seat(product, &yann.pubkey()).await;
    let again: bulwark::state::PanelMember =
        m.t.load(&panel_member_pda(product, &yann.pubkey())).await;
    assert_eq!((again.added_at, again.removed_at), (now + 1, 0));
}
