// The program's pricing and capacity math (programs/bulwark/src/math and CoverSchedule), ported
// to bigint with the same rounding and the same failures, so a quote equals what `buy_cover`
// charges and sells.

import {
  BPS,
  BUCKET_DURATION,
  BUCKET_RING,
  MAX_ACTIVE_TRANCHES,
  MAX_PRODUCT_WEIGHT,
  SECONDS_PER_DAY,
  SECONDS_PER_YEAR,
  TRANCHE_DURATION,
} from "./constants";
import {
  BULWARK_ERROR__INSUFFICIENT_CAPACITY,
  BULWARK_ERROR__INVALID_CAPACITY_RATIO,
  BULWARK_ERROR__INVALID_CLOCK,
  BULWARK_ERROR__MATH_OVERFLOW,
  getBulwarkErrorMessage,
  type BulwarkError,
  type ClaimTimings,
  type ProtocolParams,
} from "./generated";

const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;
const I64_MAX = (1n << 63n) - 1n;

/** The program error the same inputs would make the program fail with. */
export class BulwarkMathError extends Error {
  constructor(readonly code: BulwarkError) {
    super(getBulwarkErrorMessage(code));
    this.name = "BulwarkMathError";
  }
}

function fail(code: BulwarkError): never {
  throw new BulwarkMathError(code);
}

/** `a * b / c` rounded down; fails like the program when the product exceeds u128 or c = 0. */
export function mulDivFloor(a: bigint, b: bigint, c: bigint): bigint {
  const product = a * b;
  if (product > U128_MAX || c === 0n) fail(BULWARK_ERROR__MATH_OVERFLOW);
  return product / c;
}

/** `a * b / c` rounded up. */
export function mulDivCeil(a: bigint, b: bigint, c: bigint): bigint {
  const product = a * b;
  if (product > U128_MAX || c === 0n) fail(BULWARK_ERROR__MATH_OVERFLOW);
  return (product + c - 1n) / c;
}

