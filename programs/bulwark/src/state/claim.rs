use crate::constants::*;
use crate::error::{broken, require_invariant, BulwarkError};
use crate::math::OrOverflow;
use crate::math::{add, mul_div_floor, sub, to_u64};
use crate::state::{Ballot, Config};
use anchor_lang::prelude::*;

/// Where a claim stands at a given time.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimStatus {
    /// Assessors may vote (or, on a blind claim, commit).
    Voting,
    /// A blind claim's ballots may be revealed.
    Reveal,
    /// Voting is over; governance may still overturn the outcome.
    Cooldown { accepted: bool },
    /// The outcome is fixed.
    Final { accepted: bool },
}

/// A claim on a cover, voted on by assessors and paid from the backing pools if accepted.
#[account]
#[derive(InitSpace, Debug)]
pub struct Claim {
    pub version: u8,
    pub bump: u8,
    /// Set when governance overturned the voters' outcome during the cooldown.
    pub overturned: bool,
    /// Set when the accepted claim has been redeemed: its stakers' part burnt and paid, the
    /// capital pool's part paid or recorded as owed.
    pub paid: bool,
    /// Set when the claim is settled: denied (deposit forfeited) or paid in full.
    pub closed: bool,
    pub index: u32,
    pub cover: Pubkey,
    /// Cover owner who filed the claim and paid the deposit; gets it back if it is paid.
    pub claimant: Pubkey,
    pub product_id: u64,
    /// The cover's mint: deposit, payout and assessor rewards are in it.
    pub mint: Pubkey,
    pub requested_amount: u64,
    /// Paid to the cover owner so far: `staker_paid + capital_paid`.
    pub paid_amount: u64,
    /// Paid from the backing tranches' stake (at redemption).
    pub staker_paid: u64,
    /// Paid by the mint's capital pool.
    pub capital_paid: u64,
    /// Accepted and not paid yet: a debt of the capital pool, paid in queue order
    /// (`redeem_owed`). `paid_amount + owed` is the accepted amount once redeemed.
    pub owed: u64,
    /// Where the owed amount starts in the capital pool's debt queue.
    pub debt_position: u64,
    pub evidence_hash: [u8; 32],
    #[max_len(MAX_URI_LEN)]
    pub evidence_uri: String,
    /// Governance's reason for overturning the outcome (empty unless overturned).
    #[max_len(MAX_URI_LEN)]
    pub overturn_uri: String,
    /// Deposit escrowed in the vault of the cover's first pool.
    pub deposit: u64,
    pub deposit_pool: Pubkey,
    pub filed_at: i64,
    /// When the loss happened, as the claimant states it: inside the cover's period and after
    /// its cooling-off. Assessors accept or deny the claim as filed, this time included.
    pub incident_time: i64,
    /// End of voting; the first accepting vote opens a full voting period from itself and a
    /// late vote that flips the outcome pushes it back (silent ending), each up to
    /// `latest_voting_end` (filing + voting period + the cover's silent-ending cap).
    pub voting_end: i64,
    pub latest_voting_end: i64,
    /// Accept and deny weight (assessment-mint units).
    pub accept_weight: u64,
    pub deny_weight: u64,
    pub voters: u32,
    /// Parameters copied at filing so governance changes cannot move a running claim. The
    /// quorum: the config's floor or its share of the total assessor stake at filing.
    pub quorum: u64,
    pub voting_period: u32,
    pub cooldown: u32,
    pub redemption_window: u32,
    pub silent_ending: u32,
    /// Reward shared by the ballots on the final side, pro rata to weight: reserved at filing
    /// from the deposit pool's assessment share (`min(assessor_reward_bps × requested, the
    /// cover's assessment premium × requested ÷ amount, what the pool holds)`).
    pub assessor_reward: u64,
    /// Of `assessor_reward`, what the deposit pool still holds for this claim's ballots: less
    /// each reward paid, 0 once released (overturned, nobody rewarded, or the last ballot
    /// settled).
    pub reward_reserved: u64,
    /// Share of a ballot's weight slashed if governance overturns the outcome it voted for,
    /// copied at filing.
    pub slash_bps: u16,
    /// Ballots settled (rewarded, slashed or neither) and closed; all `voters` in the end.
    pub ballots_settled: u32,
    /// The config's claims-paused seconds at filing: the claim's clock ([`Claim::clock`])
    /// stops while claims are paused, so its voting and cooldown deadlines move by the pause.
    pub claims_paused: u64,
    /// Votes are committed, then revealed in `reveal_period` after voting (the cover's
    /// product assessment at purchase).
    pub blind: bool,
    /// Only the product's designated assessors vote, one vote each (`quorum` is then a number
    /// of votes).
    pub panel: bool,
    /// Reveal window after voting (0 unless `blind`).
    pub reveal_period: u32,
    pub reserved: [u8; 24],
}

