use crate::constants::*;
use crate::error::{broken, require_invariant, BulwarkError};
use crate::math::buckets::{bucket_at, bucket_slot, bucket_start};
use crate::math::capacity::mul_wide;
use crate::math::shares::{assets_for_shares, shares_for_deposit};
use crate::math::tranche::{ring_slot, tranche_end};
use crate::math::OrOverflow;
use crate::math::{add, checked_mul_u128, div_rem, div_rem_u64, mul_div_floor, sub, to_u64};
use crate::state::{CapitalPool, VaultSnapshot};
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

/// Stake and shares of one tranche, held in the pool's ring until the tranche is archived,
/// and the premium it has earned.
///
/// Rewards reach a tranche in two steps. Every accrual adds, to each live tranche, what one
/// unit of its stake earned from the streams of the cover classes it backs
/// (`reward_per_stake`); that is cheap and touches no position. Inside the tranche, rewards are
/// paid per share: `reward_per_share` catches up with `reward_per_stake` at the share price
/// (`stake ÷ shares`) before anything changes the price or the share count (a deposit, a move
/// out, a burn, the tranche's end), so a late depositor earns only from its deposit on and a
/// tranche whose stake a payout burnt earns in proportion to what is left.
///
/// Both accumulators only grow and are compared by wrapping difference (as Uniswap's fee
/// growth is), so no amount of premium over a pool's lifetime can make them overflow and stop
/// the pool: a reading is the difference of two values, each difference far below 2^128.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TrancheSlot {
    pub tranche_id: u64,
    /// The pool's own record of the stake in this tranche (never read from the vault).
    pub stake: u64,
    pub shares: U128,
    /// Reward per unit of stake since the tranche opened, scaled by `REWARD_SCALE` (wrapping).
    pub reward_per_stake: U128,
    /// `reward_per_stake` up to which `reward_per_share` has been brought.
    pub settled_per_stake: U128,
    /// Reward per share since the tranche opened, scaled by `REWARD_SCALE` (wrapping). Final
    /// once the tranche has ended: it earns nothing more.
    pub reward_per_share: U128,
    /// What the last settlement's division by the shares left (`< shares`), carried into the
    /// next, so frequent settlements of a tranche whose price a payout lowered lose nothing.
    pub settle_remainder: U128,
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

    fn is_live(&self) -> bool {
        !self.is_empty() && !self.has_ended()
    }

    /// Brings `reward_per_share` up to `reward_per_stake` at the current share price. Must run
    /// before the stake or the shares change.
    fn settle(&mut self) -> Result<()> {
        let per_stake = self
            .reward_per_stake
            .get()
            .wrapping_sub(self.settled_per_stake.get());
        if per_stake != 0 && !self.is_empty() {
            let earned = checked_mul_u128(per_stake, u128::from(self.stake))
                .and_then(|n| n.checked_add(self.settle_remainder.get()))
                .or_overflow()?;
            let (per_share, remainder) = div_rem(earned, self.shares.get())
                .ok_or_else(|| broken!("a tranche with stake has shares"))?;
            self.settle_remainder.set(remainder);
            self.reward_per_share
                .set(self.reward_per_share.get().wrapping_add(per_share));
        }
        self.settled_per_stake = self.reward_per_stake;
        Ok(())
    }
}

/// The stakers' premium of one class of cover — the covers whose first eligible tranche is
/// `first_tranche` — streamed to the live tranches from `first_tranche` on, pro rata to their
/// stake: exactly the tranches, and the shares, a payout of such a cover burns. Slot
/// `first_tranche % 8`. A cover's first tranche is one of the eight a deposit can target, and
/// every stream of a class ends by the time its first tranche does (the stream stops at the
/// bucket after the cover's end, the tranche ends after the cover's backing), so a slot is
/// idle before the class eight tranches later can be sold.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct RewardStream {
    pub first_tranche: u64,
    /// Scaled reward accrued but not yet credited (the remainder of the last division by the
    /// backing stake): carried forward, so frequent accruals lose nothing to rounding.
    pub remainder: u64,
    /// Tokens streamed per second, scaled by `REWARD_SCALE`.
    pub rate: U128,
    /// Rate that stops at the start of each bucket (slot `bucket % 32`).
    pub expiring: [U128; BUCKET_RING],
}

