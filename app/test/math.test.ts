// The ported pricing math against the program's own unit-test values (programs/bulwark/src/math).

import assert from "node:assert/strict";
import test from "node:test";
import {
  BULWARK_ERROR__INSUFFICIENT_CAPACITY,
  BULWARK_ERROR__INVALID_CAPACITY_RATIO,
  BULWARK_ERROR__INVALID_CLOCK,
  BULWARK_ERROR__MATH_OVERFLOW,
  BUCKET_DURATION,
  BulwarkMathError,
  TRANCHE_DURATION,
  backingFor,
  backingX100,
  bpsOf,
  bucketAt,
  bucketStart,
  bumpedPrice,
  coverForBacking,
  coverSchedule,
  currentPrice,
  defaultProtocolParams,
  mulDivCeil,
  mulDivFloor,
  premium,
  releaseBucket,
  trancheAt,
  trancheEnd,
  unscaleX100,
  weightedStakeX100,
} from "../src";

const DAY = 86_400n;
const YEAR = 365 * 86_400;

function failsWith(code: number, run: () => unknown) {
  assert.throws(run, (error: unknown) => error instanceof BulwarkMathError && error.code === code);
}

test("mul_div rounds floor and ceil, and fails like the program", () => {
  assert.equal(mulDivFloor(10n, 3n, 4n), 7n);
  assert.equal(mulDivCeil(10n, 3n, 4n), 8n);
  assert.equal(mulDivCeil(12n, 3n, 4n), 9n);
  failsWith(BULWARK_ERROR__MATH_OVERFLOW, () => mulDivFloor(1n, 1n, 0n));
  failsWith(BULWARK_ERROR__MATH_OVERFLOW, () => mulDivFloor((1n << 128n) - 1n, 2n, 1n));
});

test("price decays 2%/day down to the target, never below the minimum", () => {
  const d = (days: number) => BigInt(Math.round(days * 86_400));
  assert.equal(currentPrice(250, 1_000, 0n, 0n, 200, 100, false), 1_000n);
  assert.equal(currentPrice(250, 1_000, 0n, d(1), 200, 100, false), 800n);
  assert.equal(currentPrice(250, 1_000, 0n, d(0.5), 200, 100, false), 900n);
  assert.equal(currentPrice(250, 1_000, 0n, d(4), 200, 100, false), 250n);
  assert.equal(currentPrice(250, 1_000, 0n, d(400), 200, 100, false), 250n);
  assert.equal(currentPrice(50, 50, 0n, 0n, 200, 100, false), 100n);
  assert.equal(currentPrice(300, 5_000, 0n, 0n, 200, 100, true), 300n);
});

test("premium is annualised and rounded up; the bump is proportional and capped", () => {
  assert.equal(premium(1_000_000n, 250n, YEAR), 25_000n);
  assert.equal(premium(1_000_000n, 250n, YEAR / 2), 12_500n);
  assert.equal(premium(1n, 100n, 86_400), 1n);
  assert.equal(bumpedPrice(250n, 100n, 100n, 500), 750n);
  assert.equal(bumpedPrice(250n, 10n, 100n, 500), 300n);
  assert.equal(bumpedPrice(250n, 1n, 1_000_000n, 500), 251n);
  assert.equal(bumpedPrice(9_900n, 100n, 100n, 500), 10_000n);
  failsWith(BULWARK_ERROR__INSUFFICIENT_CAPACITY, () => bumpedPrice(250n, 1n, 0n, 500));
  assert.equal(bpsOf(1_001n, 5_000), 500n);
});

test("backing rounds against the buyer, converts back, and saturates", () => {
  const u64Max = (1n << 64n) - 1n;
  assert.equal(backingFor(2_000n, 20_000), 1_000n);
  assert.equal(backingFor(2_001n, 20_000), 1_001n);
  assert.equal(backingFor(1n, 100_000), 1n);
  assert.equal(backingFor(u64Max, 10_000), u64Max);
  failsWith(BULWARK_ERROR__INVALID_CAPACITY_RATIO, () => backingFor(1n, 9_999));
  assert.equal(coverForBacking(1_000n, 20_000), 2_000n);
  assert.equal(coverForBacking(999n, 15_000), 1_498n);
  assert.equal(coverForBacking(u64Max, 100_000), u64Max);
  // What the free backing buys never needs more backing than is free.
  for (const backing of [0n, 1n, 7n, 999n, 1_000_003n]) {
    for (const ratio of [10_000, 15_000, 20_000, 33_333, 100_000]) {
      assert.ok(backingFor(coverForBacking(backing, ratio), ratio) <= backing);
    }
  }
  assert.equal(unscaleX100(weightedStakeX100(999n, 33)), 329n);
  assert.equal(unscaleX100(weightedStakeX100(u64Max, 100)), u64Max);
  assert.equal(unscaleX100(backingX100(u64Max)), u64Max);
});

test("calendars and the cover schedule", () => {
  assert.equal(trancheAt(TRANCHE_DURATION - 1n), 0n);
  assert.equal(trancheAt(TRANCHE_DURATION), 1n);
  assert.equal(trancheEnd(0n), TRANCHE_DURATION);
  failsWith(BULWARK_ERROR__INVALID_CLOCK, () => trancheAt(-1n));
  assert.equal(releaseBucket(0n), 0n);
  assert.equal(releaseBucket(BUCKET_DURATION), 1n);
  assert.equal(releaseBucket(BUCKET_DURATION + 1n), 2n);
  assert.equal(bucketAt(BUCKET_DURATION - 1n), 0n);
  assert.equal(bucketStart(2n), 2n * BUCKET_DURATION);

  // Bought 10 days into tranche 100 for 180 days with a 35-day grace: backed until end +
  // grace + 3 (voting) + 9 (silent-ending cap) + 1 (cooldown) + 30 (redemption) days;
  // tranches ending before the bucket boundary after that are out.
  const now = 100n * TRANCHE_DURATION + 10n * DAY;
  const schedule = coverSchedule(defaultProtocolParams(), 35 * 86_400, false, now, 180 * 86_400);
  assert.equal(schedule.end, now + 180n * DAY);
  assert.equal(schedule.backingUntil, now + 258n * DAY);
  assert.equal(schedule.releaseBucket, releaseBucket(now + 258n * DAY));
  assert.equal(schedule.currentTranche, 100n);
  assert.equal(schedule.firstTranche, 103n);
  assert.equal(schedule.lastTranche, 107n);
  // The cover's claims run on today's timings, the silent-ending extensions capped at 3x voting.
  assert.deepEqual(schedule.timings, {
    votingPeriod: 3 * 86_400,
    silentEnding: 86_400,
    silentEndingCap: 9 * 86_400,
    cooldown: 86_400,
    redemptionWindow: 30 * 86_400,
    revealPeriod: 0,
  });
  // A blind-vote cover has no silent ending but a day's reveal window: 8 days less backing.
  const blind = coverSchedule(defaultProtocolParams(), 35 * 86_400, true, now, 180 * 86_400);
  assert.equal(blind.backingUntil, now + 250n * DAY);
  assert.deepEqual(
    [blind.timings.silentEnding, blind.timings.silentEndingCap, blind.timings.revealPeriod],
    [0, 0, 86_400],
  );
  assert.ok(trancheEnd(102n) < bucketStart(schedule.releaseBucket));
  assert.ok(trancheEnd(103n) >= bucketStart(schedule.releaseBucket));
});
