//! The cluster subcommands, exercised end to end on the embedded VM: the same parsing, the same
//! instruction building and account decoding as against a cluster, only the transport differs.
//! Each command is a separate invocation resuming from the ledger file, as from a shell.

use bulwark::error::BulwarkError;
mod common;

use bulwark_cli::errors::CliError;
use bulwark_cli::scenario::START;
use common::{after, bulwark};
use solana_keypair::{read_keypair_file, write_keypair_file, Keypair};
use solana_signer::Signer;
use std::path::PathBuf;

struct Shell {
    ledger: PathBuf,
}

impl Shell {
    /// A fresh ledger whose clock reads the demo's start (2026-01-05), so tranches, buckets
    /// and every amount that depends on time are the same on any day: the ledger file's clock
    /// is what the embedded VM resumes from.
    fn new(name: &str) -> Self {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("test directory");
        let ledger = dir.join("ledger.json");
        let clock = format!(r#"{{"slot":1,"unix_timestamp":{START},"accounts":{{}}}}"#);
        std::fs::write(&ledger, clock).expect("ledger file");
        Self { ledger }
    }

    async fn run(&self, args: &str) -> Result<String, CliError> {
        let ledger = self.ledger.display().to_string();
        bulwark(&["--native", "--ledger", &ledger], args).await
    }

    async fn ok(&self, args: &str) -> String {
        match self.run(args).await {
            Ok(out) => out,
            Err(e) => panic!("`bulwark {args}` failed: {e}"),
        }
    }

    /// A second wallet's keypair file next to the ledger (the embedded VM funds it when it
    /// first signs) and its address.
    fn other_wallet(&self, name: &str) -> (String, String) {
        let path = self.ledger.parent().unwrap().join(format!("{name}.json"));
        let keypair = Keypair::new();
        write_keypair_file(&keypair, &path).expect("keypair file");
        (path.display().to_string(), keypair.pubkey().to_string())
    }

    /// Runs `args` signed by the wallet in `keypair`; it must succeed.
    async fn ok_as(&self, keypair: &str, args: &str) -> String {
        let ledger = self.ledger.display().to_string();
        match bulwark(
            &["--native", "--ledger", &ledger, "--keypair", keypair],
            args,
        )
        .await
        {
            Ok(out) => out,
            Err(e) => panic!("`bulwark {args}` as {keypair} failed: {e}"),
        }
    }

    /// Runs `args`, which the program must refuse with `err`, reported in its own words.
    async fn refused(&self, args: &str, err: BulwarkError) {
        match self.run(args).await {
            Ok(out) => panic!("`bulwark {args}` succeeded: {out}"),
            Err(e) => assert_eq!(e.0, format!("the program refused: {err} ({})", err.name())),
        }
    }

    fn wallet(&self) -> String {
        read_keypair_file(self.ledger.parent().unwrap().join("wallet.json"))
            .expect("the embedded VM created a wallet")
            .pubkey()
            .to_string()
    }
}

#[tokio::test]
async fn operator_and_user_commands_run_the_whole_lifecycle() {
    let sh = Shell::new("lifecycle");
    let usdc = after(&sh.ok("token create-mint --decimals 6").await, "mint");
    let bwk = after(&sh.ok("token create-mint --decimals 6").await, "mint");
    let me = sh.wallet();

    let out = sh.ok(&format!("init --assessment-mint {bwk}")).await;
    assert!(out.contains("initialized"), "{out}");
    assert!(out.contains(&format!("governance authority {me}, treasury {me}")));
    // An assessor with its own wallet stakes first: stake votes once it is 7 days old.
    let (assessor, assessor_address) = sh.other_wallet("assessor");
    sh.ok(&format!(
        "token mint --mint {bwk} --to {assessor_address} --amount 5"
    ))
    .await;
    sh.ok_as(&assessor, "assessor stake --amount 5").await;
    sh.ok("warp --days 7").await;
    let out = sh
        .ok("product create --wording-uri ipfs://wording/lending --grace-days 30")
        .await;
    assert!(out.contains("product 0 created"), "{out}");
    let out = sh.ok("product list").await;
    assert!(out.starts_with("1 product(s)"), "{out}");
    assert!(out.contains("#0 ") && out.contains("grace 30 days, min price 1.00%/yr"));

    let out = sh
        .ok(&format!("mint set --mint {usdc} --claim-min-deposit 1.5"))
        .await;
    assert!(
        out.contains(&format!(
            "mint {usdc} listed: smallest claim deposit 1.50\ncapital pool "
        )),
        "{out}"
    );
    let out = sh
        .ok(&format!("pool create --mint {usdc} --fee-bps 500"))
        .await;
    assert!(out.contains("pool 0 created"), "{out}");
    sh.ok("pool set-product 0 --product 0 --weight 100 --price-bps 250")
        .await;
    let err = sh.run("stake --pool 0 --amount 1000000").await.unwrap_err();
    assert!(
        err.0.starts_with(&format!("{me} holds 0.00 of {usdc} in "))
            && err.0.ends_with("; 1,000,000.00 is needed"),
        "{err}"
    );
    sh.ok(&format!(
        "token mint --mint {usdc} --to {me} --amount 2,000,000"
    ))
    .await;
    let out = sh.ok("stake --pool 0 --amount 1000000").await;
    assert!(
        out.contains(
            "staked 1,000,000.00 in pool 0, tranche 231 (locked until 2027-10-21 00:00), \
             position 0"
        ),
        "{out}"
    );
    let out = sh.ok("pool list").await;
    assert!(
        out.contains("#0 ") && out.contains("stake 1,000,000.00 fee 5.00%"),
        "{out}"
    );
    // A member's capital: what lets the pool sell above 1x its stake.
    let out = sh
        .ok(&format!("capital deposit --mint {usdc} --amount 200000"))
        .await;
    assert!(
        out.contains(&format!(
            "deposited 200,000.00 into the capital pool of {usdc} for 200,000.00 shares"
        )),
        "{out}"
    );
    let out = sh.ok(&format!("capital show --mint {usdc}")).await;
    assert!(
        out.contains("  capital 200,000.00  owed to claimants 0.00  members' capital 200,000.00")
            && out.contains(&format!("  {me} holds 200,000.00 shares, worth 200,000.00")),
        "{out}"
    );
    let out = sh.ok("pool show 0").await;
    assert!(
        out.contains("stake 1,000,000.00   vault 1,000,000.00"),
        "{out}"
    );
    assert!(out.contains(
        "  product 0: weight 100%, target 2.50%/yr, now 2.50%/yr\n    \
         capacity used 0.00 of 2,000,000.00 (0.00%)\n"
    ));

    // 100,000 for a year at 2.5%: 2,500, quoted and then charged.
    let out = sh.ok("quote --product 0 --amount 100000 --days 365").await;
    assert!(out.trim_end().ends_with("premium 2,500.00"), "{out}");
    let out = sh
        .ok("cover buy --product 0 --amount 100000 --days 365")
        .await;
    let cover = after(&out, "cover");
    let out = sh.ok(&format!("cover show {cover}")).await;
    assert!(
        out.contains("amount 100,000.00  remaining 100,000.00  premium 2,500.00"),
        "{out}"
    );
    assert!(out.contains(&format!("owner {me}  paid by {me}")));

    // A claim above the cover is refused with the program's own words.
    sh.refused(
        &format!("claim file --cover {cover} --amount 100000.01 --evidence-uri ipfs://e"),
        BulwarkError::ClaimAboveRemaining,
    )
    .await;
    let out = sh
        .ok(&format!(
            "claim file --cover {cover} --amount 40000 --evidence-uri ipfs://e"
        ))
        .await;
    let claim = after(&out, "claim");
    let out = sh.ok(&format!("claim show {claim}")).await;
    assert!(
        out.contains(
            "status: voting until 2026-01-15 00:00 (no votes yet; a late vote that flips it \
             extends voting, at most to 2026-01-24 00:00)\n"
        ),
        "{out}"
    );
    assert!(out.contains("requested 40,000.00  paid 0.00  deposit 200.00"));

    // The claimant cannot vote on its own claim (its stake fresh, it is refused as the
    // claimant first); the assessor who staked a week ago does.
    sh.ok(&format!("token mint --mint {bwk} --to {me} --amount 5"))
        .await;
    sh.ok("assessor stake --amount 5").await;
    sh.refused(
        &format!("vote --claim {claim}"),
        BulwarkError::ClaimantCannotVote,
    )
    .await;
    let out = sh.ok_as(&assessor, &format!("vote --claim {claim}")).await;
    assert!(out.contains("voted to accept"), "{out}");
    sh.refused(
        &format!("redeem --claim {claim}"),
        BulwarkError::OutcomeNotFinal,
    )
    .await;
    let out = sh.ok(&format!("claim show {claim}")).await;
    assert!(
        out.contains(
            "status: voting until 2026-01-15 00:00 (accepted so far; a late vote that flips it \
             extends voting, at most to 2026-01-24 00:00)\n"
        ),
        "{out}"
    );
    // 0.5% of 40,000 is 200, but at most the cover's assessment premium for 40% of it (100).
    assert!(
        out.contains(
            "  assessor reward 100.00 for the accepting side (100.00 still reserved); 0 of 1 \
             ballot(s) settled\n"
        ),
        "{out}"
    );
    sh.ok("warp --days 5").await;
    let out = sh.ok(&format!("claim show {claim}")).await;
    assert!(
        out.contains(
            "status: accepted; redeem before 2026-02-15 00:00 for the backing stake to pay its \
             part (the capital pool alone pays after)\n"
        ),
        "{out}"
    );
    // Sold at 2x on the line the purchase cranked: the stake pays half, the capital pool half.
    let out = sh.ok(&format!("redeem --claim {claim}")).await;
    assert!(
        out.contains(&format!("paid 40,000.00 to {me} ("))
            && out.contains(
                "; in all the backing stake paid 20,000.00, the capital pool 20,000.00; owed 0.00"
            ),
        "{out}"
    );
    let out = sh.ok(&format!("claim show {claim}")).await;
    assert!(out.contains("status: accepted and paid"), "{out}");
    assert!(
        out.contains(
            "paid by the backing stake 20,000.00, by the capital pool 20,000.00; owed 0.00"
        ),
        "{out}"
    );
    // Anyone settles the assessor's ballot: it voted for the outcome, the whole reward is its.
    let out = sh
        .ok(&format!(
            "settle --claim {claim} --voter {assessor_address}"
        ))
        .await;
    assert!(
        out.contains(&format!(
            "ballot of {assessor_address} on claim {claim} settled: reward 100.00"
        )),
        "{out}"
    );
    let out = sh.ok(&format!("claim show {claim}")).await;
    assert!(
        out.contains(
            "  assessor reward 100.00 for the accepting side (0.00 still reserved); 1 of 1 \
             ballot(s) settled\n"
        ),
        "{out}"
    );
    let out = sh.ok("pool show 0").await;
    assert!(out.contains("stake 980,000.00"), "{out}");
    // 60,000 of the cover is left (30,000 of stake), against 2 × the 980,000 of stake.
    assert!(
        out.contains("capacity used 60,000.00 of 1,960,000.00 (3.06%)"),
        "{out}"
    );
    // The member asks to leave with 50,000: paid after the exit delay.
    let out = sh
        .ok(&format!("capital withdraw --mint {usdc} --amount 50000"))
        .await;
    assert!(out.contains("exit 0 requested: "), "{out}");

    // A cover that was claimed on stays on chain as its claim's record, even once claims are
    // no longer possible (unclaimed covers: `crank_expire_returns_an_unclaimed_covers_rent`).
    sh.ok("warp --days 400").await;
    sh.refused(
        &format!("crank expire --cover {cover}"),
        BulwarkError::CoverHasClaims,
    )
    .await;
    let out = sh.ok(&format!("cover show {cover}")).await;
    assert!(out.contains("remaining 60,000.00"), "{out}");
    // The unused line has lapsed: a crank returns it, and the exit is paid.
    let out = sh.ok(&format!("capital withdraw --mint {usdc}")).await;
    assert!(out.contains("exit 0 paid 50,000.00"), "{out}");

    // The staker's share of the premium (50% less the 5% manager fee: 1,187.50) has streamed,
    // rounded down: `positions` shows it before it is claimed, and the claim pays exactly that.
    let out = sh.ok("positions").await;
    assert!(
        out.contains(", stake 980,000.00, rewards 1,187.499999\n"),
        "{out}"
    );
    let out = sh.ok("rewards --pool 0 --position 0").await;
    assert_eq!(after(&out, "claimed"), "1,187.499999", "{out}");
    sh.refused(
        "unstake --pool 0 --position 0",
        BulwarkError::TrancheNotEnded,
    )
    .await;
    sh.ok("warp --days 400").await;
    let out = sh.ok("unstake --pool 0 --position 0").await;
    assert!(out.starts_with("signature "), "{out}");
    // The stake after its 20,000 part of the payout; the stream had ended before the rewards
    // were claimed.
    assert_eq!(after(&out, "withdrew"), "980,000.00", "{out}");
    let out = sh.ok("pool show 0").await;
    assert!(out.contains("stake 0.00"), "{out}");
}

#[tokio::test]
async fn crank_expire_returns_an_unclaimed_covers_rent() {
    let sh = Shell::new("expire");
    let usdc = after(&sh.ok("token create-mint --decimals 6").await, "mint");
    let bwk = after(&sh.ok("token create-mint --decimals 6").await, "mint");
    let me = sh.wallet();
    sh.ok(&format!("init --assessment-mint {bwk}")).await;
    sh.ok("product create --wording-uri ipfs://wording/dex --grace-days 30")
        .await;
    sh.ok(&format!("mint set --mint {usdc} --claim-min-deposit 1"))
        .await;
    sh.ok(&format!("pool create --mint {usdc}")).await;
    sh.ok("pool set-product 0 --product 0 --weight 100 --price-bps 250")
        .await;
    sh.ok(&format!(
        "token mint --mint {usdc} --to {me} --amount 20000"
    ))
    .await;
    sh.ok("stake --pool 0 --amount 10000").await;
    let out = sh.ok("cover buy --product 0 --amount 1000 --days 30").await;
    let cover = after(&out, "cover");

    // Claims may be filed until the end of the cover plus its 30 days of grace.
    sh.ok("warp --days 59").await;
    sh.refused(
        &format!("crank expire --cover {cover}"),
        BulwarkError::CoverNotExpired,
    )
    .await;
    sh.ok("warp --days 2").await;
    let out = sh.ok(&format!("crank expire --cover {cover}")).await;
    assert!(
        out.contains(&format!(
            "cover {cover} expired; capacity released, rent returned to {me}"
        )),
        "{out}"
    );
    assert_eq!(
        sh.run(&format!("cover show {cover}")).await.unwrap_err().0,
        format!("no cover at {cover}")
    );
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let sh = Shell::new("bad-input");
    let err = sh.run("pool show 3").await.unwrap_err();
    assert!(err.0.starts_with("no pool at "), "{err}");
    let err = sh.run("stake --pool 0 --amount 1").await.unwrap_err();
    assert!(err.0.starts_with("no pool at "), "{err}");
    let mint = after(&sh.ok("token create-mint --decimals 2").await, "mint");
    let me = sh.wallet();
    let err = sh
        .run(&format!(
            "token mint --mint {mint} --to {me} --amount 1.005"
        ))
        .await
        .unwrap_err();
    assert_eq!(err.0, "`1.005` has more than 2 decimal places");
    let err = sh
        .run(&format!("init --assessment-mint {me}"))
        .await
        .unwrap_err();
    assert_eq!(
        err.0,
        format!(
            "{me} is not a token mint (owned by {}, not a token program)",
            solana_sdk_ids::system_program::ID
        )
    );
    // A token account is owned by the token program too, but it is not a mint.
    let out = sh
        .ok(&format!("token mint --mint {mint} --to {me} --amount 1"))
        .await;
    let account = out
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(account, _)| account.to_string())
        .unwrap();
    let err = sh
        .run(&format!("pool create --mint {account}"))
        .await
        .unwrap_err();
    assert_eq!(err.0, format!("{account} is not a token mint"));
    // The program takes the current tranche and the next seven.
    let err = sh
        .run("stake --pool 0 --amount 1 --tranches-ahead 8")
        .await
        .unwrap_err();
    assert_eq!(
        err.0,
        "error: invalid value '8' for '--tranches-ahead <TRANCHES_AHEAD>': 8 is not in 0..=7\n\n\
         For more information, try '--help'.\n"
    );
}

