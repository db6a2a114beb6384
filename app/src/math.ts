// The program's pricing math (programs/bulwark/src/math and CoverSchedule), ported to bigint
// with the same rounding and the same failures, so a quote equals what `buy_cover` charges.

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
  BULWARK_ERROR__INVALID_CLOCK,
  BULWARK_ERROR__MATH_OVERFLOW,
  getBulwarkErrorMessage,
  type BulwarkError,
  type ProtocolParams,
} from "./generated";

const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;
const I64_MAX = (1n << 63n) - 1n;

/** The program error the same inputs would make `buy_cover` fail with. */
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

/** Cover `stake` can back for a product of `weight` (0..=100) at `ratioBps`, rounded down. */
export function trancheCapacity(stake: bigint, ratioBps: number, weight: number): bigint {
  return toU64(mulDivFloor(stake, BigInt(ratioBps) * BigInt(weight), BPS * MAX_PRODUCT_WEIGHT));
}

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

/** When a cover bought at `now` ends, how long its backing lasts, which tranches may back it. */
export interface CoverSchedule {
  start: bigint;
  end: bigint;
  backingUntil: bigint;
  releaseBucket: bigint;
  streamUntilBucket: bigint;
  firstTranche: bigint;
  lastTranche: bigint;
}

export function coverSchedule(
  params: ProtocolParams,
  gracePeriod: number,
  now: bigint,
  period: number,
): CoverSchedule {
  const end = now + BigInt(period);
  const settlement =
    params.votingPeriod + params.silentEnding + params.cooldown + params.redemptionWindow;
  const backingUntil = end + BigInt(gracePeriod) + BigInt(settlement);
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
    firstTranche,
    lastTranche,
  };
}
