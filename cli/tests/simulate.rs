//! `bulwark simulate`: both shipped scenarios run and add up; malformed scenarios are refused
//! with the line at fault.

use bulwark::error::BulwarkError;
use bulwark_cli::report::{Step, Summary};
use bulwark_cli::scenario::{self, ScenarioError};

const UNIT: u64 = 1_000_000;

async fn simulate(text: &str) -> Result<(Vec<Step>, Summary), ScenarioError> {
    let parsed = scenario::parse(text, "test.toml")?;
    let mut steps = Vec::new();
    let summary = scenario::run(&parsed, text, "test.toml", false, &mut |s| steps.push(s)).await?;
    Ok((steps, summary))
}

fn shipped(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    std::fs::read_to_string(path).expect("shipped scenario")
}

#[tokio::test]
async fn lending_hack_scenario_pays_both_claims_from_stake() {
    let (steps, summary) = simulate(&shipped("lending-hack-next-month.toml"))
        .await
        .unwrap();
    assert_eq!(summary.minted, 1_030_000 * UNIT);
    assert_eq!(summary.total, summary.minted, "every token accounted for");
    assert_eq!(summary.pool_vault, summary.pool_liabilities);
    // 60% of 250,000 and of 100,000.
    assert_eq!(summary.claims_paid, 210_000 * UNIT);
    assert_eq!(summary.deposits_forfeited, 0);
    // No capital pool is funded, so the pool sells at 1x: stakers lose the payouts in full,
    // pro rata to their stake, and keep their premium share; Dana has 20,000 − 3,082.191781
    // premium + 150,000 payout (deposit refunded). The scenario starts at a fixed time, so the
    // balances are exact.
    assert_eq!(
        summary.wallets,
        [
            ("alice".to_string(), 316_758_515_067),
            ("bob".to_string(), 237_568_886_300),
            ("carol".to_string(), 237_568_886_300),
            ("dana".to_string(), 166_917_808_219),
            ("eli".to_string(), 68_868_219_178),
            ("vic".to_string(), 0),
            ("wes".to_string(), 0),
            ("manager".to_string(), 210_698_630),
        ]
    );
    // The treasury keeps the 5% protocol fee, the capital pool the 35% after stakers and
    // assessors; the pool keeps the assessors' 10% (no ballot here to pay).
    assert_eq!(
        (summary.pool_vault, summary.capital_vault, summary.treasury),
        (421_397_260, 1_474_890_412, 210_698_634)
    );
    assert_eq!(
        (summary.claims_paid_by_stake, summary.claims_paid_by_capital),
        (210_000 * UNIT, 0)
    );
    // (The treasury's total includes the stakers' reward dust: each position's rewards are
    // rounded down per share, and `sweep_fees` books what no position can claim.)
    // 180 days of 250,000 at 2.5%/yr is 3,082.191781, 45% of it streams to stakers (50% less
    // the manager's 10%). Sold at 1x, it occupies 250,000 of stake: 500,000 of the 1,200,000
    // that lending's weight 60 allows at 2x (the DEX, weight 40, 800,000).
    assert_eq!(
        steps[4].title,
        "[test.toml:59] dana buys 250,000.00 of lending cover for 180 days"
    );
    assert_eq!(
        steps[4].lines[1..],
        [
            "pool: stake 1,000,000.00, vault 1,003,082.191781, owed to stakers in rewards \
             1,386.986301, leverage line used 0.00 of 0.00"
                .to_string(),
            "capital pool: capital 0.00, owed to claimants 0.00, lines 0.00, minimum capital 0.00"
                .to_string(),
            "dex: capacity used 0.00 of 800,000.00 (0.00%)".to_string(),
            "lending: capacity used 500,000.00 of 1,200,000.00 (41.66%)".to_string(),
        ]
    );
    // The opening, 17 steps and the summary.
    assert_eq!(steps.len(), 19);
    assert_eq!(
        steps[7].title,
        "[test.toml:68] lending is exploited: holders lose 60%"
    );
    assert_eq!(
        steps[7].lines[..2],
        [
            "dana claims 150,000.00".to_string(),
            "eli claims 60,000.00".to_string()
        ]
    );
}