/// The wallet's lamports as the ledger file holds them, formatted as SOL.
fn sol(sh: &Shell, wallet: &str) -> String {
    let text = std::fs::read_to_string(&sh.ledger).expect("ledger file");
    let ledger: serde_json::Value = serde_json::from_str(&text).expect("ledger JSON");
    let lamports = ledger["accounts"][wallet]["lamports"]
        .as_u64()
        .expect("the wallet's account in the ledger");
    bulwark_cli::format::format_amount(lamports, 9)
}

#[tokio::test]
async fn wallet_shows_the_address_and_what_it_holds() {
    let sh = Shell::new("wallet");
    let out = sh.ok("wallet").await;
    let me = sh.wallet();
    assert_eq!(
        out,
        format!("wallet {me}\n  SOL 1,000.00\n  no market yet: no config, listed mint or pool\n")
    );

    let usdc = after(&sh.ok("token create-mint --decimals 6").await, "mint");
    let bwk = after(&sh.ok("token create-mint --decimals 2").await, "mint");
    sh.ok(&format!("init --assessment-mint {bwk}")).await;
    sh.ok(&format!("mint set --mint {usdc} --claim-min-deposit 1"))
        .await;
    sh.ok(&format!("pool create --mint {usdc}")).await;
    sh.ok(&format!("pool create --mint {usdc}")).await;
    sh.ok(&format!(
        "token mint --mint {usdc} --to {me} --amount 2,000,000.5"
    ))
    .await;
    sh.ok(&format!("token mint --mint {bwk} --to {me} --amount 5.25"))
        .await;
    sh.ok(&format!("capital deposit --mint {usdc} --amount 200000"))
        .await;
    let out = sh.ok("wallet").await;
    assert_eq!(
        out,
        format!(
            "wallet {me}\n  SOL {}\n  {bwk} (assessment): 5.25\n  {usdc} (listed, pool 0, pool 1): \
             1,800,000.50; capital pool shares 200,000.00, worth 200,000.00\n",
            sol(&sh, &me)
        )
    );
}

