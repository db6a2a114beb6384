use crate::constants::*;
use crate::error::{broken, require_invariant, BulwarkError};
use crate::math::buckets::{bucket_start, release_bucket};
use crate::math::capacity::backing_for;
use crate::math::tranche::{tranche_at, tranche_end};
use crate::math::OrOverflow;
use crate::state::{Config, ProductType, ProtocolParams};
use anchor_lang::prelude::*;

/// When a cover bought now ends, how long its backing must last and which tranches may back
/// it. Computed once per purchase and shared by every pool of the cover (and by quotes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CoverSchedule {
    pub start: i64,
    pub end: i64,
    /// End + grace + the longest a claim filed at the last moment can take to be paid.
    pub backing_until: i64,
    /// Bucket whose start releases the allocations.
    pub release_bucket: u64,
    /// Bucket until whose start the stakers' premium is streamed.
    pub stream_until_bucket: u64,
    /// The tranche `now` falls in: the first live tranche of every pool.
    pub current_tranche: u64,
    /// First tranche that ends once the allocation is released.
    pub first_tranche: u64,
    /// Last tranche a deposit can currently target.
    pub last_tranche: u64,
    /// The claim timings this cover's claims will run on (copied onto the cover).
    pub timings: ClaimTimings,
}

impl CoverSchedule {
    /// The schedule of a cover of `period` bought at `now` on a product with `grace_period`,
    /// whose claims are voted blind (`blind_votes`) or openly.
    pub fn new(
        params: &ProtocolParams,
        grace_period: u32,
        blind_votes: bool,
        now: i64,
        period: u32,
    ) -> Result<Self> {
        let end = now.checked_add(i64::from(period)).or_overflow()?;
        // A claim filed at the last moment (end + grace) may take voting, the silent-ending
        // extension, the cooldown and the redemption window to be paid: the backing stake must
        // stay locked that long.
        let timings = ClaimTimings::from_params(params, blind_votes);
        let backing_until = end
            .checked_add(i64::from(grace_period))
            .and_then(|t| t.checked_add(timings.settlement()))
            .or_overflow()?;
        let release = release_bucket(backing_until)?;
        let release_at = bucket_start(release)?;
        let current = tranche_at(now)?;
        let last_tranche = current + MAX_ACTIVE_TRANCHES as u64 - 1;
        let mut first_tranche = current;
        while tranche_end(first_tranche)? < release_at {
            first_tranche += 1;
            require!(
                first_tranche <= last_tranche,
                BulwarkError::InsufficientCapacity
            );
        }
        Ok(Self {
            start: now,
            end,
            backing_until,
            release_bucket: release,
            // The stakers' share streams until the bucket boundary after the cover ends.
            stream_until_bucket: release_bucket(end)?,
            current_tranche: current,
            first_tranche,
            last_tranche,
            timings,
        })
    }
}

/// The claim timings a cover's claims run on, fixed at purchase: `backing_until` was computed
/// from them, so a later governance change cannot make an accepted claim outlive its backing.
#[derive(
    AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, Default, PartialEq, Eq,
)]
pub struct ClaimTimings {
    pub voting_period: u32,
    /// A vote that flips the outcome in the last `silent_ending` seconds extends voting.
    pub silent_ending: u32,
    /// Most that silent-ending extensions (and the first accepting vote's full window) may
    /// add to voting in all.
    pub silent_ending_cap: u32,
    pub cooldown: u32,
    pub redemption_window: u32,
    /// Reveal window after voting: blind-vote covers only (0 on open ones).
    pub reveal_period: u32,
}

impl ClaimTimings {
    /// Today's timings for a cover whose claims are voted openly or blind (`blind_votes`): a
    /// blind vote has no silent ending (nobody sees a lead to snipe) and no first-vote rule,
    /// but a fixed reveal window after voting.
    pub fn from_params(params: &ProtocolParams, blind_votes: bool) -> Self {
        let (silent_ending, silent_ending_cap, reveal_period) = if blind_votes {
            (0, 0, params.reveal_period)
        } else {
            (params.silent_ending, params.silent_ending_cap, 0)
        };
        Self {
            voting_period: params.voting_period,
            silent_ending,
            silent_ending_cap,
            cooldown: params.cooldown,
            redemption_window: params.redemption_window,
            reveal_period,
        }
    }