/// The leverage a staking pool may sell: cover above 1x its stake, promised by the mint's
/// capital pool. `grant_leverage` (a permissionless crank) books a line at the capital pool and
/// here; `buy_cover` uses it from this account alone, so purchases never write the capital
/// pool. What a purchase uses is released with the allocations it backs (per 28-day bucket,
/// or early by a payout or `expire_cover`); what is unused lapses at `expires_at`. The capital
/// pool counts `booked` until the next crank on this pool returns what was released.
#[zero_copy]
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LeverageLine {
    /// Leverage the pool may still sell.
    pub available: u64,
    /// Leverage of live cover: Σ (amount − backing) over the pool's live allocations.
    pub used: u64,
    /// What the capital pool's `lines` counts for this pool: at least `available + used`.
    pub booked: u64,
    /// `available` lapses at this time.
    pub expires_at: i64,
    /// `expiring[bucket % 32]`: leverage released at the start of that bucket.
    pub expiring: [u64; BUCKET_RING],
}

/// What one leverage line crank moved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineCrank {
    /// Line the pool no longer held, back to the capital pool.
    pub returned: u64,
    /// Unused line the capital no longer carried, taken back.
    pub clawed_back: u64,
    /// New line.
    pub granted: u64,
}

impl LineCrank {
    /// Whether the crank changed the line.
    pub fn changed(&self) -> bool {
        self.returned > 0 || self.clawed_back > 0 || self.granted > 0
    }
}

impl LeverageLine {
    /// Releases the leverage of allocations released at the start of the bucket in `slot`.
    fn expire(&mut self, slot: usize) -> Result<()> {
        let released = std::mem::take(&mut self.expiring[slot]);
        self.used = sub(self.used, released)?;
        Ok(())
    }

    /// Drops the unused part once it has lapsed.
    fn lapse(&mut self, now: i64) {
        if now >= self.expires_at {
            self.available = 0;
        }
    }

    /// Uses `leverage` of the line for an allocation released at the start of
    /// `release_bucket` (`last_bucket` being the pool's last bucket applied).
    pub fn use_line(&mut self, leverage: u64, release_bucket: u64, last_bucket: u64) -> Result<()> {
        if leverage == 0 {
            return Ok(());
        }
        require!(
            leverage <= self.available,
            BulwarkError::LeverageUnavailable
        );
        require_invariant!(
            release_bucket > last_bucket && release_bucket - last_bucket < BUCKET_RING as u64,
            "a line's release bucket lies within its ring's window"
        );
        self.available -= leverage;
        self.used = add(self.used, leverage)?;
        let expiring = &mut self.expiring[bucket_slot(release_bucket)];
        *expiring = add(*expiring, leverage)?;
        Ok(())
    }

    /// Releases `leverage` of an allocation before its bucket (a payout or an early expiry).
    /// A no-op once the bucket has released it.
    pub fn release(&mut self, leverage: u64, release_bucket: u64, last_bucket: u64) -> Result<()> {
        if release_bucket <= last_bucket || leverage == 0 {
            return Ok(());
        }
        let expiring = &mut self.expiring[bucket_slot(release_bucket)];
        *expiring = sub(*expiring, leverage)?;
        self.used = sub(self.used, leverage)?;
        Ok(())
    }

    /// Brings `booked` down to what the pool still holds; returns what it returns to the
    /// capital pool.
    pub fn reconcile(&mut self) -> Result<u64> {
        let held = add(self.available, self.used)?;
        let returned = sub(self.booked, held)?;
        self.booked = held;
        Ok(returned)
    }

    /// Adds a grant of `amount` at `now`. A fresh line (nothing unused) lapses
    /// `LEVERAGE_LINE_TTL` from now; a grant to a live line keeps its lapse time, so no crank
    /// can keep an unused line alive: what a pool does not use returns to the capital pool
    /// within a TTL of its first grant.
    pub fn grant(&mut self, amount: u64, now: i64) -> Result<()> {
        if amount == 0 {
            return Ok(());
        }
        if self.available == 0 {
            self.expires_at = now.checked_add(LEVERAGE_LINE_TTL).or_overflow()?;
        }
        self.available = add(self.available, amount)?;
        self.booked = add(self.booked, amount)?;
        Ok(())
    }

    /// Takes back `amount` of the unused line: the capital pool no longer carries it.
    pub fn claw_back(&mut self, amount: u64) -> Result<()> {
        self.available = sub(self.available, amount)?;
        self.booked = sub(self.booked, amount)?;
        Ok(())
    }

