//! `bulwark demo` completes and its summary adds up.

use bulwark_cli::demo::run;
use bulwark_cli::format::usdc;

#[tokio::test]
async fn demo_accounts_for_every_token() {
    let mut steps = Vec::new();
    let summary = run(false, &mut |step| steps.push(step)).await.unwrap();
    assert_eq!(summary.minted, 1_350_000_000_000);
    assert_eq!(
        summary.total, summary.minted,
        "every token is accounted for"
    );
    // After the final sweep the vault holds exactly what the pool still owes.
    assert_eq!(summary.pool_vault, summary.pool_liabilities);
    assert_eq!(summary.claims_paid, 250_000_000_000);
    // Dana's cover was sold at 2x on the capital pool's line: the stake pays 250,000 ÷ 2, the
    // capital pool the rest; nothing is owed, and the capital vault equals its books.
    assert_eq!(
        (
            summary.claims_paid_by_stake,
            summary.claims_paid_by_capital,
            summary.claims_owed
        ),
        (125_000_000_000, 125_000_000_000, 0)
    );
    assert_eq!(summary.capital_vault, summary.capital);
    assert_eq!(summary.deposits_forfeited, 500_000_000);
    // The demo starts at a fixed time, so every balance is exact. Dana: 50,000 − 4,931.506850
    // premium + 250,000 payout (deposit refunded); Eli: 50,000 − 1,109.589042 premium − the
    // 500 deposit. Cai's tranche ends in 172 days, before any cover sold is settled: it backs
    // none, so it earns no premium and withdraws exactly its stake; Ana and Ben, whose
    // tranches back the covers, earn all of the stakers' premium and lose 125,000 between
    // them (5:3). Mia, the capital pool's only member: 250,000 − 125,000 + 35% of the
    // 6,041.095892 of premium. The treasury keeps its 5% protocol fee.
    let wallets: Vec<(&str, u64)> = summary
        .wallets
        .iter()
        .map(|(name, balance)| (name.as_str(), *balance))
        .collect();
    assert_eq!(
        wallets,
        [
            ("Ana", 423_574_058_219),
            ("Ben", 254_144_434_931),
            ("Cai", 200_000_000_000),
            ("Dana", 295_068_493_150),
            ("Eli", 48_390_410_958),
            ("Fay", 305_136_985),
            ("Gus", 77_054_794),
            ("Mia", 127_114_383_563),
            ("manager", 302_054_794),
        ]
    );
    // Rounding dust (2) and the assessment reserve: the premiums' assessment share and
    // forfeited deposits not paid to assessors stay with the pool for its later claims.
    assert_eq!(summary.pool_vault, 721_917_812);
    assert_eq!(summary.treasury, 302_054_794);
    // Later tranches lock longer: Ana's until 718 days after the pool opened, Cai's 172.
    assert_eq!(
        steps[1].lines[..8],
        [
            "Ana stakes 500,000.00",
            "  tranche 232, locked until 2028-01-20 00:00",
            "Ben stakes 300,000.00",
            "  tranche 230, locked until 2027-07-22 00:00",
            "Cai stakes 200,000.00",
            "  tranche 226, locked until 2026-07-23 00:00",
            "Mia deposits 250,000.00 into the capital pool",
            "  Mia holds 250,000.00 shares",
        ]
    );
    // Dana's cover fits the line at 2x; Eli's takes the 50,000 of line left, so 1.5x.
    assert_eq!(
        steps[2].lines[1],
        "  premium 4,931.50685 at 2.50%/yr; sold at 2.00x (200,000.00 on the leverage line)"
    );
    assert_eq!(
        steps[2].lines[3],
        "  premium 1,109.589042 at 3.00%/yr; sold at 1.50x (50,000.00 on the leverage line)"
    );
    // Capacity used after the purchases, in stake occupied × 2: 1,000,000 staked, lending
    // weight 60, DEX 40 (Eli's 1.5x cover occupies 100,000 of stake).
    assert_eq!(
        steps[2].lines[6..],
        [
            "DEX: capacity used 200,000.00 of 800,000.00 (25.00%)".to_string(),
            "lending: capacity used 400,000.00 of 1,200,000.00 (33.33%)".to_string(),
        ]
    );
    // Cai's tranche ends before any cover sold is settled: it earns none of their premium.
    assert_eq!(
        steps[3].lines[1..7],
        [
            "Ana claims 299.561534 of rewards",
            "  position 0: 299.561534",
            "Ben claims 179.73692 of rewards",
            "  position 0: 179.73692",
            "Cai claims 0.00 of rewards",
            "  position 0 has earned no rewards",
        ]
    );
    // The votes are cast as soon as the claims are filed: voting is still open, the tallies
    // move with each vote.
    let tallies: Vec<&str> = steps[5]
        .lines
        .iter()
        .filter_map(|line| line.strip_prefix("  tally: "))
        .collect();
    assert_eq!(
        tallies,
        [
            "accept 3.00, deny 0.00",
            "accept 4.00, deny 0.00",
            "accept 1.00, deny 0.00",
            "accept 1.00, deny 3.00",
        ]
    );
    let claims = &steps[5].state.as_ref().unwrap().claims;
    assert_eq!(
        claims
            .iter()
            .map(|c| (c.status, c.accepted))
            .collect::<Vec<_>>(),
        [("voting", true), ("voting", false)]
    );
    // The payout burnt 125,000 of stake: (875,000 × 2) × 60% and × 40%; Dana's cover has
    // 150,000 left.
    assert_eq!(
        steps[6].lines[2],
        "  backing stake pays 125,000.00, capital pool 125,000.00; owed 0.00"
    );
    assert_eq!(
        steps[6].lines[6..],
        [
            "DEX: capacity used 200,000.00 of 700,000.00 (28.57%)".to_string(),
            "lending: capacity used 150,000.00 of 1,050,000.00 (14.28%)".to_string(),
        ]
    );
    let titles: Vec<&str> = steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles.len(), 10);
    assert_eq!(titles[9], "Summary");
    // The printed column, to the base unit, adds up to the printed total.
    let summary_lines = &steps[9].lines;
    let amount = |line: &str| -> u64 {
        let field = line.split_whitespace().nth(1).unwrap();
        field.replace([',', '.'], "").parse().unwrap()
    };
    let (claims_line, rest) = summary_lines.split_last().unwrap();
    let (total_line, column) = rest.split_last().unwrap();
    assert_eq!(
        total_line,
        "total        1,350,000.000000 = minted 1,350,000.000000 (every token accounted for)"
    );
    assert_eq!(
        claims_line,
        "claims paid 250,000.000000 (backing stake 125,000.000000, capital pool 125,000.000000), \
         owed 0.000000"
    );
    assert_eq!(column[0], "Ana            423,574.058219");
    assert_eq!(
        column.iter().map(|line| amount(line)).sum::<u64>(),
        amount(total_line)
    );
    assert_eq!(usdc(1_234_567_890), "1,234.56");
}
