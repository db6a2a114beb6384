//! `bulwark wallet`: the signing wallet's address and what it holds of the market.

use super::Session;
use crate::errors::{CliError, Result};
use crate::format::format_amount;
use anchor_lang::prelude::Pubkey;
use bulwark::state::{CapitalPool, MintParams, Pool};
use bulwark_sdk::builders::{capital_pool_pda, capital_shares_account, config_pda};

/// Decimals of SOL: lamports per SOL is 10^9.
const SOL_DECIMALS: u8 = 9;

impl Session<'_> {
    /// The wallet's address, its SOL, and its balance of every mint the market names (the
    /// config's assessment mint, the mints governance listed, the pools' mints), with its
    /// membership shares where the mint has a capital pool.
    pub async fn wallet_show(&mut self) -> Result<()> {
        let me = self.me();
        let lamports = self
            .transport
            .account(&me)
            .await?
            .map_or(0, |account| account.lamports);
        say!(self, "wallet {me}");
        say!(self, "  SOL {}", format_amount(lamports, SOL_DECIMALS));
        // Each mint the market names, in the order it first comes up, with its uses.
        let mut uses: Vec<(Pubkey, String)> = Vec::new();
        if self.transport.account(&config_pda()).await?.is_some() {
            let config = self.config().await?;
            uses.push((config.assessment_mint, "assessment".into()));
        }
        for (_, listing) in self.all::<MintParams>().await? {
            uses.push((listing.mint, "listed".into()));
        }
        let mut pools = self.all_zc::<Pool>().await?;
        pools.sort_by_key(|(_, pool)| pool.id);
        for (_, pool) in pools {
            uses.push((pool.mint, format!("pool {}", pool.id)));
        }
        let mut mints: Vec<(Pubkey, Vec<String>)> = Vec::new();
        for (mint, what) in uses {
            match mints.iter_mut().find(|(m, _)| *m == mint) {
                Some((_, whats)) => whats.push(what),
                None => mints.push((mint, vec![what])),
            }
        }
        if mints.is_empty() {
            say!(self, "  no market yet: no config, listed mint or pool");
        }
        for (mint, uses) in mints {
            let info = self.mint(&mint).await?;
            let held = self.balance_or_zero(&info.associated_account(&me)).await?;
            let mut line = format!(
                "  {mint} ({}): {}",
                uses.join(", "),
                format_amount(held, info.decimals)
            );
            if self
                .transport
                .account(&capital_pool_pda(&mint))
                .await?
                .is_some()
            {
                let pool: CapitalPool = self.load(&capital_pool_pda(&mint), "capital pool").await?;
                let shares = self
                    .balance_or_zero(&capital_shares_account(&me, &mint))
                    .await?;
                let worth = pool.value_of(shares).map_err(|e| CliError(e.to_string()))?;
                line.push_str(&format!(
                    "; capital pool shares {}, worth {}",
                    format_amount(shares, info.decimals),
                    format_amount(worth, info.decimals)
                ));
            }
            say!(self, "{line}");
        }
        Ok(())
    }
}
