//! `bulwark pool …`: opening pools, listing products in them, and reading their books.

use super::Session;
use crate::capacity::CapacityUse;
use crate::errors::{CliError, Result};
use crate::format::{bps, date, format_amount};
use anchor_lang::prelude::Pubkey;
use bulwark::instructions::{CreatePoolArgs, SetPoolProductArgs};
use bulwark::math::tranche::tranche_end;
use bulwark::state::{Pool, PoolProduct, Product};
use bulwark_sdk::builders::*;
use bulwark_sdk::rewards::tranche_streams;

impl Session<'_> {
    pub async fn pool_create(&mut self, mint: Pubkey, args: CreatePoolArgs) -> Result<u64> {
        let token_program = self.mint(&mint).await?.token_program;
        let id = self.config().await?.pool_count;
        let ix = create_pool(&self.me(), id, &mint, &token_program, args);
        self.send(&[ix], &[]).await?;
        say!(
            self,
            "pool {id} created at {} (vault {})",
            pool_pda(id),
            vault_pda(&pool_pda(id))
        );
        Ok(id)
    }

    pub async fn pool_set_product(&mut self, pool_id: u64, args: SetPoolProductArgs) -> Result<()> {
        let pool = pool_pda(pool_id);
        let (product_id, weight, price) =
            (args.product_id, args.target_weight, args.target_price_bps);
        let ix = set_pool_product(&self.me(), &pool, args);
        self.send(&[ix], &[]).await?;
        say!(
            self,
            "pool {pool_id} covers product {product_id}: weight {weight}%, target price {}/yr",
            bps(u64::from(price))
        );
        Ok(())
    }

    pub async fn pool_show(&mut self, pool_id: u64) -> Result<()> {
        let address = pool_pda(pool_id);
        let mut pool: Pool = self.load_zc(&address, "pool").await?;
        let now = self.now().await?;
        let config = self.config().await?;
        let vault_balance = self.token_balance(&pool.vault).await?;
        let decimals = self.mint(&pool.mint).await?.decimals;
        let show = |amount: u64| format_amount(amount, decimals);
        let liabilities = pool.liabilities().map_err(|e| CliError(e.to_string()))?;
        say!(self, "pool {pool_id} at {address}");
        say!(self, "  manager {}  mint {}", pool.manager, pool.mint);
        say!(
            self,
            "  fee {} (max {}){}",
            bps(u64::from(pool.manager_fee_bps)),
            bps(u64::from(pool.max_manager_fee_bps)),
            if pool.is_private() {
                ", private"
            } else {
                ", public"
            }
        );
        say!(
            self,
            "  stake {}   vault {}   owed {}",
            show(pool.total_stake),
            show(vault_balance),
            show(liabilities)
        );
        pool.roll_forward(now)
            .map_err(|e| CliError(e.to_string()))?;
        let mut slots: Vec<_> = pool
            .tranches
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect();
        slots.sort_by_key(|s| s.tranche_id);
        let streams = tranche_streams(&pool, now).map_err(|e| CliError(e.to_string()))?;
        for (slot, stream) in slots.iter().zip(&streams) {
            let end = tranche_end(slot.tranche_id).map_err(|e| CliError(e.to_string()))?;
            say!(
                self,
                "  tranche {} (ends {}{}): stake {}, earning {}/day",
                slot.tranche_id,
                date(end),
                if slot.has_ended() { ", ended" } else { "" },
                show(slot.stake),
                show(u64::try_from(stream.per_day()).unwrap_or(u64::MAX))
            );
        }
        let mut products = self.all_zc::<PoolProduct>().await?;
        products.retain(|(_, pp)| pp.pool == address);
        products.sort_by_key(|(_, pp)| pp.product_id);
        for (_, mut pp) in products {
            let product: Product = self.load(&product_pda(pp.product_id), "product").await?;
            pp.roll_forward(now).map_err(|e| CliError(e.to_string()))?;
            let price = pp
                .price(&product.terms, &config.params, now)
                .map_err(|e| CliError(e.to_string()))?;
            say!(
                self,
                "  product {}: weight {}%, target {}/yr, now {}/yr",
                pp.product_id,
                pp.target_weight,
                bps(u64::from(pp.target_price_bps)),
                bps(price)
            );
            let used = CapacityUse::at(&pool, &pp, config.params.capacity_ratio_bps, now)
                .map_err(|e| CliError(e.to_string()))?;
            say!(self, "    {}", used.describe(show));
        }
        Ok(())
    }

    pub async fn pool_list(&mut self) -> Result<()> {
        let mut pools = self.all_zc::<Pool>().await?;
        pools.sort_by_key(|(_, p)| p.id);
        say!(self, "{} pool(s)", pools.len());
        for (address, pool) in pools {
            let stake = self.show_amount(&pool.mint, pool.total_stake).await?;
            say!(
                self,
                "  #{} {address} mint {} stake {stake} fee {}{}",
                pool.id,
                pool.mint,
                bps(u64::from(pool.manager_fee_bps)),
                if pool.is_private() { " private" } else { "" }
            );
        }
        Ok(())
    }
}
