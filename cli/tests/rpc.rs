//! The cluster subcommands over real JSON-RPC: `--url` pointed at a minimal JSON-RPC server
//! (HTTP on loopback) that answers the methods the command uses from an in-process bank. This
//! exercises the RPC transport itself — request encoding, base64 accounts, program-account
//! filters, confirmation polling, and preflight failures whose logs carry the program's error.

// solana-program-test 3.x marks its whole API "unstable" with deprecation warnings.
#![allow(deprecated)]

use base64::Engine;
use bulwark::error::BulwarkError;
mod common;

use bulwark_cli::errors::CliError;
use bulwark_testing::TestContext;
use common::{after, bulwark};
use serde_json::{json, Value};
use solana_account::Account;
use solana_keypair::{write_keypair_file, Keypair};
use solana_program_test::BanksClientError;
use solana_rpc_client_api::response::{RpcSimulateTransactionResult, UiTransactionError};
use solana_signer::Signer;
use solana_transaction::Transaction;
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The bank behind the server, and what it needs to answer like a node.
struct Node {
    t: TestContext,
    /// Every address a transaction referenced (a bank cannot list its accounts).
    known: BTreeSet<anchor_lang::prelude::Pubkey>,
    statuses: HashMap<String, Value>,
}

impl Node {
    async fn context(&mut self) -> Value {
        json!({ "slot": self.t.clock().await.slot })
    }

    fn encode(account: &Account) -> Value {
        json!({
            "lamports": account.lamports,
            "data": [B64.encode(&account.data), "base64"],
            "owner": account.owner.to_string(),
            "executable": account.executable,
            "rentEpoch": account.rent_epoch,
            "space": account.data.len(),
        })
    }

    async fn handle(&mut self, method: &str, params: &Value) -> Result<Value, Value> {
        let key = |i: usize| -> anchor_lang::prelude::Pubkey {
            params[i].as_str().unwrap().parse().unwrap()
        };
        Ok(match method {
            "getVersion" => json!({ "solana-core": "3.1.12", "feature-set": 0 }),
            "getAccountInfo" => {
                let account = self.t.account(&key(0)).await;
                json!({
                    "context": self.context().await,
                    "value": account.as_ref().map(Self::encode),
                })
            }
            "getProgramAccounts" => {
                let program = key(0);
                let memcmp = &params[1]["filters"][0]["memcmp"];
                assert_eq!(
                    memcmp["encoding"], "base64",
                    "filters arrive base64-encoded"
                );
                let prefix = B64.decode(memcmp["bytes"].as_str().unwrap()).unwrap();
                let offset = memcmp["offset"].as_u64().unwrap() as usize;
                let mut found = Vec::new();
                for address in self.known.clone() {
                    if let Some(account) = self.t.account(&address).await {
                        if account.owner == program
                            && account.data.get(offset..offset + prefix.len())
                                == Some(prefix.as_slice())
                        {
                            found.push(json!({
                                "pubkey": address.to_string(),
                                "account": Self::encode(&account),
                            }));
                        }
                    }
                }
                Value::Array(found)
            }
            "getLatestBlockhash" => {
                let blockhash = self
                    .t
                    .ctx
                    .banks_client
                    .get_latest_blockhash()
                    .await
                    .unwrap();
                json!({
                    "context": self.context().await,
                    "value": { "blockhash": blockhash.to_string(), "lastValidBlockHeight": 1_000_000 },
                })
            }
            "isBlockhashValid" => json!({ "context": self.context().await, "value": true }),
            "getSignatureStatuses" => {
                let signature = params[0][0].as_str().unwrap();
                json!({
                    "context": self.context().await,
                    "value": [self.statuses.get(signature).cloned()],
                })
            }
            "sendTransaction" => {
                let bytes = B64.decode(params[0].as_str().unwrap()).unwrap();
                let tx: Transaction = bincode::deserialize(&bytes).unwrap();
                let signature = tx.signatures[0].to_string();
                let keys = tx.message.account_keys.clone();
                let result = self
                    .t
                    .ctx
                    .banks_client
                    .process_transaction_with_metadata(tx)
                    .await;
                self.t.next_slot().await;
                let (err, logs) = match result {
                    Ok(processed) => match processed.result {
                        Ok(()) => (None, Vec::new()),
                        Err(err) => (
                            Some(err),
                            processed
                                .metadata
                                .map(|m| m.log_messages)
                                .unwrap_or_default(),
                        ),
                    },
                    Err(BanksClientError::SimulationError { err, logs, .. }) => (Some(err), logs),
                    Err(BanksClientError::TransactionError(err)) => (Some(err), Vec::new()),
                    Err(other) => panic!("bank failed: {other}"),
                };
                if let Some(err) = err {
                    let simulation = RpcSimulateTransactionResult {
                        err: Some(UiTransactionError::from(err)),
                        logs: Some(logs),
                        accounts: None,
                        units_consumed: None,
                        loaded_accounts_data_size: None,
                        return_data: None,
                        inner_instructions: None,
                        replacement_blockhash: None,
                        fee: None,
                        pre_balances: None,
                        post_balances: None,
                        pre_token_balances: None,
                        post_token_balances: None,
                        loaded_addresses: None,
                    };
                    return Err(json!({
                        "code": -32002,
                        "message": "Transaction simulation failed",
                        "data": simulation,
                    }));
                }
                self.known.extend(keys);
                let slot = self.t.clock().await.slot;
                self.statuses.insert(
                    signature.clone(),
                    json!({
                        "slot": slot,
                        "confirmations": null,
                        "status": { "Ok": null },
                        "err": null,
                        "confirmationStatus": "finalized",
                    }),
                );
                json!(signature)
            }
            other => {
                return Err(json!({ "code": -32601, "message": format!("no method {other}") }))
            }
        })
    }
}

