use crate::constants::*;
use crate::error::BulwarkError;
use crate::math::shares::{assets_for_shares, shares_for_deposit};
use crate::math::tranche::ring_slot;
use anchor_lang::prelude::*;

/// Stake and shares of one tranche, held in the pool's ring while the tranche is active.
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, Default, PartialEq)]
pub struct TrancheSlot {
    pub tranche_id: u64,
    /// The pool's own record of the stake in this tranche (never read from the vault).
    pub stake: u64,
    pub shares: u128,
}

impl TrancheSlot {
    pub fn is_empty(&self) -> bool {
        self.shares == 0
    }
}

/// A staking pool on one mint. Its vault (`["vault", pool]`) holds the stake; the pool PDA is
/// the vault's token authority, so only this program moves the pool's funds.
#[account]
#[derive(InitSpace, Debug)]
pub struct Pool {
    pub version: u8,
    pub bump: u8,
    pub vault_bump: u8,
    /// Private pools accept deposits from their manager only.
    pub private: bool,
    /// Manager's fee on the stakers' share of premiums, bps.
    pub manager_fee_bps: u16,
    /// Ceiling of `manager_fee_bps`, fixed at creation so stakers know the worst case.
    pub max_manager_fee_bps: u16,
    /// Sum of the target weights of the pool's products.
    pub total_weight: u16,
    pub id: u64,
    /// Chooses products, weights, prices and the fee; may deposit into a private pool.
    pub manager: Pubkey,
    pub mint: Pubkey,
    pub vault: Pubkey,
    /// SPL Token or Token-2022: the owner of `mint`.
    pub token_program: Pubkey,
    /// Stake the pool owes stakers: all ring slots plus archived tranches not yet withdrawn.
    pub total_stake: u64,
    /// Rounding remainders of emptied tranches; owed to the treasury.
    pub treasury_accrued: u64,
    /// Ring of tranches: slot `tranche_id % 8`.
    pub tranches: [TrancheSlot; MAX_ACTIVE_TRANCHES],
    pub reserved: [u8; 128],
}

impl Pool {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

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

    /// Adds `amount` of stake to `tranche_id`, claiming its ring slot if the slot is free or
    /// holds an emptied tranche. Returns the shares minted.
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
        let shares = shares_for_deposit(amount, slot.stake, slot.shares)?;
        slot.stake = slot
            .stake
            .checked_add(amount)
            .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
        slot.shares = slot
            .shares
            .checked_add(shares)
            .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
        self.total_stake = self
            .total_stake
            .checked_add(amount)
            .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
        self.tranches[index] = slot;
        Ok(shares)
    }

    /// Removes `shares` from an active tranche at its current price; returns the stake freed.
    /// The stake stays counted in `total_stake`: the caller deposits it elsewhere or pays it out.
    pub fn take_from_tranche(&mut self, tranche_id: u64, shares: u128) -> Result<u64> {
        let slot = self.slot_mut(tranche_id)?;
        let amount = assets_for_shares(shares, slot.stake, slot.shares)?;
        slot.stake = slot
            .stake
            .checked_sub(amount)
            .ok_or_else(|| error!(BulwarkError::InvariantViolated))?;
        slot.shares = slot
            .shares
            .checked_sub(shares)
            .ok_or_else(|| error!(BulwarkError::InvariantViolated))?;
        self.total_stake = self
            .total_stake
            .checked_sub(amount)
            .ok_or_else(|| error!(BulwarkError::InvariantViolated))?;
        Ok(amount)
    }

    /// Empties the ring slot of an ended tranche and returns its totals for archiving.
    pub fn release_slot(&mut self, tranche_id: u64) -> Result<TrancheSlot> {
        let slot = self.slot_mut(tranche_id)?;
        let released = *slot;
        *slot = TrancheSlot::default();
        Ok(released)
    }

    /// Records a payout of `amount` from archived stake.
    pub fn pay_out_stake(&mut self, amount: u64) -> Result<()> {
        self.total_stake = self
            .total_stake
            .checked_sub(amount)
            .ok_or_else(|| error!(BulwarkError::InvariantViolated))?;
        Ok(())
    }

    /// Moves stake nobody can redeem any more (rounding dust) to the treasury's account.
    pub fn accrue_dust(&mut self, amount: u64) -> Result<()> {
        self.pay_out_stake(amount)?;
        self.treasury_accrued = self
            .treasury_accrued
            .checked_add(amount)
            .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
        Ok(())
    }

    /// Tokens the vault must hold at least: everything the pool owes.
    pub fn liabilities(&self) -> Result<u64> {
        self.total_stake
            .checked_add(self.treasury_accrued)
            .ok_or_else(|| error!(BulwarkError::MathOverflow))
    }

    /// Structural checks: ring slots in their places, ring stake within the pool's total,
    /// fee within its bounds.
    pub fn invariant(&self) -> Result<()> {
        let mut ring_stake: u64 = 0;
        for (index, slot) in self.tranches.iter().enumerate() {
            require!(
                slot.is_empty() || ring_slot(slot.tranche_id) == index,
                BulwarkError::InvariantViolated
            );
            ring_stake = ring_stake
                .checked_add(slot.stake)
                .ok_or_else(|| error!(BulwarkError::MathOverflow))?;
        }
        require!(
            self.version == ACCOUNT_VERSION
                && ring_stake <= self.total_stake
                && self.manager_fee_bps <= self.max_manager_fee_bps
                && self.max_manager_fee_bps <= MAX_MANAGER_FEE_BPS,
            BulwarkError::InvariantViolated
        );
        Ok(())
    }

    /// Conservation: the vault balance, read after the instruction's transfers, covers every
    /// liability the pool records. Tokens sent straight to the vault only add a surplus.
    pub fn check_vault(&self, vault_balance: u64) -> Result<()> {
        require!(
            vault_balance >= self.liabilities()?,
            BulwarkError::VaultBelowAccounting
        );
        Ok(())
    }
}
