//! `bulwark claim …`, `assessor stake`, `vote` and `redeem`: a claim from filing to payout.

use super::Session;
use crate::errors::{CliError, Result};
use crate::format::{date, hex};
use anchor_lang::prelude::Pubkey;
use bulwark::instructions::{FileClaimArgs, RevealVoteArgs, VoteArgs};
use bulwark::state::{Assessor, Ballot, Claim, ClaimStatus, Config, Cover};
use bulwark_sdk::builders::*;
use bulwark_sdk::flows;

/// Where `claim` stands at `now`, in words. `paused` is how far the claim's clock is behind
/// `now` (the seconds claims were paused since it was filed): its deadlines are shown in real
/// time, as they stand unless claims are paused again. `redeem_by` is the end (exclusive) of
/// its payout's redemption: the claim's window, cut short by the cover's backing.
pub fn claim_status(claim: &Claim, paused: i64, redeem_by: i64, now: i64) -> Result<String> {
    let on_clock = |claim_time: i64| date(claim_time + paused);
    let outcome = |accepted| if accepted { "accepted" } else { "denied" };
    let so_far = match claim.voters {
        0 => "no votes yet".to_string(),
        _ => format!("{} so far", outcome(claim.voted_accept())),
    };
    let status = claim
        .status_on_clock(now - paused)
        .map_err(|e| CliError(e.to_string()))?;
    Ok(match status {
        ClaimStatus::Voting if claim.voting_end < claim.latest_voting_end => format!(
            "voting until {} ({so_far}; a late vote that flips it extends voting, at most to {})",
            on_clock(claim.voting_end),
            on_clock(claim.latest_voting_end)
        ),
        ClaimStatus::Voting if claim.blind => format!(
            "blind voting until {} ({} ballot(s) committed), then revealed until {}",
            on_clock(claim.voting_end),
            claim.voters,
            on_clock(claim.reveal_end().map_err(|e| CliError(e.to_string()))?)
        ),
        ClaimStatus::Voting => format!("voting until {} ({so_far})", on_clock(claim.voting_end)),
        ClaimStatus::Reveal => format!(
            "revealing until {} ({} ballot(s) committed; {})",
            on_clock(claim.reveal_end().map_err(|e| CliError(e.to_string()))?),
            claim.voters,
            match claim.accept_weight.saturating_add(claim.deny_weight) {
                0 => "none revealed yet".to_string(),
                _ => format!("{} so far", outcome(claim.voted_accept())),
            }
        ),
        ClaimStatus::Cooldown { accepted } => format!(
            "{} (cooldown until {})",
            outcome(accepted),
            on_clock(claim.cooldown_end().map_err(|e| CliError(e.to_string()))?)
        ),
        ClaimStatus::Final { accepted: true } if claim.paid && claim.owed == 0 => {
            "accepted and paid".into()
        }
        ClaimStatus::Final { accepted: true } if claim.paid => format!(
            "accepted; {} owed by the capital pool, paid in its queue order as capital arrives \
             (`bulwark redeem`)",
            claim.owed
        ),
        ClaimStatus::Final { accepted: true } if now < redeem_by => format!(
            "accepted; redeem before {} for the backing stake to pay its part (the capital \
             pool alone pays after)",
            date(redeem_by)
        ),
        ClaimStatus::Final { accepted: true } => format!(
            "accepted; the backing stake was free from {}: the capital pool pays it (`bulwark \
             redeem`)",
            date(redeem_by)
        ),
        ClaimStatus::Final { accepted: false } if claim.closed => {
            "denied; deposit forfeited to the assessors".into()
        }
        ClaimStatus::Final { accepted: false } => "denied".into(),
    })
}

