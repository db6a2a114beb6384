//! Random operation sequences on a `Pool` and one of its `PoolProduct`s — deposits, stake moved
//! to a later tranche, purchases (`plan` + `apply_plan`), early releases (`CoverAllocation::take`
//! + `deallocate`), payout burns, stream additions per cover class, time (`roll_forward`) and
//! archived slots (`release_slot`, paying their positions' rewards) — checked after every step
//! against a plain model kept here: stake per tranche, every allocation with its release
//! bucket, the rewards streamed and paid, what every position is owed (never more than the
//! pool holds for rewards), and a capacity walk written again from the model's own numbers. A failing operation must leave both accounts as
//! they were (a transaction reverts), and nothing may panic.
//!
//! `cargo fuzz run state --features libfuzzer` explores; `cargo test` replays `corpus/state`.

use bulwark::constants::{MAX_ACTIVE_TRANCHES, REWARD_SCALE, SECONDS_PER_DAY, TRANCHE_DURATION};
use bulwark::math::buckets::bucket_at;
use bulwark::math::capacity::backing_for;
use bulwark::math::tranche::{ring_slot, tranche_at, tranche_end};
use bulwark::state::{CoverAllocation, CoverSchedule, Pool, PoolProduct, ProtocolParams};
use bytemuck::Zeroable;
use std::collections::BTreeMap;