    /// What is used is the sum of what its buckets will release; the capital pool books at
    /// least what the pool holds.
    pub fn invariant(&self) -> Result<()> {
        let pending = self.expiring.iter().try_fold(0u64, |sum, e| add(sum, *e))?;
        require_invariant!(
            pending == self.used && add(self.available, self.used)? <= self.booked,
            "a line's expiry ring sums to its used part, and available plus used is at most what the capital pool booked"
        );
        Ok(())
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
    /// Owed to the treasury: the protocol fee plus rounding remainders and donations; moved
    /// by `sweep_fees`.
    pub treasury_accrued: u64,
    /// Owed to the mint's capital pool: its premium share and the streams of classes left
    /// without backing stake; moved by `sweep_fees`.
    pub capital_accrued: u64,
    /// The pool's assessment reserve: the assessment share of its premiums and the deposits
    /// of denied claims. Claims whose deposit pool it is reserve their assessors' reward from
    /// it (`assessor_rewards`); it stays in the vault.
    pub assessment_accrued: u64,
    /// Owed to the manager; paid by `claim_manager_fees`.
    pub manager_fees: u64,
    /// Stakers' premium received and not yet paid out (streamed or still streaming).
    pub rewards_reserved: u64,
    /// Claim deposits escrowed in this pool's vault.
    pub claim_deposits: u64,
    /// Time up to which the streams have been accrued to the tranches.
    pub rewards_updated_at: i64,
    /// Last bucket whose stream expiries have been applied.
    pub last_bucket: u64,
    /// Stake positions not yet withdrawn: while any is open, unpaid rewards may still be owed.
    pub open_positions: u64,
    /// Stream of each cover class: slot `first_tranche % 8`.
    pub streams: [RewardStream; MAX_ACTIVE_TRANCHES],
    /// Ring of tranches: slot `tranche_id % 8`.
    pub tranches: [TrancheSlot; MAX_ACTIVE_TRANCHES],
    /// The leverage line from the mint's capital pool ([`LeverageLine`]).
    pub line: LeverageLine,
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
    /// Assessor rewards reserved for claims filed on this pool's covers and not paid yet.
    pub assessor_rewards: u64,
    pub reserved: [u8; 56],
}

const _: () = assert!(std::mem::size_of::<Pool>() == 5_768);

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

    /// Live stake of the tranches from `first_tranche` on: what backs, and earns from, the
    /// cover class of that first tranche.
    pub fn backing_stake(&self, first_tranche: u64) -> Result<u64> {
        self.tranches
            .iter()
            .filter(|s| s.is_live() && s.tranche_id >= first_tranche)
            .try_fold(0u64, |sum, s| sum.checked_add(s.stake))
            .or_overflow()
    }

    /// Most leverage the pool could sell at `ratio_bps` on its live stake and its products'
    /// effective weights: `stake × Σ weight ÷ 100 × (ratio − 1)`, saturating. A line beyond it
    /// would hold capital for nothing.
    pub fn leverage_ceiling(&self, ratio_bps: u32) -> Result<u64> {
        let live = self
            .tranches
            .iter()
            .filter(|s| s.is_live())
            .try_fold(0u64, |sum, s| add(sum, s.stake))?;
        let weighted = mul_wide(live, u64::from(self.total_effective_weight));
        let extra = u128::from(ratio_bps.saturating_sub(BPS as u32));
        let leverage = checked_mul_u128(weighted, extra)
            .and_then(|scaled| div_rem(scaled, u128::from(BPS) * u128::from(MAX_PRODUCT_WEIGHT)))
            .map_or(u128::MAX, |(q, _)| q);
        Ok(u64::try_from(leverage).unwrap_or(u64::MAX))
    }

    /// The leverage line crank at `now` (see `grant_leverage`): rolls the pool forward, returns
    /// to `capital` what the line no longer holds, takes back unused line the capital no longer
    /// carries, and grants up to `max_amount` more within the capital's free part and the
    /// pool's ceiling at `ratio_bps`. Clients run it on copies to see the line a crank leaves.
    pub fn crank_line(
        &mut self,
        capital: &mut CapitalPool,
        ratio_bps: u32,
        max_amount: u64,
        now: i64,
    ) -> Result<LineCrank> {
        self.roll_forward(now)?;
        let returned = self.line.reconcile()?;
        let held = add(self.line.available, self.line.used)?;
        let room = self.leverage_ceiling(ratio_bps)?.saturating_sub(held);
        let (granted, clawed_back) =
            capital.book_line(returned, max_amount.min(room), self.line.available)?;
        self.line.claw_back(clawed_back)?;
        self.line.grant(granted, now)?;
        Ok(LineCrank {
            returned,
            clawed_back,
            granted,
        })
    }