#[tokio::test]
async fn a_capacity_shortfall_is_told_in_tokens() {
    let sh = Shell::new("capacity-in-tokens");
    let usdc = after(&sh.ok("token create-mint --decimals 6").await, "mint");
    let bwk = after(&sh.ok("token create-mint --decimals 6").await, "mint");
    let me = sh.wallet();
    sh.ok(&format!("init --assessment-mint {bwk}")).await;
    sh.ok("product create --wording-uri ipfs://wording/lending")
        .await;
    sh.ok(&format!("mint set --mint {usdc} --claim-min-deposit 1"))
        .await;
    sh.ok(&format!("pool create --mint {usdc}")).await;
    sh.ok("pool set-product 0 --product 0 --weight 100 --price-bps 250")
        .await;
    sh.ok(&format!(
        "token mint --mint {usdc} --to {me} --amount 2,000,000"
    ))
    .await;
    sh.ok("stake --pool 0 --amount 1,250,000").await;
    let refused = format!(
        "cannot quote: not enough capacity: 3,000,000.00 of {usdc} requested, 1,250,000.00 \
         available"
    );
    for command in ["quote", "cover buy"] {
        let err = sh
            .run(&format!("{command} --product 0 --amount 3000000 --days 90"))
            .await
            .unwrap_err();
        assert_eq!(err.0, refused, "{command}");
    }
}