/// The review's case (premium follows risk): the staker whose tranche cannot back the cover
/// earns none of its premium and withdraws exactly its stake; the backing staker earns all of
/// the stakers' share (25,000 premium × 50% less the 10% manager fee = 11,250, less one unit
/// of rounding) and bears the 500,000 loss.
#[tokio::test]
async fn short_tranche_scenario_pays_premium_only_to_the_backing_stake() {
    let (_, summary) = simulate(&shipped("short-tranche-backs-nothing.toml"))
        .await
        .unwrap();
    assert_eq!(summary.total, summary.minted, "every token accounted for");
    assert_eq!(summary.claims_paid, 500_000 * UNIT);
    assert_eq!(
        summary.wallets,
        [
            ("bea".to_string(), 525_000 * UNIT),
            ("fay".to_string(), 511_250 * UNIT - 1),
            ("sho".to_string(), 1_000_000 * UNIT),
            ("vic".to_string(), 0),
            ("manager".to_string(), 1_250 * UNIT),
        ]
    );
    assert_eq!(
        (summary.pool_vault, summary.capital_vault, summary.treasury),
        (2_500 * UNIT, 8_750 * UNIT, 1_250 * UNIT + 1)
    );
}

#[tokio::test]
async fn disputed_claim_scenario_forfeits_the_deposit() {
    let (steps, summary) = simulate(&shipped("disputed-claim-thin-pool.toml"))
        .await
        .unwrap();
    assert_eq!(summary.minted, 163_000 * UNIT);
    assert_eq!(summary.total, summary.minted, "every token accounted for");
    assert_eq!(summary.pool_vault, summary.pool_liabilities);
    assert_eq!(summary.claims_paid, 0);
    // max(1 token, 0.5% of 40,000) = 200.
    assert_eq!(summary.deposits_forfeited, 200 * UNIT);
    assert_eq!(
        summary.wallets,
        [
            ("cal".to_string(), 0),
            ("sam".to_string(), 50_764_021_917),
            ("tia".to_string(), 6_684_931_506),
            ("uma".to_string(), 4_317_369_863),
            ("vic".to_string(), 0),
            ("wes".to_string(), 0),
            ("manager".to_string(), 134_827_397),
        ]
    );
    // Cal stays a member: the capital pool holds his 100,000 and its premium share.
    assert_eq!(
        (summary.pool_vault, summary.capital_vault, summary.treasury),
        (379_769_862, 100_629_194_524, 89_884_931)
    );
    assert_eq!(summary.capital, summary.capital_vault);
    let last = &steps.last().unwrap().lines;
    assert!(last.iter().any(|l| l.contains("every token accounted for")));
}

/// The issue's case: a fully sold 2x pool loses everything. With the capital pool funded,
/// every accepted claim is paid in full — the stake its half, the capital pool the rest — and
/// the books add up; without it the sale beyond 1x stake is refused with its own error.
#[tokio::test]
async fn a_fully_sold_2x_pool_losing_everything_pays_every_claim_in_full() {
    let text = shipped("leveraged-pool-total-loss.toml");
    let (steps, summary) = simulate(&text).await.unwrap();
    assert_eq!(summary.total, summary.minted, "every token accounted for");
    assert_eq!(summary.minted, 2_120_000 * UNIT);
    assert_eq!(summary.claims_paid, 1_990_000 * UNIT);
    assert_eq!(
        (
            summary.claims_paid_by_stake,
            summary.claims_paid_by_capital,
            summary.claims_owed
        ),
        (995_000 * UNIT, 995_000 * UNIT, 0)
    );
    // Ann and Ben: their tokens less premium plus the whole cover. Sol: the 5,000 of stake no
    // cover used plus all the stakers' premium (less one unit of rounding). Mo: the 5,000 the
    // capital pool kept plus its 35% of the 73,450 of premium.
    assert_eq!(
        summary.wallets,
        [
            ("ann".to_string(), 1_230_000 * UNIT),
            ("ben".to_string(), 806_550 * UNIT),
            ("mo".to_string(), 30_707_500_000),
            ("sol".to_string(), 38_052_499_999),
            ("vic".to_string(), 0),
            ("manager".to_string(), 3_672_500_000),
        ]
    );
    assert_eq!(
        (summary.pool_vault, summary.capital_vault, summary.capital),
        (7_345 * UNIT, 0, 0)
    );
    assert_eq!(
        steps[4].lines[0],
        "premium 43,450.00 at 5.50%/yr; sold at 2.00x (395,000.00 on the leverage line)"
    );
    assert_eq!(
        steps[11].lines[0],
        "backing stake pays 395,000.00, capital pool 395,000.00; owed 0.00"
    );
    // The same story without Mo's capital: Ann's 1,200,000 on 1,000,000 of stake is refused.
    let unfunded = text.replace(
        "[[steps]]\ncapital = { actor = \"mo\", amount = 1000000 }\n",
        "",
    );
    assert_ne!(unfunded, text);
    let line = 1 + unfunded
        .lines()
        .position(|l| l.starts_with("buy = { actor = \"ann\""))
        .unwrap();
    let err = simulate(&unfunded).await.unwrap_err().0;
    assert_eq!(
        err,
        format!(
            "test.toml:{line}: the program refused: {} (LeverageUnavailable)",
            BulwarkError::LeverageUnavailable
        )
    );
}

