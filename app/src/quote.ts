// Quotes and routing (sdk/src/quote.rs ported): which pools to buy a cover from and what it
// costs. The program prices each pool's part from that pool's state before the purchase, so
// filling the amount greedily over the pools with the lowest current price is the cheapest
// split it sells. Pool and pool-product state is rolled forward to `now` the way `buy_cover`
// rolls it (ended tranches stop backing, expired allocations are released) before planning.

import { getAddressEncoder, type Address } from "@solana/kit";
import {
  BPS,
  BUCKET_RING,
  MAX_ACTIVE_TRANCHES,
  MAX_COVER_POOLS,
  MAX_PRODUCT_WEIGHT,
} from "./constants";
import type { CapitalPool, Config, Pool, PoolProduct, PoolQuote, Product } from "./generated";
import {
  backingFor,
  backingX100,
  bpsOf,
  bucketAt,
  bucketSlot,
  coverForBacking,
  coverSchedule,
  currentPrice,
  leverageRatio,
  premium,
  ringSlot,
  saturatingAddU64,
  trancheEnd,
  unscaleX100,
  weightedStakeX100,
  type CoverSchedule,
} from "./math";

/** A pool that may sell the product, as fetched from the chain. */
export interface PoolState {
  address: Address;
  pool: Pool;
  poolProduct: PoolProduct;
}

/** What `buy_cover` would charge for a route. */
export interface Quote {
  /** The mint of every pool in the route: the premium is paid in it. */
  mint: Address;
  /** Pools in the order to pass them to `buy_cover`. */
  parts: PoolQuote[];
  premium: bigint;
  /** Distributor commission the quote adds, bps of the premium (`buyCover` passes it on). */
  commissionBps: number;
  commission: bigint;
  /** Premium plus commission: the least `maxPremium` that lets the purchase through. */
  cost: bigint;
  /**
   * Pools whose leverage line the quote counted a `grant_leverage` crank for (those a crank
   * changes, up to the last routed pool's): `buyCover` sends them, in this order, before the
   * purchase.
   */
  cranks: Address[];
}

export class InsufficientCapacityError extends Error {
  constructor(
    readonly requested: bigint,
    readonly available: bigint,
  ) {
    super(`not enough capacity: ${requested} requested, ${available} available`);
    this.name = "InsufficientCapacityError";
  }
}

/** Stake of `trancheId` that can back cover at `now`: held in the ring and not yet ended. */
function liveStake(pool: Pool, trancheId: bigint, now: bigint): bigint {
  const slot = pool.tranches[ringSlot(trancheId)];
  const held = slot.trancheId === trancheId && slot.shares.le.some((byte) => byte !== 0);
  return held && slot.ended === 0 && trancheEnd(trancheId) > now ? slot.stake : 0n;
}

/** Backing units allocated per tranche slot after releasing every bucket started by `now`. */
function allocatedAt(poolProduct: PoolProduct, now: bigint): bigint[] {
  const allocated = [...poolProduct.allocated];
  const current = bucketAt(now);
  let bucket = poolProduct.lastBucket;
  for (let walked = 0; bucket < current && walked < BUCKET_RING; walked++) {
    bucket += 1n;
    poolProduct.expiring[bucketSlot(bucket)].forEach((released, k) => {
      allocated[k] -= released;
    });
  }
  return allocated;
}

/** How an amount of cover fits in a pool's eligible tranches (`AllocationPlan`). */
export interface AllocationPlan {
  /** Cover amount per tranche, `trancheAmounts[k]` in tranche `schedule.firstTranche + k`. */
  trancheAmounts: bigint[];
  /** Backing units those amounts occupy. */
  trancheBacking: bigint[];
  /** Cover all eligible tranches can back for the product (the price bump's base). */
  totalCapacity: bigint;
  /** Cover the eligible tranches can still back: what `buy_cover` sells from this pool. */
  freeCapacity: bigint;
}

/**
 * `PoolProduct::plan`: fills the eligible tranches of `schedule` in order with up to `amount`
 * of cover, on the state rolled forward to `schedule.start` (the purchase's `now`).
 *
 * Nexus Mutual's carry-over, walked from the current tranche: stake that left a tranche
 * (moved on by `extend_stake`) leaves its allocations behind, and what they need beyond the
 * stake still there is carried into the later tranches. In stake units scaled by 100:
 * `free(t) = max(0, cap(t) − alloc(t) − carry(t−1))`, `carry(t) = max(0, alloc(t) +
 * carry(t−1) − cap(t))`, with `cap(t) = stake(t) × weight`.
 */