/// Reads the fuzzer's bytes as numbers; zeros once they run out.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        *first
    }

    fn u64(&mut self) -> u64 {
        (0..8).fold(0, |n, _| (n << 8) | u64::from(self.byte()))
    }

    /// An amount spread over many orders of magnitude.
    fn amount(&mut self) -> u64 {
        let magnitude = u32::from(self.byte() % 64);
        self.u64() >> magnitude
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A stake position: its tranche, shares, the tranche's reward per share it last settled at
/// and what it was owed then.
struct Position {
    tranche: u64,
    shares: u128,
    checkpoint: u128,
    owed: u64,
}

impl Position {
    /// What the position has earned by the tranche's reward per share `per_share`.
    fn earned(&self, per_share: u128) -> u64 {
        let delta = per_share.wrapping_sub(self.checkpoint);
        let earned = bulwark::math::mul_div_floor(self.shares, delta, REWARD_SCALE)
            .expect("a position's rewards fit");
        self.owed + u64::try_from(earned).expect("a position's rewards fit a u64")
    }
}

/// A cover's part in this pool, with what the model recorded for it.
struct Cover {
    allocation: CoverAllocation,
    first_tranche: u64,
    release_bucket: u64,
}

struct World {
    now: i64,
    pool: Pool,
    product: PoolProduct,
    params: ProtocolParams,
    /// Stake per tranche still in the ring (live or ended, not released).
    stake: BTreeMap<u64, u64>,
    /// Backing units per (tranche, release bucket).
    backing: BTreeMap<(u64, u64), u64>,
    positions: Vec<Position>,
    covers: Vec<Cover>,
    rewards_reserved: u64,
    /// Rewards streamed in and paid out.
    streamed: u64,
    paid: u64,
    /// Whether a burn took stake from under live cover (the cumulative bound may then fail).
    burned: bool,
}

const GRACE: u32 = 35 * SECONDS_PER_DAY as u32;

impl World {
    fn new() -> Self {
        let now = 230 * TRANCHE_DURATION + 10 * SECONDS_PER_DAY;
        let mut pool = Pool::zeroed();
        pool.version = bulwark::constants::ACCOUNT_VERSION;
        pool.rewards_updated_at = now;
        pool.last_bucket = bucket_at(now).unwrap();
        pool.manager_fee_bps = 0;
        let mut product = PoolProduct::zeroed();
        product.version = bulwark::constants::ACCOUNT_VERSION;
        product.last_bucket = bucket_at(now).unwrap();
        product.target_weight = 100;
        product.effective_weight = 100;
        pool.total_effective_weight = 100;
        Self {
            now,
            pool,
            product,
            params: ProtocolParams::default(),
            stake: BTreeMap::new(),
            backing: BTreeMap::new(),
            positions: Vec::new(),
            covers: Vec::new(),
            rewards_reserved: 0,
            streamed: 0,
            paid: 0,
            burned: false,
        }
    }

    fn current(&self) -> u64 {
        tranche_at(self.now).unwrap()
    }

    /// The model's live stake of `tranche`: held by positions and not ended.
    fn live(&self, tranche: u64) -> u64 {
        if self.now >= tranche_end(tranche).unwrap() || self.shares_in(tranche) == 0 {
            return 0;
        }
        self.stake.get(&tranche).copied().unwrap_or(0)
    }

    fn shares_in(&self, tranche: u64) -> u128 {
        self.positions
            .iter()
            .filter(|p| p.tranche == tranche)
            .map(|p| p.shares)
            .sum()
    }

    fn backing_in(&self, tranche: u64) -> u64 {
        self.backing
            .range((tranche, 0)..=(tranche, u64::MAX))
            .map(|(_, b)| *b)
            .sum()
    }

    /// The capacity walk of SPEC §4.3, from the model's numbers: free cover per eligible
    /// tranche, the excess of over-allocated tranches carried into the later ones.
    fn free_capacity(&self, schedule: &CoverSchedule, ratio_bps: u32) -> u64 {
        let weight = u128::from(self.product.target_weight);
        let mut carry = 0u128;
        let mut free = 0u64;
        for tranche in schedule.current_tranche..=schedule.last_tranche {
            let allowed = u128::from(self.live(tranche)) * weight;
            let needed = u128::from(self.backing_in(tranche)) * 100 + carry;
            carry = needed.saturating_sub(allowed);
            if tranche >= schedule.first_tranche {
                let spare = u64::try_from(allowed.saturating_sub(needed) / 100).unwrap_or(u64::MAX);
                let cover = u128::from(spare) * u128::from(ratio_bps) / 10_000;
                free = free.saturating_add(u64::try_from(cover).unwrap_or(u64::MAX));
            }
        }
        free
    }

    fn step(&mut self, input: &mut Input) {
        let (pool, product) = (self.pool, self.product);
        let ok = match input.byte() % 9 {
            0 => self.deposit(input),
            1 => self.extend(input),
            2 => self.buy(input),
            3 => self.release_early(input),
            4 => self.burn(input),
            5 => self.warp(input),
            6 => self.stream(input),
            7 => self.release_slot(input),
            _ => self.set_weight(input),
        };
        if !ok {
            // A failed instruction reverts: the accounts are as they were.
            self.pool = pool;
            self.product = product;
        }
        self.check();
    }

    fn deposit(&mut self, input: &mut Input) -> bool {
        let tranche = self.current() + u64::from(input.byte()) % MAX_ACTIVE_TRANCHES as u64;
        let amount = input.amount().max(1) >> 8;
        if self.pool.roll_forward(self.now).is_err() {
            return false;
        }
        let Ok(shares) = self.pool.deposit(tranche, amount) else {
            return false;
        };
        let Ok(checkpoint) = self.pool.reward_per_share(tranche) else {
            return false;
        };
        self.forget_dust(tranche);
        *self.stake.entry(tranche).or_default() += amount;
        self.positions.push(Position {
            tranche,
            shares,
            checkpoint,
            owed: 0,
        });
        true
    }

    fn extend(&mut self, input: &mut Input) -> bool {
        if self.positions.is_empty() {
            return false;
        }
        let index = usize::from(input.byte()) % self.positions.len();
        let by = 1 + u64::from(input.byte()) % 7;
        let position = &self.positions[index];
        let (from, shares) = (position.tranche, position.shares);
        let to = (from + by).min(self.current() + MAX_ACTIVE_TRANCHES as u64 - 1);
        if to <= from || self.pool.roll_forward(self.now).is_err() {
            return false;
        }
        let Ok(old_per_share) = self.pool.reward_per_share(from) else {
            return false;
        };
        let owed = self.positions[index].earned(old_per_share);
        let Ok(moved) = self.pool.take_from_tranche(from, shares) else {
            return false;
        };
        let Ok(new_shares) = self.pool.deposit(to, moved) else {
            return false;
        };
        let Ok(checkpoint) = self.pool.reward_per_share(to) else {
            return false;
        };
        self.positions[index].shares = 0;
        self.forget_dust(to);
        let left = self.stake.get_mut(&from).expect("the model holds the tranche");
        assert!(moved <= *left, "moved more stake than the tranche holds");
        *left -= moved;
        *self.stake.entry(to).or_default() += moved;
        self.positions[index] = Position {
            tranche: to,
            shares: new_shares,
            checkpoint,
            owed,
        };
        true
    }

    fn buy(&mut self, input: &mut Input) -> bool {
        let period = (28 + u32::from(input.byte()) * 337 / 255) * SECONDS_PER_DAY as u32;
        let amount = input.amount() >> 4;
        let ratio = [10_000, 15_000, 20_000, 33_333, 100_000][usize::from(input.byte() % 5)];
        let Ok(schedule) = CoverSchedule::new(&self.params, GRACE, false, self.now, period) else {
            return false;
        };
        if self.pool.roll_forward(self.now).is_err() || self.product.roll_forward(self.now).is_err() {
            return false;
        }
        self.forget_released();
        let Ok(plan) = self.product.plan(&self.pool, ratio, &schedule, amount) else {
            return false;
        };
        assert_eq!(
            plan.free_capacity,
            self.free_capacity(&schedule, ratio),
            "free capacity differs from the model's walk"
        );
        if amount == 0 || plan.free_capacity < amount || self.product.target_weight == 0 {
            return false;
        }
        let before = self.product.books(&self.pool, schedule.current_tranche);
        if self.product.apply_plan(&schedule, &plan).is_err() {
            return false;
        }
        let after = self.product.books(&self.pool, schedule.current_tranche);
        let weight = self.product.effective_weight;
        assert!(
            after.shortfall(weight) <= before.shortfall(weight),
            "a purchase added to the capacity shortfall"
        );
        assert_eq!(plan.tranche_amounts.iter().sum::<u64>(), amount);
        for (k, (amount, backing)) in plan.tranche_amounts.iter().zip(plan.tranche_backing).enumerate() {
            assert_eq!(backing, backing_for(*amount, ratio).unwrap());
            if backing > 0 {
                *self
                    .backing
                    .entry((schedule.first_tranche + k as u64, schedule.release_bucket))
                    .or_default() += backing;
            }
        }
        // The stakers' share of its premium streams to its class; a purchase the capacity
        // walk accepted must never be refused here (that would be a purchase stuck on the
        // pool's own books).
        let stakers_share = amount / 100;
        self.pool
            .add_stream(
                self.now,
                stakers_share,
                schedule.first_tranche,
                schedule.stream_until_bucket,
            )
            .expect("a sold cover's stream is accepted");
        self.rewards_reserved += stakers_share;
        self.streamed += stakers_share;
        self.covers.push(Cover {
            allocation: CoverAllocation {
                amount,
                ratio_bps: ratio,
                tranche_amounts: plan.tranche_amounts,
                ..CoverAllocation::default()
            },
            first_tranche: schedule.first_tranche,
            release_bucket: schedule.release_bucket,
        });
        true
    }

    /// Part of a cover released before its bucket (expired early, or paid out).
    fn release_early(&mut self, input: &mut Input) -> bool {
        if self.covers.is_empty() {
            return false;
        }
        let index = usize::from(input.byte()) % self.covers.len();
        if self.product.roll_forward(self.now).is_err() {
            return false;
        }
        self.forget_released();
        let cover = &mut self.covers[index];
        if cover.release_bucket <= self.product.last_bucket {
            return false;
        }
        let part = cover.allocation.amount / u64::from(input.byte().max(1));
        let mut allocation = cover.allocation;
        let Ok(released) = allocation.take(part) else {
            return false;
        };
        for (k, backing) in released.iter().enumerate() {
            let tranche = cover.first_tranche + k as u64;
            if self
                .product
                .deallocate(tranche, *backing, cover.release_bucket)
                .is_err()
            {
                return false;
            }
        }
        let (first, bucket) = (cover.first_tranche, cover.release_bucket);
        cover.allocation = allocation;
        for (k, backing) in released.iter().enumerate() {
            if *backing > 0 {
                let entry = self
                    .backing
                    .get_mut(&(first + k as u64, bucket))
                    .expect("the model recorded this backing");
                *entry -= backing;
            }
        }
        true
    }

    fn burn(&mut self, input: &mut Input) -> bool {
        let first = self.current() + u64::from(input.byte()) % MAX_ACTIVE_TRANCHES as u64;
        let amount = input.amount() >> 8;
        if self.pool.roll_forward(self.now).is_err() {
            return false;
        }
        let backing: u64 = (first..self.current() + MAX_ACTIVE_TRANCHES as u64)
            .map(|t| self.live(t))
            .sum();
        let Ok(burned) = self.pool.burn(first, amount) else {
            return false;
        };
        assert_eq!(burned, amount.min(backing), "burn took the wrong total");
        let mut taken = 0;
        for (tranche, stake) in self.stake.iter_mut() {
            let now_stake = self.pool.slot(*tranche).map_or(0, |s| s.stake);
            if *tranche >= first && self.now < tranche_end(*tranche).unwrap() {
                assert!(now_stake <= *stake);
                taken += *stake - now_stake;
                *stake = now_stake;
            } else {
                assert_eq!(now_stake, *stake, "burn touched a tranche that does not back");
            }
        }
        assert_eq!(taken, burned);
        self.burned |= burned > 0;
        true
    }

    fn warp(&mut self, input: &mut Input) -> bool {
        let seconds = (u64::from(input.byte()) << 16 | u64::from(input.byte()) << 8) as i64;
        self.now += seconds.min(120 * SECONDS_PER_DAY);
        if self.pool.roll_forward(self.now).is_err() || self.product.roll_forward(self.now).is_err() {
            panic!("roll_forward failed at {}", self.now);
        }
        self.forget_released();
        true
    }

    fn stream(&mut self, input: &mut Input) -> bool {
        let amount = input.amount() >> 16;
        let buckets = 1 + u64::from(input.byte()) % 26;
        let first_tranche = self.current() + u64::from(input.byte()) % MAX_ACTIVE_TRANCHES as u64;
        if self.pool.roll_forward(self.now).is_err() {
            return false;
        }
        let until = bucket_at(self.now).unwrap() + buckets;
        if self.pool.add_stream(self.now, amount, first_tranche, until).is_err() {
            return false;
        }
        self.rewards_reserved += amount;
        self.streamed += amount;
        true
    }

    /// An ended tranche archived and all its stake withdrawn.
    fn release_slot(&mut self, input: &mut Input) -> bool {
        let ended: Vec<u64> = self
            .stake
            .keys()
            .copied()
            .filter(|t| self.now >= tranche_end(*t).unwrap())
            .collect();
        if ended.is_empty() || self.pool.roll_forward(self.now).is_err() {
            return false;
        }
        let tranche = ended[usize::from(input.byte()) % ended.len()];
        let Ok(slot) = self.pool.release_slot(tranche) else {
            return false;
        };
        assert_eq!(slot.stake, self.stake[&tranche]);
        if self.pool.pay_out_stake(slot.stake).is_err() {
            return false;
        }
        // Its positions are withdrawn with every reward they earned: the pool must hold it.
        let rewards: u64 = self
            .positions
            .iter()
            .filter(|p| p.tranche == tranche)
            .map(|p| p.earned(slot.reward_per_share.get()))
            .sum();
        self.pool
            .pay_rewards(rewards)
            .expect("the pool holds every reward its positions earned");
        self.paid += rewards;
        self.rewards_reserved -= rewards;
        self.stake.remove(&tranche);
        self.positions.retain(|p| p.tranche != tranche);
        true
    }

    fn set_weight(&mut self, input: &mut Input) -> bool {
        let weight = u16::from(input.byte()) % 101;
        if self.pool.roll_forward(self.now).is_err() || self.product.roll_forward(self.now).is_err() {
            return false;
        }
        self.forget_released();
        self.product.target_weight = weight;
        let current = self.current();
        self.product
            .refresh_effective_weight(&mut self.pool, current)
            .is_ok()
    }

    /// A deposit into a ring slot no position holds shares of sends the stake left there
    /// (rounding dust of the slot's last tranche) to the treasury.
    fn forget_dust(&mut self, tranche: u64) {
        let orphans: Vec<u64> = self
            .stake
            .keys()
            .copied()
            .filter(|t| ring_slot(*t) == ring_slot(tranche) && self.shares_in(*t) == 0)
            .collect();
        for t in orphans {
            self.stake.remove(&t);
        }
    }

    /// Drops what the product's buckets have released by now.
    fn forget_released(&mut self) {
        let last = self.product.last_bucket;
        self.backing.retain(|(_, bucket), _| *bucket > last);
        self.covers.retain(|c| c.release_bucket > last);
    }

    fn check(&self) {
        self.pool.invariant().expect("pool invariant");
        self.product.invariant().expect("pool-product invariant");
        let mut pool = self.pool;
        let mut product = self.product;
        pool.roll_forward(self.now).expect("roll forward");
        product.roll_forward(self.now).expect("roll forward");
        let current = self.current();
        let last = product.last_bucket;
        for tranche in current..current + MAX_ACTIVE_TRANCHES as u64 {
            assert_eq!(pool.live_stake(tranche), self.live(tranche), "stake of {tranche}");
            let expected: u64 = self
                .backing
                .range((tranche, last + 1)..=(tranche, u64::MAX))
                .map(|(_, b)| *b)
                .sum();
            assert_eq!(product.allocation_in(tranche), expected, "backing of {tranche}");
        }
        assert_eq!(pool.total_stake, self.stake.values().sum::<u64>(), "total stake");
        // Streams whose tranches a burn emptied pay the capital pool instead; nothing else
        // leaves.
        assert!(pool.rewards_reserved <= self.rewards_reserved, "rewards reserved");
        assert!(
            self.rewards_reserved - pool.rewards_reserved <= pool.capital_accrued,
            "rewards left for the capital pool"
        );
        assert!(self.paid <= self.streamed);
        for stream in &pool.streams {
            let pending: u128 = stream.expiring.iter().map(|e| e.get()).sum();
            assert_eq!(stream.rate.get(), pending, "a stream's rate is what its ring still expires");
        }
        let mut owed: u64 = 0;
        for position in self.positions.iter().filter(|p| p.shares > 0) {
            let per_share = pool
                .reward_per_share(position.tranche)
                .expect("an open position's tranche is in the ring");
            owed += position.earned(per_share);
        }
        assert!(
            owed <= pool.rewards_reserved,
            "positions are owed {owed}, the pool holds {}",
            pool.rewards_reserved
        );
        if !self.burned {
            // Without a payout, the backing sold from any live tranche on never exceeds the
            // stake there (SPEC §5.11 at weight 100, whatever weights were set since).
            let books = product.books(&pool, current);
            assert_eq!(books.shortfall(100), 0, "backing above stake: {books:?}");
        }
    }
}

/// Runs the operations `data` encodes, checking the model after each.
pub fn run(data: &[u8]) {
    let mut input = Input(data);
    let mut world = World::new();
    let mut steps = 0;
    while !input.is_empty() && steps < 256 {
        world.step(&mut input);
        steps += 1;
    }
}