const BASE: &str = r#"name = "t"

[[products]]
name = "dex"
weight = 100
price_bps = 200

[[actors]]
name = "sam"
tokens = 1000
"#;

/// A step to append where a test's entries are not steps (a scenario needs one).
const WAIT: &str = "\n[[steps]]\nwait = { days = 1 }\n";

/// A claimant votes for its own claim with a second key holding a tenth of all assessor stake;
/// governance overturns it: the deposit is forfeited, the second key is slashed half its vote
/// and earns nothing.
#[tokio::test]
async fn an_overturned_self_vote_costs_the_deposit_and_the_slash() {
    let text = r#"
name = "A self-vote, overturned"

[market]

[[products]]
name = "lend"
weight = 100
price_bps = 250

[[actors]]
name = "ann"
tokens = 1000000

[[actors]]
name = "bo"
tokens = 10000

[[actors]]
name = "mal"
assessor_stake = 1

[[actors]]
name = "hon"
assessor_stake = 9

[[steps]]
stake = { actor = "ann", amount = 1000000, tranches_ahead = 4 }

[[steps]]
buy = { actor = "bo", product = "lend", amount = 100000, days = 90 }

[[steps]]
wait = { days = 1 }

[[steps]]
claim = { actor = "bo", amount = 100000 }

[[steps]]
vote = { actor = "mal", claimant = "bo", accept = true }

[[steps]]
overturn = { claimant = "bo" }

[[steps]]
wait = { days = 2 }

[[steps]]
close = { claimant = "bo" }

[[steps]]
assessor_rewards = { actor = "mal" }
"#;
    let (steps, summary) = simulate(text).await.unwrap();
    assert_eq!(summary.total, summary.minted, "every token accounted for");
    assert_eq!(summary.claims_paid, 0);
    // max(1 token, 0.5% of 100,000) = 500; the reward reserved was the cover's assessment
    // premium (10% of 616.438357), given back.
    assert_eq!(summary.deposits_forfeited, 500 * UNIT);
    let lines: Vec<&String> = steps
        .iter()
        .flat_map(|step| std::iter::once(&step.title).chain(step.lines.iter()))
        .collect();
    assert!(
        lines.iter().any(|line| line.ends_with(
            "governance overturns bo's claim as fraud: 61.643835 of reward go back to the pool"
        )),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|line| line.ends_with(
            "mal earns 0.00 for voting on 1 claim(s) and loses 0.50 of its stake for a vote on \
             an overturned outcome"
        )),
        "{lines:?}"
    );
}

async fn error_of(steps: &str) -> String {
    simulate(&format!("{BASE}{steps}")).await.unwrap_err().0
}

#[tokio::test]
async fn malformed_scenarios_name_the_line() {
    // BASE is 10 lines: each step below has its header on line 12 and its key on line 13.
    assert_eq!(
        error_of("\n[[steps]]\nwait = { days = }\n").await,
        "test.toml:13: invalid literal string, expected `'`"
    );
    assert_eq!(
        error_of("\n[[steps]]\nstake = { actor = \"sam\", amont = 5 }\n").await,
        "test.toml:13: unexpected keys in table: amont, available keys: actor, amount, tranches_ahead"
    );
    assert_eq!(
        error_of(
            "\n[[steps]]\nbuy = { actor = \"bo\", product = \"dex\", amount = 1, days = 30 }\n"
        )
        .await,
        "test.toml:13: no actor named `bo`"
    );
    assert_eq!(
        error_of("\n[[steps]]\nexplode = { days = 3 }\n").await,
        "test.toml:13: unknown variant `explode`, expected one of `stake`, `buy`, `wait`, \
         `incident`, `claim`, `vote`, `commit`, `reveal`, `redeem`, `overturn`, `withdraw`, `capital`, `capital_withdraw`, `rewards`, \
         `close`, `fees`, `assessor_rewards`, `expire`, `chapter`"
    );
}