impl Session<'_> {
    pub async fn claim_file(
        &mut self,
        cover_address: &Pubkey,
        amount: &str,
        incident_time: Option<i64>,
        evidence_uri: String,
        evidence_hash: [u8; 32],
    ) -> Result<Pubkey> {
        let cover: Cover = self.load(cover_address, "cover").await?;
        let amount = self.amount(&cover.mint, amount).await?;
        let me = self.me();
        let (from, _) = self.token_account(&me, &cover.mint).await?;
        let incident_time = match incident_time {
            Some(time) => time,
            None => self.now().await?,
        };
        let args = FileClaimArgs {
            amount,
            incident_time,
            evidence_hash,
            evidence_uri,
        };
        let (claim, ix) =
            flows::file_claim(&mut *self.transport, &me, cover_address, &from, args).await?;
        self.send(&[ix], &[]).await?;
        say!(self, "claim {claim} filed");
        Ok(claim)
    }

    pub async fn claim_show(&mut self, address: &Pubkey) -> Result<()> {
        let claim: Claim = self.load(address, "claim").await?;
        let config: Config = self.load(&config_pda(), "config").await?;
        let now = self.now().await?;
        let paused = now
            - claim
                .clock(&config, now)
                .map_err(|e| CliError(e.to_string()))?;
        let redemption_end = claim
            .redemption_end()
            .map_err(|e| CliError(e.to_string()))?
            + paused;
        // `redeem_payout` also stops at the cover's `backing_until`, after which its backing
        // stake may be withdrawn. A claimed cover is never closed (`CoverHasClaims`).
        let cover: Cover = self.load(&claim.cover, "cover").await?;
        let redeem_by = redemption_end.min(cover.backing_until);
        let status = claim_status(&claim, paused, redeem_by, now)?;
        let mint = claim.mint;
        let requested = self.show_amount(&mint, claim.requested_amount).await?;
        let paid = self.show_amount(&mint, claim.paid_amount).await?;
        let staker_paid = self.show_amount(&mint, claim.staker_paid).await?;
        let capital_paid = self.show_amount(&mint, claim.capital_paid).await?;
        let owed = self.show_amount(&mint, claim.owed).await?;
        let deposit = self.show_amount(&mint, claim.deposit).await?;
        let accept = claim.accept_weight;
        let deny = claim.deny_weight;
        say!(
            self,
            "claim {address} #{} on cover {}",
            claim.index,
            claim.cover
        );
        say!(self, "  status: {status}");
        say!(
            self,
            "  claimant {}  requested {requested}  paid {paid}  deposit {deposit}",
            claim.claimant
        );
        if claim.paid {
            say!(
                self,
                "  paid by the backing stake {staker_paid}, by the capital pool {capital_paid}; \
                 owed {owed}"
            );
        }
        say!(
            self,
            "  votes: {} voter(s), accept {accept}, deny {deny}, quorum {}",
            claim.voters,
            claim.quorum
        );
        say!(
            self,
            "  incident {}  filed {}  voting until {} (at most {})",
            date(claim.incident_time),
            date(claim.filed_at),
            date(claim.voting_end + paused),
            date(claim.latest_voting_end + paused)
        );
        let reward = self.show_amount(&mint, claim.assessor_reward).await?;
        let reserved = self.show_amount(&mint, claim.reward_reserved).await?;
        let side = match claim.rewarded_side() {
            Some(true) => "the accepting side",
            Some(false) => "the denying side",
            None => "no side",
        };
        say!(
            self,
            "  assessor reward {reward} for {side} ({reserved} still reserved); {} of {} \
             ballot(s) settled",
            claim.ballots_settled,
            claim.voters
        );
        if claim.overturned {
            say!(
                self,
                "  overturned by governance: {}; ballots for the voters' outcome lose {}.{:02}% \
                 of their weight",
                claim.overturn_uri,
                claim.slash_bps / 100,
                claim.slash_bps % 100
            );
        }
        say!(self, "  evidence {}", claim.evidence_uri);
        Ok(())
    }

    pub async fn vote(
        &mut self,
        claim: &Pubkey,
        accept: bool,
        (reason_hash, reason_uri): ([u8; 32], String),
    ) -> Result<()> {
        let me = self.me();
        let args = VoteArgs {
            accept,
            reason_hash,
            reason_uri,
        };
        let ix = flows::vote(&mut *self.transport, &me, claim, args).await?;
        self.send(&[ix], &[]).await?;
        say!(
            self,
            "voted to {} claim {claim}",
            if accept { "accept" } else { "deny" }
        );
        Ok(())
    }

    /// The wallet's salt for its blind ballot on `claim`: derived from its secret key, so the
    /// same wallet finds it again to reveal, and nobody else can.
    fn salt(&self, claim: &Pubkey) -> [u8; 32] {
        solana_sha256_hasher::hashv(&[
            b"bulwark ballot salt",
            self.wallet.secret_bytes(),
            claim.as_ref(),
        ])
        .to_bytes()
    }

    pub async fn commit_vote(&mut self, claim: &Pubkey, accept: bool) -> Result<()> {
        let me = self.me();
        let salt = self.salt(claim);
        let ix = flows::commit_vote(&mut *self.transport, &me, claim, accept, &salt).await?;
        self.send(&[ix], &[]).await?;
        let state: Claim = self.load(claim, "claim").await?;
        let config: Config = self.load(&config_pda(), "config").await?;
        let now = self.now().await?;
        let paused = now
            - state
                .clock(&config, now)
                .map_err(|e| CliError(e.to_string()))?;
        let reveal_end = state.reveal_end().map_err(|e| CliError(e.to_string()))?;
        say!(
            self,
            "committed a blind vote to {} claim {claim}",
            if accept { "accept" } else { "deny" }
        );
        say!(
            self,
            "reveal it from {} until {} (`bulwark vote --claim {claim} --reveal`): a ballot not \
             revealed counts for nothing and earns nothing",
            date(state.voting_end + paused),
            date(reveal_end + paused)
        );
        say!(
            self,
            "salt {} (derived from this wallet; keep it to reveal from anywhere else)",
            hex(&salt)
        );
        Ok(())
    }

    /// Reveals the wallet's blind ballot on `claim` with `salt` (default: the wallet's), the
    /// choice being the one its commitment was made with.
    pub async fn reveal_vote(
        &mut self,
        claim: &Pubkey,
        salt: Option<[u8; 32]>,
        (reason_hash, reason_uri): ([u8; 32], String),
    ) -> Result<()> {
        let me = self.me();
        let salt = salt.unwrap_or_else(|| self.salt(claim));
        let ballot: Ballot = self.load(&ballot_pda(claim, &me), "ballot").await?;
        let accept = [true, false]
            .into_iter()
            .find(|accept| Ballot::commitment_of(claim, &me, *accept, &salt) == ballot.commitment)
            .ok_or_else(|| {
                CliError(format!(
                    "the salt matches neither choice of the ballot's commitment on claim {claim}"
                ))
            })?;
        let args = RevealVoteArgs {
            accept,
            salt,
            reason_hash,
            reason_uri,
        };
        self.send(&[reveal_vote(&me, claim, args)], &[]).await?;
        let config: Config = self.load(&config_pda(), "config").await?;
        let weight = self
            .show_amount(&config.assessment_mint, ballot.weight)
            .await?;
        say!(
            self,
            "revealed a vote to {} claim {claim} (weight {weight})",
            if accept { "accept" } else { "deny" }
        );
        Ok(())
    }

    /// Settles `voter`'s (default: the wallet's) ballot on a final claim and says what it
    /// paid or slashed.
    pub async fn settle(&mut self, claim_address: &Pubkey, voter: Option<Pubkey>) -> Result<()> {
        let voter = voter.unwrap_or_else(|| self.me());
        let claim: Claim = self.load(claim_address, "claim").await?;
        let ballot: Ballot = self
            .load(&ballot_pda(claim_address, &voter), "ballot")
            .await?;
        let assessor = assessor_pda(&voter);
        let before: Assessor = self.load(&assessor, "assessor").await?;
        let me = self.me();
        let ixs =
            flows::settle_ballot(&mut *self.transport, &me, claim_address, &voter, None).await?;
        self.send(&ixs, &[]).await?;
        if claim.slashable(&ballot) {
            let after: Assessor = self.load(&assessor, "assessor").await?;
            say!(
                self,
                "ballot of {voter} on claim {claim_address} slashed: {} base units of \
                 assessment stake to the treasury",
                before.staked - after.staked
            );
        } else {
            let reward = claim
                .reward_of(&ballot)
                .map_err(|e| CliError(e.to_string()))?;
            let reward = self.show_amount(&claim.mint, reward).await?;
            say!(
                self,
                "ballot of {voter} on claim {claim_address} settled: reward {reward}"
            );
        }
        Ok(())
    }

    /// Redeems an accepted claim, or — once redeemed — pays what the capital pool can of what
    /// it still owes on it.
    pub async fn redeem(&mut self, claim_address: &Pubkey) -> Result<()> {
        let claim: Claim = self.load(claim_address, "claim").await?;
        let cover: Cover = self.load(&claim.cover, "cover").await?;
        let me = self.me();
        let ixs = flows::redeem(&mut *self.transport, &me, claim_address, None, None).await?;
        self.send(&ixs, &[]).await?;
        let (owner_token, _) = self.token_account(&cover.owner, &cover.mint).await?;
        let after: Claim = self.load(claim_address, "claim").await?;
        let mint = cover.mint;
        let paid = self
            .show_amount(&mint, after.paid_amount - claim.paid_amount)
            .await?;
        let staker = self.show_amount(&mint, after.staker_paid).await?;
        let capital = self.show_amount(&mint, after.capital_paid).await?;
        let owed = self.show_amount(&mint, after.owed).await?;
        say!(
            self,
            "paid {paid} to {} ({owner_token}); in all the backing stake paid {staker}, the \
             capital pool {capital}; owed {owed}",
            cover.owner
        );
        Ok(())
    }

    pub async fn assessor_stake(&mut self, amount: &str) -> Result<()> {
        let config = self.config().await?;
        let mint = config.assessment_mint;
        let amount = self.amount(&mint, amount).await?;
        let token_program = self.mint(&mint).await?.token_program;
        let me = self.me();
        let from = self.require_tokens(&mint, amount).await?;
        let ix = stake_assessor(&me, &mint, &from, &token_program, amount);
        self.send(&[ix], &[]).await?;
        let shown = self.show_amount(&mint, amount).await?;
        say!(self, "staked {shown} as assessor {}", assessor_pda(&me));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulwark::constants::*;

    /// A claim filed at `START` with the default timing: voting 3 days (at most 4), cooldown
    /// 1 day, redemption 30 days.
    fn claim(accept: u64, deny: u64) -> Claim {
        let start = crate::scenario::START;
        Claim {
            version: ACCOUNT_VERSION,
            bump: 255,
            overturned: false,
            paid: false,
            closed: false,
            index: 0,
            cover: Pubkey::new_unique(),
            claimant: Pubkey::new_unique(),
            product_id: 0,
            mint: Pubkey::new_unique(),
            requested_amount: 10,
            paid_amount: 0,
            staker_paid: 0,
            capital_paid: 0,
            owed: 0,
            debt_position: 0,
            evidence_hash: [0; 32],
            evidence_uri: String::new(),
            overturn_uri: String::new(),
            deposit: 1,
            deposit_pool: Pubkey::new_unique(),
            filed_at: start,
            incident_time: start,
            voting_end: start + 3 * SECONDS_PER_DAY,
            latest_voting_end: start + 4 * SECONDS_PER_DAY,
            accept_weight: accept,
            deny_weight: deny,
            voters: 1,
            quorum: 1,
            cooldown: DEFAULT_COOLDOWN,
            redemption_window: DEFAULT_REDEMPTION_WINDOW,
            silent_ending: DEFAULT_SILENT_ENDING,
            voting_period: 3 * SECONDS_PER_DAY as u32,
            assessor_reward: 0,
            reward_reserved: 0,
            slash_bps: 0,
            ballots_settled: 0,
            claims_paused: 0,
            blind: false,
            panel: false,
            reveal_period: 0,
            reserved: [0; 24],
        }
    }

    #[test]
    fn claim_status_follows_the_claims_clock() {
        let start = crate::scenario::START;
        let day = SECONDS_PER_DAY;
        let accepted = claim(5, 0);
        let redeem_by = accepted.redemption_end().unwrap();
        let status = |c: &Claim, at: i64| claim_status(c, 0, redeem_by, at).unwrap();
        assert_eq!(
            status(&accepted, start),
            "voting until 2026-01-08 00:00 (accepted so far; a late vote that flips it extends \
             voting, at most to 2026-01-09 00:00)"
        );
        assert_eq!(
            status(&accepted, start + 3 * day),
            "accepted (cooldown until 2026-01-09 00:00)"
        );
        assert_eq!(
            status(&accepted, start + 4 * day),
            "accepted; redeem before 2026-02-08 00:00 for the backing stake to pay its part \
             (the capital pool alone pays after)"
        );
        // The redemption window is over: the capital pool alone pays it.
        assert_eq!(
            status(&accepted, start + 34 * day),
            "accepted; the backing stake was free from 2026-02-08 00:00: the capital pool pays \
             it (`bulwark redeem`)"
        );
        let owing = Claim {
            paid: true,
            owed: 4,
            paid_amount: 6,
            capital_paid: 6,
            ..claim(5, 0)
        };
        assert_eq!(
            status(&owing, start + 40 * day),
            "accepted; 4 owed by the capital pool, paid in its queue order as capital arrives \
             (`bulwark redeem`)"
        );
        let paid = Claim {
            paid: true,
            closed: true,
            paid_amount: 10,
            staker_paid: 10,
            ..claim(5, 0)
        };
        assert_eq!(status(&paid, start + 40 * day), "accepted and paid");
        let extended = Claim {
            voting_end: start + 4 * day,
            ..claim(1, 3)
        };
        assert_eq!(
            status(&extended, start),
            "voting until 2026-01-09 00:00 (denied so far)"
        );
        let denied = Claim {
            closed: true,
            ..claim(1, 3)
        };
        assert_eq!(
            status(&denied, start + 5 * day),
            "denied; deposit forfeited to the assessors"
        );
        assert_eq!(status(&claim(1, 3), start + 5 * day), "denied");
    }
}
