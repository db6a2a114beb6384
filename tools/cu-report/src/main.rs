//! `cargo run -p bulwark-cu-report` turns `target/compute-units.jsonl` (written by the
//! integration suite in SBF mode) into `benches/compute-units.md`; `-- --check` only compares.
//!
//! Every measured transaction has a budget. The budgets of the issues are fixed here; any other
//! transaction keeps the budget already in the committed report, or gets its first measurement
//! plus 10%, rounded up to a thousand. A measurement more than 5% over its budget fails the run.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Budgets set by the issues (registry-only SBF build, Anchor 1.2), by label prefix.
const TARGETS: [(&str, u64); 7] = [
    ("deposit_stake", 35_000),
    ("withdraw_stake", 35_000),
    ("buy_cover (1 pool", 60_000),
    ("buy_cover (4 pools)", 150_000),
    ("file_claim", 30_000),
    ("vote", 20_000),
    ("redeem_payout (1 pool", 60_000),
];

const REPORT: &str = "benches/compute-units.md";
const TOLERANCE_PERCENT: u64 = 5;

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
        eprintln!("target/compute-units.jsonl holds no measurements");
        return ExitCode::FAILURE;
    }
    let committed = std::fs::read_to_string(root.join(REPORT))
        .map(|text| parse_budgets(&text))
        .unwrap_or_default();

    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for (label, cu) in &measurements {
        let budget = budget_for(label, *cu, &committed);
        if cu * 100 > budget * (100 + TOLERANCE_PERCENT) {
            failures.push(format!(
                "{label}: {cu} CU, budget {budget} (+{TOLERANCE_PERCENT}%)"
            ));
        }
        rows.push((label.clone(), *cu, budget));
    }
    if check {
        for label in committed.keys() {
            if !measurements.contains_key(label) {
                failures.push(format!("{label}: in the report but not measured"));
            }
        }
    } else if let Err(e) = std::fs::write(root.join(REPORT), render(&rows)) {
        eprintln!("cannot write {REPORT}: {e}");
        return ExitCode::FAILURE;
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

/// Highest CU per label: the same transaction varies by a few hundred CU with the bump of the
/// PDAs it creates, and the budget must hold for the worst case.
fn parse_measurements(text: &str) -> BTreeMap<String, u64> {
    let mut out: BTreeMap<String, u64> = BTreeMap::new();
    for line in text.lines() {
        let label = line
            .split("\"label\":\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next());
        let cu = line
            .split("\"cu\":")
            .nth(1)
            .and_then(|rest| rest.trim_end_matches('}').trim().parse::<u64>().ok());
        if let (Some(label), Some(cu)) = (label, cu) {
            let entry = out.entry(label.to_string()).or_default();
            *entry = (*entry).max(cu);
        }
    }
    out
}

/// Budgets from the committed report's table rows: `| label | cu | budget | ... |`.
fn parse_budgets(text: &str) -> BTreeMap<String, u64> {
    text.lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let label = cells.get(1)?.trim_matches('`');
            let budget = cells.get(3)?.replace(',', "").parse::<u64>().ok()?;
            Some((label.to_string(), budget))
        })
        .collect()
}

fn render(rows: &[(String, u64, u64)]) -> String {
    let mut out = String::from(
        "# Compute units per transaction\n\n\
         Measured on the registry-only SBF build (`../shared/sbf-toolchain`, Anchor 1.2.2) in \
         solana-program-test 3.1.12, by the integration suite in SBF mode: each row is the \
         highest figure of that transaction over the suite. Official `cargo build-sbf` builds \
         differ somewhat (u128 division and mem* calls cost more here). SPL Token transfers \
         cost about 6,200 CU inside the token program plus the CPI.\n\n\
         Regenerate: build the `.so`, run `BULWARK_SBF=1 cargo test -p bulwark-tests --test \
         integration`, then `cargo run -p bulwark-cu-report`. `.ci/run` runs the same with \
         `--check`, which fails when a transaction exceeds its budget by more than 5%.\n\n\
         | transaction | CU | budget | use of budget |\n| --- | ---: | ---: | ---: |\n",
    );
    for (label, cu, budget) in rows {
        out.push_str(&format!(
            "| `{label}` | {cu} | {budget} | {}% |\n",
            cu * 100 / budget
        ));
    }
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
