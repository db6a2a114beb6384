use crate::constants::*;
use crate::error::BulwarkError;
use crate::math::buckets::{bucket_at, bucket_slot, bucket_start};
use crate::math::shares::{assets_for_shares, shares_for_deposit};
use crate::math::tranche::{ring_slot, tranche_end};
use crate::math::{checked_mul_u128, div_rem_u64, mul_div_floor, to_u64};
use anchor_lang::prelude::*;

/// A u128 stored as 16 little-endian bytes, so zero-copy accounts keep one layout (and no
/// padding) on every target: u128's alignment differs between x86-64 and SBF.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct U128 {
    pub le: [u8; 16],
}

impl U128 {
    pub fn get(&self) -> u128 {
        u128::from_le_bytes(self.le)
    }

    pub fn set(&mut self, value: u128) {
        self.le = value.to_le_bytes();
    }
}

impl From<u128> for U128 {
    fn from(value: u128) -> Self {
        Self {
            le: value.to_le_bytes(),
        }
    }
}

/// Stake and shares of one tranche, held in the pool's ring until the tranche is archived.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TrancheSlot {
    pub tranche_id: u64,
    /// The pool's own record of the stake in this tranche (never read from the vault).
    pub stake: u64,
    pub shares: U128,
    /// Reward weight of the tranche: the tokens its positions deposited. Losses lower the
    /// stake, never the weight, so rewards cannot be farmed by depositing into a tranche whose
    /// share price fell.
    pub reward_weight: u64,
    /// Reward accumulator when the tranche ended (meaningful once `ended`).
    pub acc_at_end: U128,
    /// 1 when the tranche's end time has been processed: it earns nothing more.
    pub ended: u8,
    pub padding: [u8; 7],
}

impl TrancheSlot {
    pub fn is_empty(&self) -> bool {
        self.shares.get() == 0
    }

    pub fn has_ended(&self) -> bool {
        self.ended != 0
    }
}

/// A staking pool on one mint. Its vault (`["vault", pool]`) holds the stake, the premiums not
/// yet paid to stakers and the fees not yet swept; the pool PDA is the vault's token authority,
/// so only this program moves the pool's funds.
#[account(zero_copy)]
#[derive(Debug)]
pub struct Pool {
    /// Chooses products, weights, prices and the fee; may deposit into a private pool.
    pub manager: Pubkey,
    pub mint: Pubkey,
    pub vault: Pubkey,
    /// SPL Token or Token-2022: the owner of `mint`.
    pub token_program: Pubkey,
    pub id: u64,
    /// Stake the pool owes stakers: all ring slots plus archived tranches not yet withdrawn.
    pub total_stake: u64,
    /// Owed to the treasury: its premium share plus rounding remainders; moved by `sweep_fees`.
    pub treasury_accrued: u64,
    /// Owed to the assessment reward pot; moved by `sweep_fees`.
    pub assessment_accrued: u64,
    /// Owed to the manager; paid by `claim_manager_fees`.
    pub manager_fees: u64,
    /// Stakers' premium received and not yet paid out (streamed or still streaming).
    pub rewards_reserved: u64,
    /// Reward weight of the tranches that have not ended.
    pub reward_weight: u64,
    /// Claim deposits escrowed in this pool's vault.
    pub claim_deposits: u64,
    /// Time up to which `acc_reward_per_weight` is accrued.
    pub rewards_updated_at: i64,
    /// Last bucket whose stream expiries have been applied.
    pub last_bucket: u64,
    /// Rewards per unit of weight since the pool opened, scaled by `REWARD_SCALE`.
    pub acc_reward_per_weight: U128,
    /// Tokens streamed to stakers per second, scaled by `REWARD_SCALE`.
    pub reward_rate: U128,
    /// Reward rate that stops at the start of each bucket (slot `bucket % 32`).
    pub rate_expiring: [U128; BUCKET_RING],
    /// Ring of tranches: slot `tranche_id % 8`.
    pub tranches: [TrancheSlot; MAX_ACTIVE_TRANCHES],
    /// Manager's fee on the stakers' share of premiums, bps.
    pub manager_fee_bps: u16,
    /// Ceiling of `manager_fee_bps`, fixed at creation so stakers know the worst case.
    pub max_manager_fee_bps: u16,
    /// Sum of the effective weights of the pool's products (`PoolProduct::effective_weight`),
    /// at most `max_total_weight` whenever a manager raises a weight. A u32: refreshes after a
    /// payout may take it past any u16 with enough products, and a payout must never fail on it.
    pub total_effective_weight: u32,
    pub version: u8,
    pub bump: u8,
    pub vault_bump: u8,
    /// 1 for a private pool: deposits from its manager only.
    pub private: u8,
    pub padding: [u8; 4],
    /// Scaled reward accrued but not yet credited to `acc_reward_per_weight` (the remainder of
    /// its last division by `reward_weight`): carried forward, so frequent updates of a large
    /// pool lose nothing to rounding.
    pub reward_remainder: u64,
    /// Stake positions not yet withdrawn: while any is open, unpaid rewards may still be owed.
    pub open_positions: u64,
    pub reserved: [u8; 112],
}

