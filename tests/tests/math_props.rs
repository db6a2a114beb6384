//! Property tests of the pure math module: no panics on any input, rounding always against the
//! caller, and conservation of tranche stake across deposits and redemptions.

use bulwark::math::capacity::{backing_for, cover_for_backing, unscale_x100, weighted_stake_x100};
use bulwark::math::pricing::{bumped_price, current_price, premium};
use bulwark::math::shares::{assets_for_shares, shares_for_deposit};
use bulwark::math::tranche::{is_depositable, ring_slot, tranche_at, tranche_end};
use bulwark::math::{mul_div_ceil, mul_div_floor};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn mul_div_never_panics_and_brackets_the_exact_result(a: u64, b: u64, c in 1u64..) {
        let floor = mul_div_floor(a.into(), b.into(), c.into()).unwrap();
        let ceil = mul_div_ceil(a.into(), b.into(), c.into()).unwrap();
        let exact_num = u128::from(a) * u128::from(b);
        prop_assert!(floor * u128::from(c) <= exact_num);
        prop_assert!(ceil * u128::from(c) >= exact_num);
        prop_assert!(ceil - floor <= 1);
    }

    #[test]
    fn long_division_matches_the_standard_library(
        n: u128,
        d in prop_oneof![1u64..=u64::from(u32::MAX), 1u64..],
        high_bits in 0u32..128,
    ) {
        // Numerators of every size, not only near u128::MAX.
        let n = n >> high_bits;
        let (q, r) = bulwark::math::div_rem_u64(n, d).unwrap();
        prop_assert_eq!(q, n / u128::from(d));
        prop_assert_eq!(u128::from(r), n % u128::from(d));
    }

    #[test]
    fn conversions_never_panic(amount: u64, stake: u64, supply: u128, shares: u128) {
        let _ = shares_for_deposit(amount, stake, supply);
        let _ = assets_for_shares(shares, stake, supply);
    }

    #[test]
    fn a_deposit_never_redeems_for_more_than_it_paid(
        stake in 0u64..=u64::MAX / 4,
        supply_factor in 1u64..=1_000,
        amount in 1u64..=u64::MAX / 4,
    ) {
        // Any reachable tranche: supply at least the stake (burns only raise shares per unit).
        let supply = if stake == 0 { 0 } else { u128::from(stake) * u128::from(supply_factor) };
        if let Ok(minted) = shares_for_deposit(amount, stake, supply) {
            let back = assets_for_shares(minted, stake + amount, supply + minted).unwrap();
            prop_assert!(back <= amount);
        }
    }

    #[test]
    fn redemptions_of_all_holders_never_exceed_the_stake(
        deposits in prop::collection::vec(1u64..=1_000_000_000_000, 1..12),
        burn_bps in 0u64..=10_000,
    ) {
        let mut stake = 0u64;
        let mut supply = 0u128;
        let mut holdings = Vec::new();
        for amount in deposits {
            let minted = shares_for_deposit(amount, stake, supply).unwrap();
            stake += amount;
            supply += minted;
            holdings.push(minted);
        }
        // A loss lowers the stake, never the shares.
        stake -= (u128::from(stake) * u128::from(burn_bps) / 10_000) as u64;
        let mut paid = 0u64;
        let mut remaining_stake = stake;
        let mut remaining_supply = supply;
        for shares in holdings {
            // Redeem at the frozen price, as an archived tranche does.
            let amount = assets_for_shares(shares, stake, supply).unwrap();
            paid += amount;
            remaining_stake = remaining_stake.checked_sub(amount).unwrap();
            remaining_supply -= shares;
        }
        prop_assert!(paid <= stake);
        prop_assert_eq!(remaining_supply, 0);
        // What is left is rounding dust: less than one unit per holder plus one.
        prop_assert!(remaining_stake <= 13);
    }

    #[test]
    fn more_assets_never_mint_fewer_shares(
        a in 1u64..=u64::MAX / 2,
        extra in 0u64..=1_000_000,
        stake in 1u64..=u64::MAX / 4,
        supply_factor in 1u64..=1_000,
    ) {
        let supply = u128::from(stake) * u128::from(supply_factor);
        let low = shares_for_deposit(a, stake, supply);
        let high = shares_for_deposit(a.saturating_add(extra), stake, supply);
        if let (Ok(low), Ok(high)) = (low, high) {
            prop_assert!(high >= low);
        }
    }

    #[test]
    fn premiums_equal_the_reference_and_never_favour_the_buyer(
        amount in 0u64..=u64::MAX / 20_000,
        target in 1u16..=10_000,
        bumped in 0u16..=10_000,
        min_price in 1u16..=10_000,
        days_since_buy in 0i64..=400,
        extra_seconds in 0i64..86_400,
        period_days in 28u32..=365,
        decay in 0u16..=10_000,
    ) {
        let elapsed = days_since_buy * 86_400 + extra_seconds;
        let price = current_price(target, bumped, 0, elapsed, decay, min_price, false).unwrap();
        // Reference: the bumped price less the decay so far (rounded down, so the price stays
        // higher), never below the target or the product minimum.
        let decayed = u64::from(bumped)
            .saturating_sub((u128::from(decay) * elapsed as u128 / 86_400) as u64);
        let reference_price = u64::from(target).max(u64::from(min_price)).max(decayed);
        prop_assert_eq!(price, reference_price);

        let period = period_days * 86_400;
        let paid = premium(amount, price, period).unwrap();
        let exact = u128::from(amount) * u128::from(price) * u128::from(period);
        let year_bps = 10_000u128 * 365 * 86_400;
        prop_assert_eq!(u128::from(paid), exact.div_ceil(year_bps));
        prop_assert!(u128::from(paid) * year_bps >= exact, "never below the exact premium");
        prop_assert!(u128::from(paid) * year_bps < exact + year_bps, "at most one unit above");
    }

    #[test]
    fn fixed_prices_ignore_the_bump_and_bumps_round_up(
        target in 1u16..=10_000,
        bumped in 0u16..=10_000,
        min_price in 1u16..=10_000,
        amount in 1u64..=1_000_000_000_000,
        capacity in 1u64..=1_000_000_000_000,
        bump in 0u16..=10_000,
    ) {
        let fixed = current_price(target, bumped, 0, 0, 200, min_price, true).unwrap();
        prop_assert_eq!(fixed, u64::from(target.max(min_price)));
        let price = u64::from(target);
        let after = u64::from(bumped_price(price, amount, capacity, bump).unwrap());
        let exact_bump = u128::from(amount) * u128::from(bump);
        let reference = (u128::from(price) + exact_bump.div_ceil(u128::from(capacity))).min(10_000);
        prop_assert_eq!(u128::from(after), reference);
        prop_assert!(after >= price.min(10_000));
    }

    #[test]
    fn capacity_never_panics_and_grows_with_stake_and_weight(
        stake: u64,
        extra in 0u64..1_000_000_000,
        ratio in 10_000u32..=100_000,
        weight in 0u16..=100,
    ) {
        let capacity = |stake: u64, weight: u16| {
            cover_for_backing(unscale_x100(weighted_stake_x100(stake, weight)), ratio)
        };
        let base = capacity(stake, weight);
        prop_assert!(capacity(stake.saturating_add(extra), weight) >= base);
        prop_assert!(capacity(stake, weight.saturating_add(1).min(100)) >= base);
        // Never more than the ratio times the stake (saturating at u64::MAX).
        prop_assert!(u128::from(base) * 10_000 <= u128::from(stake) * u128::from(ratio));
        // What the capacity sells never occupies more stake than the weight allows.
        prop_assert!(
            u128::from(backing_for(base, ratio).unwrap()) * 100
                <= u128::from(stake) * u128::from(weight)
        );
    }

    #[test]
    fn more_accept_weight_never_turns_an_accepted_claim_down(
        accept in 0u64..u64::MAX / 4,
        deny in 0u64..u64::MAX / 4,
        quorum in 1u64..1_000_000_000,
        extra in 0u64..1_000_000_000,
    ) {
        let claim = |accept_weight, deny_weight| bulwark::state::Claim {
            version: 1,
            bump: 255,
            overturned: false,
            paid: false,
            closed: false,
            index: 0,
            cover: Default::default(),
            claimant: Default::default(),
            product_id: 0,
            mint: Default::default(),
            requested_amount: 0,
            paid_amount: 0,
            staker_paid: 0,
            capital_paid: 0,
            owed: 0,
            debt_position: 0,
            evidence_hash: [0; 32],
            evidence_uri: String::new(),
            overturn_uri: String::new(),
            deposit: 0,
            deposit_pool: Default::default(),
            filed_at: 0,
            incident_time: 0,
            voting_end: 0,
            latest_voting_end: 0,
            accept_weight,
            deny_weight,
            voters: 0,
            quorum,
            voting_period: 0,
            cooldown: 0,
            redemption_window: 0,
            silent_ending: 0,
            assessor_reward: 0,
            reward_reserved: 0,
            slash_bps: 0,
            ballots_settled: 0,
            claims_paused: 0,
            blind: false,
            panel: false,
            reveal_period: 0,
            reserved: [0; 24],
        };
        let before = claim(accept, deny).voted_accept();
        prop_assert_eq!(before, accept > deny && accept + deny >= quorum);
        if before {
            prop_assert!(claim(accept + extra, deny).voted_accept());
        }
        // More deny weight never turns a denied claim into an accepted one.
        if !before {
            prop_assert!(!claim(accept, deny + extra).voted_accept());
        }
    }

    #[test]
    fn tranche_calendar_is_consistent(timestamp in 0i64..=i64::MAX / 2) {
        let id = tranche_at(timestamp).unwrap();
        let end = tranche_end(id).unwrap();
        prop_assert!(timestamp < end);
        prop_assert!(timestamp >= end - bulwark::constants::TRANCHE_DURATION);
        prop_assert!(is_depositable(id, id));
        prop_assert!(is_depositable(id + 7, id));
        prop_assert!(!is_depositable(id + 8, id));
        prop_assert_eq!(ring_slot(id), ring_slot(id + 8));
        prop_assert_ne!(ring_slot(id), ring_slot(id + 1));
    }
}
