//! Runs a parsed `bulwark` command line: every subcommand is dispatched here, the demo and
//! scenarios on a fresh embedded VM of their own, the rest against the target's cluster or
//! ledger.

pub use crate::args::*;
use crate::commands::Session;
use crate::errors::{CliError, Result};
use crate::report::{Step, Summary};
use crate::transport::Transport;
use crate::{demo, scenario};
use bulwark::instructions::{CreatePoolArgs, SetPoolProductArgs};
use bulwark::state::ProductTerms;
use solana_keypair::{read_keypair_file, write_keypair_file, Keypair};
use std::path::Path;
use std::process::ExitCode;

/// Prints steps as they happen (or collects them for `--json`) and the summary at the end.
struct Report {
    json: bool,
    steps: Vec<Step>,
}

impl Report {
    fn step(&mut self, step: Step) {
        if self.json {
            self.steps.push(step);
        } else {
            println!("== {}", step.title);
            for line in &step.lines {
                println!("   {line}");
            }
            println!();
        }
    }

    fn finish(self, summary: &Summary) -> ExitCode {
        if self.json {
            let out = serde_json::json!({ "steps": self.steps, "summary": summary });
            println!("{out:#}");
        }
        if summary.total == summary.minted {
            ExitCode::SUCCESS
        } else {
            eprintln!("the totals do not add up");
            ExitCode::FAILURE
        }
    }
}

/// Tells a story (the demo, a scenario) on `runtime`: `header` first unless `json`, each step
/// as it happens (or all of them as JSON at the end), then the summary.
fn tell(
    runtime: &tokio::runtime::Runtime,
    json: bool,
    header: &str,
    story: impl AsyncFnOnce(
        &mut dyn FnMut(Step),
    ) -> std::result::Result<Summary, scenario::ScenarioError>,
) -> ExitCode {
    if !json {
        println!("{header}\n");
    }
    let mut report = Report {
        json,
        steps: Vec::new(),
    };
    let outcome = runtime.block_on(story(&mut |step| report.step(step)));
    match outcome {
        Ok(summary) => report.finish(&summary),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Where the `bulwark-localnet` binary may be: `BULWARK_LOCALNET`, beside this one (one target
/// directory for both workspaces), localnet/'s own target directory, then the `PATH`.
fn localnet_binary() -> Option<std::path::PathBuf> {
    const NAME: &str = "bulwark-localnet";
    if let Some(path) = std::env::var_os("BULWARK_LOCALNET") {
        return Some(path.into());
    }
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(NAME)));
    let built = ["debug", "release"].map(|profile| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../localnet/target")
            .join(profile)
            .join(NAME)
    });
    let on_path: Vec<std::path::PathBuf> = std::env::var_os("PATH")
        .map(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(NAME))
                .collect()
        })
        .unwrap_or_default();
    beside
        .into_iter()
        .chain(built)
        .chain(on_path)
        .find(|path| path.is_file())
}

/// `bulwark localnet ARGS`: becomes the `bulwark-localnet` binary (so Ctrl-C reaches it), or
/// says how to build it.
fn localnet(args: &[String]) -> ExitCode {
    use std::os::unix::process::CommandExt;
    let Some(binary) = localnet_binary() else {
        eprintln!(
            "error: `bulwark localnet` runs the bulwark-localnet binary, which is not built: \
             `cargo run --manifest-path localnet/Cargo.toml -- {}` builds and starts it",
            args.join(" ")
        );
        return ExitCode::from(2);
    };
    let err = std::process::Command::new(&binary).args(args).exec();
    eprintln!("error: cannot run {}: {err}", binary.display());
    ExitCode::FAILURE
}