export function plan(
  state: PoolState,
  capacityRatioBps: number,
  schedule: CoverSchedule,
  amount: bigint,
): AllocationPlan {
  const { pool, poolProduct } = state;
  const now = schedule.start;
  const allocated = allocatedAt(poolProduct, now);
  const allocationIn = (tranche: bigint) => {
    const slot = ringSlot(tranche);
    return poolProduct.allocationTrancheIds[slot] === tranche ? allocated[slot] : 0n;
  };
  const result: AllocationPlan = {
    trancheAmounts: new Array<bigint>(MAX_ACTIVE_TRANCHES).fill(0n),
    trancheBacking: new Array<bigint>(MAX_ACTIVE_TRANCHES).fill(0n),
    totalCapacity: 0n,
    freeCapacity: 0n,
  };
  let left = amount;
  let carry = 0n;
  let eligible = 0n;
  for (let tranche = schedule.currentTranche; tranche <= schedule.lastTranche; tranche++) {
    const cap = weightedStakeX100(liveStake(pool, tranche, now), poolProduct.targetWeight);
    const needed = backingX100(allocationIn(tranche)) + carry;
    carry = needed > cap ? needed - cap : 0n;
    if (tranche < schedule.firstTranche) continue;
    eligible += cap;
    const free = coverForBacking(unscaleX100(cap > needed ? cap - needed : 0n), capacityRatioBps);
    result.freeCapacity = saturatingAddU64(result.freeCapacity, free);
    const take = free < left ? free : left;
    if (take > 0n) {
      const k = Number(tranche - schedule.firstTranche);
      result.trancheAmounts[k] = take;
      result.trancheBacking[k] = backingFor(take, capacityRatioBps);
      left -= take;
    }
  }
  result.totalCapacity = coverForBacking(unscaleX100(eligible), capacityRatioBps);
  return result;
}

const U64_MAX = (1n << 64n) - 1n;

/** The unused leverage line of `pool` at `now`: nothing once it has lapsed. */
export function availableLine(pool: Pool, now: bigint): bigint {
  return now >= pool.line.expiresAt ? 0n : pool.line.available;
}

/** The leverage the pool's live cover still uses at `now`, after the buckets started by then. */
function usedLine(pool: Pool, now: bigint): bigint {
  let used = pool.line.used;
  const current = bucketAt(now);
  let bucket = pool.lastBucket;
  for (let walked = 0; bucket < current && walked < BUCKET_RING; walked++) {
    bucket += 1n;
    used -= pool.line.expiring[bucketSlot(bucket)];
  }
  return used;
}

/** `Pool::leverage_ceiling`: the most leverage the pool's live stake and weights could sell. */
function leverageCeiling(pool: Pool, now: bigint, ratioBps: number): bigint {
  let live = 0n;
  for (const slot of pool.tranches) live += liveStake(pool, slot.trancheId, now);
  const extra = BigInt(ratioBps) - BPS;
  const leverage =
    (live * BigInt(pool.totalEffectiveWeight) * (extra > 0n ? extra : 0n)) /
    (BPS * MAX_PRODUCT_WEIGHT);
  return leverage > U64_MAX ? U64_MAX : leverage;
}

/** The members' capital: what the pool holds less what it owes. */
function netCapital(capital: CapitalPool): bigint {
  const owed = capital.debtIssued - capital.debtPaid;
  return capital.capital > owed ? capital.capital - owed : 0n;
}

/** `CapitalPool::free_capital` with `lines` outstanding: capital above the requirement. */
function freeCapital(capital: CapitalPool, lines: bigint): bigint {
  const net = netCapital(capital);
  const share = (lines * BigInt(capital.mcrBps) + BPS - 1n) / BPS;
  const requirement = share > capital.minCapital ? share : capital.minCapital;
  return net > requirement ? net - requirement : 0n;
}

/** `CapitalPool::excess_lines` with `lines` outstanding: lines the capital no longer carries. */
function excessLines(capital: CapitalPool, lines: bigint): bigint {
  const net = netCapital(capital);
  const mcr = BigInt(capital.mcrBps > 0 ? capital.mcrBps : 1);
  const carried = net < capital.minCapital ? 0n : (net * BPS) / mcr;
  return lines > carried ? lines - carried : 0n;
}

/**
 * What `grant_leverage` with no limit would leave each pool's line at, cranked in the order of
 * `pools` at `now` (each crank returns what its line no longer holds, takes back unused line
 * the capital no longer carries, else takes what it can of the capital above the
 * requirement). Returns the unused line per pool and the pools a crank would change.
 */
export function crankedLines(
  capital: CapitalPool,
  pools: PoolState[],
  now: bigint,
  ratioBps: number,
): { lines: Map<Address, bigint>; cranks: Address[] } {
  let outstanding = capital.lines;
  const lines = new Map<Address, bigint>();
  const cranks: Address[] = [];
  for (const { address, pool } of pools) {
    const available = availableLine(pool, now);
    const held = available + usedLine(pool, now);
    const returned = pool.line.booked - held;
    outstanding -= returned;
    const excess = excessLines(capital, outstanding);
    const clawed = excess < available ? excess : available;
    outstanding -= clawed;
    const ceiling = leverageCeiling(pool, now, ratioBps);
    const room = ceiling > held ? ceiling - held : 0n;
    const free = freeCapital(capital, outstanding);
    const granted = clawed > 0n ? 0n : room < free ? room : free;
    outstanding += granted;
    lines.set(address, available - clawed + granted);
    if (granted > 0n || returned > 0n || clawed > 0n) cranks.push(address);
  }
  return { lines, cranks };
}