const _: () = assert!(std::mem::size_of::<Pool>() == 1_408);

impl Pool {
    pub const SPACE: usize = 8 + std::mem::size_of::<Pool>();

    pub fn is_private(&self) -> bool {
        self.private != 0
    }

    /// The ring slot holding `tranche_id`, if the ring still holds it.
    pub fn slot(&self, tranche_id: u64) -> Option<&TrancheSlot> {
        self.tranches
            .get(ring_slot(tranche_id))
            .filter(|s| s.tranche_id == tranche_id && !s.is_empty())
    }

    fn slot_mut(&mut self, tranche_id: u64) -> Result<&mut TrancheSlot> {
        self.tranches
            .get_mut(ring_slot(tranche_id))
            .filter(|s| s.tranche_id == tranche_id && !s.is_empty())
            .ok_or_else(|| error!(BulwarkError::TrancheNotInRing))
    }

    /// Stake of `tranche_id` if it is held and has not ended (it can back cover).
    pub fn live_stake(&self, tranche_id: u64) -> u64 {
        self.slot(tranche_id)
            .filter(|s| !s.has_ended())
            .map_or(0, |s| s.stake)
    }

    // ---- reward stream ----

    /// Brings the reward accumulator, the stream's expiries and the tranche ends up to `now`,
    /// in time order. Each step handles a bucket boundary or a tranche end, so the work is
    /// bounded by the time elapsed (at most 32 buckets and 8 tranches), never by the number of
    /// covers or stakers.
    pub fn roll_forward(&mut self, now: i64) -> Result<()> {
        let mut buckets_seen = 0;
        loop {
            let bucket_due = if buckets_seen < BUCKET_RING {
                Some(bucket_start(self.last_bucket.saturating_add(1))?)
            } else {
                None
            };
            let tranche_due = self.next_tranche_end()?;
            let Some(at) = [bucket_due, tranche_due]
                .into_iter()
                .flatten()
                .min()
                .filter(|at| *at <= now)
            else {
                break;
            };
            self.accrue(at)?;
            if tranche_due == Some(at) {
                self.end_tranches(at)?;
            }
            if bucket_due == Some(at) {
                self.last_bucket = self.last_bucket.saturating_add(1);
                let expiring =
                    std::mem::take(&mut self.rate_expiring[bucket_slot(self.last_bucket)]).get();
                let rate = self
                    .reward_rate
                    .get()
                    .checked_sub(expiring)
                    .ok_or_else(|| error!(BulwarkError::InvariantViolated))?;
                self.reward_rate.set(rate);
                buckets_seen += 1;
            }
        }
        if buckets_seen == BUCKET_RING {
            // Every slot of the ring was applied, so every stream has ended.
            require!(self.reward_rate.get() == 0, BulwarkError::InvariantViolated);
            self.last_bucket = self.last_bucket.max(bucket_at(now)?);
        }
        self.accrue(now)
    }

