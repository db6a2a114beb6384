use crate::constants::*;
use crate::error::{require_invariant, BulwarkError};
use crate::math::bps::Bps;
use crate::math::shares::{assets_for_shares, shares_for_deposit};
use crate::math::OrOverflow;
use crate::math::{add, sub};
use anchor_lang::prelude::*;

/// The mutual's capital on one mint (Nexus Mutual's capital pool): members deposit the mint
/// and hold fungible membership shares (a Token-2022 mint with metadata,
/// `["capital_shares", mint]`, whose mint authority is this account). It is the collateral
/// behind leverage and the payer of last resort of every accepted claim on the mint.
///
/// The share price is `(capital − owed) ÷ shares`, from these books (never the vault balance),
/// with a virtual share and unit of capital against a first depositor setting the price;
/// conversions round down, against the member.
#[account]
#[derive(InitSpace, Debug)]
pub struct CapitalPool {
    pub version: u8,
    pub bump: u8,
    pub vault_bump: u8,
    pub share_mint_bump: u8,
    /// Minimum capital requirement as a share of the leverage lines outstanding, bps.
    pub mcr_bps: u16,
    pub mint: Pubkey,
    /// Token account of `mint` owned by this account: `["capital_vault", mint]`.
    pub vault: Pubkey,
    pub share_mint: Pubkey,
    /// SPL Token or Token-2022: the owner of `mint` (the share mint is always Token-2022).
    pub token_program: Pubkey,
    /// Tokens the pool's books hold (the vault holds at least this): the members' capital and
    /// what is reserved for the claims it owes.
    pub capital: u64,
    /// Accepted claim amounts ever recorded as owed by this pool: the end of its debt queue.
    /// Each owed claim holds a place in it (`Claim::debt_position`) and is paid in that order.
    pub debt_issued: u64,
    /// Of `debt_issued`, what has been paid.
    pub debt_paid: u64,
    /// Shares outstanding, those of pending exits included (they are burnt at the request but
    /// still share in the capital until the exit executes).
    pub shares: u64,
    /// Shares of exits requested and not yet executed.
    pub exiting_shares: u64,
    /// Minimum capital requirement's floor.
    pub min_capital: u64,
    /// Leverage lines outstanding: what the staking pools of this mint may sell, or have sold,
    /// above 1x their stake (Σ `LeverageLine::booked`).
    pub lines: u64,
    /// Premium shares received from the staking pools, in all.
    pub premiums_received: u64,
    /// Paid on claims, in all.
    pub claims_paid: u64,
    pub reserved: [u8; 96],
}

impl CapitalPool {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// Accepted claim amounts recorded and not yet paid.
    pub fn owed(&self) -> u64 {
        self.debt_issued.saturating_sub(self.debt_paid)
    }

    /// What the members own: capital less what is owed to claimants.
    pub fn net_capital(&self) -> u64 {
        self.capital.saturating_sub(self.owed())
    }

    /// Shares minted for a deposit of `amount` at the current price, rounded down. A pool
    /// that owes at least what it holds sells no shares — not even a first one: they would buy
    /// its debts at a price its books cannot show; `contribute_capital` or premiums fund it.
    pub fn shares_for(&self, amount: u64) -> Result<u64> {
        let owed = self.owed();
        require!(
            self.capital > owed || (self.shares == 0 && owed == 0),
            BulwarkError::CapitalPoolInsolvent
        );
        let shares = shares_for_deposit(amount, self.net_capital(), u128::from(self.shares))?;
        u64::try_from(shares).or_overflow()
    }

    /// What `shares` are worth at the current price, rounded down.
    pub fn value_of(&self, shares: u64) -> Result<u64> {
        assets_for_shares(
            u128::from(shares),
            self.net_capital(),
            u128::from(self.shares),
        )
    }

    /// The minimum capital requirement: `mcr_bps` of the lines outstanding (rounded up), at
    /// least the floor.
    pub fn minimum_capital(&self) -> Result<u64> {
        let share = self.mcr()?.ceil_of(self.lines)?;
        Ok(share.max(self.min_capital))
    }

    /// The minimum capital requirement as a share of the lines.
    fn mcr(&self) -> Result<Bps> {
        Bps::of_valid(self.mcr_bps)
    }

    /// Capital above the minimum requirement: the most a new line may add.
    pub fn free_capital(&self) -> Result<u64> {
        Ok(self.net_capital().saturating_sub(self.minimum_capital()?))
    }

    /// Books a deposit of `amount` for `shares`.
    pub fn book_deposit(&mut self, amount: u64, shares: u64) -> Result<()> {
        self.capital = add(self.capital, amount)?;
        self.shares = add(self.shares, shares)?;
        Ok(())
    }

    /// Books capital added without shares.
    pub fn book_contribution(&mut self, amount: u64) -> Result<()> {
        self.capital = add(self.capital, amount)?;
        Ok(())
    }

