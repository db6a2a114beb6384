//! `--json`: stdout is one JSON document whose steps carry the protocol's state as numbers (base
//! units), besides the prose, and nothing else is printed.

use bulwark_sdk::builders::pool_pda;
use serde_json::{json, Value};
use std::process::Command;

/// Runs the `bulwark` binary with `args` on the native program; returns the parsed stdout and
/// the stderr.
fn bulwark_json(args: &[&str]) -> (Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bulwark"))
        .arg("--native")
        .args(args)
        .output()
        .expect("the bulwark binary runs");
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).expect("utf-8 stdout");
    let stderr = String::from_utf8(out.stderr).expect("utf-8 stderr");
    let parsed = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (parsed, stderr)
}

fn without_address(mut claim: Value) -> Value {
    claim
        .as_object_mut()
        .expect("a claim object")
        .remove("address");
    claim
}

#[test]
fn simulate_json_reports_pools_balances_and_claims() {
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/lending-hack-next-month.toml"
    );
    let (out, stderr) = bulwark_json(&["simulate", scenario, "--json"]);
    assert_eq!(stderr, "");
    let steps = out["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 19);
    // Dana's purchase: 250,000 of lending cover for 180 days at 2.5%/yr, at 1x (the scenario
    // funds no capital pool): it occupies 250,000 of stake, shown as 500,000 of 2x capacity.
    let buy = &steps[4];
    assert_eq!(
        buy["lines"][0],
        "premium 3,082.191781 at 2.50%/yr; sold at 1.00x (0.00 on the leverage line)",
        "the prose stays"
    );
    let tranche = |id: u64, stake: u64| {
        json!({"tranche_id": id, "stake": stake, "shares": stake, "share_price": 1.0,
               "ended": false})
    };
    assert_eq!(
        buy["state"],
        json!({
            "unix_time": 1_767_571_200,
            "pool": {
                "address": pool_pda(0).to_string(),
                "stake": 1_000_000_000_000u64,
                "vault": 1_003_082_191_781u64,
                "rewards_owed": 1_386_986_301u64,
                "tranches": [
                    tranche(229, 300_000_000_000),
                    tranche(230, 300_000_000_000),
                    tranche(231, 400_000_000_000),
                ],
                "products": [
                    {"name": "dex", "product_id": 1, "weight": 40, "effective_weight": 40, "allocated": 0,
                     "capacity": 800_000_000_000u64, "used_bps": 0},
                    {"name": "lending", "product_id": 0, "weight": 60, "effective_weight": 60,
                     "allocated": 500_000_000_000u64, "capacity": 1_200_000_000_000u64,
                     "used_bps": 4_166},
                ],
            },
            "balances": {"alice": 0, "bob": 0, "carol": 0, "dana": 16_917_808_219u64,
                         "eli": 10_000_000_000u64, "vic": 0, "wes": 0},
            "claims": [],
        })
    );
    // The first vote: Dana's claim leads 2,000 to 0 while voting is open; Eli's has no votes.
    let vote = &steps[8]["state"];
    assert_eq!(vote["unix_time"], 1_770_163_200);
    let claims: Vec<Value> = vote["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .cloned()
        .map(without_address)
        .collect();
    assert_eq!(
        claims,
        [
            json!({"claimant": "dana", "status": "voting", "accepted": true,
                   "requested": 150_000_000_000u64, "paid": 0,
                   "accept_weight": 2_000_000_000u64, "deny_weight": 0, "closed": false}),
            json!({"claimant": "eli", "status": "voting", "accepted": false,
                   "requested": 60_000_000_000u64, "paid": 0, "accept_weight": 0,
                   "deny_weight": 0, "closed": false}),
        ]
    );
    // 150,000 deposit 0.5%: Dana holds 16,917.808219 − 750.
    assert_eq!(vote["balances"]["dana"], 16_167_808_219u64);
    assert_eq!(out["summary"]["total"], 1_030_000_000_000u64);
}

#[test]
fn demo_json_is_the_only_output() {
    let (out, stderr) = bulwark_json(&["demo", "--json"]);
    assert_eq!(stderr, "");
    let steps = out["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 10);
    assert_eq!(steps[0]["title"], "Bulwark demo: pool 0 opens");
    let last = &steps[8];
    assert_eq!(last["lines"][0], "684 days pass");
    let state = &last["state"];
    assert_eq!(state["pool"]["stake"], 0);
    assert_eq!(state["balances"]["Ana"], 423_574_058_219u64);
    assert_eq!(state["balances"]["Dana"], 295_068_493_150u64);
    let statuses: Vec<(&str, &str, bool)> = state["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .map(|c| {
            (
                c["claimant"].as_str().unwrap(),
                c["status"].as_str().unwrap(),
                c["closed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(statuses, [("Dana", "final", true), ("Eli", "final", true)]);
    assert_eq!(steps[9]["title"], "Summary");
    assert_eq!(out["summary"]["total"], 1_350_000_000_000u64);
}