    fn next_tranche_end(&self) -> Result<Option<i64>> {
        let mut next: Option<i64> = None;
        for slot in self
            .tranches
            .iter()
            .filter(|s| !s.is_empty() && !s.has_ended())
        {
            let end = tranche_end(slot.tranche_id)?;
            next = Some(next.map_or(end, |n| n.min(end)));
        }
        Ok(next)
    }

    fn end_tranches(&mut self, at: i64) -> Result<()> {
        let acc = self.acc_reward_per_weight;
        let mut removed: u64 = 0;
        for slot in self.tranches.iter_mut() {
            if !slot.is_empty() && !slot.has_ended() && tranche_end(slot.tranche_id)? == at {
                slot.ended = 1;
                slot.acc_at_end = acc;
                removed = removed
                    .checked_add(slot.reward_weight)
                    .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
            }
        }
        self.reward_weight = self
            .reward_weight
            .checked_sub(removed)
            .ok_or_else(|| error!(BulwarkError::InvariantViolated))?;
        Ok(())
    }

    fn accrue(&mut self, at: i64) -> Result<()> {
        if at <= self.rewards_updated_at {
            return Ok(());
        }
        let elapsed = (at - self.rewards_updated_at) as u128;
        let rate = self.reward_rate.get();
        if self.reward_weight > 0 && rate > 0 {
            let accrued = checked_mul_u128(rate, elapsed)
                .and_then(|scaled| scaled.checked_add(u128::from(self.reward_remainder)))
                .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
            let (increment, remainder) = div_rem_u64(accrued, self.reward_weight)
                .ok_or_else(|| error!(BulwarkError::InvariantViolated))?;
            self.reward_remainder = remainder;
            let acc = self
                .acc_reward_per_weight
                .get()
                .checked_add(increment)
                .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
            self.acc_reward_per_weight.set(acc);
        }
        self.rewards_updated_at = at;
        Ok(())
    }

    /// Streams `amount` to the stakers from `now` until the start of bucket `until_bucket`.
    pub fn add_stream(&mut self, now: i64, amount: u64, until_bucket: u64) -> Result<()> {
        let duration = bucket_start(until_bucket)?
            .checked_sub(now)
            .filter(|d| *d > 0)
            .ok_or_else(|| error!(BulwarkError::InvariantViolated))?;
        let rate = mul_div_floor(u128::from(amount), REWARD_SCALE, duration as u128)?;
        let total = self
            .reward_rate
            .get()
            .checked_add(rate)
            .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
        self.reward_rate.set(total);
        let slot = &mut self.rate_expiring[bucket_slot(until_bucket)];
        let expiring = slot
            .get()
            .checked_add(rate)
            .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
        slot.set(expiring);
        self.rewards_reserved = self
            .rewards_reserved
            .checked_add(amount)
            .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
        Ok(())
    }

    /// Records a payment of `amount` of stakers' rewards.
    pub fn pay_rewards(&mut self, amount: u64) -> Result<()> {
        self.rewards_reserved = self
            .rewards_reserved
            .checked_sub(amount)
            .ok_or_else(|| error!(BulwarkError::InvariantViolated))?;
        Ok(())
    }

    // ---- stake ----

    /// Adds `amount` of stake (and as much reward weight) to `tranche_id`, claiming its ring
    /// slot if the slot is free. Returns the shares minted. The caller has rolled the pool
    /// forward, so a tranche that ended is marked as such.
    pub fn deposit(&mut self, tranche_id: u64, amount: u64) -> Result<u128> {
        let index = ring_slot(tranche_id);
        let slot = *self
            .tranches
            .get(index)
            .ok_or_else(|| error!(BulwarkError::InvariantViolated))?;
        let mut slot = if slot.is_empty() {
            // A slot without shares is free. Stake left in it is rounding dust nobody can
            // redeem; it goes to the treasury so it cannot dilute the new tranche's price.
            self.accrue_dust(slot.stake)?;
            TrancheSlot {
                tranche_id,
                ..TrancheSlot::default()
            }
        } else {
            require!(
                slot.tranche_id == tranche_id,
                BulwarkError::TrancheSlotNotArchived
            );
            slot
        };
        require!(!slot.has_ended(), BulwarkError::TrancheEnded);
        let shares = shares_for_deposit(amount, slot.stake, slot.shares.get())?;
        slot.stake = checked_add(slot.stake, amount)?;
        slot.shares.set(
            slot.shares
                .get()
                .checked_add(shares)
                .ok_or_else(|| error!(BulwarkError::MathOverflow))?,
        );
        slot.reward_weight = checked_add(slot.reward_weight, amount)?;
        self.total_stake = checked_add(self.total_stake, amount)?;
        self.reward_weight = checked_add(self.reward_weight, amount)?;
        self.tranches[index] = slot;
        Ok(shares)
    }