    /// Books a premium share swept from a staking pool: the members' capital grows.
    pub fn book_premium(&mut self, amount: u64) -> Result<()> {
        self.capital = add(self.capital, amount)?;
        self.premiums_received = add(self.premiums_received, amount)?;
        Ok(())
    }

    /// Books an exit of `shares` paid `value`, refusing one that would take the members'
    /// capital below the minimum requirement.
    pub fn book_exit(&mut self, shares: u64, value: u64) -> Result<()> {
        let left = sub(self.net_capital(), value)?;
        require!(
            left >= self.minimum_capital()?,
            BulwarkError::BelowMinimumCapital
        );
        self.capital = sub(self.capital, value)?;
        self.shares = sub(self.shares, shares)?;
        self.exiting_shares = sub(self.exiting_shares, shares)?;
        Ok(())
    }

    /// Lines beyond what the members' capital carries at the requirement (after a loss): all
    /// of them below the floor, else those above `net × 10,000 ÷ mcr_bps`.
    pub fn excess_lines(&self) -> u64 {
        let net = self.net_capital();
        let carried = if net < self.min_capital {
            0
        } else {
            // An out-of-bounds requirement (the invariant refuses it) carries nothing.
            self.mcr().map_or(0, |mcr| mcr.whole_floor(net))
        };
        self.lines.saturating_sub(carried)
    }

    /// The crank's booking for one staking pool: returns `released` of its lines (what its
    /// cover no longer uses); takes back up to `unused` of its unused line while the lines
    /// exceed what the capital carries; otherwise grants it up to `wanted` more, within the
    /// capital above the requirement. Returns `(granted, clawed back)`.
    pub fn book_line(&mut self, released: u64, wanted: u64, unused: u64) -> Result<(u64, u64)> {
        self.lines = sub(self.lines, released)?;
        let clawed = self.excess_lines().min(unused);
        self.lines = sub(self.lines, clawed)?;
        let granted = if clawed > 0 {
            0
        } else {
            wanted.min(self.free_capital()?)
        };
        self.lines = add(self.lines, granted)?;
        Ok((granted, clawed))
    }

    /// Puts `amount` at the end of the debt queue; returns its place.
    pub fn record_debt(&mut self, amount: u64) -> Result<u64> {
        let position = self.debt_issued;
        self.debt_issued = add(self.debt_issued, amount)?;
        Ok(position)
    }

    /// What a debt of `owed` at `position` in the queue can be paid now: the queue is paid in
    /// order, and the capital held pays the debts from `debt_paid` on (those paid out of
    /// order — a later claim redeemed before an earlier one — were within it too).
    pub fn payable(&self, position: u64, owed: u64) -> u64 {
        let funded_until = self.debt_paid.saturating_add(self.capital);
        let end = position.saturating_add(owed);
        end.min(funded_until).saturating_sub(position).min(owed)
    }

    /// Books a payment of `amount` on debts.
    pub fn pay_debt(&mut self, amount: u64) -> Result<()> {
        self.capital = sub(self.capital, amount)?;
        self.debt_paid = add(self.debt_paid, amount)?;
        self.claims_paid = add(self.claims_paid, amount)?;
        Ok(())
    }

    pub fn invariant(&self) -> Result<()> {
        require_invariant!(
            self.version == ACCOUNT_VERSION
                && self.exiting_shares <= self.shares
                && self.debt_paid <= self.debt_issued
                && (MIN_MCR_BPS..=MAX_MCR_BPS).contains(&self.mcr_bps),
            "a capital pool has the current version, exiting shares at most its shares, debt paid at most issued, and its requirement within bounds"
        );
        Ok(())
    }
}

/// A member's request to leave: its shares were burnt at the request; it is paid, once
/// `ready_at` has come, the lower of their value then and at the request — so a member who
/// sees a loss coming cannot leave ahead of it, nor one who sees a premium sweep coming buy in
/// and out around it. `["capital_exit", capital_pool, member, exit_id]`.
#[account]
#[derive(InitSpace, Debug)]
pub struct CapitalExit {
    pub version: u8,
    pub bump: u8,
    pub capital_pool: Pubkey,
    pub member: Pubkey,
    pub exit_id: u64,
    pub shares: u64,
    /// The shares' value at the request's price.
    pub value_at_request: u64,
    pub requested_at: i64,
    /// Executable from this time on the claims clock: the delay covers the claims the member
    /// sees being decided, and a claims pause stops them, so it stops the delay too.
    pub ready_at: i64,
    /// The config's claims-paused seconds at the request (the start of that clock).
    pub claims_paused: u64,
    pub reserved: [u8; 24],
}

