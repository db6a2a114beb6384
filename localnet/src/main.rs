//! `bulwark-localnet` (`bulwark localnet`): starts a local cluster on 127.0.0.1 with Bulwark
//! deployed and a demo market seeded, prints where everything is, and runs until Ctrl-C or
//! SIGTERM, then stops cleanly.

use bulwark_cli::demo;
use bulwark_cli::format::date;
use bulwark_cli::scenario;
use bulwark_localnet::market::{duration, payer_key, PAYER_LAMPORTS};
use bulwark_localnet::{seed, Localnet, Options};
use clap::Parser;
use solana_signer::Signer;
use std::path::PathBuf;
use std::process::ExitCode;

/// A local Solana cluster (surfpool's engine: JSON-RPC and websocket on 127.0.0.1, offline)
/// with Bulwark deployed and a demo market seeded.
#[derive(Parser, Debug)]
#[command(name = "bulwark-localnet", version)]
struct Args {
    /// JSON-RPC port; the websocket listens on the next one unless --ws-port says otherwise.
    #[arg(long, default_value_t = 8899)]
    port: u16,
    #[arg(long)]
    ws_port: Option<u16>,
    /// Where the wallets' keypair files and localnet.json are written.
    #[arg(long, default_value = ".bulwark/localnet")]
    dir: PathBuf,
    /// The SBF build to deploy [default: BULWARK_SO, SBF_OUT_DIR/bulwark.so, then the
    /// workspace's target/deploy/bulwark.so].
    #[arg(long)]
    program: Option<PathBuf>,
    /// Seed with this scenario file's market instead of the demo's.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// How many of the scenario's chapters to play after setting up its market.
    #[arg(long, default_value_t = 1)]
    chapters: usize,
    /// Milliseconds per slot.
    #[arg(long, default_value_t = 400)]
    slot_time: u64,
    /// Print the engine's warnings and errors.
    #[arg(long)]
    verbose: bool,
}

fn main() -> ExitCode {
    // The engine logs through `log`; only what the localnet prints is meant for the user.
    if std::env::var_os("RUST_LOG").is_none() {
        std::env::set_var("RUST_LOG", "error");
    }
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The SBF build: the file named, else where the kit looks, else the workspace's build.
fn program(named: Option<PathBuf>) -> Result<(Vec<u8>, String), String> {
    if let Some(path) = named {
        return std::fs::read(&path)
            .map(|bytes| (bytes, path.display().to_string()))
            .map_err(|e| format!("--program {}: {e}", path.display()));
    }
    if let Some(so) = bulwark_testing::program::find_program_so()? {
        return Ok((so.bytes, so.origin));
    }
    let path = bulwark_cli::sbf_program_dir().join("bulwark.so");
    match std::fs::read(&path) {
        Ok(bytes) => Ok((bytes, path.display().to_string())),
        Err(e) => Err(format!(
            "no SBF build of the program at {} ({e}): build it with `bash \
             ../shared/sbf-toolchain/build-sbf.sh programs/bulwark`, or name one with --program",
            path.display()
        )),
    }
}

fn run(args: Args) -> Result<(), String> {
    let (elf, origin) = program(args.program)?;
    let (text, file) = match &args.scenario {
        Some(path) => (
            std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?,
            path.display().to_string(),
        ),
        None => (demo::SCENARIO.to_string(), demo::FILE.to_string()),
    };
    let parsed = scenario::parse(&text, &file).map_err(|e| e.to_string())?;
    let options = Options {
        port: args.port,
        ws_port: args.ws_port.unwrap_or(args.port.saturating_add(1)),
        slot_time_ms: args.slot_time,
        verbose: args.verbose,
    };
    let localnet = Localnet::start(&options, &[payer_key().pubkey()], PAYER_LAMPORTS)?;
    println!(
        "bulwark localnet: {} (websocket {})",
        localnet.url, localnet.ws_url
    );
    println!("deploying {origin} as {}", bulwark::ID);
    // Multi-threaded: the engine's locker blocks in place, which a current-thread runtime forbids.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    let seeded = runtime.block_on(seed(
        &localnet,
        &elf,
        (&parsed, &text, &file),
        args.chapters,
        &mut |step| {
            println!("== {}", step.title);
            for line in &step.lines {
                println!("   {line}");
            }
        },
    ));
    let mut market = match seeded {
        Ok(market) => market,
        Err(e) => {
            let _ = localnet.stop();
            return Err(format!("seeding the market: {e}"));
        }
    };
    let description = market.write(&args.dir)?;
    println!();
    println!("program  {}", market.program_id);
    println!("mint     {} (6 decimals)", market.mint);
    println!("pool     {} ({})", market.pool_id, market.pool);
    for (name, id) in &market.products {
        println!("product  {id}: {name}");
    }
    println!(
        "wallets  (keypair files in {}):",
        args.dir.join("wallets").display()
    );
    for wallet in &market.wallets {
        println!("  {:<10} {}  {}", wallet.name, wallet.address, wallet.role);
    }
    println!("described in {}", description.display());
    println!();
    println!(
        "  bulwark --url {} --keypair {} pool list",
        localnet.url,
        args.dir.join("wallets/dana.json").display()
    );
    println!(
        "  bulwark --url {} warp --days 7     (moves the clock: assessors' stake votes once {} \
         old)",
        localnet.url,
        duration(market.assessor_stake_age)
    );
    let clock = runtime.block_on(async {
        let rpc = solana_rpc_client::nonblocking::rpc_client::RpcClient::new(localnet.url.clone());
        rpc.get_account_data(&solana_sdk_ids::sysvar::clock::ID)
            .await
    });
    if let Ok(clock) = clock
        .map_err(|e| e.to_string())
        .and_then(|data| bulwark_cli::transport::clock_of(&data).map_err(|e| e.0))
    {
        println!("the cluster's clock reads {}", date(clock.unix_timestamp));
    }
    println!("ready: {} (Ctrl-C stops it)", localnet.url);
    runtime.block_on(stopped(&localnet))?;
    localnet.stop()?;
    println!("bulwark localnet stopped");
    Ok(())
}

/// Waits for Ctrl-C or SIGTERM, or for the engine to stop by itself (an error).
async fn stopped(localnet: &Localnet) -> Result<(), String> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt =
        signal(SignalKind::interrupt()).map_err(|e| format!("listening for Ctrl-C: {e}"))?;
    let mut terminate =
        signal(SignalKind::terminate()).map_err(|e| format!("listening for SIGTERM: {e}"))?;
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(200));
    loop {
        tokio::select! {
            _ = interrupt.recv() => return Ok(()),
            _ = terminate.recv() => return Ok(()),
            _ = tick.tick() => {
                if localnet.has_stopped() {
                    return Err("the engine stopped by itself".into());
                }
            }
        }
    }
}