    // ---- reward streams ----

    /// Brings the streams, their expiries and the tranche ends up to `now`, in time order.
    /// Each step handles a bucket boundary or a tranche end, so the work is bounded by the
    /// time elapsed (at most 32 buckets and 8 tranches), never by the number of covers or
    /// stakers.
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
            if bucket_due == Some(at) {
                self.last_bucket = self.last_bucket.saturating_add(1);
                self.expire_streams(bucket_slot(self.last_bucket))?;
                self.line.expire(bucket_slot(self.last_bucket))?;
                buckets_seen += 1;
            }
            if tranche_due == Some(at) {
                self.end_tranches(at)?;
            }
        }
        if buckets_seen == BUCKET_RING {
            // Every slot of every ring was applied, so every stream has ended.
            require_invariant!(
                !self.is_streaming(),
                "every stream has ended once its whole expiry ring was applied"
            );
            self.last_bucket = self.last_bucket.max(bucket_at(now)?);
        }
        self.line.lapse(now);
        self.accrue(now)
    }

    /// Whether any class still streams.
    pub fn is_streaming(&self) -> bool {
        self.streams.iter().any(|s| s.rate.get() != 0)
    }

    fn expire_streams(&mut self, bucket_slot: usize) -> Result<()> {
        for stream in self.streams.iter_mut() {
            let expiring = std::mem::take(&mut stream.expiring[bucket_slot]).get();
            if expiring != 0 {
                let rate = stream
                    .rate
                    .get()
                    .checked_sub(expiring)
                    .ok_or_else(|| broken!("what expires of a stream is at most its rate"))?;
                stream.rate.set(rate);
            }
        }
        Ok(())
    }

    fn next_tranche_end(&self) -> Result<Option<i64>> {
        let mut next: Option<i64> = None;
        for slot in self.tranches.iter().filter(|s| s.is_live()) {
            let end = tranche_end(slot.tranche_id)?;
            next = Some(next.map_or(end, |n| n.min(end)));
        }
        Ok(next)
    }

    /// Marks the tranches ending at `at` as ended, their rewards per share final.
    fn end_tranches(&mut self, at: i64) -> Result<()> {
        for slot in self.tranches.iter_mut() {
            if slot.is_live() && tranche_end(slot.tranche_id)? == at {
                slot.settle()?;
                slot.ended = 1;
            }
        }
        Ok(())
    }

    /// Credits every stream's accrual since the last update to the live tranches it backs,
    /// per unit of their stake. A class whose backing tranches hold no stake any more (a
    /// payout burnt all of it) pays no staker: its accrual goes to the capital pool, which
    /// carries that cover alone now.
    fn accrue(&mut self, at: i64) -> Result<()> {
        if at <= self.rewards_updated_at {
            return Ok(());
        }
        let elapsed = (at - self.rewards_updated_at) as u128;
        self.rewards_updated_at = at;
        for index in 0..MAX_ACTIVE_TRANCHES {
            let stream = &self.streams[index];
            let rate = stream.rate.get();
            if rate == 0 {
                continue;
            }
            let first_tranche = stream.first_tranche;
            let accrued = checked_mul_u128(rate, elapsed)
                .and_then(|scaled| scaled.checked_add(u128::from(stream.remainder)))
                .or_overflow()?;
            let backing = self.backing_stake(first_tranche)?;
            if backing == 0 {
                let (tokens, remainder) = div_rem_u64(accrued, REWARD_SCALE as u64)
                    .ok_or_else(|| broken!("the reward scale is not zero"))?;
                self.streams[index].remainder = remainder;
                let tokens = to_u64(tokens)?;
                self.rewards_reserved = sub(self.rewards_reserved, tokens)?;
                self.capital_accrued = add(self.capital_accrued, tokens)?;
                continue;
            }
            let (per_stake, remainder) = div_rem_u64(accrued, backing)
                .ok_or_else(|| broken!("the backing stake of a stream is not zero"))?;
            self.streams[index].remainder = remainder;
            for slot in self
                .tranches
                .iter_mut()
                .filter(|s| s.is_live() && s.tranche_id >= first_tranche)
            {
                slot.reward_per_stake
                    .set(slot.reward_per_stake.get().wrapping_add(per_stake));
            }
        }
        Ok(())
    }

    /// Streams `amount` from `now` until the start of bucket `until_bucket` to the tranches
    /// from `first_tranche` on (the cover class of that first tranche).
    pub fn add_stream(
        &mut self,
        now: i64,
        amount: u64,
        first_tranche: u64,
        until_bucket: u64,
    ) -> Result<()> {
        let duration = bucket_start(until_bucket)?
            .checked_sub(now)
            .filter(|d| *d > 0)
            .ok_or_else(|| broken!("a stream ends after now"))?;
        require_invariant!(
            until_bucket <= self.last_bucket.saturating_add(BUCKET_RING as u64)
                && bucket_start(until_bucket)? <= tranche_end(first_tranche)?,
            "a stream ends within the ring's window and by the end of its first tranche"
        );
        // Sold only on stake from `first_tranche` on, so someone earns from the start.
        require_invariant!(
            self.backing_stake(first_tranche)? > 0,
            "a stream is sold only on tranches holding stake"
        );
        let rate = mul_div_floor(u128::from(amount), REWARD_SCALE, duration as u128)?;
        let stream = &mut self.streams[ring_slot(first_tranche)];
        if stream.first_tranche != first_tranche {
            // The class eight tranches earlier has stopped streaming (see `RewardStream`);
            // an idle stream has nothing left in its expiry ring.
            require_invariant!(
                stream.rate.get() == 0,
                "an idle stream's slot has no rate left"
            );
            stream.first_tranche = first_tranche;
            stream.remainder = 0;
        }
        let total = stream.rate.get().checked_add(rate).or_overflow()?;
        stream.rate.set(total);
        let slot = &mut stream.expiring[bucket_slot(until_bucket)];
        let expiring = slot.get().checked_add(rate).or_overflow()?;
        slot.set(expiring);
        self.rewards_reserved = add(self.rewards_reserved, amount)?;
        Ok(())
    }

    /// Records a payment of `amount` of stakers' rewards.
    pub fn pay_rewards(&mut self, amount: u64) -> Result<()> {
        self.rewards_reserved = sub(self.rewards_reserved, amount)?;
        Ok(())
    }

    /// Reward per share of `tranche_id` up to the last accrual, settling the tranche (the pool
    /// has been rolled forward). For a position of that tranche, see
    /// [`StakePosition::settle`](crate::state::StakePosition::settle).
    pub fn reward_per_share(&mut self, tranche_id: u64) -> Result<u128> {
        let slot = self.slot_mut(tranche_id)?;
        slot.settle()?;
        Ok(slot.reward_per_share.get())
    }

    /// Tokens per second (scaled by `REWARD_SCALE`) each ring slot's tranche is receiving
    /// now: its share, by stake, of every stream of a class it backs. Entry `i` is ring slot
    /// `i`. Read after `roll_forward`.
    pub fn tranche_stream_rates(&self) -> Result<[u128; MAX_ACTIVE_TRANCHES]> {
        let mut rates = [0u128; MAX_ACTIVE_TRANCHES];
        for stream in self.streams.iter().filter(|s| s.rate.get() != 0) {
            let backing = self.backing_stake(stream.first_tranche)?;
            for (rate, slot) in rates.iter_mut().zip(self.tranches.iter()) {
                if backing > 0 && slot.is_live() && slot.tranche_id >= stream.first_tranche {
                    let share = mul_div_floor(
                        stream.rate.get(),
                        u128::from(slot.stake),
                        u128::from(backing),
                    )?;
                    *rate = rate.checked_add(share).or_overflow()?;
                }
            }
        }
        Ok(rates)
    }

    // ---- stake ----

    /// Adds `amount` of stake to `tranche_id`, claiming its ring slot if the slot is free.
    /// Returns the shares minted. The caller has rolled the pool forward, so a tranche that
    /// ended is marked as such, and settles the position's rewards at the tranche's reward per
    /// share (settled here before the price can move) after the deposit.
    pub fn deposit(&mut self, tranche_id: u64, amount: u64) -> Result<u128> {
        let index = ring_slot(tranche_id);
        let slot = *self
            .tranches
            .get(index)
            .ok_or_else(|| broken!("a ring index lies within the ring"))?;
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
        slot.settle()?;
        let shares = shares_for_deposit(amount, slot.stake, slot.shares.get())?;
        slot.stake = add(slot.stake, amount)?;
        slot.shares
            .set(slot.shares.get().checked_add(shares).or_overflow()?);
        self.total_stake = add(self.total_stake, amount)?;
        self.tranches[index] = slot;
        Ok(shares)
    }

    /// Removes `shares` from an active tranche at its current price; returns the stake freed.
    /// The stake leaves `total_stake`: the caller deposits it elsewhere. The caller has settled
    /// the position at the tranche's reward per share first.
    pub fn take_from_tranche(&mut self, tranche_id: u64, shares: u128) -> Result<u64> {
        let slot = self.slot_mut(tranche_id)?;
        require!(!slot.has_ended(), BulwarkError::TrancheEnded);
        slot.settle()?;
        let amount = assets_for_shares(shares, slot.stake, slot.shares.get())?;
        slot.stake = sub(slot.stake, amount)?;
        slot.shares.set(
            slot.shares
                .get()
                .checked_sub(shares)
                .ok_or_else(|| broken!("a withdrawal takes at most the tranche's shares"))?,
        );
        self.total_stake = sub(self.total_stake, amount)?;
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
    /// less. The tranches' share prices fall, so from now on they earn on what is left (their
    /// rewards so far are settled at the old price first); a tranche burnt to zero earns
    /// nothing more.
    pub fn burn(&mut self, first_tranche: u64, amount: u64) -> Result<u64> {
        let backing = |slot: &TrancheSlot| slot.is_live() && slot.tranche_id >= first_tranche;
        let total = self.backing_stake(first_tranche)?;
        let burned = amount.min(total);
        if burned == 0 {
            return Ok(0);
        }
        let mut left = burned;
        for slot in self.tranches.iter_mut().filter(|s| backing(s)) {
            slot.settle()?;
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
        require_invariant!(
            left == 0,
            "a loss is spread in full over the backing tranches"
        );
        self.total_stake = sub(self.total_stake, burned)?;
        Ok(burned)
    }

    /// Escrows (`add`) or releases a claim deposit held in this pool's vault.
    pub fn add_claim_deposit(&mut self, amount: u64) -> Result<()> {
        self.claim_deposits = add(self.claim_deposits, amount)?;
        Ok(())
    }

    /// Reserves up to `wanted` of the assessment reserve for a claim's assessors; returns
    /// what it reserved (all of `wanted`, or what the reserve holds).
    pub fn reserve_assessor_reward(&mut self, wanted: u64) -> Result<u64> {
        let reward = wanted.min(self.assessment_accrued);
        self.assessment_accrued -= reward;
        self.assessor_rewards = add(self.assessor_rewards, reward)?;
        Ok(reward)
    }

    /// Gives `amount` of a claim's reservation back to the assessment reserve.
    pub fn release_assessor_reward(&mut self, amount: u64) -> Result<()> {
        self.assessor_rewards = sub(self.assessor_rewards, amount)?;
        self.assessment_accrued = add(self.assessment_accrued, amount)?;
        Ok(())
    }

    /// Records a payment of `amount` of a claim's reserved reward to an assessor.
    pub fn pay_assessor_reward(&mut self, amount: u64) -> Result<()> {
        self.assessor_rewards = sub(self.assessor_rewards, amount)?;
        Ok(())
    }

    pub fn release_claim_deposit(&mut self, amount: u64) -> Result<()> {
        self.claim_deposits = sub(self.claim_deposits, amount)?;
        Ok(())
    }

    /// Records a payout of `amount` from archived stake.
    pub fn pay_out_stake(&mut self, amount: u64) -> Result<()> {
        self.total_stake = sub(self.total_stake, amount)?;
        Ok(())
    }

    /// Moves stake nobody can redeem any more (rounding dust) to the treasury's account.
    pub fn accrue_dust(&mut self, amount: u64) -> Result<()> {
        self.pay_out_stake(amount)?;
        self.treasury_accrued = add(self.treasury_accrued, amount)?;
        Ok(())
    }

    /// Tokens the vault must hold at least: everything the pool owes.
    pub fn liabilities(&self) -> Result<u64> {
        [
            self.treasury_accrued,
            self.capital_accrued,
            self.assessment_accrued,
            self.assessor_rewards,
            self.manager_fees,
            self.rewards_reserved,
            self.claim_deposits,
        ]
        .into_iter()
        .try_fold(self.total_stake, add)
    }

    /// Structural checks: ring slots and streams in their places, ring stake within the
    /// pool's total, fee within its bounds.
    pub fn invariant(&self) -> Result<()> {
        let mut ring_stake: u64 = 0;
        for (index, (slot, stream)) in self.tranches.iter().zip(self.streams.iter()).enumerate() {
            require_invariant!(
                (slot.is_empty() || ring_slot(slot.tranche_id) == index)
                    && (stream.rate.get() == 0 || ring_slot(stream.first_tranche) == index),
                "each tranche and stream sits in its own ring slot"
            );
            ring_stake = add(ring_stake, slot.stake)?;
        }
        self.line.invariant()?;
        require_invariant!(
            self.version == ACCOUNT_VERSION
                && ring_stake <= self.total_stake
                && self.manager_fee_bps <= self.max_manager_fee_bps
                && self.max_manager_fee_bps <= MAX_MANAGER_FEE_BPS,
            "a pool has the current version, its tranches' stake is at most its total stake, and its fee is within its maximum and the protocol's"
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

    /// Conservation, read after the instruction's transfers ([`VaultSnapshot::conserved`]).
    pub fn check_vault(&self, before: &VaultSnapshot, vault_balance: u64) -> Result<()> {
        before.conserved(vault_balance, self.liabilities()?)
    }

    /// Books what nobody can claim any more as the treasury's share, so `sweep_fees` moves it:
    /// the vault's surplus over the liabilities (donations), always; and, once no stream runs,
    /// no tranche holds shares and no position is open, every reward unit left (the floors of
    /// stream rates and of per-position rewards, the streams' remainders). Returns
    /// `(surplus, reward_dust)`.
    pub fn book_unclaimable(&mut self, vault_balance: u64) -> Result<(u64, u64)> {
        let surplus = vault_balance
            .checked_sub(self.liabilities()?)
            .ok_or_else(|| error!(BulwarkError::VaultBelowAccounting))?;
        let rewards_idle = !self.is_streaming()
            && self.open_positions == 0
            && self.tranches.iter().all(TrancheSlot::is_empty);
        let reward_dust = if rewards_idle {
            for stream in self.streams.iter_mut() {
                stream.remainder = 0;
            }
            std::mem::take(&mut self.rewards_reserved)
        } else {
            0
        };
        self.treasury_accrued = add(self.treasury_accrued, add(surplus, reward_dust)?)?;
        Ok((surplus, reward_dust))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytemuck::Zeroable;

    const TRANCHE: u64 = 100;

    /// A pool with one live tranche `TRANCHE` of `stake` (as many shares) and the streams of
    /// `rates`: `(first_tranche, scaled rate)`.
    fn pool_with(stakes: &[(u64, u64)], rates: &[(u64, u128)]) -> Pool {
        let mut pool = Pool::zeroed();
        for (tranche_id, stake) in stakes {
            let slot = &mut pool.tranches[ring_slot(*tranche_id)];
            slot.tranche_id = *tranche_id;
            slot.stake = *stake;
            slot.shares.set(u128::from(*stake));
        }
        for (first_tranche, rate) in rates {
            let stream = &mut pool.streams[ring_slot(*first_tranche)];
            stream.first_tranche = *first_tranche;
            stream.rate.set(*rate);
        }
        pool
    }

    /// A pool whose stakers' per-second increment is below one unit of the accumulator: a
    /// large stake earning a small stream.
    fn large_pool() -> Pool {
        // 100M tokens of 6 decimals earning ~1,000 tokens a year.
        pool_with(
            &[(TRANCHE, 100_000_000_000_000)],
            &[(TRANCHE, 31_709_791_983_764)],
        )
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
        let slot = ring_slot(TRANCHE);
        assert_eq!(
            every_second.tranches[slot].reward_per_stake.get(),
            once.tranches[slot].reward_per_stake.get()
        );
        assert_eq!(
            every_second.streams[slot].remainder,
            once.streams[slot].remainder
        );
        assert_eq!(
            once.tranches[slot].reward_per_stake.get(),
            31_709_791_983_764u128 * 3_600 / 100_000_000_000_000
        );
    }

    /// SPEC §5.13: a class's stream reaches the tranches from its first tranche on, pro rata
    /// to their stake, and nothing earlier; an earlier tranche earns only from its own class.
    #[test]
    fn a_stream_reaches_only_the_tranches_that_back_its_class() {
        let scale = REWARD_SCALE;
        // Tranches 100 (stake 1,000), 101 (3,000), 102 (1,000); class 101 streams 8 tokens a
        // second, class 100 streams 5.
        let mut pool = pool_with(
            &[(100, 1_000), (101, 3_000), (102, 1_000)],
            &[(101, 8 * scale), (100, 5 * scale)],
        );
        pool.accrue(10).unwrap();
        let per_stake = |pool: &Pool, id: u64| pool.tranches[ring_slot(id)].reward_per_stake.get();
        // Class 100 over 5,000 stake: 5 × 10 × scale / 5,000 per unit; class 101 over 4,000.
        let class_100 = 5 * 10 * scale / 5_000;
        let class_101 = 8 * 10 * scale / 4_000;
        assert_eq!(per_stake(&pool, 100), class_100);
        assert_eq!(per_stake(&pool, 101), class_100 + class_101);
        assert_eq!(per_stake(&pool, 102), class_100 + class_101);
        let rates = pool.tranche_stream_rates().unwrap();
        assert_eq!(rates[ring_slot(100)], 5 * scale / 5);
        assert_eq!(rates[ring_slot(101)], 5 * scale * 3 / 5 + 8 * scale * 3 / 4);
        assert_eq!(rates[ring_slot(102)], 5 * scale / 5 + 8 * scale / 4);
        // Every token streamed was credited: 130 tokens over 5,000 stake units.
        let credited: u128 = [(100, 1_000u128), (101, 3_000), (102, 1_000)]
            .iter()
            .map(|(id, stake)| per_stake(&pool, *id) * stake)
            .sum();
        assert_eq!(credited, 130 * scale);
    }

    /// SPEC §5.13: a tranche a payout burnt to zero earns nothing more, and a class with no
    /// backing stake left pays its stream to the treasury instead of to no one.
    #[test]
    fn a_burnt_tranche_stops_earning_and_an_orphaned_stream_goes_to_the_capital_pool() {
        let scale = REWARD_SCALE;
        let mut pool = pool_with(&[(100, 1_000), (101, 1_000)], &[(101, 2 * scale)]);
        pool.total_stake = 2_000;
        pool.rewards_reserved = 1_000;
        pool.accrue(10).unwrap();
        assert_eq!(pool.burn(101, 1_000).unwrap(), 1_000);
        let slot = ring_slot(101);
        // Settled at the old price by the burn: 20 tokens over 1,000 shares.
        assert_eq!(
            pool.tranches[slot].reward_per_share.get(),
            20 * scale / 1_000
        );
        pool.accrue(20).unwrap();
        assert_eq!(pool.reward_per_share(101).unwrap(), 20 * scale / 1_000);
        assert_eq!(pool.tranches[ring_slot(100)].reward_per_stake.get(), 0);
        assert_eq!(pool.capital_accrued, 20);
        assert_eq!(pool.rewards_reserved, 980);
    }

    /// A tranche a payout left at a low share price, settled every second (each settlement's
    /// share below one unit of the accumulator), earns what one settlement at the end gives.
    #[test]
    fn settling_often_after_a_burn_loses_nothing_to_rounding() {
        let burnt = || {
            // 1,000,000 shares over 1,000 units of stake, earning 1/100 of a unit of reward
            // per share each second.
            let mut pool = pool_with(&[(100, 1_000)], &[(100, 10_000)]);
            pool.tranches[ring_slot(100)].shares.set(1_000_000);
            pool
        };
        let (mut often, mut once) = (burnt(), burnt());
        for t in 1..=3_600 {
            often.accrue(t).unwrap();
            often.reward_per_share(100).unwrap();
        }
        once.accrue(3_600).unwrap();
        assert_eq!(
            often.reward_per_share(100).unwrap(),
            once.reward_per_share(100).unwrap()
        );
        assert_eq!(once.reward_per_share(100).unwrap(), 36);
    }

    /// The accumulators are read by difference, so wrapping past 2^128 changes no reading.
    #[test]
    fn accumulators_wrap_without_changing_what_is_earned() {
        let scale = REWARD_SCALE;
        let mut pool = pool_with(&[(100, 1_000)], &[(100, 3 * scale)]);
        let slot = ring_slot(100);
        let near_top = u128::MAX - 1_000;
        pool.tranches[slot].reward_per_stake.set(near_top);
        pool.tranches[slot].settled_per_stake.set(near_top);
        pool.tranches[slot].reward_per_share.set(near_top);
        pool.accrue(100).unwrap();
        let per_share = pool.reward_per_share(100).unwrap();
        assert!(per_share < near_top, "wrapped");
        assert_eq!(per_share.wrapping_sub(near_top), 300 * scale / 1_000);
    }
}
