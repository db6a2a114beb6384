//! `bulwark stake`, `positions`, `rewards` and `unstake`: a staker's positions in the pools'
//! tranches.

use super::Session;
use crate::errors::{CliError, Result};
use crate::format::{date, format_amount};
use bulwark::instructions::DepositStakeArgs;
use bulwark::math::shares::assets_for_shares;
use bulwark::math::tranche::tranche_end;
use bulwark::state::{Pool, StakePosition, TrancheArchive};
use bulwark_sdk::builders::*;
use bulwark_sdk::flows;
use bulwark_sdk::rewards::pending_rewards;

impl Session<'_> {
    pub async fn stake(
        &mut self,
        pool_id: u64,
        amount: &str,
        tranches_ahead: u64,
        position: Option<u64>,
    ) -> Result<u64> {
        let (pool, keys) = flows::pool_keys(&mut *self.transport, pool_id).await?;
        let pool_address = keys.pool;
        let amount = self.amount(&pool.mint, amount).await?;
        let now = self.now().await?;
        let tranche_id = bulwark::math::tranche::tranche_at(now)
            .map_err(|e| CliError(e.to_string()))?
            .checked_add(tranches_ahead)
            .ok_or_else(|| CliError(format!("{tranches_ahead} tranches ahead is too far")))?;
        let me = self.me();
        let position_id = match position {
            Some(id) => id,
            None => {
                self.unused(|n| position_pda(&pool_address, &me, n), "position id")
                    .await?
            }
        };
        let from = self.require_tokens(&pool.mint, amount).await?;
        let ix = deposit_stake(
            &me,
            &keys,
            &from,
            DepositStakeArgs {
                position_id,
                tranche_id,
                amount,
            },
        );
        self.send(&[ix], &[]).await?;
        let locked_until = tranche_end(tranche_id).map_err(|e| CliError(e.to_string()))?;
        let shown = self.show_amount(&pool.mint, amount).await?;
        say!(
            self,
            "staked {shown} in pool {pool_id}, tranche {tranche_id} (locked until {}), position {position_id} at {}",
            date(locked_until),
            position_pda(&pool_address, &me, position_id)
        );
        Ok(position_id)
    }

    /// The wallet's position `position_id` in pool `pool_id`, and the pool's keys.
    async fn position(
        &mut self,
        pool_id: u64,
        position_id: u64,
    ) -> Result<(StakePosition, PoolKeys)> {
        let (_, keys) = flows::pool_keys(&mut *self.transport, pool_id).await?;
        let me = self.me();
        let position: StakePosition = self
            .load(
                &position_pda(&keys.pool, &me, position_id),
                "stake position",
            )
            .await?;
        Ok((position, keys))
    }

    /// Lists the wallet's positions with their stake (after any losses) and the rewards they
    /// would be paid now, computed as the program computes them.
    pub async fn positions(&mut self) -> Result<()> {
        let me = self.me();
        let now = self.now().await?;
        let mut positions = self.all::<StakePosition>().await?;
        positions.retain(|(_, p)| p.owner == me);
        positions.sort_by_key(|(_, p)| (p.pool, p.position_id));
        if positions.is_empty() {
            say!(self, "no stake positions");
        }
        for (address, position) in positions {
            let pool: Pool = self.load_zc(&position.pool, "pool").await?;
            let archive_address = archive_pda(&position.pool, position.tranche_id);
            let archive: Option<TrancheArchive> =
                match self.transport.account(&archive_address).await? {
                    Some(_) => Some(self.load(&archive_address, "tranche archive").await?),
                    None => None,
                };
            let (stake, supply) = match (&archive, pool.slot(position.tranche_id)) {
                (Some(a), _) => (a.stake_at_end, a.shares_at_end),
                (None, Some(slot)) => (slot.stake, slot.shares.get()),
                (None, None) => (0, 0),
            };
            let value = assets_for_shares(position.shares, stake, supply)
                .map_err(|e| CliError(e.to_string()))?;
            let rewards = pending_rewards(&pool, &position, archive.as_ref(), now)
                .map_err(|e| CliError(e.to_string()))?;
            let end = tranche_end(position.tranche_id).map_err(|e| CliError(e.to_string()))?;
            let decimals = self.mint(&pool.mint).await?.decimals;
            say!(
                self,
                "pool {} position {} at {address}: tranche {} ({} {}), stake {}, rewards {}",
                pool.id,
                position.position_id,
                position.tranche_id,
                if end <= now { "ended" } else { "locked until" },
                date(end),
                format_amount(value, decimals),
                format_amount(rewards, decimals)
            );
        }
        Ok(())
    }

    /// Pays the position's streamed rewards to the wallet.
    pub async fn rewards(&mut self, pool_id: u64, position_id: u64) -> Result<u64> {
        let (_, keys) = self.position(pool_id, position_id).await?;
        let me = self.me();
        let (to, create) = self.token_account(&me, &keys.mint).await?;
        let before = self.balance_or_zero(&to).await?;
        let ix = claim_rewards(&me, &keys, position_id, &to);
        self.send(&[create, ix], &[]).await?;
        let paid = self.token_balance(&to).await?.saturating_sub(before);
        let shown = self.show_amount(&keys.mint, paid).await?;
        say!(
            self,
            "claimed {shown} of rewards from position {position_id} of pool {pool_id}"
        );
        Ok(paid)
    }

    /// Withdraws a position whose tranche has ended (archiving the tranche first if nobody
    /// has): its stake after any losses, plus its rewards.
    pub async fn unstake(&mut self, pool_id: u64, position_id: u64) -> Result<u64> {
        let (_, keys) = flows::pool_keys(&mut *self.transport, pool_id).await?;
        let me = self.me();
        let (to, create) = self.token_account(&me, &keys.mint).await?;
        let (position, withdraw) =
            flows::withdraw(&mut *self.transport, &me, &me, &me, &keys, position_id, &to).await?;
        let before = self.balance_or_zero(&to).await?;
        self.send(&[vec![create], withdraw].concat(), &[]).await?;
        let received = self.token_balance(&to).await?.saturating_sub(before);
        let shown = self.show_amount(&keys.mint, received).await?;
        say!(
            self,
            "withdrew {shown} (stake and rewards) from position {position_id} of pool {pool_id}, tranche {}",
            position.tranche_id
        );
        Ok(received)
    }
}