#[tokio::test]
async fn governance_changes_wait_for_the_timelock() {
    let sh = Shell::new("governance");
    let usdc = after(&sh.ok("token create-mint --decimals 6").await, "mint");
    let bwk = after(&sh.ok("token create-mint --decimals 6").await, "mint");
    sh.ok(&format!("init --assessment-mint {bwk}")).await;
    sh.ok(&format!("mint set --mint {usdc} --claim-min-deposit 1"))
        .await;
    let out = sh
        .ok(&format!(
            "governance propose --set capacity_ratio_bps=25000 --set quorum=7 --capital-mint \
             {usdc} --mcr-bps 5000 --description-uri ipfs://why"
        ))
        .await;
    assert!(out.contains("\nproposal 0 at "), "{out}");
    assert!(out.contains("\n  capacity_ratio_bps: 20000 -> 25000\n  quorum: 1000000 -> 7\n"));
    assert!(
        out.contains("mcr of ") && out.contains(": 100.00% -> 50.00%"),
        "{out}"
    );
    assert!(
        out.contains("executable from 2026-01-06 00:00 until 2026-01-20 00:00"),
        "{out}"
    );
    let out = sh.ok("governance list").await;
    assert!(
        out.starts_with("1 pending proposal(s); timelock delay 24 hours\n  #0 "),
        "{out}"
    );
    assert!(
        out.contains("executable from 2026-01-06 00:00 ipfs://why"),
        "{out}"
    );
    sh.refused(
        "governance execute --id 0",
        BulwarkError::TimelockNotElapsed,
    )
    .await;
    let err = sh
        .run("governance propose --set no_such_param=1")
        .await
        .unwrap_err();
    assert!(err
        .0
        .starts_with("no parameter `no_such_param`; the parameters are staker_share_bps, "));
    sh.ok("warp --days 1").await;
    let out = sh.ok("governance execute --id 0").await;
    assert!(out.ends_with("\nproposal 0 executed\n"), "{out}");
    let out = sh.ok("governance list").await;
    assert!(out.starts_with("0 pending proposal(s)"), "{out}");
    // A second proposal, cancelled.
    sh.ok("governance propose --set quorum=8").await;
    let out = sh.ok("governance cancel --id 1").await;
    assert!(out.ends_with("\nproposal 1 cancelled\n"), "{out}");
    sh.ok("warp --days 1").await;
    let err = sh.run("governance execute --id 1").await.unwrap_err();
    assert!(err.0.contains("proposal"), "{err}");
}

