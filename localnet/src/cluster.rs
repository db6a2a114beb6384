//! A surfnet (surfpool's local validator engine) on 127.0.0.1: offline — no remote datasource,
//! nothing forked from mainnet — with JSON-RPC and websocket servers, run on a thread of its own
//! until [`Localnet::stop`].

use crate::backend::SurfnetBackend;
use anchor_lang::prelude::Pubkey;
use crossbeam_channel::{Receiver, Sender};
use solana_keypair::Keypair;
use std::thread::JoinHandle;
use std::time::Duration;
use surfpool_core::runloops::start_local_surfnet_runloop;
use surfpool_core::surfnet::locker::SurfnetSvmLocker;
use surfpool_core::surfnet::svm::{SurfnetSvm, SurfnetSvmConfig};
use surfpool_types::{RpcConfig, SimnetCommand, SimnetConfig, SimnetEvent, SurfpoolConfig};

/// The only address the servers listen on.
pub const HOST: &str = "127.0.0.1";
/// How long the engine may take to start.
const STARTUP: Duration = Duration::from_secs(30);

/// Where and how fast the cluster runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// JSON-RPC port (8899 is what `--url localhost` means).
    pub port: u16,
    /// Websocket (pubsub) port.
    pub ws_port: u16,
    /// Milliseconds per slot; the clock advances by as much each slot.
    pub slot_time_ms: u64,
    /// Print the engine's warnings and errors.
    pub verbose: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            port: 8899,
            ws_port: 8900,
            slot_time_ms: 400,
            verbose: false,
        }
    }
}

/// A running cluster.
pub struct Localnet {
    pub url: String,
    pub ws_url: String,
    /// The engine, for what RPC cannot do (cheatcodes).
    pub locker: SurfnetSvmLocker,
    commands: Sender<SimnetCommand>,
    runloop: Option<JoinHandle<Result<(), String>>>,
}

impl Localnet {
    /// Starts the engine and its servers, airdropping `lamports` to each of `airdrop`, and
    /// returns once the cluster answers.
    pub fn start(options: &Options, airdrop: &[Pubkey], lamports: u64) -> Result<Self, String> {
        let (svm, events, geyser) = SurfnetSvm::new(SurfnetSvmConfig {
            slot_time: options.slot_time_ms,
            ..SurfnetSvmConfig::default()
        })
        .map_err(|e| format!("starting the engine: {e}"))?;
        let locker = SurfnetSvmLocker::new(svm);
        let config = SurfpoolConfig {
            simnets: vec![SimnetConfig {
                // Never a remote datasource: every account is local, none comes from mainnet.
                offline_mode: true,
                remote_rpc_url: None,
                slot_time: options.slot_time_ms,
                airdrop_addresses: airdrop.to_vec(),
                airdrop_token_amount: lamports,
                ..SimnetConfig::default()
            }],
            rpc: RpcConfig {
                bind_host: HOST.to_string(),
                bind_port: options.port,
                ws_port: options.ws_port,
                ..RpcConfig::default()
            },
            ..SurfpoolConfig::default()
        };
        let (commands, commands_rx) = crossbeam_channel::unbounded();
        let runloop = {
            let locker = locker.clone();
            let commands = commands.clone();
            std::thread::Builder::new()
                .name("surfnet".into())
                .spawn(move || -> Result<(), String> {
                    let runtime = tokio::runtime::Runtime::new()
                        .map_err(|e| format!("starting the engine's runtime: {e}"))?;
                    runtime
                        .block_on(start_local_surfnet_runloop(
                            locker,
                            config,
                            commands,
                            commands_rx,
                            geyser,
                        ))
                        .map_err(|e| e.to_string())
                })
                .map_err(|e| format!("starting the engine's thread: {e}"))?
        };
        let mut this = Self {
            url: format!("http://{HOST}:{}", options.port),
            ws_url: format!("ws://{HOST}:{}", options.ws_port),
            locker,
            commands,
            runloop: Some(runloop),
        };
        if let Err(e) = wait_ready(&events, &this) {
            // The engine said why it stopped, if it did.
            return Err(match this.join() {
                Err(why) => why,
                Ok(()) => e,
            });
        }
        let verbose = options.verbose;
        std::thread::Builder::new()
            .name("surfnet-events".into())
            .spawn(move || drain(events, verbose))
            .map_err(|e| format!("starting the engine's log thread: {e}"))?;
        Ok(this)
    }

    /// Deploys `elf` at `program_id` under the upgradeable loader, with `authority` as its
    /// upgrade authority (named in its ProgramData account, as `anchor deploy` leaves it).
    pub async fn deploy(
        &self,
        program_id: &Pubkey,
        authority: &Pubkey,
        elf: &[u8],
    ) -> Result<(), String> {
        self.locker
            .write_program(*program_id, Some(*authority), 0, elf, &None)
            .await
            .map_err(|e| format!("deploying {program_id}: {e}"))
    }

    /// The kit's backend on this cluster, paying with `payer` (airdropped at start).
    pub fn backend(&self, payer: Keypair) -> SurfnetBackend {
        SurfnetBackend::new(
            self.url.clone(),
            self.locker.clone(),
            self.commands.clone(),
            payer,
        )
    }

    /// Whether the engine stopped by itself (it failed).
    pub fn has_stopped(&self) -> bool {
        self.runloop
            .as_ref()
            .is_none_or(|runloop| runloop.is_finished())
    }

    /// Stops block production and the servers, and waits for the engine to end.
    pub fn stop(mut self) -> Result<(), String> {
        // The engine may have ended already (then the channel is closed): joining says why.
        let _ = self.commands.send(SimnetCommand::Terminate(None));
        self.join()
    }

    fn join(&mut self) -> Result<(), String> {
        match self.runloop.take() {
            Some(runloop) => runloop
                .join()
                .map_err(|_| "the engine panicked".to_string())?,
            None => Ok(()),
        }
    }
}

/// Waits for the engine's `Ready`, or for a sign it will never come (it aborted or its thread
/// ended: a port in use, say).
fn wait_ready(events: &Receiver<SimnetEvent>, localnet: &Localnet) -> Result<(), String> {
    let started = std::time::Instant::now();
    while started.elapsed() < STARTUP {
        match events.recv_timeout(Duration::from_millis(100)) {
            Ok(SimnetEvent::Ready(_)) => return Ok(()),
            Ok(SimnetEvent::Aborted(why)) => return Err(format!("the engine aborted: {why}")),
            Ok(_) => {}
            Err(_) if localnet.has_stopped() => return Err("the engine stopped".into()),
            Err(_) => {}
        }
    }
    Err(format!("the engine was not ready within {STARTUP:?}"))
}

/// Reads the engine's events until it stops (they would pile up unread), printing its
/// warnings and errors when `verbose`.
fn drain(events: Receiver<SimnetEvent>, verbose: bool) {
    for event in events {
        match event {
            SimnetEvent::ErrorLog(_, message) | SimnetEvent::WarnLog(_, message) if verbose => {
                eprintln!("surfnet: {message}")
            }
            _ => {}
        }
    }
}