    /// Removes `shares` and `weight` from an active tranche at its current price; returns the
    /// stake freed. The stake leaves `total_stake`: the caller deposits it elsewhere.
    /// (`#[inline(always)]`: a u128 argument and the result exceed SBF's argument registers.)
    #[inline(always)]
    pub fn take_from_tranche(&mut self, tranche_id: u64, shares: u128, weight: u64) -> Result<u64> {
        let slot = self.slot_mut(tranche_id)?;
        require!(!slot.has_ended(), BulwarkError::TrancheEnded);
        let amount = assets_for_shares(shares, slot.stake, slot.shares.get())?;
        slot.stake = checked_sub(slot.stake, amount)?;
        slot.shares.set(
            slot.shares
                .get()
                .checked_sub(shares)
                .ok_or_else(|| error!(BulwarkError::InvariantViolated))?,
        );
        slot.reward_weight = checked_sub(slot.reward_weight, weight)?;
        self.reward_weight = checked_sub(self.reward_weight, weight)?;
        self.total_stake = checked_sub(self.total_stake, amount)?;
        Ok(amount)
    }

    /// Empties the ring slot of an ended tranche and returns its totals for archiving.
    pub fn release_slot(&mut self, tranche_id: u64) -> Result<TrancheSlot> {
        let slot = self.slot_mut(tranche_id)?;
        require!(slot.has_ended(), BulwarkError::TrancheNotEnded);
        Ok(std::mem::take(slot))
    }

    /// Takes up to `amount` of stake, as a loss, from the live tranches from `first_tranche` on
    /// (the tranches that back a cover), pro rata to their stake; rounding remainders go to the
    /// earliest of them. Returns what was taken: less than `amount` only if those tranches hold
    /// less. The tranches' share prices fall; their shares and reward weights stay.
    pub fn burn(&mut self, first_tranche: u64, amount: u64) -> Result<u64> {
        let backing = |slot: &TrancheSlot| {
            !slot.is_empty() && !slot.has_ended() && slot.tranche_id >= first_tranche
        };
        let total = self
            .tranches
            .iter()
            .filter(|s| backing(s))
            .try_fold(0u64, |sum, s| sum.checked_add(s.stake))
            .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
        let burned = amount.min(total);
        if burned == 0 {
            return Ok(0);
        }
        let mut left = burned;
        for slot in self.tranches.iter_mut().filter(|s| backing(s)) {
            let cut = to_u64(mul_div_floor(
                u128::from(burned),
                u128::from(slot.stake),
                u128::from(total),
            )?)?;
            slot.stake -= cut;
            left -= cut;
        }
        // Remainders, earliest tranche first (the ring holds at most eight consecutive ids).
        let earliest = self
            .tranches
            .iter()
            .filter(|s| backing(s))
            .map(|s| s.tranche_id)
            .min()
            .unwrap_or(first_tranche);
        for tranche_id in earliest..earliest.saturating_add(MAX_ACTIVE_TRANCHES as u64) {
            let slot = &mut self.tranches[ring_slot(tranche_id)];
            if slot.tranche_id == tranche_id && backing(slot) {
                let cut = slot.stake.min(left);
                slot.stake -= cut;
                left -= cut;
            }
        }
        require!(left == 0, BulwarkError::InvariantViolated);
        self.total_stake = checked_sub(self.total_stake, burned)?;
        Ok(burned)
    }

