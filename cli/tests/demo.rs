//! `bulwark demo` completes and its summary adds up.

use bulwark_cli::demo::{run, usdc};

#[tokio::test]
async fn demo_accounts_for_every_token() {
    let mut steps = Vec::new();
    let summary = run(false, &mut |step| steps.push(step)).await;
    assert_eq!(summary.minted, 1_100_000_000_000);
    assert_eq!(
        summary.total, summary.minted,
        "every token is accounted for"
    );
    // After the final sweep the vault holds exactly what the pool still owes.
    assert_eq!(summary.pool_vault, summary.pool_liabilities);
    assert_eq!(summary.claims_paid, 250_000_000_000);
    assert_eq!(summary.deposits_forfeited, 500_000_000);
    let dana = summary.wallets.iter().find(|(n, _)| n == "Dana").unwrap().1;
    let eli = summary.wallets.iter().find(|(n, _)| n == "Eli").unwrap().1;
    // Dana paid premium, got 250,000 paid out and her deposit back; Eli lost premium and deposit.
    assert!(dana > 250_000_000_000 && dana < 300_000_000_000);
    assert!(eli < 50_000_000_000 - 500_000_000);
    let titles: Vec<&str> = steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles.len(), 11);
    assert_eq!(titles[10], "Summary");
    assert!(steps[10]
        .lines
        .last()
        .unwrap()
        .contains("every token accounted for"));
    assert_eq!(usdc(1_234_567_890), "1,234.56");
}
