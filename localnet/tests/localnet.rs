//! `bulwark localnet` end to end, as its users meet it: the command starts a cluster on free
//! loopback ports; the `bulwark` command (`--url`) and the TypeScript clients (`@solana/kit`
//! over HTTP with websocket confirmations, and Anchor's client from the IDL) buy cover, file
//! claims and vote on them; the clock moves through `bulwark warp`; the claims are paid; Ctrl-C
//! stops the cluster and its ports close. Every balance is read back from the cluster.
//!
//! Needs the SBF build (`target/deploy/bulwark.so`), the `bulwark` binary of the main workspace
//! (`cargo build -p bulwark-cli`, or `BULWARK_CLI`) and the TypeScript client's packages
//! (`npm ci` in app/): `.ci/run` provides all three.

use anchor_lang::prelude::Pubkey;
use anchor_lang::AccountDeserialize;
use bulwark::state::Claim;
use serde_json::Value;
use solana_rpc_client::rpc_client::RpcClient;
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const UNIT: u64 = 1_000_000;
const DAY: i64 = 86_400;
/// A debug build seeds the market in seconds; this is room for a loaded machine.
const STARTUP: Duration = Duration::from_secs(180);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The main workspace's `bulwark` binary.
fn cli() -> PathBuf {
    if let Some(path) = std::env::var_os("BULWARK_CLI") {
        return PathBuf::from(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"));
    let path = target.join("debug/bulwark");
    assert!(
        path.is_file(),
        "no bulwark binary at {}: build it with `cargo build -p bulwark-cli` in the main \
         workspace, or name one with BULWARK_CLI",
        path.display()
    );
    path
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// The running `bulwark localnet` and what it printed.
struct Localnet {
    child: Child,
    lines: Receiver<String>,
    printed: Vec<String>,
    port: u16,
    dir: PathBuf,
    url: String,
}

impl Localnet {
    fn start() -> Self {
        let (port, ws_port) = (free_port(), free_port());
        let dir = std::env::temp_dir().join(format!("bulwark-localnet-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        // `bulwark localnet` becomes the binary this crate built.
        let mut child = Command::new(cli())
            .env("BULWARK_LOCALNET", env!("CARGO_BIN_EXE_bulwark-localnet"))
            .arg("localnet")
            .args([
                "--port",
                &port.to_string(),
                "--ws-port",
                &ws_port.to_string(),
            ])
            .args(["--slot-time", "50", "--dir"])
            .arg(&dir)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start bulwark-localnet");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut this = Self {
            child,
            lines,
            printed: Vec::new(),
            port,
            dir,
            url: format!("http://127.0.0.1:{port}"),
        };
        this.wait_for("ready: ", STARTUP);
        this
    }

    /// Reads printed lines until one starts with `prefix`.
    fn wait_for(&mut self, prefix: &str, patience: Duration) -> String {
        let started = Instant::now();
        loop {
            let left = patience.saturating_sub(started.elapsed());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.printed.push(line.clone());
                    if line.starts_with(prefix) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no line starting with {prefix:?} within {patience:?}; printed:\n{}",
                    self.printed.join("\n")
                ),
            }
        }
    }

    fn description(&self) -> Value {
        let text = std::fs::read_to_string(self.dir.join("localnet.json")).expect("localnet.json");
        serde_json::from_str(&text).expect("localnet.json is JSON")
    }

    fn wallet_file(&self, name: &str) -> PathBuf {
        self.dir.join("wallets").join(format!("{name}.json"))
    }

    /// `bulwark --url <the cluster> --keypair <wallet> <args>`, which must succeed.
    fn bulwark(&self, wallet: &str, args: &[&str]) -> String {
        let out = Command::new(cli())
            .args(["--url", &self.url, "--keypair"])
            .arg(self.wallet_file(wallet))
            .args(args)
            .output()
            .expect("run bulwark");
        succeeded(&format!("bulwark {}", args.join(" ")), out)
    }

    /// `scripts/localnet.ts <command> <localnet.json> <args>` in app/, which must succeed; its
    /// JSON line.
    fn typescript(&self, command: &str, args: &[&str]) -> Value {
        let app = repo().join("app");
        assert!(
            app.join("node_modules/tsx").is_dir(),
            "the TypeScript client's packages are not installed: run `npm ci` in app/"
        );
        let out = Command::new("node")
            .current_dir(&app)
            .args(["--import", "tsx", "scripts/localnet.ts", command])
            .arg(self.dir.join("localnet.json"))
            .args(args)
            .output()
            .expect("run node");
        let text = succeeded(&format!("localnet.ts {command}"), out);
        serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"))
    }
}

impl Drop for Localnet {
    fn drop(&mut self) {
        // A failed test must not leave the cluster running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn succeeded(what: &str, out: Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The word after `before` in `text`.
fn word_after<'a>(text: &'a str, before: &str) -> &'a str {
    text.split(before)
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no {before:?} in:\n{text}"))
}

/// Base units of a printed amount of the 6-decimal mint ("1,234.5" or "246.575343").
fn base_units(shown: &str) -> u64 {
    let plain = shown.replace(',', "");
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let fraction = format!("{fraction:0<6}");
    whole.parse::<u64>().expect("whole tokens") * UNIT + fraction.parse::<u64>().expect("fraction")
}

fn address(value: &Value) -> Pubkey {
    value
        .as_str()
        .expect("an address")
        .parse()
        .expect("an address")
}

fn balance(rpc: &RpcClient, account: &Pubkey) -> u64 {
    rpc.get_token_account_balance(account)
        .expect("token balance")
        .amount
        .parse()
        .expect("an amount")
}

fn claim(rpc: &RpcClient, address: &Pubkey) -> Claim {
    let data = rpc.get_account_data(address).expect("the claim exists");
    Claim::try_deserialize(&mut data.as_slice()).expect("a claim")
}

fn now(rpc: &RpcClient) -> i64 {
    let data = rpc
        .get_account_data(&solana_sdk_ids::sysvar::clock::ID)
        .expect("the clock");
    bulwark_cli::transport::clock_of(&data)
        .expect("a clock")
        .unix_timestamp
}

#[test]
fn localnet_serves_the_cli_and_the_typescript_clients_until_stopped() {
    let mut localnet = Localnet::start();
    let market = localnet.description();
    assert_eq!(market["rpcUrl"], localnet.url.as_str());
    assert_eq!(market["programId"], bulwark::ID.to_string());
    let rpc = RpcClient::new_with_commitment(
        localnet.url.clone(),
        solana_commitment_config::CommitmentConfig::confirmed(),
    );
    let token_of = |name: &str| -> Pubkey {
        let wallets = market["wallets"].as_array().expect("wallets");
        let wallet = wallets
            .iter()
            .find(|w| w["name"] == name)
            .unwrap_or_else(|| panic!("no wallet {name}"));
        address(&wallet["tokenAccount"])
    };
    let (dana, eli) = (token_of("Dana"), token_of("Eli"));
    // The demo's buyers start with 50,000 tokens each.
    assert_eq!(balance(&rpc, &dana), 50_000 * UNIT);
    assert_eq!(balance(&rpc, &eli), 50_000 * UNIT);
    let program = rpc.get_account(&bulwark::ID).expect("the program");
    assert!(program.executable);

    // The assessors' stake counts once a week old: the cluster's clock moves on request.
    let before = now(&rpc);
    let out = localnet.bulwark("dana", &["warp", "--days", "8"]);
    assert!(out.starts_with("the clock reads "), "{out}");
    let after = now(&rpc);
    assert!(after >= before + 8 * DAY, "{before} -> {after}");
    assert!(after < before + 9 * DAY, "{before} -> {after}");

    // The CLI over JSON-RPC: Dana covers the lending protocol and claims.
    let out = localnet.bulwark(
        "dana",
        &[
            "cover",
            "buy",
            "--product",
            "0",
            "--amount",
            "40000",
            "--days",
            "90",
        ],
    );
    let premium = base_units(word_after(&out, "\npremium "));
    assert!(premium > 0, "{out}");
    assert_eq!(balance(&rpc, &dana), 50_000 * UNIT - premium);
    let dana_cover = word_after(&out, "\ncover ").to_string();
    let out = localnet.bulwark(
        "dana",
        &[
            "claim",
            "file",
            "--cover",
            &dana_cover,
            "--amount",
            "10000",
            "--evidence-uri",
            "ipfs://a",
        ],
    );
    let dana_claim: Pubkey = word_after(&out, "\nclaim ").parse().expect("claim address");
    let filed = claim(&rpc, &dana_claim);
    assert_eq!(filed.requested_amount, 10_000 * UNIT);
    assert_eq!(filed.cover, dana_cover.parse::<Pubkey>().unwrap());
    assert!(filed.deposit > 0);
    assert_eq!(
        balance(&rpc, &dana),
        50_000 * UNIT - premium - filed.deposit
    );
    let dana_after_claim = balance(&rpc, &dana);

    // The TypeScript client over HTTP, confirming through websocket notifications: Eli covers
    // the DEX and claims.
    let ts = localnet.typescript("buy-and-claim", &["Eli", "1", "20000", "30", "5000"]);
    let ts_premium: u64 = ts["premium"].as_str().unwrap().parse().unwrap();
    assert_eq!(ts["premium"], ts["quoted"]);
    let eli_claim = address(&ts["claim"]);
    let filed = claim(&rpc, &eli_claim);
    assert_eq!(filed.requested_amount, 5_000 * UNIT);
    assert_eq!(filed.cover, address(&ts["cover"]));
    assert_eq!(filed.deposit.to_string(), ts["deposit"].as_str().unwrap());
    assert_eq!(
        balance(&rpc, &eli),
        50_000 * UNIT - ts_premium - filed.deposit
    );
    let eli_after_claim = balance(&rpc, &eli);

    // Fay (3 staked) votes through the CLI, Gus (1 staked) through Anchor's client.
    localnet.bulwark("fay", &["vote", "--claim", &dana_claim.to_string()]);
    assert_eq!(claim(&rpc, &dana_claim).accept_weight, 3 * UNIT);
    let ts = localnet.typescript("vote", &["Gus", &eli_claim.to_string()]);
    assert_eq!(ts["acceptWeight"], (UNIT).to_string());
    assert_eq!(ts["denyWeight"], "0");
    assert_eq!(claim(&rpc, &eli_claim).accept_weight, UNIT);

    // Past voting (3 days) and the cooldown (1): anyone redeems, and both are paid in full
    // with their deposits back.
    localnet.bulwark("dana", &["warp", "--days", "5"]);
    let out = localnet.bulwark("dana", &["redeem", "--claim", &dana_claim.to_string()]);
    assert!(out.contains("paid 10,000.00"), "{out}");
    let deposit = claim(&rpc, &dana_claim).deposit;
    assert_eq!(
        balance(&rpc, &dana),
        dana_after_claim + 10_000 * UNIT + deposit
    );
    let out = localnet.bulwark("dana", &["redeem", "--claim", &eli_claim.to_string()]);
    assert!(out.contains("paid 5,000.00"), "{out}");
    let deposit = claim(&rpc, &eli_claim).deposit;
    assert_eq!(
        balance(&rpc, &eli),
        eli_after_claim + 5_000 * UNIT + deposit
    );
    for paid in [dana_claim, eli_claim] {
        let state = claim(&rpc, &paid);
        assert!(state.paid);
        assert_eq!(state.paid_amount, state.requested_amount);
        assert_eq!(state.owed, 0);
    }

    // Ctrl-C stops it cleanly, and its port closes.
    let pid = localnet.child.id().to_string();
    let status = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(status.success());
    localnet.wait_for("bulwark localnet stopped", Duration::from_secs(30));
    let started = Instant::now();
    let exit = loop {
        if let Some(exit) = localnet.child.try_wait().expect("wait") {
            break exit;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "still running");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit}");
    assert!(TcpStream::connect(("127.0.0.1", localnet.port)).is_err());
    let _ = std::fs::remove_dir_all(&localnet.dir);
}