#[tokio::test]
async fn steps_the_program_refuses_name_the_line_and_the_reason() {
    let err = error_of(
        "\n[[steps]]\nstake = { actor = \"sam\", amount = 1000 }\n\
         \n[[steps]]\nbuy = { actor = \"sam\", product = \"dex\", amount = 10, days = 3 }\n",
    )
    .await;
    assert_eq!(
        err,
        format!(
            "test.toml:16: the program refused: {} (InvalidCoverPeriod)",
            BulwarkError::InvalidCoverPeriod
        )
    );
    // More than the actor holds: the program says so before any transfer.
    let err = error_of("\n[[steps]]\nstake = { actor = \"sam\", amount = 5000 }\n").await;
    assert_eq!(
        err,
        format!(
            "test.toml:13: the program refused: {} (InsufficientBalance)",
            BulwarkError::InsufficientBalance
        )
    );
    let err = error_of("\n[[steps]]\nclaim = { actor = \"sam\", amount = 5 }\n").await;
    assert_eq!(err, "test.toml:13: sam holds no cover");
}

#[tokio::test]
async fn amounts_beyond_a_u64_of_base_units_are_refused_with_their_line() {
    // u64::MAX is 18,446,744,073,709.551615 tokens of 6 decimals.
    assert_eq!(
        error_of("\n[[steps]]\nstake = { actor = \"sam\", amount = 18446744073710 }\n").await,
        "test.toml:13: amount = 18446744073710 is too large (at most 18446744073709 tokens)"
    );
    assert_eq!(
        error_of(
            "\n[[steps]]\nbuy = { actor = \"sam\", product = \"dex\", amount = 1, days = 49711 }\n"
        )
        .await,
        "test.toml:13: days = 49711 is too long"
    );
    assert_eq!(
        error_of("\n[[steps]]\nstake = { actor = \"sam\", amount = 1, tranches_ahead = 8 }\n")
            .await,
        "test.toml:13: tranches_ahead must be 0–7"
    );
    // Each actor fits, together they do not: refused before anything is minted.
    assert_eq!(
        error_of(
            "\n[[actors]]\nname = \"big\"\ntokens = 10000000000000\n\
             \n[[actors]]\nname = \"huge\"\ntokens = 10000000000000\n\
             \n[[steps]]\nwait = { days = 1 }\n"
        )
        .await,
        "test.toml:17: the actors' tokens add up to more than a mint can hold \
         (18446744073709 tokens)"
    );
    assert_eq!(
        error_of(&format!("\n[[actors]]\nname = \"big\"\nassessor_stake = 18446744073710\n{WAIT}")).await,
        "test.toml:13: assessor_stake = 18446744073710 is too large (at most 18446744073709 tokens)"
    );
}

#[tokio::test]
async fn duplicate_names_are_refused_with_both_lines() {
    assert_eq!(
        error_of(&format!("\n[[actors]]\nname = \"sam\"\ntokens = 5\n{WAIT}")).await,
        "test.toml:13: actor `sam` is already defined on line 9"
    );
    assert_eq!(
        error_of(&format!(
            "\n[[products]]\nname = \"dex\"\nweight = 1\nprice_bps = 100\n{WAIT}"
        ))
        .await,
        "test.toml:13: product `dex` is already defined on line 4"
    );
}

#[tokio::test]
async fn incident_losses_are_a_percentage_of_live_cover() {
    assert_eq!(
        error_of("\n[[steps]]\nincident = { product = \"dex\", loss_percent = 0 }\n").await,
        "test.toml:13: loss_percent must be 1–100"
    );
    assert_eq!(
        error_of("\n[[steps]]\nincident = { product = \"dex\", loss_percent = 101 }\n").await,
        "test.toml:13: loss_percent must be 1–100"
    );
    // Ann's 28-day cover took claims until start + 28 + 35 days grace (2026-03-09); the
    // incident after it skips her and Bob still claims 33% of his 30 tokens.
    let (steps, summary) = simulate(&format!(
        "{BASE}\n[[actors]]\nname = \"ann\"\ntokens = 100\n\
         \n[[actors]]\nname = \"bob\"\ntokens = 100\n\
         \n[[steps]]\nstake = {{ actor = \"sam\", amount = 1000 }}\n\
         \n[[steps]]\nbuy = {{ actor = \"ann\", product = \"dex\", amount = 10, days = 28 }}\n\
         \n[[steps]]\nwait = {{ days = 64 }}\n\
         \n[[steps]]\nbuy = {{ actor = \"bob\", product = \"dex\", amount = 30, days = 28 }}\n\
         \n[[steps]]\nwait = {{ days = 1 }}\n\
         \n[[steps]]\nincident = {{ product = \"dex\", loss_percent = 33 }}\n"
    ))
    .await
    .unwrap();
    assert_eq!(summary.total, summary.minted);
    let incident = &steps[6];
    assert_eq!(
        incident.title,
        "[test.toml:36] dex is exploited: holders lose 33%"
    );
    assert_eq!(
        incident.lines[..2],
        [
            "ann's cover could take claims until 2026-03-09 00:00: no claim".to_string(),
            "bob claims 9.90".to_string()
        ]
    );
}

