//! `cargo run -p bulwark-cu-report` turns `compute-units.jsonl` (written to the target directory
//! by the integration suite in SBF mode) into `benches/compute-units.md`; `-- --check` only
//! compares.
//!
//! Every measured transaction has a budget. The budgets of the issues are fixed here; any other
//! transaction keeps the budget already in the committed report, or gets its first p99 plus 10%,
//! rounded up to a thousand. Budgets apply to the p99 of all runs of a transaction (the random-key
//! bench runs each budgeted one hundreds of times), with no tolerance; a p99 over budget, or a
//! transaction larger than a legacy transaction may be, fails the run. The report also lists the
//! PDAs each transaction creates, the accounts each instruction writes (from the IDL) and the size
//! and rent of each account.

use bulwark::state::{
    Assessor, Ballot, Claim, Config, Cover, MintParams, Pool, PoolProduct, Product, StakePosition,
    TrancheArchive,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Budgets set by the issues (registry-only SBF build, Anchor 1.2), by label prefix: the first
/// matching prefix applies.
const TARGETS: [(&str, u64); 20] = [
    ("deposit_stake", 40_000),
    ("claim_rewards", 35_000),
    ("withdraw_stake", 40_000),
    ("buy_cover (1 pool, with commission)", 70_000),
    ("buy_cover (1 pool", 65_000),
    ("buy_cover (4 pools)", 170_000),
    ("file_claim", 40_000),
    ("vote", 28_000),
    ("settle_ballot", 25_000),
    ("slash_ballot", 25_000),
    ("redeem_payout (1 pool, by the owner)", 70_000),
    ("redeem_payout (1 pool", 85_000),
    ("deposit_capital (existing share account)", 40_000),
    ("request_capital_exit", 40_000),
    ("execute_capital_exit", 40_000),
    ("grant_leverage", 30_000),
    ("create_proposal", 20_000),
    ("execute_proposal", 20_000),
    ("commit_vote", 28_000),
    ("reveal_vote", 20_000),
];

/// PDAs each transaction creates (by label prefix), whose bump search makes its cost depend on
/// its addresses.
const CREATES: [(&str, &str); 19] = [
    ("initialize_config", "config, assessment vault"),
    ("create_product", "product"),
    ("set_mint_params", "mint params (first listing)"),
    ("create_pool", "pool, vault"),
    ("set_pool_product (2 new)", "2 pool-products"),
    ("deposit_stake (new position)", "position"),
    ("archive_tranche", "tranche archive"),
    ("create_proposal", "proposal"),
    ("commit_vote", "ballot"),
    ("add_panel_member", "panel member"),
    ("buy_cover", "cover"),
    ("insured_vault::deposit", "cover (through CPI)"),
    ("stake_assessor (first stake)", "assessor"),
    ("file_claim", "claim"),
    ("vote", "ballot"),
    ("sweep_fees (creates reward pot)", "reward pot"),
    ("create_capital_pool", "capital pool, vault, share mint"),
    (
        "deposit_capital (creates the share account)",
        "share account",
    ),
    ("request_capital_exit", "capital exit"),
];

const REPORT: &str = "benches/compute-units.md";
/// Largest legacy transaction (`PACKET_DATA_SIZE`).
const MAX_TX_BYTES: u64 = 1_232;
/// Transaction sizes set by the issues, by label prefix: room left for a wallet's own
/// instructions (compute budget, priority fee) beside a four-pool purchase.
const TX_BYTE_TARGETS: [(&str, u64); 1] = [("buy_cover (4 pools)", 1_100)];
/// Rent-exempt minimum: (128 + size) bytes × 3,480 lamports per byte-year × 2 years.
const LAMPORTS_PER_BYTE: u64 = 6_960;

/// Instructions users send (not governance or cranks): their written accounts matter for
/// parallelism.
const USER_INSTRUCTIONS: [&str; 13] = [
    "deposit_stake",
    "extend_stake",
    "withdraw_stake",
    "claim_rewards",
    "buy_cover",
    "transfer_cover",
    "file_claim",
    "vote",
    "redeem_payout",
    "stake_assessor",
    "unstake_assessor",
    "settle_ballot",
    "slash_ballot",
];

/// Every run of one transaction.
#[derive(Clone, Default)]
struct Measurement {
    /// Compute units of each run, sorted.
    cu: Vec<u64>,
    tx_bytes: u64,
    accounts: u64,
}

impl Measurement {
    fn median(&self) -> u64 {
        self.percentile(50)
    }

    /// The smallest run at or above `percent`% of the runs (nearest rank).
    fn percentile(&self, percent: usize) -> u64 {
        let rank = (self.cu.len() * percent).div_ceil(100).max(1);
        self.cu[rank - 1]
    }

    fn max(&self) -> u64 {
        self.cu.last().copied().unwrap_or(0)
    }
}

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let Some(root) = workspace_root() else {
        eprintln!("run from inside the Bulwark workspace");
        return ExitCode::FAILURE;
    };
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let measurements = match std::fs::read_to_string(target.join("compute-units.jsonl")) {
        Ok(text) => parse_measurements(&text),
        Err(e) => {
            eprintln!("no measurements ({e}): run the SBF suite first (see README)");
            return ExitCode::FAILURE;
        }
    };
    if measurements.is_empty() {
        eprintln!("compute-units.jsonl holds no measurements");
        return ExitCode::FAILURE;
    }
    let committed = std::fs::read_to_string(root.join(REPORT))
        .map(|text| parse_budgets(&text))
        .unwrap_or_default();

    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for (label, m) in &measurements {
        let p99 = m.percentile(99);
        let budget = budget_for(label, p99, &committed);
        if p99 > budget {
            failures.push(format!(
                "{label}: p99 {p99} CU over {} runs, budget {budget}",
                m.cu.len()
            ));
        }
        let max_bytes = TX_BYTE_TARGETS
            .iter()
            .find(|(prefix, _)| label.starts_with(prefix))
            .map_or(MAX_TX_BYTES, |(_, bytes)| *bytes);
        if m.tx_bytes > max_bytes {
            failures.push(format!("{label}: {} bytes > {max_bytes}", m.tx_bytes));
        }
        rows.push((label.clone(), m.clone(), budget));
    }
    if check {
        for label in committed.keys() {
            if !measurements.contains_key(label) {
                failures.push(format!("{label}: in the report but not measured"));
            }
        }
    } else {
        let writes = match writable_accounts(&root.join("idl/bulwark.json")) {
            Ok(writes) => writes,
            Err(e) => {
                eprintln!("cannot read the IDL: {e}");
                return ExitCode::FAILURE;
            }
        };
        if let Err(e) = std::fs::write(root.join(REPORT), render(&rows, &writes)) {
            eprintln!("cannot write {REPORT}: {e}");
            return ExitCode::FAILURE;
        }
    }
    if failures.is_empty() {
        println!(
            "{} transactions within budget{}",
            rows.len(),
            if check {
                ""
            } else {
                "; wrote benches/compute-units.md"
            }
        );
        ExitCode::SUCCESS
    } else {
        eprintln!("over budget:\n  {}", failures.join("\n  "));
        ExitCode::FAILURE
    }
}

