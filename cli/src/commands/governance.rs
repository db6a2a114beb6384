//! `bulwark init`, `product …` and `mint set`: what the governance authority runs.

use super::Session;
use crate::errors::{CliError, Result};
use crate::format::bps;
use crate::format::date;
use anchor_lang::prelude::Pubkey;
use bulwark::instructions::{CreateProductArgs, SetMintParamsArgs};
use bulwark::state::{
    CapitalPool, GovernanceChange, Param, Product, ProductTerms, ProductType, Proposal,
    ProtocolParams,
};
use bulwark_sdk::builders::*;
use bulwark_sdk::flows;

/// A capital pool's requirement to propose: its mint, the new floor (in tokens) and share.
pub type CapitalChange = (Pubkey, Option<String>, Option<u16>);

/// The change that sets parameter `name` to `value` (`NAME=VALUE`), from `params`.
fn param_change(params: &ProtocolParams, assignment: &str) -> Result<GovernanceChange> {
    let (name, value) = assignment
        .split_once('=')
        .ok_or_else(|| CliError(format!("`{assignment}` is not NAME=VALUE")))?;
    let param = Param::ALL
        .into_iter()
        .find(|param| param.name() == name.trim())
        .ok_or_else(|| {
            let names: Vec<&str> = Param::ALL.iter().map(|param| param.name()).collect();
            CliError(format!(
                "no parameter `{name}`; the parameters are {}",
                names.join(", ")
            ))
        })?;
    let new = value
        .trim()
        .parse::<u64>()
        .map_err(|_| CliError(format!("`{value}` is not a whole number")))?;
    Ok(GovernanceChange::Param {
        param,
        old: params.get(param),
        new,
    })
}

/// One change, in words.
fn describe(change: &GovernanceChange) -> String {
    match change {
        GovernanceChange::Param { param, old, new } => format!("{}: {old} -> {new}", param.name()),
        GovernanceChange::Treasury { old, new } => format!("treasury: {old} -> {new}"),
        GovernanceChange::MinCapital {
            capital_pool,
            old,
            new,
        } => format!("min capital of {capital_pool}: {old} -> {new}"),
        GovernanceChange::McrBps {
            capital_pool,
            old,
            new,
        } => format!(
            "mcr of {capital_pool}: {} -> {}",
            bps(u64::from(*old)),
            bps(u64::from(*new))
        ),
    }
}

impl Session<'_> {
    /// Proposes the parameter assignments `set`, a new treasury and a capital pool's
    /// requirement, each against today's value.
    pub async fn governance_propose(
        &mut self,
        set: &[String],
        treasury: Option<Pubkey>,
        capital: Option<CapitalChange>,
        description_hash: [u8; 32],
        description_uri: String,
    ) -> Result<u64> {
        let config = self.config().await?;
        let mut changes = set
            .iter()
            .map(|assignment| param_change(&config.params, assignment))
            .collect::<Result<Vec<_>>>()?;
        if let Some(new) = treasury {
            changes.push(GovernanceChange::Treasury {
                old: config.treasury,
                new,
            });
        }
        if let Some((mint, min_capital, mcr_bps)) = capital {
            let address = capital_pool_pda(&mint);
            let pool: CapitalPool = self.load(&address, "capital pool").await?;
            let min_capital = match min_capital {
                Some(text) => self.amount(&mint, &text).await?,
                None => pool.min_capital,
            };
            changes.extend(capital_requirement_changes(
                &address,
                &pool,
                min_capital,
                mcr_bps.unwrap_or(pool.mcr_bps),
            ));
        }
        let me = self.me();
        let (ix, id) = flows::propose(
            &mut *self.transport,
            &me,
            changes.clone(),
            description_hash,
            description_uri,
        )
        .await?;
        self.send(&[ix], &[]).await?;
        let proposal: Proposal = self.load(&proposal_pda(id), "proposal").await?;
        say!(self, "proposal {id} at {}", proposal_pda(id));
        for change in &changes {
            say!(self, "  {}", describe(change));
        }
        say!(
            self,
            "executable from {} until {} (`bulwark governance execute --id {id}`)",
            date(proposal.executable_at),
            date(proposal.expires_at)
        );
        Ok(id)
    }

    pub async fn governance_execute(&mut self, id: u64) -> Result<()> {
        let me = self.me();
        let ix = flows::execute_proposal(&mut *self.transport, &me, id).await?;
        self.send(&[ix], &[]).await?;
        say!(self, "proposal {id} executed");
        Ok(())
    }

    pub async fn governance_cancel(&mut self, id: u64) -> Result<()> {
        let me = self.me();
        let ix = flows::cancel_proposal(&mut *self.transport, &me, id).await?;
        self.send(&[ix], &[]).await?;
        say!(self, "proposal {id} cancelled");
        Ok(())
    }

    pub async fn governance_list(&mut self) -> Result<()> {
        let mut proposals = self.all::<Proposal>().await?;
        proposals.sort_by_key(|(_, p)| p.id);
        let (config, now) = (self.config().await?, self.now().await?);
        say!(
            self,
            "{} pending proposal(s); timelock delay {} hours",
            proposals.len(),
            config.params.timelock_delay / 3_600
        );
        for (address, p) in proposals {
            let state = if now >= p.expires_at {
                "expired".to_string()
            } else if now >= p.executable_at {
                format!("executable until {}", date(p.expires_at))
            } else {
                format!("executable from {}", date(p.executable_at))
            };
            say!(self, "  #{} {address}: {state} {}", p.id, p.description_uri);
            for change in &p.changes {
                say!(self, "    {}", describe(change));
            }
        }
        Ok(())
    }

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

    /// Seats `member` on product `product`'s panel (`add`) or removes it.
    pub async fn panel_set(&mut self, product: u64, member: Pubkey, add: bool) -> Result<()> {
        let ix = if add {
            add_panel_member(&self.me(), product, &member)
        } else {
            remove_panel_member(&self.me(), product, &member)
        };
        self.send(&[ix], &[]).await?;
        say!(
            self,
            "{member} {} the panel of product {product} ({})",
            if add { "joined" } else { "left" },
            panel_member_pda(product, &member)
        );
        Ok(())
    }

    pub async fn product_list(&mut self) -> Result<()> {
        let mut products = self.all::<Product>().await?;
        products.sort_by_key(|(_, p)| p.id);
        say!(self, "{} product(s)", products.len());
        for (address, p) in products {
            let t = &p.terms;
            say!(
                self,
                "  #{} {address} {:?}{}: grace {} days, min price {}/yr, new listings from {}/yr, max period {} days{}{}, {}",
                p.id,
                p.product_type,
                if t.deprecated { " (deprecated)" } else { "" },
                t.grace_period / 86_400,
                bps(u64::from(t.min_price_bps)),
                bps(u64::from(t.initial_price_bps)),
                t.max_cover_period / 86_400,
                if t.fixed_price { ", fixed price" } else { "" },
                match (t.blind_votes, t.panel_quorum) {
                    (false, 0) => String::new(),
                    (true, 0) => ", blind votes".to_string(),
                    (blind, quorum) => format!(
                        ", {}panel of at least {quorum} vote(s)",
                        if blind { "blind " } else { "" }
                    ),
                },
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