impl CapitalExit {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(capital: u64, owed: u64, shares: u64) -> CapitalPool {
        CapitalPool {
            version: ACCOUNT_VERSION,
            bump: 0,
            vault_bump: 0,
            share_mint_bump: 0,
            mint: Pubkey::default(),
            vault: Pubkey::default(),
            share_mint: Pubkey::default(),
            token_program: Pubkey::default(),
            mcr_bps: MAX_MCR_BPS,
            capital,
            debt_issued: owed,
            debt_paid: 0,
            shares,
            exiting_shares: 0,
            min_capital: 0,
            lines: 0,
            premiums_received: 0,
            claims_paid: 0,
            reserved: [0; 96],
        }
    }

    #[test]
    fn the_share_price_is_capital_less_what_is_owed() {
        let first = pool(0, 0, 0);
        assert_eq!(first.shares_for(1_000).unwrap(), 1_000);
        // 1,000 shares over 1,500 of capital of which 500 is owed: 1 share is worth 1.
        let owing = pool(1_500, 500, 1_000);
        assert_eq!(owing.value_of(100).unwrap(), 100);
        assert_eq!(owing.shares_for(100).unwrap(), 100);
        // Rounded down both ways: 3 shares over 2 units.
        let thin = pool(2, 0, 3);
        assert_eq!(thin.value_of(1).unwrap(), 0);
        assert_eq!(thin.shares_for(1).unwrap(), 1);
    }

    #[test]
    fn an_exit_may_not_take_capital_below_the_minimum() {
        let mut p = pool(1_000, 0, 1_000);
        p.min_capital = 600;
        p.exiting_shares = 500;
        assert_eq!(
            p.book_exit(500, 500).unwrap_err(),
            error!(BulwarkError::BelowMinimumCapital)
        );
        p.book_exit(400, 400).unwrap();
        assert_eq!((p.capital, p.shares, p.exiting_shares), (600, 600, 100));
    }

    #[test]
    fn debts_are_paid_in_queue_order() {
        // Two claims owe 100 each and the pool holds 150: the first is funded, the second
        // for half.
        let mut p = pool(150, 0, 0);
        let first = p.record_debt(100).unwrap();
        let second = p.record_debt(100).unwrap();
        assert_eq!((first, second), (0, 100));
        assert_eq!((p.payable(first, 100), p.payable(second, 100)), (100, 50));
        assert_eq!(p.net_capital(), 0);
        // The second takes its funded half first: the first stays funded in full.
        p.pay_debt(50).unwrap();
        assert_eq!((p.payable(first, 100), p.payable(150, 50)), (100, 0));
        p.pay_debt(100).unwrap();
        assert_eq!((p.capital, p.owed(), p.payable(150, 50)), (0, 50, 0));
        // A deposit funds the rest; what is left over is the members'.
        p.book_deposit(80, 80).unwrap();
        assert_eq!((p.payable(150, 50), p.net_capital()), (50, 30));
    }

    #[test]
    fn lines_stay_within_the_capital_above_the_requirement() {
        let mut p = pool(1_000, 0, 1_000);
        p.min_capital = 100;
        p.mcr_bps = 5_000;
        // Requirement 100 (the floor): 900 free.
        assert_eq!(p.book_line(0, u64::MAX, 0).unwrap(), (900, 0));
        // Requirement 450 on 900 of lines: 550 more.
        assert_eq!(p.minimum_capital().unwrap(), 450);
        assert_eq!(p.book_line(0, u64::MAX, 0).unwrap(), (550, 0));
        // 1,450 of lines need 725: a crank asking for 100 gets 100, and the requirement
        // never passes the capital however often it is asked.
        assert_eq!(p.book_line(0, 100, 0).unwrap(), (100, 0));
        for _ in 0..64 {
            p.book_line(0, u64::MAX, 0).unwrap();
            assert!(p.minimum_capital().unwrap() <= p.net_capital());
        }
        assert!(p.lines <= 2_000);
        // Released lines come back.
        assert_eq!(p.book_line(p.lines, 0, 0).unwrap(), (0, 0));
        assert_eq!((p.lines, p.minimum_capital().unwrap()), (0, 100));
        // After a loss the lines the capital no longer carries are taken back, as far as they
        // are unused: 800 of lines at 50% need 400; with 300 of capital, 200 go.
        p.book_line(0, 800, 0).unwrap();
        p.capital = 300;
        assert_eq!(p.excess_lines(), 200);
        assert_eq!(p.book_line(0, u64::MAX, 150).unwrap(), (0, 150));
        assert_eq!(p.book_line(0, u64::MAX, 500).unwrap(), (0, 50));
        assert_eq!(p.lines, 600);
        p.capital = 1_000;
        p.lines = 800;
        // An exit may not take the capital below the requirement of the lines.
        p.exiting_shares = 1_000;
        assert_eq!(
            p.book_exit(700, 700).unwrap_err(),
            error!(BulwarkError::BelowMinimumCapital)
        );
        p.book_exit(600, 600).unwrap();
    }
}
