//! Seeds, limits and default parameters. Every PDA seed of the program lives here so that
//! clients, tests and the program derive addresses from one source.

use anchor_lang::prelude::*;

/// `Config` PDA: `["config"]`. One per deployment.
pub const CONFIG_SEED: &[u8] = b"config";
/// The `Config` PDA of this program id (bump 255). Instructions check the config by this
/// address (a 32-byte compare) instead of re-deriving it (a 1,500 CU syscall); the unit test
/// below fails if the program id changes without this constant.
#[cfg(not(feature = "test-program-id"))]
pub const CONFIG_ADDRESS: Pubkey = pubkey!("6Lq4DP5ySowZkEkD8pMeGMcxSbW8L51djnNkXLhB63SM");
/// The `Config` PDA of the test build's id (see `crate::ID`).
#[cfg(feature = "test-program-id")]
pub const CONFIG_ADDRESS: Pubkey = pubkey!("3vdhRboaxszmoBCWSSq7ZBfEJAEpbYizuwtAJ4vBYz1L");
/// Assessment stake vault, a token account owned by the config PDA: `["assessment_vault"]`.
pub const ASSESSMENT_VAULT_SEED: &[u8] = b"assessment_vault";
/// `Product` PDA: `["product", product_id.to_le_bytes()]`.
pub const PRODUCT_SEED: &[u8] = b"product";
/// `Pool` PDA: `["pool", pool_id.to_le_bytes()]`. Also the token authority of the pool vault.
pub const POOL_SEED: &[u8] = b"pool";
/// Pool vault token account: `["vault", pool]`.
pub const VAULT_SEED: &[u8] = b"vault";
/// `PoolProduct` PDA: `["pool_product", pool, product_id.to_le_bytes()]`.
pub const POOL_PRODUCT_SEED: &[u8] = b"pool_product";
/// `StakePosition` PDA: `["position", pool, owner, position_id.to_le_bytes()]`. The position id
/// is chosen by the client so that deposits of different stakers never touch a shared counter.
pub const POSITION_SEED: &[u8] = b"position";
/// `TrancheArchive` PDA: `["tranche", pool, tranche_id.to_le_bytes()]`.
pub const TRANCHE_ARCHIVE_SEED: &[u8] = b"tranche";
/// `Cover` PDA: `["cover", payer, cover_nonce.to_le_bytes()]`. The payer picks the nonce, so
/// purchases never share a counter (a protocol integrating through CPI uses its own PDA).
pub const COVER_SEED: &[u8] = b"cover";
/// `Claim` PDA: `["claim", cover, claim_index.to_le_bytes()]` (index from the cover's counter).
pub const CLAIM_SEED: &[u8] = b"claim";
/// `Ballot` PDA: `["ballot", claim, assessor_owner]`; its existence is the double-vote guard.
pub const BALLOT_SEED: &[u8] = b"ballot";
/// `PanelMember` PDA: `["panel_member", product_id.to_le_bytes(), member]`: one designated
/// assessor of a product whose claims a panel decides.
pub const PANEL_MEMBER_SEED: &[u8] = b"panel_member";
/// `Assessor` PDA: `["assessor", owner]`.
pub const ASSESSOR_SEED: &[u8] = b"assessor";

/// `Proposal` PDA: `["proposal", proposal_id.to_le_bytes()]` (id from the config's counter).
pub const PROPOSAL_SEED: &[u8] = b"proposal";

/// `MintParams` PDA: `["mint_params", mint]`. Governance lists a mint by creating it.
pub const MINT_PARAMS_SEED: &[u8] = b"mint_params";
/// `CapitalPool` PDA: `["capital_pool", mint]`, one per mint. Also the token authority of the
/// capital vault and the mint authority of the share mint.
pub const CAPITAL_POOL_SEED: &[u8] = b"capital_pool";
/// Capital vault token account: `["capital_vault", mint]`.
pub const CAPITAL_VAULT_SEED: &[u8] = b"capital_vault";
/// Capital pool membership share mint (Token-2022, with metadata): `["capital_shares", mint]`.
pub const CAPITAL_SHARES_SEED: &[u8] = b"capital_shares";
/// `CapitalExit` PDA: `["capital_exit", capital_pool, member, exit_id.to_le_bytes()]`.
pub const CAPITAL_EXIT_SEED: &[u8] = b"capital_exit";

/// Basis-point denominator: every rate in the protocol is expressed in 1/10,000.
pub const BPS: u64 = 10_000;