/// Runs `cli` to the end: what it prints goes to stdout, errors to stderr; the exit code is
/// 2 for a command line or scenario file that cannot run, 1 for a failure while running.
pub fn run(cli: Cli) -> ExitCode {
    if let Command::Localnet { args } = &cli.command {
        return localnet(args);
    }
    let so = crate::sbf_program_dir().join("bulwark.so");
    let sbf = !cli.target.native && so.is_file();
    if sbf {
        std::env::set_var("SBF_OUT_DIR", crate::sbf_program_dir());
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let vm = if sbf { "SBF" } else { "native" };
    match cli.command {
        Command::Demo { json } => {
            if let Err(e) = cli.target.embedded_only("demo") {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
            let header = format!("Bulwark demo on an embedded Solana VM ({vm} program)");
            tell(&runtime, json, &header, async |report| {
                demo::run(sbf, report).await
            })
        }
        Command::Simulate {
            scenario: path,
            json,
        } => {
            if let Err(e) = cli.target.embedded_only("simulate") {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
            let file = path.display().to_string();
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) => {
                    eprintln!("error: {file}: {e}");
                    return ExitCode::from(2);
                }
            };
            let parsed = match scenario::parse(&text, &file) {
                Ok(parsed) => parsed,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let header = format!("Simulating {file} on an embedded Solana VM ({vm} program)");
            tell(&runtime, json, &header, async |report| {
                scenario::run(&parsed, &text, &file, sbf, report).await
            })
        }
        command => match runtime.block_on(execute(&cli.target, command, sbf)) {
            Ok(out) => {
                print!("{out}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

fn hash(text: Option<&str>) -> Result<[u8; 32]> {
    let Some(text) = text else {
        return Ok([0; 32]);
    };
    let bad = || CliError(format!("`{text}` is not 64 hex characters"));
    if text.len() != 64 {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2).ok_or_else(bad)?, 16)
            .map_err(|_| bad())?;
    }
    Ok(out)
}

/// The signing wallet: `--keypair`, else the Solana CLI's default for a cluster, else (on the
/// embedded VM) a wallet kept next to the ledger, created on first use.
pub fn wallet(target: &Target) -> Result<Keypair> {
    let path = match (&target.keypair, &target.url) {
        (Some(path), _) => path.clone(),
        (None, Some(_)) => {
            let home = std::env::var_os("HOME").ok_or("HOME is not set; pass --keypair")?;
            Path::new(&home).join(".config/solana/id.json")
        }
        (None, None) => {
            let path = target
                .ledger
                .parent()
                .unwrap_or(Path::new("."))
                .join("wallet.json");
            if !path.exists() {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| CliError(format!("{}: {e}", dir.display())))?;
                }
                write_keypair_file(&Keypair::new(), &path)
                    .map_err(|e| CliError(format!("{}: {e}", path.display())))?;
            }
            path
        }
    };
    read_keypair_file(&path)
        .map_err(|e| CliError(format!("cannot read keypair {}: {e}", path.display())))
}

/// Runs one cluster subcommand against `target` and returns what it printed. The embedded VM's
/// ledger is saved after the command, whether it succeeded or not.
pub async fn execute(target: &Target, command: Command, sbf: bool) -> Result<String> {
    let wallet = wallet(target)?;
    let mut transport = match &target.url {
        Some(url) => Transport::rpc(url),
        None => Transport::embedded(target.ledger.clone(), &wallet, sbf).await?,
    };
    let mut session = Session::new(&mut transport, &wallet);
    // On the heap: the future of every command together is larger than a test thread's stack.
    let result = Box::pin(dispatch(&mut session, command)).await;
    let out = std::mem::take(&mut session.out);
    transport.save().await?;
    result.map(|()| out)
}

async fn dispatch(s: &mut Session<'_>, command: Command) -> Result<()> {
    match command {
        Command::Demo { .. } | Command::Simulate { .. } => {
            return Err("demo and simulate run on their own VM".into())
        }
        Command::Localnet { .. } => return Err("localnet starts a cluster of its own".into()),
        Command::Init {
            assessment_mint,
            treasury,
            authority,
        } => s.init(assessment_mint, treasury, authority).await?,
        Command::Product(ProductCommand::Create {
            grace_days,
            cooling_off_hours,
            min_price_bps,
            initial_price_bps,
            max_period_days,
            fixed_price,
            blind_votes,
            panel_quorum,
            wording_uri,
            wording_hash,
        }) => {
            let day = 86_400u32;
            let days = |n: u32| n.checked_mul(day).ok_or(CliError("too many days".into()));
            s.product_create(ProductTerms {
                grace_period: days(grace_days)?,
                cooling_off: cooling_off_hours
                    .checked_mul(3_600)
                    .ok_or(CliError("too many hours".into()))?,
                min_price_bps,
                initial_price_bps: initial_price_bps.unwrap_or(min_price_bps),
                max_cover_period: days(max_period_days)?,
                fixed_price,
                deprecated: false,
                blind_votes,
                panel_quorum,
                wording_hash: hash(wording_hash.as_deref())?,
                wording_uri,
            })
            .await?;
        }
        Command::Product(ProductCommand::List) => s.product_list().await?,
        Command::Panel(PanelCommand::Add { product, member }) => {
            s.panel_set(product, member, true).await?
        }
        Command::Panel(PanelCommand::Remove { product, member }) => {
            s.panel_set(product, member, false).await?
        }
        Command::Governance(GovernanceCommand::Propose {
            set,
            treasury,
            capital_mint,
            min_capital,
            mcr_bps,
            description_uri,
            description_hash,
        }) => {
            let capital = capital_mint.map(|mint| (mint, min_capital, mcr_bps));
            s.governance_propose(
                &set,
                treasury,
                capital,
                hash(description_hash.as_deref())?,
                description_uri,
            )
            .await?;
        }
        Command::Governance(GovernanceCommand::Execute { id }) => s.governance_execute(id).await?,
        Command::Governance(GovernanceCommand::Cancel { id }) => s.governance_cancel(id).await?,
        Command::Governance(GovernanceCommand::List) => s.governance_list().await?,
        Command::Mint(MintCommand::Set {
            mint,
            claim_min_deposit,
        }) => s.mint_set(mint, &claim_min_deposit).await?,
        Command::Capital(CapitalCommand::Deposit { mint, amount }) => {
            s.capital_deposit(mint, &amount).await?
        }
        Command::Capital(CapitalCommand::Withdraw { mint, amount }) => {
            s.capital_withdraw(mint, amount.as_deref()).await?
        }
        Command::Capital(CapitalCommand::Show { mint }) => s.capital_show(mint).await?,
        Command::Pool(PoolCommand::Create {
            mint,
            fee_bps,
            max_fee_bps,
            private,
        }) => {
            s.pool_create(
                mint,
                CreatePoolArgs {
                    manager_fee_bps: fee_bps,
                    max_manager_fee_bps: max_fee_bps,
                    private,
                },
            )
            .await?;
        }
        Command::Pool(PoolCommand::SetProduct {
            pool,
            product,
            weight,
            price_bps,
        }) => {
            s.pool_set_product(
                pool,
                SetPoolProductArgs {
                    product_id: product,
                    target_weight: weight,
                    target_price_bps: price_bps,
                },
            )
            .await?
        }
        Command::Pool(PoolCommand::Show { pool }) => s.pool_show(pool).await?,
        Command::Pool(PoolCommand::List) => s.pool_list().await?,
        Command::Stake {
            pool,
            amount,
            tranches_ahead,
            position,
        } => {
            s.stake(pool, &amount, tranches_ahead, position).await?;
        }
        Command::Positions => s.positions().await?,
        Command::Rewards { pool, position } => {
            s.rewards(pool, position).await?;
        }
        Command::Unstake { pool, position } => {
            s.unstake(pool, position).await?;
        }
        Command::Quote(terms) => {
            s.quote(terms.product, terms.mint, &terms.amount, terms.days)
                .await?;
        }
        Command::Cover(CoverCommand::Buy {
            terms,
            max_premium,
            owner,
            nonce,
        }) => {
            s.cover_buy(
                terms.product,
                terms.mint,
                &terms.amount,
                terms.days,
                max_premium.as_deref(),
                owner,
                nonce,
            )
            .await?;
        }
        Command::Cover(CoverCommand::Show { cover }) => s.cover_show(&cover).await?,
        Command::Claim(ClaimCommand::File {
            cover,
            amount,
            incident_time,
            evidence_uri,
            evidence_hash,
        }) => {
            let evidence_hash = hash(evidence_hash.as_deref())?;
            s.claim_file(&cover, &amount, incident_time, evidence_uri, evidence_hash)
                .await?;
        }
        Command::Claim(ClaimCommand::Show { claim }) => s.claim_show(&claim).await?,
        Command::Assessor(AssessorCommand::Stake { amount }) => s.assessor_stake(&amount).await?,
        Command::Vote {
            claim,
            deny,
            commit,
            reveal,
            salt,
            reason_uri,
            reason_hash,
            ..
        } => {
            let reason = (hash(reason_hash.as_deref())?, reason_uri);
            if commit {
                s.commit_vote(&claim, !deny).await?
            } else if reveal {
                let salt = salt.as_deref().map(|text| hash(Some(text))).transpose()?;
                s.reveal_vote(&claim, salt, reason).await?
            } else {
                s.vote(&claim, !deny, reason).await?
            }
        }
        Command::Settle { claim, voter } => s.settle(&claim, voter).await?,
        Command::Redeem { claim } => s.redeem(&claim).await?,
        Command::Crank(CrankCommand::Expire { cover }) => s.crank_expire(&cover).await?,
        Command::Token(TokenCommand::CreateMint { decimals }) => {
            s.token_create_mint(decimals).await?;
        }
        Command::Token(TokenCommand::Mint { mint, to, amount }) => {
            s.token_mint(&mint, &to, &amount).await?
        }
        Command::Wallet => s.wallet_show().await?,
        Command::Warp { days } => s.warp(days).await?,
    }
    Ok(())
}