    /// Escrows (`add`) or releases a claim deposit held in this pool's vault.
    pub fn add_claim_deposit(&mut self, amount: u64) -> Result<()> {
        self.claim_deposits = checked_add(self.claim_deposits, amount)?;
        Ok(())
    }

    pub fn release_claim_deposit(&mut self, amount: u64) -> Result<()> {
        self.claim_deposits = checked_sub(self.claim_deposits, amount)?;
        Ok(())
    }

    /// Records a payout of `amount` from archived stake.
    pub fn pay_out_stake(&mut self, amount: u64) -> Result<()> {
        self.total_stake = checked_sub(self.total_stake, amount)?;
        Ok(())
    }

    /// Moves stake nobody can redeem any more (rounding dust) to the treasury's account.
    pub fn accrue_dust(&mut self, amount: u64) -> Result<()> {
        self.pay_out_stake(amount)?;
        self.treasury_accrued = checked_add(self.treasury_accrued, amount)?;
        Ok(())
    }

    /// Tokens the vault must hold at least: everything the pool owes.
    pub fn liabilities(&self) -> Result<u64> {
        [
            self.treasury_accrued,
            self.assessment_accrued,
            self.manager_fees,
            self.rewards_reserved,
            self.claim_deposits,
        ]
        .into_iter()
        .try_fold(self.total_stake, checked_add)
    }

    /// Structural checks: ring slots in their places, ring stake and weight within the pool's
    /// totals, fee within its bounds.
    pub fn invariant(&self) -> Result<()> {
        let mut ring_stake: u64 = 0;
        let mut live_weight: u64 = 0;
        for (index, slot) in self.tranches.iter().enumerate() {
            require!(
                slot.is_empty() || ring_slot(slot.tranche_id) == index,
                BulwarkError::InvariantViolated
            );
            ring_stake = checked_add(ring_stake, slot.stake)?;
            if !slot.has_ended() {
                live_weight = checked_add(live_weight, slot.reward_weight)?;
            }
        }
        require!(
            self.version == ACCOUNT_VERSION
                && ring_stake <= self.total_stake
                && live_weight == self.reward_weight
                && self.manager_fee_bps <= self.max_manager_fee_bps
                && self.max_manager_fee_bps <= MAX_MANAGER_FEE_BPS,
            BulwarkError::InvariantViolated
        );
        Ok(())
    }

    /// The vault balance and the pool's liabilities before an instruction's transfers.
    pub fn snapshot(&self, vault_balance: u64) -> Result<VaultSnapshot> {
        Ok(VaultSnapshot {
            balance: vault_balance,
            liabilities: self.liabilities()?,
        })
    }

    /// Conservation, read after the instruction's transfers: the vault moved by exactly what
    /// the books moved (so a donation cannot hide a short transfer), and it still covers every
    /// liability. Tokens sent straight to the vault are an untracked surplus, never spent.
    pub fn check_vault(&self, before: &VaultSnapshot, vault_balance: u64) -> Result<()> {
        let liabilities = self.liabilities()?;
        require!(
            u128::from(vault_balance) + u128::from(before.liabilities)
                == u128::from(before.balance) + u128::from(liabilities),
            BulwarkError::VaultMovedOffBooks
        );
        require!(
            vault_balance >= liabilities,
            BulwarkError::VaultBelowAccounting
        );
        Ok(())
    }

    /// Books what nobody can claim any more as the treasury's share, so `sweep_fees` moves it:
    /// the vault's surplus over the liabilities (donations), always; and, once no stream runs,
    /// no tranche holds shares and no position is open, every reward unit left (the floors of
    /// stream rates and of per-position rewards, the accumulator's remainder). Returns
    /// `(surplus, reward_dust)`.
    pub fn book_unclaimable(&mut self, vault_balance: u64) -> Result<(u64, u64)> {
        let surplus = vault_balance
            .checked_sub(self.liabilities()?)
            .ok_or_else(|| error!(BulwarkError::VaultBelowAccounting))?;
        let rewards_idle = self.reward_rate.get() == 0
            && self.open_positions == 0
            && self.tranches.iter().all(TrancheSlot::is_empty);
        let reward_dust = if rewards_idle {
            self.reward_remainder = 0;
            std::mem::take(&mut self.rewards_reserved)
        } else {
            0
        };
        self.treasury_accrued =
            checked_add(self.treasury_accrued, checked_add(surplus, reward_dust)?)?;
        Ok((surplus, reward_dust))
    }
}