impl Claim {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// The voters' outcome: accept outweighs deny and the quorum is met.
    pub fn voted_accept(&self) -> bool {
        self.accept_weight > self.deny_weight
            && self.accept_weight.saturating_add(self.deny_weight) >= self.quorum
    }

    /// The outcome after any overturn.
    pub fn accepted(&self) -> bool {
        self.voted_accept() != self.overturned
    }

    /// The side whose ballots share the reward: the voters' outcome when the quorum was met
    /// and governance did not overturn it; nobody's otherwise.
    pub fn rewarded_side(&self) -> Option<bool> {
        let total = self.accept_weight.saturating_add(self.deny_weight);
        (!self.overturned && total >= self.quorum).then(|| self.voted_accept())
    }

    /// A ballot's share of the reward: `assessor_reward × weight ÷ the rewarded side's
    /// weight`, rounded down (equal shares on a panel, one vote each); nothing off that side,
    /// nothing for a blind ballot never revealed.
    pub fn reward_of(&self, ballot: &Ballot) -> Result<u64> {
        let side_weight = match self.rewarded_side() {
            Some(side) if ballot.counted && side == ballot.accept => {
                if side {
                    self.accept_weight
                } else {
                    self.deny_weight
                }
            }
            _ => return Ok(0),
        };
        to_u64(mul_div_floor(
            u128::from(self.assessor_reward),
            u128::from(ballot.weight),
            u128::from(side_weight),
        )?)
    }

    /// The claim's clock at `now`: `now` less the time claims have been paused since it was
    /// filed. Its deadlines (`voting_end`, `latest_voting_end`, the cooldown's end) are times
    /// on this clock.
    pub fn clock(&self, config: &Config, now: i64) -> Result<i64> {
        config.clock_since(PAUSE_CLAIMS, self.claims_paused, now)
    }

    /// Ballots are settled once the outcome is final (`OutcomeNotFinal` before).
    pub fn require_final(&self, config: &Config, now: i64) -> Result<()> {
        require!(
            matches!(self.status(config, now)?, ClaimStatus::Final { .. }),
            BulwarkError::OutcomeNotFinal
        );
        Ok(())
    }

    /// A ballot counted for the outcome governance overturned: its stake is slashable (an
    /// unrevealed blind ballot counted for nothing and is not).
    pub fn slashable(&self, ballot: &Ballot) -> bool {
        self.overturned && ballot.counted && ballot.accept == self.voted_accept()
    }

    /// Records a ballot's settlement that paid `reward`; returns what the deposit pool
    /// releases back to its assessment share (the rest of the reservation once the last
    /// ballot is settled).
    pub fn settle_ballot(&mut self, reward: u64) -> Result<u64> {
        self.reward_reserved = self
            .reward_reserved
            .checked_sub(reward)
            .ok_or_else(|| broken!("a claim pays its ballots at most the reward it reserved"))?;
        self.ballots_settled = self.ballots_settled.checked_add(1).or_overflow()?;
        Ok(if self.ballots_settled == self.voters {
            std::mem::take(&mut self.reward_reserved)
        } else {
            0
        })
    }

    /// Gives up the whole reservation (overturned, or settled without a ballot): what the
    /// deposit pool releases.
    pub fn release_reward(&mut self) -> u64 {
        std::mem::take(&mut self.reward_reserved)
    }

    /// End of a blind claim's reveal window (`voting_end` for an open claim).
    pub fn reveal_end(&self) -> Result<i64> {
        self.voting_end
            .checked_add(i64::from(self.reveal_period))
            .or_overflow()
    }

    pub fn cooldown_end(&self) -> Result<i64> {
        self.reveal_end()?
            .checked_add(i64::from(self.cooldown))
            .or_overflow()
    }

    /// End of the redemption window on the claim's clock: until then the backing stake pays
    /// (up to its cover's `backing_until`); an accepted claim stays payable after it, by the
    /// capital pool.
    pub fn redemption_end(&self) -> Result<i64> {
        self.cooldown_end()?
            .checked_add(i64::from(self.redemption_window))
            .or_overflow()
    }

    /// Where the claim stands at `now` (on its clock: a claims pause stops it).
    pub fn status(&self, config: &Config, now: i64) -> Result<ClaimStatus> {
        self.status_on_clock(self.clock(config, now)?)
    }

    /// Where the claim stands when its own clock reads `now`.
    pub fn status_on_clock(&self, now: i64) -> Result<ClaimStatus> {
        Ok(if now < self.voting_end {
            ClaimStatus::Voting
        } else if now < self.reveal_end()? {
            ClaimStatus::Reveal
        } else if now < self.cooldown_end()? {
            ClaimStatus::Cooldown {
                accepted: self.accepted(),
            }
        } else {
            ClaimStatus::Final {
                accepted: self.accepted(),
            }
        })
    }