/// Seconds in a day; every duration parameter is a multiple or fraction of it.
pub const SECONDS_PER_DAY: i64 = 86_400;

/// Length of a staking tranche (91 days, a quarter): stake is locked until its tranche ends.
pub const TRANCHE_DURATION: i64 = 91 * SECONDS_PER_DAY;

/// Deposits may target the current tranche or one of the next seven: at most eight tranches
/// hold active stake, which bounds the pool's tranche ring and every loop over it.
pub const MAX_ACTIVE_TRANCHES: usize = 8;

/// Length of an expiry bucket (28 days). Capacity and reward streams are released per bucket,
/// so expiry never needs per-cover work.
pub const BUCKET_DURATION: i64 = 28 * SECONDS_PER_DAY;

/// Buckets kept in a ring. Nothing can expire further ahead than the last active tranche
/// (8 x 91 = 728 days = 26 buckets), so 32 slots never wrap onto a pending bucket.
pub const BUCKET_RING: usize = 32;

/// Most pools one cover may be sourced from.
pub const MAX_COVER_POOLS: usize = 4;
/// Most `[pool, pool_product]` pairs one `quote_cover` prices: as many as fit one transaction
/// with its other accounts (its return data stays far below 1,024 bytes).
pub const MAX_QUOTE_POOLS: usize = 12;

/// Ceiling of the commission a distributor may add on top of the premium: 30%.
pub const MAX_COMMISSION_BPS: u16 = 3_000;

/// Seconds in the year that annual prices refer to.
pub const SECONDS_PER_YEAR: u64 = 365 * SECONDS_PER_DAY as u64;

/// Fixed-point scale of the reward rate (tokens per second) and the reward accumulator
/// (tokens per unit of reward weight), chosen so a stream of one base unit per year still moves
/// the accumulator while a u64 premium streamed over a day cannot overflow a u128.
pub const REWARD_SCALE: u128 = 1_000_000_000_000;

/// Longest grace period a product may give (a custody product uses 120 days in Nexus Mutual;
/// a year leaves room without letting a product pin stake forever).
pub const MAX_GRACE_PERIOD: u32 = 365 * SECONDS_PER_DAY as u32;

/// Shortest cover period the protocol sells (28 days, one expiry bucket).
pub const MIN_COVER_PERIOD: u32 = 28 * SECONDS_PER_DAY as u32;

/// Longest cooling-off a product may set: 14 days, half the shortest cover period, so every
/// cover has a part of its period in which an incident can be claimed.
pub const MAX_COOLING_OFF: u32 = 14 * SECONDS_PER_DAY as u32;

/// Longest cover period the protocol sells (365 days).
pub const MAX_COVER_PERIOD: u32 = 365 * SECONDS_PER_DAY as u32;

/// Highest annual price a product or pool may set: 100% of the covered amount per year.
pub const MAX_PRICE_BPS: u16 = 10_000;

/// A pool may not promise more than 100% of its weighted capacity to a single product.
pub const MAX_PRODUCT_WEIGHT: u16 = 100;

/// Ceiling for a pool manager's fee on the stakers' premium (Nexus Mutual uses the same bound).
pub const MAX_MANAGER_FEE_BPS: u16 = 2_000;

/// Longest product wording URI, in bytes; keeps `Product` a fixed size.
pub const MAX_URI_LEN: usize = 200;

/// Virtual shares and assets added to every tranche's totals when converting between
/// shares and assets. Together with the pool's own bookkeeping of stake (the vault balance is
/// never read for pricing) they keep a first or dust deposit from moving the share price.
pub const VIRTUAL_SHARES: u128 = 1;
/// See [`VIRTUAL_SHARES`].
pub const VIRTUAL_ASSETS: u128 = 1;

/// Pause bit: `buy_cover` and cover edits.
pub const PAUSE_BUY: u8 = 1 << 0;
/// Pause bit: `deposit_stake`, `extend_stake`.
pub const PAUSE_STAKE: u8 = 1 << 1;
/// Pause bit: `withdraw_stake` and reward claims (the emergency brake on outflows).
pub const PAUSE_WITHDRAW: u8 = 1 << 2;
/// Pause bit: `file_claim`, `vote`. While it is set, claims' clocks stop: their voting,
/// reveal and cooldown deadlines (and their covers' filing deadlines) move by the time paused.
pub const PAUSE_CLAIMS: u8 = 1 << 3;
/// Pause bit: `redeem_payout`.
pub const PAUSE_PAYOUTS: u8 = 1 << 4;
/// Every defined pause bit; other bits are rejected so a typo cannot look like a pause.
pub const PAUSE_ALL: u8 = PAUSE_BUY | PAUSE_STAKE | PAUSE_WITHDRAW | PAUSE_CLAIMS | PAUSE_PAYOUTS;
/// Number of pause families: the config keeps one pause clock per bit of `PAUSE_ALL`.
pub const PAUSE_FAMILIES: usize = 5;

