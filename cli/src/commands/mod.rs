//! The operator and user subcommands, one file per role. Each builds its instructions with
//! `bulwark-sdk` (its flows where there is one), sends them through a [`Transport`] and reads
//! accounts back with the program's own types, so the embedded VM and a cluster run exactly
//! the same code.

use crate::errors::{CliError, Result};
use crate::format::{format_amount, parse_amount};
use crate::transport::Transport;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{AccountDeserialize, Discriminator};
use bulwark::state::Config;
use bulwark_sdk::builders::config_pda;
use bulwark_sdk::client::{self, MintInfo};
use bulwark_sdk::quote::decode_zero_copy;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::collections::BTreeMap;

/// Highest nonce or position id probed when looking for an unused one.
const MAX_PROBE: u64 = 1_000;

/// A signer and what it reads and sends through.
pub struct Session<'a> {
    pub transport: &'a mut Transport,
    pub wallet: &'a Keypair,
    /// What the command prints.
    pub out: String,
    /// Mints read so far: a mint's decimals and token program never change.
    mints: BTreeMap<Pubkey, MintInfo>,
}

/// Appends a line to what the command prints.
macro_rules! say {
    ($session:expr, $($arg:tt)*) => {
        $session.out.push_str(&format!($($arg)*));
        $session.out.push('\n');
    };
}

mod capital;
mod claims;
mod cover;
mod governance;
mod pool;
mod staking;
mod tokens;
mod wallet;

pub use claims::claim_status;

impl<'a> Session<'a> {
    pub fn new(transport: &'a mut Transport, wallet: &'a Keypair) -> Self {
        Self {
            transport,
            wallet,
            out: String::new(),
            mints: BTreeMap::new(),
        }
    }

    fn me(&self) -> Pubkey {
        self.wallet.pubkey()
    }

    async fn send(&mut self, ixs: &[Instruction], extra: &[&Keypair]) -> Result<()> {
        let mut signers = vec![self.wallet];
        signers.extend_from_slice(extra);
        let signature = self.transport.send(ixs, &signers).await?;
        say!(self, "signature {signature}");
        Ok(())
    }

    async fn load<T: AccountDeserialize>(&mut self, address: &Pubkey, what: &str) -> Result<T> {
        Ok(client::load(&mut *self.transport, address, what).await?)
    }

    async fn load_zc<T: bytemuck::Pod + Discriminator>(
        &mut self,
        address: &Pubkey,
        what: &str,
    ) -> Result<T> {
        Ok(client::load_zero_copy(&mut *self.transport, address, what).await?)
    }

    async fn config(&mut self) -> Result<Config> {
        self.load(&config_pda(), "config (run `bulwark init` first)")
            .await
    }

    async fn now(&mut self) -> Result<i64> {
        Ok(self.transport.clock().await?.unix_timestamp)
    }

    /// Decimals and token program of `mint`, which must be an initialized mint of the SPL
    /// Token program (base layout) or of Token-2022 (with any extensions); read once.
    async fn mint(&mut self, mint: &Pubkey) -> Result<MintInfo> {
        if let Some(info) = self.mints.get(mint) {
            return Ok(*info);
        }
        let info = client::mint_info(&mut *self.transport, mint).await?;
        self.mints.insert(*mint, info);
        Ok(info)
    }

    async fn amount(&mut self, mint: &Pubkey, text: &str) -> Result<u64> {
        let info = self.mint(mint).await?;
        parse_amount(text, info.decimals)
    }

    async fn show_amount(&mut self, mint: &Pubkey, amount: u64) -> Result<String> {
        let info = self.mint(mint).await?;
        Ok(format_amount(amount, info.decimals))
    }

    /// `owner`'s associated token account for `mint`, and an instruction creating it if it
    /// does not exist yet (idempotent), the wallet paying.
    async fn token_account(
        &mut self,
        owner: &Pubkey,
        mint: &Pubkey,
    ) -> Result<(Pubkey, Instruction)> {
        let info = self.mint(mint).await?;
        let me = self.me();
        Ok((
            info.associated_account(owner),
            info.create_associated_account(&me, owner),
        ))
    }

    async fn token_balance(&mut self, account: &Pubkey) -> Result<u64> {
        Ok(client::token_balance(&mut *self.transport, account).await?)
    }

    async fn balance_or_zero(&mut self, account: &Pubkey) -> Result<u64> {
        Ok(client::balance_or_zero(&mut *self.transport, account).await?)
    }

    /// Refuses before sending when the wallet's token account for `mint` cannot pay `amount`.
    async fn require_tokens(&mut self, mint: &Pubkey, amount: u64) -> Result<Pubkey> {
        let me = self.me();
        let (account, _) = self.token_account(&me, mint).await?;
        let balance = self.balance_or_zero(&account).await?;
        if balance < amount {
            let needed = self.show_amount(mint, amount).await?;
            let held = self.show_amount(mint, balance).await?;
            return Err(CliError(format!(
                "{me} holds {held} of {mint} in {account}; {needed} is needed"
            )));
        }
        Ok(account)
    }

    async fn all<T: AccountDeserialize + Discriminator>(&mut self) -> Result<Vec<(Pubkey, T)>> {
        let accounts = self.transport.program_accounts(T::DISCRIMINATOR).await?;
        let mut decoded: Vec<(Pubkey, T)> = accounts
            .into_iter()
            .filter_map(|(key, account)| {
                T::try_deserialize(&mut account.data.as_slice())
                    .ok()
                    .map(|v| (key, v))
            })
            .collect();
        decoded.sort_by_key(|(key, _)| *key);
        Ok(decoded)
    }

    async fn all_zc<T: bytemuck::Pod + Discriminator>(&mut self) -> Result<Vec<(Pubkey, T)>> {
        let accounts = self.transport.program_accounts(T::DISCRIMINATOR).await?;
        Ok(accounts
            .into_iter()
            .filter_map(|(key, account)| decode_zero_copy(&account.data).map(|v| (key, v)))
            .collect())
    }

    /// The first of `candidates(0..)` with no account yet.
    async fn unused(&mut self, candidate: impl Fn(u64) -> Pubkey, what: &str) -> Result<u64> {
        bulwark_sdk::flows::first_unused(&mut *self.transport, MAX_PROBE, candidate)
            .await?
            .ok_or_else(|| {
                CliError(format!(
                    "no unused {what} below {MAX_PROBE}; pass one explicitly"
                ))
            })
    }
}