    /// The longest a claim filed at the last moment can take to be paid: voting, its
    /// extensions or its reveal window, the cooldown and the redemption window.
    pub fn settlement(&self) -> i64 {
        [
            self.voting_period,
            self.silent_ending_cap,
            self.reveal_period,
            self.cooldown,
            self.redemption_window,
        ]
        .into_iter()
        .map(i64::from)
        .sum()
    }
}

/// The part of a cover one pool backs.
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, Default, PartialEq)]
pub struct CoverAllocation {
    pub pool: Pubkey,
    /// Cover amount this pool backs.
    pub amount: u64,
    /// Premium paid to this pool (before its split).
    pub premium: u64,
    /// Capacity ratio this part was sold at (bps): its backing is `amount ÷ ratio` per tranche.
    pub ratio_bps: u32,
    /// Allocation per tranche, `tranche_amounts[k]` in tranche `cover.first_tranche + k`.
    pub tranche_amounts: [u64; MAX_ACTIVE_TRANCHES],
}

impl CoverAllocation {
    /// Backing units this allocation occupies in each tranche offset (what its pool-product
    /// recorded for it).
    pub fn backing(&self) -> Result<[u64; MAX_ACTIVE_TRANCHES]> {
        let mut backing = [0u64; MAX_ACTIVE_TRANCHES];
        for (out, amount) in backing.iter_mut().zip(self.tranche_amounts) {
            *out = backing_for(amount, self.ratio_bps)?;
        }
        Ok(backing)
    }

    /// Removes `amount` from this allocation, earliest tranches first; returns the backing
    /// units released per tranche offset, so the pool-product releases exactly what it
    /// recorded for the part removed (`backing(before) − backing(after)`, tranche by tranche).
    pub fn take(&mut self, amount: u64) -> Result<[u64; MAX_ACTIVE_TRANCHES]> {
        let mut released = [0u64; MAX_ACTIVE_TRANCHES];
        let mut left = amount;
        for (slot, out) in self.tranche_amounts.iter_mut().zip(released.iter_mut()) {
            let part = (*slot).min(left);
            let before = backing_for(*slot, self.ratio_bps)?;
            *slot -= part;
            *out = before - backing_for(*slot, self.ratio_bps)?;
            left -= part;
        }
        require_invariant!(
            left == 0,
            "a payout is spread in full over the allocation's tranches"
        );
        self.amount = self
            .amount
            .checked_sub(amount)
            .ok_or_else(|| broken!("a payout is at most the allocation's amount"))?;
        Ok(released)
    }
}