export function toU64(value: bigint): bigint {
  if (value > U64_MAX) fail(BULWARK_ERROR__MATH_OVERFLOW);
  return value;
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

/**
 * Annual price (bps) the next buyer pays: the bumped price decayed for the time since it was
 * set (decay rounded down), never below the target nor the product's minimum.
 */
export function currentPrice(
  targetPriceBps: number,
  bumpedPriceBps: number,
  bumpedAt: bigint,
  now: bigint,
  decayBpsPerDay: number,
  minPriceBps: number,
  fixedPrice: boolean,
): bigint {
  const floor = BigInt(Math.max(targetPriceBps, minPriceBps));
  if (fixedPrice) return floor;
  const elapsed = max(now - bumpedAt, 0n);
  const decay = mulDivFloor(elapsed, BigInt(decayBpsPerDay), SECONDS_PER_DAY);
  return max(floor, toU64(max(BigInt(bumpedPriceBps) - decay, 0n)));
}

/** Premium for `amount` covered `period` seconds at `priceBps` a year, rounded up. */
export function premium(amount: bigint, priceBps: bigint, period: number): bigint {
  return toU64(mulDivCeil(amount * priceBps, BigInt(period), BPS * SECONDS_PER_YEAR));
}

/** Price after buying `amount` of `capacity`: bump rounded up, capped at 100% a year. */
export function bumpedPrice(
  priceBps: bigint,
  amount: bigint,
  capacity: bigint,
  bumpBps: number,
): bigint {
  if (capacity === 0n) fail(BULWARK_ERROR__INSUFFICIENT_CAPACITY);
  const bump = toU64(mulDivCeil(amount, BigInt(bumpBps), capacity));
  return min(priceBps + bump, BPS);
}

/** `value × shareBps / BPS`, rounded down (premium splits, fees, commission). */
export function bpsOf(value: bigint, shareBps: number): bigint {
  return toU64(mulDivFloor(value, BigInt(shareBps), BPS));
}

// ---- capacity (math/capacity.rs): allocations are in backing units, the stake they occupy ----

/** `a × b`, saturating at u128 (exact for every caller: both factors are below 2^64). */
const mulWide = (a: bigint, b: bigint) => min(a * b, U128_MAX);

/**
 * Stake occupied by `amount` of cover sold at `ratioBps` (20,000 = 2x), rounded up (against the
 * buyer); never above `amount`, the ratio being at least 1x.
 */
export function backingFor(amount: bigint, ratioBps: number): bigint {
  const ratio = BigInt(ratioBps);
  if (ratio < BPS) fail(BULWARK_ERROR__INVALID_CAPACITY_RATIO);
  return (mulWide(amount, BPS) + ratio - 1n) / ratio;
}

/** Cover that `backing` stake units buy at `ratioBps`, rounded down; saturates at u64. */
export function coverForBacking(backing: bigint, ratioBps: number): bigint {
  return min(mulWide(backing, BigInt(ratioBps)) / BPS, U64_MAX);
}

/**
 * `math::capacity::leverage_ratio`: the highest ratio (bps, between 1x and `maxRatioBps`) at
 * which `amount` of cover needs at most `line` of leverage, rounded down.
 */
export function leverageRatio(amount: bigint, line: bigint, maxRatioBps: number): number {
  if (line === 0n) return Number(BPS);
  if (amount <= line) return maxRatioBps;
  const ratio = (amount * BPS) / (amount - line);
  const max = BigInt(maxRatioBps);
  return Number(ratio < BPS ? BPS : ratio > max ? max : ratio);
}

/** `stake × weight`: the stake a product of `weight` (0..=100) may occupy, scaled by 100. */
export const weightedStakeX100 = (stake: bigint, weight: number) => mulWide(stake, BigInt(weight));

/** Backing units scaled like `weightedStakeX100`. */
export const backingX100 = (backing: bigint) => mulWide(backing, MAX_PRODUCT_WEIGHT);

/** A scaled (×100) amount of stake back in backing units, rounded down; saturates at u64. */
export const unscaleX100 = (scaled: bigint) => min(scaled / MAX_PRODUCT_WEIGHT, U64_MAX);

/** `a + b`, saturating at u64. */
export const saturatingAddU64 = (a: bigint, b: bigint) => min(a + b, U64_MAX);

// ---- calendars ----

export function trancheAt(timestamp: bigint): bigint {
  if (timestamp < 0n) fail(BULWARK_ERROR__INVALID_CLOCK);
  return timestamp / TRANCHE_DURATION;
}

/** First second after tranche `id`. */
export function trancheEnd(id: bigint): bigint {
  const end = (id + 1n) * TRANCHE_DURATION;
  if (end > I64_MAX) fail(BULWARK_ERROR__MATH_OVERFLOW);
  return end;
}

export const ringSlot = (tranche: bigint) => Number(tranche % BigInt(MAX_ACTIVE_TRANCHES));

export function bucketAt(timestamp: bigint): bigint {
  if (timestamp < 0n) fail(BULWARK_ERROR__INVALID_CLOCK);
  return timestamp / BUCKET_DURATION;
}

/** The first bucket boundary at or after `timestamp`. */
export function releaseBucket(timestamp: bigint): bigint {
  if (timestamp < 0n) fail(BULWARK_ERROR__INVALID_CLOCK);
  return (timestamp + BUCKET_DURATION - 1n) / BUCKET_DURATION;
}

export function bucketStart(id: bigint): bigint {
  const start = id * BUCKET_DURATION;
  if (start > I64_MAX) fail(BULWARK_ERROR__MATH_OVERFLOW);
  return start;
}

export const bucketSlot = (id: bigint) => Number(id % BigInt(BUCKET_RING));

/**
 * The claim timings a cover bought now runs its claims on (`ClaimTimings::from_params`): a
 * blind-vote cover has no silent ending but a reveal window.
 */
export function claimTimings(params: ProtocolParams, blindVotes: boolean): ClaimTimings {
  return {
    votingPeriod: params.votingPeriod,
    silentEnding: blindVotes ? 0 : params.silentEnding,
    silentEndingCap: blindVotes ? 0 : params.silentEndingCap,
    cooldown: params.cooldown,
    redemptionWindow: params.redemptionWindow,
    revealPeriod: blindVotes ? params.revealPeriod : 0,
  };
}

/** The longest a claim filed at the last moment can take to be paid, seconds. */
export function settlement(timings: ClaimTimings): bigint {
  const { votingPeriod, silentEndingCap, revealPeriod, cooldown, redemptionWindow } = timings;
  return (
    BigInt(votingPeriod) +
    BigInt(silentEndingCap) +
    BigInt(revealPeriod) +
    BigInt(cooldown) +
    BigInt(redemptionWindow)
  );
}

/** When a cover bought at `now` ends, how long its backing lasts, which tranches may back it. */
export interface CoverSchedule {
  start: bigint;
  end: bigint;
  backingUntil: bigint;
  releaseBucket: bigint;
  streamUntilBucket: bigint;
  /** The tranche `now` falls in: the first live tranche of every pool. */
  currentTranche: bigint;
  /** First tranche that ends once the allocation is released. */
  firstTranche: bigint;
  /** Last tranche a deposit can currently target. */
  lastTranche: bigint;
  /** The claim timings the cover's claims will run on (copied onto the cover). */
  timings: ClaimTimings;
}

export function coverSchedule(
  params: ProtocolParams,
  gracePeriod: number,
  blindVotes: boolean,
  now: bigint,
  period: number,
): CoverSchedule {
  const end = now + BigInt(period);
  const timings = claimTimings(params, blindVotes);
  const backingUntil = end + BigInt(gracePeriod) + settlement(timings);
  const release = releaseBucket(backingUntil);
  const releaseAt = bucketStart(release);
  const current = trancheAt(now);
  const lastTranche = current + BigInt(MAX_ACTIVE_TRANCHES) - 1n;
  let firstTranche = current;
  while (trancheEnd(firstTranche) < releaseAt) {
    firstTranche += 1n;
    if (firstTranche > lastTranche) fail(BULWARK_ERROR__INSUFFICIENT_CAPACITY);
  }
  return {
    start: now,
    end,
    backingUntil,
    releaseBucket: release,
    streamUntilBucket: releaseBucket(end),
    currentTranche: current,
    firstTranche,
    lastTranche,
    timings,
  };
}