#[tokio::test]
async fn blind_votes_are_committed_then_revealed_and_panels_seat_their_assessors() {
    let sh = Shell::new("blind");
    let usdc = after(&sh.ok("token create-mint --decimals 6").await, "mint");
    let bwk = after(&sh.ok("token create-mint --decimals 6").await, "mint");
    let me = sh.wallet();
    sh.ok(&format!("init --assessment-mint {bwk}")).await;
    let (assessor, assessor_address) = sh.other_wallet("assessor");
    sh.ok(&format!(
        "token mint --mint {bwk} --to {assessor_address} --amount 5"
    ))
    .await;
    sh.ok_as(&assessor, "assessor stake --amount 5").await;
    sh.ok("warp --days 7").await;
    sh.ok("product create --wording-uri ipfs://bridge --blind-votes")
        .await;
    sh.ok("product create --wording-uri ipfs://custody --panel-quorum 1")
        .await;
    let out = sh.ok("product list").await;
    assert!(out.contains(", blind votes, ipfs://bridge"), "{out}");
    assert!(
        out.contains(", panel of at least 1 vote(s), ipfs://custody"),
        "{out}"
    );
    let out = sh
        .ok(&format!(
            "panel add --product 1 --member {assessor_address}"
        ))
        .await;
    assert!(
        out.contains(&format!("{assessor_address} joined the panel of product 1")),
        "{out}"
    );
    sh.ok(&format!("mint set --mint {usdc} --claim-min-deposit 1"))
        .await;
    sh.ok(&format!("pool create --mint {usdc} --fee-bps 500"))
        .await;
    sh.ok("pool set-product 0 --product 0 --weight 100 --price-bps 250")
        .await;
    sh.ok(&format!(
        "token mint --mint {usdc} --to {me} --amount 2,000,000"
    ))
    .await;
    sh.ok("stake --pool 0 --amount 1000000").await;
    let out = sh
        .ok("cover buy --product 0 --amount 100000 --days 365")
        .await;
    let cover = after(&out, "cover");
    let out = sh
        .ok(&format!(
            "claim file --cover {cover} --amount 40000 --evidence-uri ipfs://e"
        ))
        .await;
    let claim = after(&out, "claim");
    let out = sh.ok(&format!("claim show {claim}")).await;
    assert!(
        out.contains(
            "status: blind voting until 2026-01-15 00:00 (0 ballot(s) committed), then \
             revealed until 2026-01-16 00:00\n"
        ),
        "{out}"
    );
    let out = sh
        .ok_as(&assessor, &format!("vote --claim {claim} --commit"))
        .await;
    assert!(out.contains("committed a blind vote to accept"), "{out}");
    assert!(
        out.contains(
            "reveal it from 2026-01-15 00:00 until 2026-01-16 00:00 (`bulwark vote --claim "
        ),
        "{out}"
    );
    assert!(out.contains("salt ") && out.contains("keep it"), "{out}");
    let err = sh
        .run(&format!("vote --claim {claim} --reveal"))
        .await
        .unwrap_err();
    assert!(err.0.starts_with("no ballot at "), "{err}");
    sh.ok("warp --days 3").await;
    let out = sh
        .ok_as(&assessor, &format!("vote --claim {claim} --reveal"))
        .await;
    assert!(
        out.contains("revealed a vote to accept claim") && out.contains("(weight 5.00)"),
        "{out}"
    );
    let out = sh.ok(&format!("claim show {claim}")).await;
    assert!(
        out.contains(
            "status: revealing until 2026-01-16 00:00 (1 ballot(s) committed; accepted so far)\n"
        ),
        "{out}"
    );
    let out = sh
        .ok(&format!(
            "panel remove --product 1 --member {assessor_address}"
        ))
        .await;
    assert!(out.contains("left the panel of product 1"), "{out}");
}
