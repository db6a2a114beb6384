//! `bulwark init`, `product …` and `mint set`: what the governance authority runs.

use super::Session;
use crate::errors::Result;
use crate::format::bps;
use anchor_lang::prelude::Pubkey;
use bulwark::instructions::{CreateProductArgs, SetMintParamsArgs};
use bulwark::state::{Product, ProductTerms, ProductType, ProtocolParams};
use bulwark_sdk::builders::*;

impl Session<'_> {
    pub async fn init(
        &mut self,
        assessment_mint: Pubkey,
        treasury: Option<Pubkey>,
        authority: Option<Pubkey>,
    ) -> Result<()> {
        let token_program = self.mint(&assessment_mint).await?.token_program;
        let authority = authority.unwrap_or(self.me());
        let treasury = treasury.unwrap_or(self.me());
        let ix = initialize_config(
            &self.me(),
            &authority,
            &treasury,
            &assessment_mint,
            &token_program,
            ProtocolParams::default(),
        );
        self.send(&[ix], &[]).await?;
        say!(self, "config {} initialized", config_pda());
        say!(
            self,
            "governance authority {authority}, treasury {treasury}"
        );
        say!(self, "assessors stake {assessment_mint}");
        Ok(())
    }

    pub async fn product_create(&mut self, terms: ProductTerms) -> Result<u64> {
        let id = self.config().await?.product_count;
        let ix = create_product(
            &self.me(),
            id,
            CreateProductArgs {
                product_type: ProductType::Assessed,
                terms,
            },
        );
        self.send(&[ix], &[]).await?;
        say!(self, "product {id} created at {}", product_pda(id));
        Ok(id)
    }

    pub async fn product_list(&mut self) -> Result<()> {
        let mut products = self.all::<Product>().await?;
        products.sort_by_key(|(_, p)| p.id);
        say!(self, "{} product(s)", products.len());
        for (address, p) in products {
            let t = &p.terms;
            say!(
                self,
                "  #{} {address} {:?}{}: grace {} days, min price {}/yr, new listings from {}/yr, max period {} days{}, {}",
                p.id,
                p.product_type,
                if t.deprecated { " (deprecated)" } else { "" },
                t.grace_period / 86_400,
                bps(u64::from(t.min_price_bps)),
                bps(u64::from(t.initial_price_bps)),
                t.max_cover_period / 86_400,
                if t.fixed_price { ", fixed price" } else { "" },
                t.wording_uri
            );
        }
        Ok(())
    }

    /// Lists `mint` (or changes its parameters); the first time, also opens its capital pool
    /// with the default requirement, without which no staking pool opens on it.
    pub async fn mint_set(&mut self, mint: Pubkey, claim_min_deposit: &str) -> Result<()> {
        let claim_min_deposit = self.amount(&mint, claim_min_deposit).await?;
        let token_program = self.mint(&mint).await?.token_program;
        let me = self.me();
        let mint_params = SetMintParamsArgs { claim_min_deposit };
        let opened = self
            .transport
            .account(&capital_pool_pda(&mint))
            .await?
            .is_none();
        if opened {
            let ixs = list_mint(
                &me,
                &mint,
                &token_program,
                mint_params,
                default_capital_pool_args(),
            );
            self.send(&ixs, &[]).await?;
        } else {
            self.send(&[set_mint_params(&me, &mint, mint_params)], &[])
                .await?;
        }
        let shown = self.show_amount(&mint, claim_min_deposit).await?;
        say!(self, "mint {mint} listed: smallest claim deposit {shown}");
        if opened {
            say!(
                self,
                "capital pool {} opened: shares {}",
                capital_pool_pda(&mint),
                capital_shares_pda(&mint)
            );
        }
        Ok(())
    }
}
