//! `bulwark demo` completes and its summary adds up.

use bulwark_cli::demo::{run, usdc};

#[tokio::test]
async fn demo_accounts_for_every_token() {
    let mut steps = Vec::new();
    let summary = run(false, &mut |step| steps.push(step)).await.unwrap();
    assert_eq!(summary.minted, 1_100_000_000_000);
    assert_eq!(
        summary.total, summary.minted,
        "every token is accounted for"
    );
    // After the final sweep the vault holds exactly what the pool still owes.
    assert_eq!(summary.pool_vault, summary.pool_liabilities);
    assert_eq!(summary.claims_paid, 250_000_000_000);
    assert_eq!(summary.deposits_forfeited, 500_000_000);
    // The demo starts at a fixed time, so every balance is exact. Dana: 50,000 − 4,931.506850
    // premium + 250,000 payout (deposit refunded); Eli: 50,000 − 1,109.589042 premium − the
    // 500 deposit. Cai's tranche ends in 172 days, before any cover sold is settled: it backs
    // none, so it earns no premium and withdraws exactly its stake; Ana and Ben, whose
    // tranches back the covers, earn all of the stakers' premium.
    let wallets: Vec<(&str, u64)> = summary
        .wallets
        .iter()
        .map(|(name, balance)| (name.as_str(), *balance))
        .collect();
    assert_eq!(
        wallets,
        [
            ("Ana", 345_449_058_219),
            ("Ben", 207_269_434_931),
            ("Cai", 200_000_000_000),
            ("Dana", 295_068_493_150),
            ("Eli", 48_390_410_958),
            ("manager", 302_054_794),
            ("Fay", 525_000_000),
            ("Gus", 175_000_000),
        ]
    );
    assert_eq!(summary.pool_vault, 2);
    assert_eq!(summary.treasury, 2_416_438_357);
    assert_eq!(summary.reward_pot, 404_109_589);
    assert_eq!(
        steps[2].lines,
        [
            "Ana stakes 500,000.00 in tranche 232 (unlocks in 718 days)",
            "Ben stakes 300,000.00 in tranche 230 (unlocks in 536 days)",
            "Cai stakes 200,000.00 in tranche 226 (unlocks in 172 days)",
        ]
    );
    // Capacity used after the purchases: 1,000,000 staked at 2x, lending weight 60, DEX 40.
    assert_eq!(
        steps[3].lines[3..],
        [
            "lending: capacity used 400,000.00 of 1,200,000.00 (33.33%)".to_string(),
            "DEX: capacity used 150,000.00 of 800,000.00 (18.75%)".to_string(),
        ]
    );
    // The votes are cast as soon as the claims are filed: voting is still open.
    let votes: Vec<&str> = steps[6]
        .lines
        .iter()
        .map(|line| line.split_once(": ").unwrap().1)
        .collect();
    assert_eq!(
        votes,
        [
            "accept 4.00 / deny 0.00 -> voting open until 2026-03-06 00:00, accepted so far",
            "accept 1.00 / deny 3.00 -> voting open until 2026-03-06 00:00, denied so far",
        ]
    );
    // After the payout burnt 250,000 of stake: (750,000 × 2) × 60% and × 40%; Dana's cover
    // has 150,000 left.
    assert_eq!(
        steps[7].lines[5..],
        [
            "lending: capacity used 150,000.00 of 900,000.00 (16.66%)".to_string(),
            "DEX: capacity used 150,000.00 of 600,000.00 (25.00%)".to_string(),
        ]
    );
    let titles: Vec<&str> = steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles.len(), 11);
    assert_eq!(titles[10], "Summary");
    // The printed column, to the base unit, adds up to the printed total.
    let summary_lines = &steps[10].lines;
    let amount = |line: &str| -> u64 {
        let field = line.split_whitespace().nth(1).unwrap();
        field.replace([',', '.'], "").parse().unwrap()
    };
    let (total_line, column) = summary_lines.split_last().unwrap();
    assert_eq!(
        total_line,
        "total        1,100,000.000000 = minted 1,100,000.000000 (every token accounted for)"
    );
    assert_eq!(column[0], "Ana            345,449.058219");
    assert_eq!(
        column.iter().map(|line| amount(line)).sum::<u64>(),
        amount(total_line)
    );
    assert_eq!(usdc(1_234_567_890), "1,234.56");
}