fn budget_for(label: &str, cu: u64, committed: &BTreeMap<String, u64>) -> u64 {
    TARGETS
        .iter()
        .find(|(prefix, _)| label.starts_with(prefix))
        .map(|(_, budget)| *budget)
        .or_else(|| committed.get(label).copied())
        .unwrap_or_else(|| (cu + cu / 10).div_ceil(1_000) * 1_000)
}

fn number_field(line: &str, name: &str) -> Option<u64> {
    let rest = line.split(&format!("\"{name}\":")).nth(1)?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Every run per label: the same transaction varies with the bumps of the PDAs it creates.
fn parse_measurements(text: &str) -> BTreeMap<String, Measurement> {
    let mut out: BTreeMap<String, Measurement> = BTreeMap::new();
    for line in text.lines() {
        let label = line
            .split("\"label\":\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next());
        let (Some(label), Some(cu)) = (label, number_field(line, "cu")) else {
            continue;
        };
        let entry = out.entry(label.to_string()).or_default();
        entry.cu.push(cu);
        entry.tx_bytes = entry
            .tx_bytes
            .max(number_field(line, "tx_bytes").unwrap_or(0));
        entry.accounts = entry
            .accounts
            .max(number_field(line, "accounts").unwrap_or(0));
    }
    for m in out.values_mut() {
        m.cu.sort_unstable();
    }
    out
}

/// Budgets from the committed report's table: the column headed `budget` of each row whose
/// first cell is a label in backquotes.
fn parse_budgets(text: &str) -> BTreeMap<String, u64> {
    let cells =
        |line: &str| -> Vec<String> { line.split('|').map(|c| c.trim().to_string()).collect() };
    let Some(column) = text
        .lines()
        .find(|line| line.starts_with("| transaction |"))
        .and_then(|header| cells(header).iter().position(|c| c == "budget"))
    else {
        return BTreeMap::new();
    };
    text.lines()
        .filter_map(|line| {
            let row = cells(line);
            let label = row
                .get(1)?
                .strip_prefix('`')?
                .strip_suffix('`')?
                .to_string();
            let budget = row.get(column)?.parse::<u64>().ok()?;
            Some((label, budget))
        })
        .collect()
}

/// For each instruction of the IDL, the accounts it marks writable.
fn writable_accounts(idl: &Path) -> Result<Vec<(String, Vec<String>)>, String> {
    let text = std::fs::read_to_string(idl).map_err(|e| e.to_string())?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let instructions = json["instructions"]
        .as_array()
        .ok_or("no instructions in the IDL")?;
    Ok(instructions
        .iter()
        .map(|ix| {
            let name = ix["name"].as_str().unwrap_or_default().to_string();
            let writes = ix["accounts"]
                .as_array()
                .map(|accounts| {
                    accounts
                        .iter()
                        .filter(|a| a["writable"].as_bool() == Some(true))
                        .filter_map(|a| a["name"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            (name, writes)
        })
        .collect())
}

fn rent_sol(space: usize) -> f64 {
    ((128 + space as u64) * LAMPORTS_PER_BYTE) as f64 / 1e9
}

fn render(rows: &[(String, Measurement, u64)], writes: &[(String, Vec<String>)]) -> String {
    let mut out = String::from(
        "# Compute units, transaction sizes, written accounts and rent\n\n\
         Measured on the registry-only SBF build (`../shared/sbf-toolchain`, Anchor 1.2.2) in \
         solana-program-test 3.1.12, by the integration suite in SBF mode. A transaction that \
         creates a PDA searches its canonical bump at 1,500 CU per try (half of all addresses \
         need a second try, a quarter a third, ...), so its cost depends on its addresses: \
         `keys::compute_units_over_random_keys` replays every budgeted transaction with 200 \
         fresh seeded-random key sets (`BULWARK_BENCH_SEED`, fixed in `.ci/run`) in one bank, \
         and each row gives the median, p99 (nearest rank) and maximum over all runs of the \
         suite. Budgets apply to p99, with no tolerance. Official `cargo build-sbf` builds \
         differ somewhat. What dominates: an SPL Token `transfer_checked` CPI costs about \
         6,200 CU inside the token program and ~16,000 with the CPI around it; creating a PDA \
         account ~5,700 CU plus 1,500 per bump tried; re-deriving a PDA to check it 1,500 CU.\n\n\
         Regenerate: build the `.so`, run `BULWARK_SBF=1 cargo test -p bulwark-tests --test \
         integration`, then `cargo run -p bulwark-cu-report`. `.ci/run` runs the same with \
         `--check`, which fails when a p99 exceeds its budget or a transaction exceeds 1,232 \
         bytes.\n\n\
         | transaction | runs | median | p99 | max | budget | p99 of budget | PDAs created | tx bytes | accounts |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |\n",
    );
    for (label, m, budget) in rows {
        let creates = CREATES
            .iter()
            .find(|(prefix, _)| label.starts_with(prefix))
            .map_or("", |(_, pdas)| pdas);
        out.push_str(&format!(
            "| `{label}` | {} | {} | {} | {} | {budget} | {}% | {creates} | {} | {} |\n",
            m.cu.len(),
            m.median(),
            m.percentile(99),
            m.max(),
            m.percentile(99) * 100 / budget,
            m.tx_bytes,
            m.accounts
        ));
    }
    out.push_str(
        "\n## Constant cost\n\n\
         The rows `... with N existing ...` repeat a transaction after N cover, ballot or stake \
         position accounts were written into the bank: no instruction reads or iterates over \
         other covers, ballots or positions, so the figures are identical for N = 1, 1,000 and \
         10,000 (asserted by `scale::cost_does_not_grow_with_the_protocol`). The `stale` rows \
         buy cover after the pool went untouched for 1 and 13 expiry buckets (one stream \
         class), and the `refresh_pool_product (N stale buckets, 5 classes)` rows roll a pool \
         with stake in all eight tranches and streams in five cover classes forward after 1, 13 \
         and 32 buckets (the last past every stream's and tranche's end): the roll-forward \
         walks at most 32 buckets and 8 tranche ends, accruing every streaming class at each, \
         so staleness costs at most about 3,000 CU per bucket while streams run and little \
         after.\n\n\
         ## Accounts written by user instructions\n\n\
         No staking, cover, claim, vote or payout instruction writes the `Config` or any other \
         protocol-wide account, and two of them on different pools, covers or claims share no \
         writable account (`parallel::*` checks the built instructions). Two shared accounts \
         remain, outside those paths: `stake_assessor`, `unstake_assessor` and `slash_ballot` \
         write the single assessment vault and the config (its total assessor stake); a claim's \
         assessor rewards are reserved in, and paid from, its deposit pool. Remaining accounts \
         of `buy_cover` and `redeem_payout`: \
         `[pool, pool_product, vault]` per pool of the cover, all writable.\n\n\
         | instruction | writable accounts |\n| --- | --- |\n",
    );
    for (name, accounts) in writes
        .iter()
        .filter(|(name, _)| USER_INSTRUCTIONS.contains(&name.as_str()))
    {
        out.push_str(&format!("| `{name}` | {} |\n", accounts.join(", ")));
    }
    out.push_str(
        "\n## Account sizes and rent\n\n\
         Rent-exempt minimum at today's rate (3,480 lamports per byte-year, two years).\n\n\
         | account | bytes | rent (SOL) | closed by (rent back to the payer) |\n\
         | --- | ---: | ---: | --- |\n",
    );
    let accounts: [(&str, usize, &str); 11] = [
        ("Config", Config::SPACE, "never (one per deployment)"),
        (
            "MintParams",
            MintParams::SPACE,
            "never (one per listed mint)",
        ),
        ("Product", Product::SPACE, "never"),
        ("Pool", Pool::SPACE, "never"),
        ("PoolProduct", PoolProduct::SPACE, "never"),
        ("StakePosition", StakePosition::SPACE, "`withdraw_stake`"),
        (
            "TrancheArchive",
            TrancheArchive::SPACE,
            "last `withdraw_stake` of the tranche",
        ),
        ("Cover", Cover::SPACE, "`expire_cover`"),
        ("Claim", Claim::SPACE, "kept as the claim's record"),
        ("Ballot", Ballot::SPACE, "`settle_ballot` / `slash_ballot`"),
        ("Assessor", Assessor::SPACE, "kept while staked"),
    ];
    for (name, space, closed_by) in accounts {
        out.push_str(&format!(
            "| `{name}` | {space} | {:.6} | {closed_by} |\n",
            rent_sol(space)
        ));
    }
    out.push_str(&format!(
        "\nA user pays rent for one cover ({:.6} SOL, back on `expire_cover`) and one stake \
         position ({:.6} SOL, back on `withdraw_stake`); SPL token accounts they already hold \
         are reused.\n",
        rent_sol(Cover::SPACE),
        rent_sol(StakePosition::SPACE)
    ));
    out
}

fn workspace_root() -> Option<PathBuf> {
    let mut dir = std::env::current_dir().ok()?;
    loop {
        if dir.join("programs/bulwark/Cargo.toml").is_file() {
            return Some(dir);
        }
        if !dir.pop() {
            return None;
        }
    }
}