/// Current layout version of every account type; bumped with a migration when a layout changes.
/// 2: allocations in backing units, effective weights, cover claim timings and ratios, the
/// pool's open-position count. 3: reward streams per cover class and rewards per share
/// (pool, tranche archive, stake position), products' initial price (CHANGELOG.md lists every
/// field). 4: assessor stake age, rewards and slashing. 5: pause clocks, the timelock, blind
/// ballots and designated assessors.
pub const ACCOUNT_VERSION: u8 = 5;

/// After its tranche has been over this long, anyone may withdraw a position for its owner
/// (paid to the owner's associated token account), so one position never withdrawn cannot
/// keep its tranche archive open and the archive payer's rent locked forever.
pub const ABANDONED_POSITION_DELAY: i64 = 30 * SECONDS_PER_DAY;

/// Default share of each premium streamed to the pool's stakers (Nexus Mutual: 50%).
pub const DEFAULT_STAKER_SHARE_BPS: u16 = 5_000;
/// Default share of each premium set aside for assessor rewards.
pub const DEFAULT_ASSESSMENT_SHARE_BPS: u16 = 1_000;
/// Default capacity multiple of eligible stake: 2.0x, in bps.
pub const DEFAULT_CAPACITY_RATIO_BPS: u32 = 20_000;
/// Bounds of the capacity ratio: at least 1x stake, at most 10x.
pub const MIN_CAPACITY_RATIO_BPS: u32 = 10_000;
/// See [`MIN_CAPACITY_RATIO_BPS`].
pub const MAX_CAPACITY_RATIO_BPS: u32 = 100_000;
/// Default ceiling of the sum of a pool's product weights (20 x 100, as in Nexus Mutual).
pub const DEFAULT_MAX_TOTAL_WEIGHT: u16 = 2_000;
/// Hard ceiling on the weight sum governance may allow.
pub const MAX_TOTAL_WEIGHT_LIMIT: u16 = 5_000;
/// Default price bump per 100% of capacity bought: 5%.
pub const DEFAULT_PRICE_BUMP_BPS: u16 = 500;
/// Default bumped-price decay per day: 2%.
pub const DEFAULT_PRICE_DECAY_BPS_PER_DAY: u16 = 200;
/// Default claim deposit as a share of the claimed amount: 0.5%.
pub const DEFAULT_CLAIM_DEPOSIT_BPS: u16 = 50;
/// Largest claim deposit rate governance may set: 10%.
pub const MAX_CLAIM_DEPOSIT_BPS: u16 = 1_000;
/// Default voting period: 3 days.
pub const DEFAULT_VOTING_PERIOD: u32 = 3 * SECONDS_PER_DAY as u32;
/// Default silent-ending extension: 1 day.
pub const DEFAULT_SILENT_ENDING: u32 = SECONDS_PER_DAY as u32;
/// Default hard cap of the silent-ending extensions: 3 × the default voting period (9 days),
/// so a claim's voting lasts at most 12 days however often late votes flip it.
pub const DEFAULT_SILENT_ENDING_CAP: u32 = 3 * DEFAULT_VOTING_PERIOD;
/// Default cooldown after voting, during which governance may overturn a fraudulent outcome.
pub const DEFAULT_COOLDOWN: u32 = SECONDS_PER_DAY as u32;
/// Reveal window after the voting of a claim on a blind-vote product: 1 day.
pub const DEFAULT_REVEAL_PERIOD: u32 = SECONDS_PER_DAY as u32;
/// Default redemption window after the cooldown: 30 days.
pub const DEFAULT_REDEMPTION_WINDOW: u32 = 30 * SECONDS_PER_DAY as u32;
/// Default extra lock of an assessor's stake after a vote can no longer matter: 14 days.
pub const DEFAULT_ASSESSOR_LOCK: u32 = 14 * SECONDS_PER_DAY as u32;
/// Default quorum: total vote weight (assessment-mint base units) a claim needs to be accepted.
pub const DEFAULT_QUORUM: u64 = 1_000_000;
/// Default share of the total assessor stake a claim's votes must reach (with the absolute
/// `quorum` as a floor): 10%, snapshotted at filing.
pub const DEFAULT_QUORUM_BPS: u16 = 1_000;
/// Highest share of the total assessor stake a quorum may ask: 50% (the total counts stake not
/// of voting age yet and the claimant's own, so a higher share could make acceptance
/// impossible).
pub const MAX_QUORUM_BPS: u16 = 5_000;
/// Default age assessor stake must reach before it counts as voting weight: 7 days, so weight
/// cannot be rented for one vote.
pub const DEFAULT_ASSESSOR_STAKE_AGE: u32 = 7 * SECONDS_PER_DAY as u32;
/// Default assessor reward per claim: 0.5% of the requested amount (at most the cover's
/// assessment share of premium for it), reserved at filing from the deposit pool's books.
pub const DEFAULT_ASSESSOR_REWARD_BPS: u16 = 50;
/// Default share of a ballot's weight slashed when governance overturns the outcome it voted
/// for: 50%.
pub const DEFAULT_SLASH_BPS: u16 = 5_000;
/// Default delay between a capital exit's request and its execution: 14 days (at least voting,
/// its silent-ending cap and the cooldown, 13 days by default, so a member cannot leave ahead
/// of a claim it sees being voted on).
pub const DEFAULT_CAPITAL_EXIT_DELAY: u32 = 14 * SECONDS_PER_DAY as u32;
/// Longest capital exit delay governance may set: 270 days, so the delay can always cover the
/// longest voting, silent ending and cooldown together.
pub const MAX_CAPITAL_EXIT_DELAY: u32 = 3 * MAX_CLAIM_TIMING;
/// Default minimum capital requirement: 100% of the leverage lines outstanding, so the
/// capital pool holds all the leverage it promised.
pub const DEFAULT_MCR_BPS: u16 = 10_000;
/// Bounds of the minimum capital requirement's share of the lines: 10%..=100% (lines at most
/// ten times the capital).
pub const MIN_MCR_BPS: u16 = 1_000;
/// See [`MIN_MCR_BPS`].
pub const MAX_MCR_BPS: u16 = 10_000;
/// Default protocol fee: 5% of each premium stays with the treasury; the part of the premium
/// that goes neither to stakers nor to assessors goes to the capital pool.
pub const DEFAULT_PROTOCOL_FEE_BPS: u16 = 500;
/// An unused leverage line lapses this long after its last grant: 7 days, so capital a pool
/// does not use goes back to its members within an exit delay.
pub const LEVERAGE_LINE_TTL: i64 = 7 * SECONDS_PER_DAY;
/// Longest capital share name, symbol and metadata URI, in bytes.
pub const MAX_SHARE_NAME_LEN: usize = 32;
/// See [`MAX_SHARE_NAME_LEN`].
pub const MAX_SHARE_SYMBOL_LEN: usize = 10;
/// Bounds for each claim timing parameter: at least an hour, at most 90 days.
pub const MIN_CLAIM_TIMING: u32 = 3_600;
/// See [`MIN_CLAIM_TIMING`].
pub const MAX_CLAIM_TIMING: u32 = 90 * SECONDS_PER_DAY as u32;

/// Default timelock between a governance proposal and its execution: 1 day (Nexus Mutual's).
pub const DEFAULT_TIMELOCK_DELAY: u32 = SECONDS_PER_DAY as u32;
/// Longest timelock governance may set: 30 days.
pub const MAX_TIMELOCK_DELAY: u32 = 30 * SECONDS_PER_DAY as u32;
/// A proposal not executed within this long after it became executable expires: an approved
/// change cannot be held back and sprung on members months later.
pub const PROPOSAL_EXECUTION_WINDOW: i64 = 14 * SECONDS_PER_DAY;
/// Largest panel a product may require for a claim (its `panel_quorum`, in members).
pub const MAX_PANEL_QUORUM: u16 = 100;
/// Most changes one proposal carries; bounds its account and its execution.
pub const MAX_PROPOSAL_CHANGES: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_address_is_the_config_pda() {
        let (address, bump) = Pubkey::find_program_address(&[CONFIG_SEED], &crate::ID);
        assert_eq!(address, CONFIG_ADDRESS);
        assert_eq!(bump, 255);
    }
}