#[tokio::test]
async fn chapters_gather_steps_and_covers_expire_after_their_claim_window() {
    // Ann's 28-day cover takes claims for 35 more days: it expires on day 63, not before.
    let (steps, summary) = simulate(&format!(
        "{BASE}\n[[actors]]\nname = \"ann\"\ntokens = 100\n\
         \n[[steps]]\nchapter = \"Cover is sold\"\n\
         \n[[steps]]\nstake = {{ actor = \"sam\", amount = 1000 }}\n\
         \n[[steps]]\nbuy = {{ actor = \"ann\", product = \"dex\", amount = 10, days = 28 }}\n\
         \n[[steps]]\nchapter = \"And expires\"\n\
         \n[[steps]]\nwait = {{ days = 62 }}\n\
         \n[[steps]]\nexpire = {{}}\n\
         \n[[steps]]\nwait = {{ days = 1 }}\n\
         \n[[steps]]\nexpire = {{}}\n"
    ))
    .await
    .unwrap();
    assert_eq!(summary.total, summary.minted);
    // The opening, two chapters, the summary.
    let titles: Vec<&str> = steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        ["t: pool 0 opens", "Cover is sold", "And expires", "Summary"]
    );
    assert_eq!(steps[1].lines[0], "sam stakes 1,000.00");
    assert_eq!(steps[1].lines[2], "ann buys 10.00 of dex cover for 28 days");
    assert_eq!(
        steps[2].lines[..6],
        [
            "62 days pass",
            "0 cover(s) expire",
            "  ann's cover takes claims until 2026-03-09 00:00",
            "1 days pass",
            "1 cover(s) expire",
            "  ann's cover expires; its rent goes back to its payer",
        ]
    );
}

#[tokio::test]
async fn claims_close_and_rewards_pay_only_when_the_program_allows() {
    // A claim still being voted on cannot be closed: the program says so, with the line.
    let err = error_of(
        "\n[[actors]]\nname = \"ann\"\ntokens = 100\n\
         \n[[steps]]\nstake = { actor = \"sam\", amount = 1000 }\n\
         \n[[steps]]\nbuy = { actor = \"ann\", product = \"dex\", amount = 10, days = 28 }\n\
         \n[[steps]]\nclaim = { actor = \"ann\", amount = 5 }\n\
         \n[[steps]]\nclose = { claimant = \"ann\" }\n",
    )
    .await;
    assert_eq!(
        err,
        format!(
            "test.toml:26: the program refused: {} (OutcomeNotFinal)",
            BulwarkError::OutcomeNotFinal
        )
    );
    assert_eq!(
        error_of("\n[[steps]]\nrewards = { actor = \"bo\" }\n").await,
        "test.toml:13: no actor named `bo`"
    );
}

/// A blind vote: the accepting ballot is revealed, the denying one never is and counts for
/// nothing; the claim is paid and only the revealed ballot is rewarded.
#[tokio::test]
async fn blind_vote_scenario_counts_only_revealed_ballots() {
    let (steps, summary) = simulate(&shipped("blind-vote-bridge-hack.toml"))
        .await
        .unwrap();
    assert_eq!(summary.total, summary.minted, "every token accounted for");
    assert_eq!(summary.claims_paid, 20_000 * UNIT);
    let lines: Vec<&String> = steps.iter().flat_map(|step| &step.lines).collect();
    let titles: Vec<&str> = steps.iter().map(|step| step.title.as_str()).collect();
    for expected in [
        "] pim commits a blind vote on lea's claim",
        "] ona reveals its vote to accept lea's claim",
        "] lea is paid 20,000.00",
        "] pim earns 0.00 for voting on 1 claim(s)",
    ] {
        assert!(
            titles.iter().any(|title| title.ends_with(expected)),
            "{expected} in {titles:?}"
        );
    }
    assert!(lines
        .iter()
        .any(|l| l.as_str() == "2 blind ballot(s) committed"));
    assert!(
        lines
            .iter()
            .any(|l| l.as_str() == "tally: accept 1,500.00, deny 0.00"),
        "{lines:?}"
    );
}