    /// Records a vote of `weight` at `now` (on the claim's clock). The first accepting vote
    /// opens a full voting period from itself, so deniers get one to answer it (Nexus Mutual v2's rule); every vote that
    /// flips the outcome within the last `silent_ending` seconds pushes the end to
    /// `silent_ending` after it, so the side that loses the lead can answer. Both stop at
    /// `latest_voting_end`: a flip in the last `silent_ending` before it gets only what is left.
    pub fn record_vote(&mut self, accept: bool, weight: u64, now: i64) -> Result<()> {
        let before = self.voted_accept();
        if accept && self.accept_weight == 0 {
            let full = now
                .checked_add(i64::from(self.voting_period))
                .or_overflow()?;
            self.voting_end = self.voting_end.max(full.min(self.latest_voting_end));
        }
        if accept {
            self.accept_weight = self.accept_weight.checked_add(weight).or_overflow()?;
        } else {
            self.deny_weight = self.deny_weight.checked_add(weight).or_overflow()?;
        }
        self.voters = self.voters.checked_add(1).or_overflow()?;
        let silent = i64::from(self.silent_ending);
        if before != self.voted_accept() && self.voting_end - now < silent {
            self.voting_end = now
                .checked_add(silent)
                .or_overflow()?
                .min(self.latest_voting_end);
        }
        Ok(())
    }

    /// Records a blind ballot's commitment: one voter more, no weight until it is revealed.
    pub fn record_commit(&mut self) -> Result<()> {
        self.voters = self.voters.checked_add(1).or_overflow()?;
        Ok(())
    }

    /// Counts a revealed blind ballot of `weight` for `accept` (no extension: nobody saw a
    /// lead while voting).
    pub fn record_reveal(&mut self, accept: bool, weight: u64) -> Result<()> {
        let side = if accept {
            &mut self.accept_weight
        } else {
            &mut self.deny_weight
        };
        *side = side.checked_add(weight).or_overflow()?;
        Ok(())
    }

    /// Records the redemption of the accepted amount: `staker_paid` burnt from the backing
    /// stake, `capital_paid` from the capital pool, the rest owed from `debt_position` in the
    /// capital pool's queue. The claim closes if nothing is owed.
    pub fn record_redemption(
        &mut self,
        staker_paid: u64,
        capital_paid: u64,
        debt_position: u64,
    ) -> Result<()> {
        let paid = add(staker_paid, capital_paid)?;
        self.paid = true;
        self.staker_paid = staker_paid;
        self.capital_paid = capital_paid;
        self.paid_amount = paid;
        self.owed = sub(self.requested_amount, paid)?;
        self.debt_position = add(debt_position, capital_paid)?;
        self.closed = self.owed == 0;
        Ok(())
    }

    /// Records a payment of `amount` of what the capital pool owes on the claim.
    pub fn settle_debt(&mut self, amount: u64) -> Result<()> {
        self.owed = sub(self.owed, amount)?;
        self.capital_paid = add(self.capital_paid, amount)?;
        self.paid_amount = add(self.paid_amount, amount)?;
        self.debt_position = add(self.debt_position, amount)?;
        self.closed = self.owed == 0;
        Ok(())
    }

    /// Paid + owed is the accepted amount once redeemed (nothing before); a redeemed claim is
    /// closed exactly when nothing is owed.
    pub fn invariant(&self) -> Result<()> {
        let settled = if self.paid { self.requested_amount } else { 0 };
        require_invariant!(
            self.version == ACCOUNT_VERSION
                && self.voting_end <= self.latest_voting_end
                && self.staker_paid.checked_add(self.capital_paid) == Some(self.paid_amount)
                && self.paid_amount.checked_add(self.owed) == Some(settled)
                && (!self.paid || (self.accepted() && self.closed == (self.owed == 0)))
                && self.evidence_uri.len() <= MAX_URI_LEN
                && self.overturn_uri.len() <= MAX_URI_LEN
                && (self.blind || self.reveal_period == 0),
            "a claim has the current version, its voting end is at most its latest, staker plus capital paid is what it paid, paid plus owed is what was settled, and only an accepted claim is paid (closed when nothing is owed), with short URIs and a reveal window only if blind"
        );
        require_invariant!(
            self.reward_reserved <= self.assessor_reward
                && self.ballots_settled <= self.voters
                && (self.ballots_settled < self.voters || self.voters == 0 || self.reward_reserved == 0),
            "a claim reserves at most its reward, settles at most its ballots, and holds nothing once all are settled"
        );
        Ok(())
    }
}