/// Cover bought on a product: who is covered, for how much, until when, and which pools and
/// tranches back it.
#[account]
#[derive(InitSpace, Debug)]
pub struct Cover {
    pub version: u8,
    pub bump: u8,
    /// Number of used entries in `allocations`.
    pub pool_count: u8,
    /// Set while a claim on the cover is open (filed and not yet paid or closed).
    pub open_claim: bool,
    /// Claims filed so far; the next claim's index.
    pub claim_count: u32,
    /// Claim method of the product, copied at purchase (a product's type never changes).
    pub product_type: ProductType,
    pub product_id: u64,
    /// Receives payouts; may transfer the cover and file claims on it.
    pub owner: Pubkey,
    /// Paid the cover's rent and gets it back when the cover is closed.
    pub rent_payer: Pubkey,
    /// Nonce of the cover PDA, chosen by the payer.
    pub nonce: u64,
    pub mint: Pubkey,
    /// Amount covered.
    pub amount: u64,
    /// Amount not yet paid out by claims; always the sum of the pools' allocations.
    pub remaining: u64,
    pub start: i64,
    /// Cover period, seconds.
    pub period: u32,
    /// Grace period copied from the product at purchase.
    pub grace_period: u32,
    /// Cooling-off copied from the product at purchase: a claim's incident must be at least
    /// this long after `start`.
    pub cooling_off: u32,
    /// Slot of the purchase (claims may not be filed in the same slot).
    pub purchase_slot: u64,
    /// Stake backing this cover stays locked until at least this time: end + grace + the
    /// longest a claim filed at the last moment can take to be paid.
    pub backing_until: i64,
    /// Bucket whose start releases the allocations.
    pub release_bucket: u64,
    /// First tranche backing the cover (all tranches from it on are eligible).
    pub first_tranche: u64,
    /// Premium paid, without commission.
    pub premium: u64,
    /// Of `premium`, the assessment share its pools kept: what bounds the assessor rewards of
    /// its claims (pro rata to the amount claimed).
    pub assessment_premium: u64,
    pub allocations: [CoverAllocation; MAX_COVER_POOLS],
    /// Claim timings at purchase: every claim on this cover runs on them.
    pub timings: ClaimTimings,
    /// The pool whose vault escrows the deposits of claims on this cover: the first pool of
    /// `allocations`.
    pub deposit_pool: Pubkey,
    /// The config's claims-paused seconds at purchase: the filing deadline
    /// (`claimable_until`) is on a clock that stops while claims are paused.
    pub claims_paused: u64,
    /// The product's assessment at purchase: blind (commit–reveal) votes, and the panel quorum
    /// (0: open stake-weighted voting; n: the product's designated assessors decide, one vote
    /// each, at least n votes).
    pub blind_votes: bool,
    pub panel_quorum: u16,
    pub reserved: [u8; 5],
}

impl Cover {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// End of the cover period.
    pub fn end(&self) -> Result<i64> {
        self.start.checked_add(i64::from(self.period)).or_overflow()
    }

    /// Last moment a claim may be filed: end + grace, on the cover's claims clock
    /// ([`Cover::claims_clock`]).
    pub fn claimable_until(&self) -> Result<i64> {
        self.end()?
            .checked_add(i64::from(self.grace_period))
            .or_overflow()
    }

    /// `now` less the time claims have been paused since the purchase: a claims pause moves
    /// the filing deadline by its length.
    pub fn claims_clock(&self, config: &Config, now: i64) -> Result<i64> {
        config.clock_since(PAUSE_CLAIMS, self.claims_paused, now)
    }

    /// Checks a claim's incident time: inside the cover period (`start..end`), not in the
    /// cooling-off after the purchase, not after `now`.
    pub fn check_incident(&self, incident_time: i64, now: i64) -> Result<()> {
        require!(
            incident_time >= self.start && incident_time < self.end()?,
            BulwarkError::IncidentOutsideCover
        );
        let cooled = self
            .start
            .checked_add(i64::from(self.cooling_off))
            .or_overflow()?;
        require!(incident_time >= cooled, BulwarkError::IncidentInCoolingOff);
        require!(incident_time <= now, BulwarkError::IncidentInFuture);
        Ok(())
    }

    pub fn used_allocations(&self) -> &[CoverAllocation] {
        &self.allocations[..usize::from(self.pool_count).min(MAX_COVER_POOLS)]
    }

    pub fn invariant(&self) -> Result<()> {
        let allocations = self.used_allocations();
        let mut total: u64 = 0;
        for allocation in allocations {
            let in_tranches = allocation
                .tranche_amounts
                .iter()
                .try_fold(0u64, |sum, a| sum.checked_add(*a))
                .or_overflow()?;
            require_invariant!(
                in_tranches == allocation.amount,
                "an allocation's tranche amounts sum to its amount"
            );
            total = total.checked_add(allocation.amount).or_overflow()?;
        }
        require_invariant!(
            self.version == ACCOUNT_VERSION
                && (1..=MAX_COVER_POOLS).contains(&usize::from(self.pool_count))
                && total == self.remaining
                && self.remaining <= self.amount
                && self.owner != Pubkey::default()
                && allocations.first().map(|a| a.pool) == Some(self.deposit_pool),
            "a cover has the current version, one to four pools summing to its remaining amount (at most its amount), an owner, and its first pool as deposit pool"
        );
        Ok(())
    }
}