/// What [`Pool::check_vault`] compares the vault's movement with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VaultSnapshot {
    pub balance: u64,
    pub liabilities: u64,
}

/// Reward owed for `weight` between accumulator values `from` and `to`, rounded down.
/// (`#[inline(always)]`: two u128 arguments exceed SBF's five argument registers.)
#[inline(always)]
pub fn reward_between(weight: u64, from: u128, to: u128) -> Result<u64> {
    let delta = to
        .checked_sub(from)
        .ok_or_else(|| error!(BulwarkError::InvariantViolated))?;
    to_u64(mul_div_floor(u128::from(weight), delta, REWARD_SCALE)?)
}

fn checked_add(a: u64, b: u64) -> Result<u64> {
    a.checked_add(b)
        .ok_or_else(|| error!(BulwarkError::MathOverflow))
}

fn checked_sub(a: u64, b: u64) -> Result<u64> {
    a.checked_sub(b)
        .ok_or_else(|| error!(BulwarkError::InvariantViolated))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytemuck::Zeroable;

    /// A pool whose stakers' per-second increment is below one unit of the accumulator: a
    /// large stake earning a small stream.
    fn large_pool() -> Pool {
        let mut pool = Pool::zeroed();
        pool.reward_weight = 100_000_000_000_000; // 100M tokens of 6 decimals
        pool.reward_rate.set(31_709_791_983_764); // ~1,000 tokens a year, scaled
        pool
    }

    /// The audit's finding "the vault check accepts a donated surplus": with tokens donated to
    /// the vault, an instruction that booked a premium but received nothing still passed
    /// `balance ≥ liabilities`. The check against the change refuses it.
    #[test]
    fn vault_check_rejects_a_donation_hiding_a_short_transfer() {
        let mut pool = Pool::zeroed();
        pool.total_stake = 1_000;
        let donated = 500;
        let before = pool.snapshot(1_000 + donated).unwrap();
        // A premium of 300 booked, no token received.
        pool.treasury_accrued = 300;
        assert!(1_000 + donated >= pool.liabilities().unwrap());
        assert_eq!(
            pool.check_vault(&before, 1_000 + donated).unwrap_err(),
            error!(BulwarkError::VaultMovedOffBooks)
        );
        // Received in full, the same books pass; the donation stays an untracked surplus.
        pool.check_vault(&before, 1_000 + donated + 300).unwrap();
        // A vault that moved with the books but ends below them is refused too.
        let mut short = Pool::zeroed();
        short.total_stake = 1_000;
        let before = short.snapshot(900).unwrap();
        short.treasury_accrued = 10;
        assert_eq!(
            short.check_vault(&before, 910).unwrap_err(),
            error!(BulwarkError::VaultBelowAccounting)
        );
    }

    #[test]
    fn accruing_every_second_loses_nothing_to_rounding() {
        let (mut every_second, mut once) = (large_pool(), large_pool());
        for t in 1..=3_600 {
            every_second.accrue(t).unwrap();
        }
        once.accrue(3_600).unwrap();
        let per_second = 31_709_791_983_764u128 / 100_000_000_000_000;
        assert_eq!(per_second, 0, "each second alone rounds to nothing");
        assert_eq!(
            every_second.acc_reward_per_weight.get(),
            once.acc_reward_per_weight.get()
        );
        assert_eq!(every_second.reward_remainder, once.reward_remainder);
        assert_eq!(
            once.acc_reward_per_weight.get(),
            31_709_791_983_764u128 * 3_600 / 100_000_000_000_000
        );
    }
}
