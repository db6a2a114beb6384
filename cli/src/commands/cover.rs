//! `bulwark quote`, `cover buy|show` and `crank expire`: a buyer's cover, priced and routed by
//! the SDK's flows.

use super::Session;
use crate::errors::{in_tokens, CliError, Result};
use crate::format::{bps, date, parse_amount};
use anchor_lang::prelude::Pubkey;
use bulwark::constants::MAX_COVER_POOLS;
use bulwark::state::{Cover, Pool, PoolProduct};
use bulwark_sdk::builders::{cover_pda, Program};
use bulwark_sdk::flows::{self, BuyOptions};
use bulwark_sdk::quote::{CoverRequest, Quote};
use std::collections::BTreeSet;

impl Session<'_> {
    /// The cheapest route for the cover, over every pool (of `mint`, when given) that offers
    /// the product, with the leverage lines the cranks the quote counts would leave.
    async fn route(
        &mut self,
        product_id: u64,
        mint: Option<Pubkey>,
        amount: &str,
        days: u32,
    ) -> Result<Quote> {
        self.config().await?;
        let mut pools = self.all_zc::<Pool>().await?;
        if let Some(mint) = mint {
            pools.retain(|(_, p)| p.mint == mint);
        }
        let listings = self.all_zc::<PoolProduct>().await?;
        pools.retain(|(address, _)| {
            listings
                .iter()
                .any(|(_, pp)| pp.pool == *address && pp.product_id == product_id)
        });
        let mints: BTreeSet<Pubkey> = pools.iter().map(|(_, pool)| pool.mint).collect();
        let mut mints = mints.into_iter();
        let mint = match (mints.next(), mints.next()) {
            (None, _) => return Err(CliError(format!("no pool offers product {product_id}"))),
            (Some(mint), None) => mint,
            (Some(_), Some(_)) => {
                return Err(CliError(
                    "pools on several mints offer this product; choose one with --mint".into(),
                ))
            }
        };
        let decimals = self.mint(&mint).await?.decimals;
        let request = CoverRequest {
            product_id,
            mint,
            amount: parse_amount(amount, decimals)?,
            period: days
                .checked_mul(86_400)
                .ok_or_else(|| CliError("the period is too long".into()))?,
            commission_bps: 0,
        };
        let candidates: Vec<Pubkey> = pools.iter().map(|(address, _)| *address).collect();
        flows::quote_cover(&mut *self.transport, &request, &candidates)
            .await
            .map_err(|e| in_tokens(e, &mint, decimals))
    }

    async fn print_quote(&mut self, quote: &Quote) -> Result<()> {
        let mint = quote.request.mint;
        for part in &quote.parts {
            let amount = self.show_amount(&mint, part.amount).await?;
            let premium = self.show_amount(&mint, part.premium).await?;
            say!(
                self,
                "  pool {}: {amount} at {}/yr, premium {premium}",
                part.pool,
                bps(part.price_bps)
            );
        }
        let premium = self.show_amount(&mint, quote.premium).await?;
        say!(self, "premium {premium}");
        Ok(())
    }

    pub async fn quote(
        &mut self,
        product_id: u64,
        mint: Option<Pubkey>,
        amount: &str,
        days: u32,
    ) -> Result<u64> {
        let quote = self.route(product_id, mint, amount, days).await?;
        let shown = self
            .show_amount(&quote.request.mint, quote.request.amount)
            .await?;
        say!(
            self,
            "{shown} of cover on product {product_id} for {days} days:"
        );
        self.print_quote(&quote).await?;
        Ok(quote.premium)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn cover_buy(
        &mut self,
        product_id: u64,
        mint: Option<Pubkey>,
        amount: &str,
        days: u32,
        max_premium: Option<&str>,
        owner: Option<Pubkey>,
        nonce: Option<u64>,
    ) -> Result<Pubkey> {
        let quote = self.route(product_id, mint, amount, days).await?;
        let mint = self.mint(&quote.request.mint).await?;
        let max_premium = match max_premium {
            Some(text) => self.amount(&mint.address, text).await?,
            None => quote.cost(),
        };
        let me = self.me();
        let cover_nonce = match nonce {
            Some(n) => n,
            None => self.unused(|n| cover_pda(&me, n), "cover nonce").await?,
        };
        let from = self.require_tokens(&mint.address, max_premium).await?;
        let purchase = flows::buy_cover_from_quote(
            &Program::CANONICAL,
            &me,
            &from,
            &mint,
            &quote,
            BuyOptions {
                cover_nonce,
                owner,
                max_premium: Some(max_premium),
                commission_destination: None,
            },
        )?;
        self.print_quote(&quote).await?;
        // The cranks the quote counted on, first (a few per transaction): leverage exists as
        // far as the lines go.
        for cranks in purchase.cranks.chunks(MAX_COVER_POOLS) {
            self.send(cranks, &[]).await?;
        }
        self.send(&[purchase.buy], &[]).await?;
        say!(self, "cover {} bought", purchase.cover);
        Ok(purchase.cover)
    }

    pub async fn cover_show(&mut self, address: &Pubkey) -> Result<()> {
        let cover: Cover = self.load(address, "cover").await?;
        let amount = self.show_amount(&cover.mint, cover.amount).await?;
        let remaining = self.show_amount(&cover.mint, cover.remaining).await?;
        let premium = self.show_amount(&cover.mint, cover.premium).await?;
        let end = cover.end().map_err(|e| CliError(e.to_string()))?;
        let claimable = cover
            .claimable_until()
            .map_err(|e| CliError(e.to_string()))?;
        say!(self, "cover {address} on product {}", cover.product_id);
        say!(
            self,
            "  owner {}  paid by {}",
            cover.owner,
            cover.rent_payer
        );
        say!(
            self,
            "  amount {amount}  remaining {remaining}  premium {premium}"
        );
        say!(
            self,
            "  from {} to {}; claims until {}",
            date(cover.start),
            date(end),
            date(claimable)
        );
        say!(
            self,
            "  claims filed {}{}",
            cover.claim_count,
            if cover.open_claim { " (one open)" } else { "" }
        );
        for allocation in cover.used_allocations().to_vec() {
            let part = self.show_amount(&cover.mint, allocation.amount).await?;
            say!(self, "  pool {}: {part}", allocation.pool);
        }
        Ok(())
    }

    pub async fn crank_expire(&mut self, cover_address: &Pubkey) -> Result<()> {
        let cover: Cover = self.load(cover_address, "cover").await?;
        let ix = flows::expire_cover(&mut *self.transport, cover_address).await?;
        self.send(&[ix], &[]).await?;
        say!(
            self,
            "cover {cover_address} expired; capacity released, rent returned to {}",
            cover.rent_payer
        );
        Ok(())
    }
}