/// Reads one HTTP request; answers it and closes the connection.
async fn serve(node: &mut Node, stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap();
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let request: Value = serde_json::from_slice(&body).unwrap();
    let method = request["method"].as_str().unwrap().to_string();
    let answer = match node.handle(&method, &request["params"]).await {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": request["id"], "result": result }),
        Err(error) => json!({ "jsonrpc": "2.0", "id": request["id"], "error": error }),
    };
    let text = answer.to_string();
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    )
    .unwrap();
}

/// Starts the server on a thread of its own; returns its URL.
fn start_node(wallet: anchor_lang::prelude::Pubkey) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let mut pt = bulwark_testing::program_test(false, &wallet);
            pt.add_account(
                wallet,
                Account::new(1_000_000_000_000, 0, &solana_sdk_ids::system_program::ID),
            );
            let mut node = Node {
                t: TestContext::start(pt, Keypair::new()).await,
                known: BTreeSet::new(),
                statuses: HashMap::new(),
            };
            for stream in listener.incoming() {
                serve(&mut node, stream.unwrap()).await;
            }
        });
    });
    url
}

struct Remote {
    url: String,
    keypair: PathBuf,
}

impl Remote {
    async fn run(&self, args: &str) -> Result<String, CliError> {
        let keypair = self.keypair.display().to_string();
        bulwark(&["--url", &self.url, "--keypair", &keypair], args).await
    }

    async fn ok(&self, args: &str) -> String {
        match self.run(args).await {
            Ok(out) => out,
            Err(e) => panic!("`bulwark {args}` failed: {e}"),
        }
    }
}

#[tokio::test]
async fn the_commands_work_over_json_rpc() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("rpc");
    std::fs::create_dir_all(&dir).unwrap();
    let wallet = Keypair::new();
    let keypair = dir.join("id.json");
    write_keypair_file(&wallet, &keypair).unwrap();
    let remote = Remote {
        url: start_node(wallet.pubkey()),
        keypair,
    };
    let me = wallet.pubkey().to_string();

    let usdc = after(&remote.ok("token create-mint").await, "mint");
    let bwk = after(&remote.ok("token create-mint").await, "mint");
    let out = remote.ok(&format!("init --assessment-mint {bwk}")).await;
    assert!(out.contains("initialized"), "{out}");
    remote
        .ok("product create --wording-uri ipfs://wording/dex")
        .await;
    assert!(remote.ok("product list").await.starts_with("1 product(s)"));
    remote
        .ok(&format!("mint set --mint {usdc} --claim-min-deposit 1"))
        .await;
    remote.ok(&format!("pool create --mint {usdc}")).await;
    remote
        .ok("pool set-product 0 --product 0 --weight 100 --price-bps 250")
        .await;
    remote
        .ok(&format!(
            "token mint --mint {usdc} --to {me} --amount 1,100,000"
        ))
        .await;
    let out = remote.ok("stake --pool 0 --amount 1000000").await;
    assert!(out.contains("staked 1,000,000.00 in pool 0"), "{out}");
    let out = remote.ok("pool list").await;
    assert!(out.contains("stake 1,000,000.00 fee 10.00%"), "{out}");
    let out = remote
        .ok("quote --product 0 --amount 100000 --days 365")
        .await;
    assert!(out.trim_end().ends_with("premium 2,500.00"), "{out}");
    let cover = after(
        &remote
            .ok("cover buy --product 0 --amount 100000 --days 365")
            .await,
        "cover",
    );
    let out = remote.ok(&format!("cover show {cover}")).await;
    assert!(
        out.contains("amount 100,000.00  remaining 100,000.00  premium 2,500.00"),
        "{out}"
    );

    // A refusal comes back as a preflight failure; its logs carry the program's own words.
    let err = remote
        .run(&format!(
            "claim file --cover {cover} --amount 100001 --evidence-uri ipfs://e"
        ))
        .await
        .unwrap_err();
    assert_eq!(
        err.0,
        format!(
            "the program refused: {} (ClaimAboveRemaining)",
            BulwarkError::ClaimAboveRemaining
        )
    );
    let claim = after(
        &remote
            .ok(&format!(
                "claim file --cover {cover} --amount 1000 --evidence-uri ipfs://e"
            ))
            .await,
        "claim",
    );
    let out = remote.ok(&format!("claim show {claim}")).await;
    assert!(
        out.contains("status: voting until") && out.contains("requested 1,000.00"),
        "{out}"
    );
    let err = remote.run("warp --days 1").await.unwrap_err();
    assert_eq!(
        err.0,
        "this cluster's clock is its own: only the embedded VM and a local surfnet (`bulwark \
         localnet`) move time"
    );
}
