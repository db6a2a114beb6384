//! The market a localnet starts with: the program deployed and its config initialized, then a
//! scenario's opening (by default the demo's first chapter: its products, pool, stakers in
//! their tranches, the capital pool's member, assessors, buyers with tokens to spend), played
//! over RPC. Its wallets' keypair files and a JSON description are written for clients.

use crate::cluster::Localnet;
use anchor_lang::prelude::Pubkey;
use bulwark::state::Config;
use bulwark_cli::report::Step;
use bulwark_cli::scenario::{self, Scenario};
use bulwark_sdk::builders::{config_pda, pool_pda, vault_pda};
use bulwark_testing::TestContext;
use serde::Serialize;
use solana_keypair::{write_keypair_file, Keypair};
use solana_signer::Signer;
use std::path::{Path, PathBuf};

/// SOL the payer of the seeding transactions is airdropped at start (a tenth of what the
/// engine's airdrop account holds).
pub const PAYER_LAMPORTS: u64 = 100_000 * 1_000_000_000;

/// The payer of the seeding transactions (a well-known key, like every key of a local cluster:
/// never use one of them anywhere else).
pub fn payer_key() -> Keypair {
    Keypair::new_from_array([5; 32])
}

/// A wallet of the market, with its keypair file once written.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Wallet {
    pub name: String,
    /// What the wallet is for.
    pub role: String,
    pub address: String,
    /// Its token account in the market's mint, when it has one.
    pub token_account: Option<String>,
    pub keypair: PathBuf,
    #[serde(skip)]
    key: Keypair,
}

/// What the localnet seeded, as `localnet.json` describes it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Market {
    pub rpc_url: String,
    pub websocket_url: String,
    pub program_id: String,
    /// The market's token (6 decimals, SPL Token), and the assessors' stake token.
    pub mint: String,
    pub assessment_mint: String,
    pub treasury: String,
    pub pool_id: u64,
    pub pool: String,
    pub pool_vault: String,
    /// `(name, product id)`.
    pub products: Vec<(String, u64)>,
    pub wallets: Vec<Wallet>,
    /// Seconds: how long an assessor's stake must age before it votes, how long voting runs,
    /// and the cooldown before an accepted claim pays.
    pub assessor_stake_age: u32,
    pub voting_period: u32,
    pub cooldown: u32,
}

/// `seconds` in days, hours or minutes, whichever reads whole.
pub fn duration(seconds: u32) -> String {
    match seconds {
        s if s % 86_400 == 0 => format!("{} day(s)", s / 86_400),
        s if s % 3_600 == 0 => format!("{} hour(s)", s / 3_600),
        s => format!("{} minute(s)", s.div_ceil(60)),
    }
}

impl Market {
    /// Writes each wallet's keypair file into `dir/wallets` and `dir/localnet.json`.
    pub fn write(&mut self, dir: &Path) -> Result<PathBuf, String> {
        let wallets = dir.join("wallets");
        std::fs::create_dir_all(&wallets)
            .map_err(|e| format!("creating {}: {e}", wallets.display()))?;
        for wallet in &mut self.wallets {
            let path = wallets.join(format!("{}.json", wallet.name.to_lowercase()));
            write_keypair_file(&wallet.key, &path)
                .map_err(|e| format!("writing {}: {e}", path.display()))?;
            wallet.keypair = path;
        }
        let description = dir.join("localnet.json");
        let text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        std::fs::write(&description, text + "\n")
            .map_err(|e| format!("writing {}: {e}", description.display()))?;
        Ok(description)
    }
}

/// Deploys `elf` as the Bulwark program, initializes its config and plays the opening of
/// `scenario` (`chapters` chapters) on `localnet`, reporting each step.
pub async fn seed(
    localnet: &Localnet,
    elf: &[u8],
    (scenario, text, file): (&Scenario, &str, &str),
    chapters: usize,
    report: &mut dyn FnMut(Step),
) -> Result<Market, String> {
    let deployer = TestContext::deployer_key();
    localnet
        .deploy(&bulwark::ID, &deployer.pubkey(), elf)
        .await?;
    let payer = payer_key();
    let t = TestContext::initialized_on(localnet.backend(payer.insecure_clone()), deployer).await;
    let mut seeded = scenario::seed(t, scenario, text, file, chapters, report)
        .await
        .map_err(|e| e.to_string())?;
    let params = seeded.t.load::<Config>(&config_pda()).await.params;
    let t = &seeded.t;
    let pool = pool_pda(seeded.pool_id);
    let wallet = |name: &str, role: String, key: &Keypair, token: Option<Pubkey>| Wallet {
        name: name.to_string(),
        role,
        address: key.pubkey().to_string(),
        token_account: token.map(|token| token.to_string()),
        keypair: PathBuf::new(),
        key: key.insecure_clone(),
    };
    let mut wallets = vec![
        wallet(
            "payer",
            "paid for the seeding; mint authority of the market's token and the assessment token"
                .into(),
            &payer,
            None,
        ),
        wallet(
            "deployer",
            "the program's upgrade authority".into(),
            &t.deployer,
            None,
        ),
        wallet(
            "authority",
            format!(
                "governance (proposals wait {} before they execute)",
                duration(params.timelock_delay)
            ),
            &t.authority,
            None,
        ),
        wallet(
            "manager",
            format!("manages pool {}", seeded.pool_id),
            &seeded.manager,
            None,
        ),
    ];
    for (name, key, token) in &seeded.actors {
        let spec = scenario
            .actors
            .iter()
            .map(|spec| spec.get_ref())
            .find(|spec| &spec.name == name);
        let role = match spec {
            Some(spec) if spec.assessor_stake > 0 => {
                format!("assessor, {} staked", spec.assessor_stake)
            }
            Some(spec) => format!("started with {} tokens", spec.tokens),
            None => String::new(),
        };
        wallets.push(wallet(name, role, key, Some(*token)));
    }
    Ok(Market {
        rpc_url: localnet.url.clone(),
        websocket_url: localnet.ws_url.clone(),
        program_id: bulwark::ID.to_string(),
        mint: seeded.mint.to_string(),
        assessment_mint: t.assessment_mint.to_string(),
        treasury: t.treasury.to_string(),
        pool_id: seeded.pool_id,
        pool: pool.to_string(),
        pool_vault: vault_pda(&pool).to_string(),
        products: seeded.products.clone(),
        wallets,
        assessor_stake_age: params.assessor_stake_age,
        voting_period: params.voting_period,
        cooldown: params.cooldown,
    })
}