/**
 * `sdk::quote::sellable`: the most cover a pool sells now — at `maxRatioBps` as far as its
 * leverage line goes (an unused line lapses at `expiresAt`), at 1x beyond — checked against the
 * plan a purchase of it would make at that amount's own ratio.
 */
export function sellable(
  state: PoolState,
  maxRatioBps: number,
  schedule: CoverSchedule,
  line: bigint = availableLine(state.pool, schedule.start),
): bigint {
  const freeAt = (ratio: number) => plan(state, ratio, schedule, 0n).freeCapacity;
  const atMax = freeAt(maxRatioBps);
  const atOne = freeAt(Number(BPS)) + line;
  let amount = atMax < atOne ? atMax : atOne;
  for (let step = 0; step < MAX_ACTIVE_TRANCHES; step++) {
    const fits = freeAt(leverageRatio(amount, line, maxRatioBps));
    if (fits >= amount) return amount;
    amount = fits < amount - 1n ? fits : amount - 1n;
  }
  return freeAt(Number(BPS));
}

function compareBytes(a: Address, b: Address): number {
  const [x, y] = [getAddressEncoder().encode(a), getAddressEncoder().encode(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/**
 * Routes `amount` of cover on `product` for `period` seconds over the cheapest of `pools` on
 * `mint` (at most four; a cover is paid in one mint, so pools of other mints are left out), as
 * `buy_cover` would price it at `now` (the cluster's unix timestamp).
 */
export function quote(
  config: Config,
  product: Product,
  pools: PoolState[],
  mint: Address,
  amount: bigint,
  period: number,
  commissionBps: number,
  now: bigint,
  capital?: CapitalPool,
): Quote {
  const params = config.params;
  const schedule = coverSchedule(
    params,
    product.terms.gracePeriod,
    product.terms.blindVotes,
    now,
    period,
  );
  const onMint = pools.filter((state) => state.pool.mint === mint);
  const cranked = capital
    ? crankedLines(capital, onMint, now, params.capacityRatioBps)
    : { lines: new Map<Address, bigint>(), cranks: [] };
  const offers: { priceBps: bigint; free: bigint; pool: Address }[] = [];
  for (const state of pools) {
    const pp = state.poolProduct;
    if (
      state.pool.mint !== mint ||
      pp.pool !== state.address ||
      pp.productId !== product.id ||
      pp.targetWeight === 0
    ) {
      continue;
    }
    const free = sellable(
      state,
      params.capacityRatioBps,
      schedule,
      cranked.lines.get(state.address),
    );
    if (free === 0n) continue;
    const priceBps = currentPrice(
      pp.targetPriceBps,
      pp.bumpedPriceBps,
      pp.bumpedPriceUpdatedAt,
      now,
      params.priceDecayBpsPerDay,
      product.terms.minPriceBps,
      product.terms.fixedPrice,
    );
    offers.push({ priceBps, free, pool: state.address });
  }
  // Cheapest first; among equal prices the deepest pool, then the address bytes.
  offers.sort(
    (a, b) =>
      Number(a.priceBps - b.priceBps) ||
      (a.free === b.free ? 0 : a.free > b.free ? -1 : 1) ||
      compareBytes(a.pool, b.pool),
  );

  const parts: PoolQuote[] = [];
  let left = amount;
  for (const offer of offers.slice(0, MAX_COVER_POOLS)) {
    if (left === 0n) break;
    const take = offer.free < left ? offer.free : left;
    left -= take;
    parts.push({
      pool: offer.pool,
      amount: take,
      priceBps: offer.priceBps,
      premium: premium(take, offer.priceBps, period),
    });
  }
  if (left > 0n) throw new InsufficientCapacityError(amount, amount - left);
  const total = parts.reduce((sum, part) => sum + part.premium, 0n);
  const commission = bpsOf(total, commissionBps);
  // The cranks that change a line, in the order the simulation ran them, up to the last routed
  // pool's: a crank before a routed pool's may have returned capital that pool's line needs.
  const routed = new Set(parts.map((part) => part.pool));
  let last = cranked.cranks.length;
  while (last > 0 && !routed.has(cranked.cranks[last - 1])) last -= 1;
  const cranks = cranked.cranks.slice(0, last);
  return {
    mint,
    parts,
    premium: total,
    commissionBps,
    commission,
    cost: total + commission,
    cranks,
  };
}
