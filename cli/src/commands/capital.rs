//! `bulwark capital …`: the mint's capital pool as a member sees it, and the leverage line
//! crank its exits need.

use super::Session;
use crate::errors::{CliError, Result};
use crate::format::{date, format_amount};
use anchor_lang::prelude::Pubkey;
use bulwark::constants::MAX_COVER_POOLS;
use bulwark::state::{CapitalExit, CapitalPool, Pool};
use bulwark_sdk::builders::*;
use bulwark_sdk::capital::shares_worth;
use bulwark_sdk::flows;

impl Session<'_> {
    async fn capital_pool(&mut self, mint: &Pubkey) -> Result<CapitalPool> {
        self.load(
            &capital_pool_pda(mint),
            "capital pool (list the mint first)",
        )
        .await
    }

    /// Deposits `amount` of `mint` for membership shares at the books' price.
    pub async fn capital_deposit(&mut self, mint: Pubkey, amount: &str) -> Result<()> {
        let amount = self.amount(&mint, amount).await?;
        let pool = self.capital_pool(&mint).await?;
        let shares = pool
            .shares_for(amount)
            .map_err(|e| CliError(format!("the capital pool refuses the deposit: {e}")))?;
        let token_program = self.mint(&mint).await?.token_program;
        let from = self.require_tokens(&mint, amount).await?;
        let me = self.me();
        let create = create_share_account(&me, &me, &mint);
        let ix = deposit_capital(&me, &mint, &token_program, &from, amount, shares);
        self.send(&[create, ix], &[]).await?;
        let shown = self.show_amount(&mint, amount).await?;
        let shares_shown = self.show_amount(&mint, shares).await?;
        say!(
            self,
            "deposited {shown} into the capital pool of {mint} for {shares_shown} shares"
        );
        Ok(())
    }

    /// With `amount`: asks to leave with the shares worth that much now (burnt now, paid the
    /// lower of their value now and at execution, after the exit delay). Without: executes
    /// every exit of the wallet whose delay has passed.
    pub async fn capital_withdraw(&mut self, mint: Pubkey, amount: Option<&str>) -> Result<()> {
        let me = self.me();
        let pool_key = capital_pool_pda(&mint);
        let pool = self.capital_pool(&mint).await?;
        let Some(amount) = amount else {
            return self.capital_execute(mint, pool_key).await;
        };
        let amount = self.amount(&mint, amount).await?;
        let held = self
            .balance_or_zero(&capital_shares_account(&me, &mint))
            .await?;
        // The fewest shares worth at least `amount`, at most what the wallet holds.
        let shares = shares_worth(&pool, amount).min(held);
        if shares == 0 {
            return Err(CliError(format!(
                "{me} holds no shares of this capital pool"
            )));
        }
        let exit_id = self
            .unused(|n| capital_exit_pda(&pool_key, &me, n), "capital exit id")
            .await?;
        let ix = request_capital_exit(&me, &mint, exit_id, shares);
        self.send(&[ix], &[]).await?;
        let exit: CapitalExit = self
            .load(&capital_exit_pda(&pool_key, &me, exit_id), "capital exit")
            .await?;
        let value = self.show_amount(&mint, exit.value_at_request).await?;
        let shares = self.show_amount(&mint, shares).await?;
        say!(
            self,
            "exit {exit_id} requested: {shares} shares worth {value} now; `bulwark capital \
             withdraw --mint {mint}` pays the lower of that and their value then, from {}",
            date(exit.ready_at)
        );
        Ok(())
    }

    async fn capital_execute(&mut self, mint: Pubkey, pool_key: Pubkey) -> Result<()> {
        let me = self.me();
        let now = self.now().await?;
        let token_program = self.mint(&mint).await?.token_program;
        let (to, create) = self.token_account(&me, &mint).await?;
        let exits: Vec<CapitalExit> = self
            .all::<CapitalExit>()
            .await?
            .into_iter()
            .map(|(_, exit)| exit)
            .filter(|exit| exit.capital_pool == pool_key && exit.member == me)
            .collect();
        if exits.is_empty() {
            return Err(CliError(format!("{me} has no capital exit to execute")));
        }
        // Lines the pools no longer hold (lapsed, or their cover released) still count
        // against the requirement until a crank returns them.
        let pools: Vec<Pubkey> = self
            .all_zc::<Pool>()
            .await?
            .into_iter()
            .filter(|(_, pool)| pool.mint == mint)
            .map(|(address, _)| address)
            .collect();
        let cranks = flows::line_cranks(&mut *self.transport, &me, &mint, &pools, 0).await?;
        for chunk in cranks.chunks(MAX_COVER_POOLS) {
            self.send(chunk, &[]).await?;
        }
        for exit in exits {
            if exit.ready_at > now {
                say!(
                    self,
                    "exit {} waits until {}",
                    exit.exit_id,
                    date(exit.ready_at)
                );
                continue;
            }
            let before = self.balance_or_zero(&to).await?;
            let ix = execute_capital_exit(&me, &mint, &token_program, exit.exit_id, &to);
            self.send(&[create.clone(), ix], &[]).await?;
            let paid = self.balance_or_zero(&to).await? - before;
            let shown = self.show_amount(&mint, paid).await?;
            say!(self, "exit {} paid {shown}", exit.exit_id);
        }
        Ok(())
    }

    /// The capital pool's books: capital, what it owes, the members' part and share price,
    /// its requirement and lines; and the wallet's shares.
    pub async fn capital_show(&mut self, mint: Pubkey) -> Result<()> {
        let pool = self.capital_pool(&mint).await?;
        let decimals = self.mint(&mint).await?.decimals;
        let show = |amount| format_amount(amount, decimals);
        let math = |e: anchor_lang::error::Error| CliError(e.to_string());
        let requirement = pool.minimum_capital().map_err(math)?;
        let free = pool.free_capital().map_err(math)?;
        let me = self.me();
        let held = self
            .balance_or_zero(&capital_shares_account(&me, &mint))
            .await?;
        let worth = pool.value_of(held).map_err(math)?;
        let one_share = pool
            .value_of(10u64.pow(u32::from(decimals)))
            .map_err(math)?;
        say!(self, "capital pool {} of {mint}", capital_pool_pda(&mint));
        say!(
            self,
            "  capital {}  owed to claimants {}  members' capital {}",
            show(pool.capital),
            show(pool.owed()),
            show(pool.net_capital())
        );
        say!(
            self,
            "  shares {} (one share is worth {})",
            show(pool.shares),
            show(one_share)
        );
        say!(
            self,
            "  leverage lines {}  minimum capital {} ({}% of the lines, floor {})  free {}",
            show(pool.lines),
            show(requirement),
            pool.mcr_bps / 100,
            show(pool.min_capital),
            show(free)
        );
        say!(
            self,
            "  premiums received {}  claims paid {}",
            show(pool.premiums_received),
            show(pool.claims_paid)
        );
        say!(
            self,
            "  {me} holds {} shares, worth {}",
            show(held),
            show(worth)
        );
        Ok(())
    }
}
