// A staker's view of a pool (sdk/src/rewards.rs ported): the pool's reward streams rolled
// forward to a moment exactly as `Pool::roll_forward` does it (bucket expiries and tranche ends
// in time order, the same divisions, remainders and wrapping accumulators), each tranche's
// reward per share and a position's settlement, so `pendingRewards` equals what `claim_rewards`
// or `withdraw_stake` pays at that time and `trancheStreams` what each tranche is receiving.

import { getU128Codec as getU128NumberCodec } from "@solana/kit";
import { BUCKET_RING, REWARD_SCALE } from "./constants";
import {
  BULWARK_ERROR__INVARIANT_VIOLATED,
  BULWARK_ERROR__MATH_OVERFLOW,
  BULWARK_ERROR__TRANCHE_NOT_IN_RING,
  type Pool,
  type RewardStream,
  type StakePosition,
  type TrancheArchive,
  type TrancheSlot,
  type U128,
} from "./generated";
import {
  BulwarkMathError,
  bucketAt,
  bucketSlot,
  bucketStart,
  mulDivFloor,
  ringSlot,
  toU64,
  trancheEnd,
} from "./math";

const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;

const u128Codec = getU128NumberCodec();

/** The value of a zero-copy `U128` field (16 little-endian bytes). */
export const decodeU128 = ({ le }: U128): bigint => u128Codec.decode(le);

/** A zero-copy `U128` field holding `value` (0 ≤ value < 2^128). */
export const encodeU128 = (value: bigint): U128 => ({ le: u128Codec.encode(value) });

/**
 * The accumulators only grow and are read by difference, modulo 2^128 (as the program's
 * `wrapping_add`/`wrapping_sub`), so they never overflow.
 */
const wrappingAdd = (a: bigint, b: bigint) => (a + b) & U128_MAX;
const wrappingSub = (a: bigint, b: bigint) => (a - b) & U128_MAX;

function checkedAddU64(a: bigint, b: bigint): bigint {
  if (a + b > U64_MAX) throw new BulwarkMathError(BULWARK_ERROR__MATH_OVERFLOW);
  return a + b;
}

function checkedAddU128(a: bigint, b: bigint): bigint {
  if (a + b > U128_MAX) throw new BulwarkMathError(BULWARK_ERROR__MATH_OVERFLOW);
  return a + b;
}

/** A subtraction the books guarantee, failing as the program's `checked_sub` does. */
function checkedSub(a: bigint, b: bigint): bigint {
  if (b > a) throw new BulwarkMathError(BULWARK_ERROR__INVARIANT_VIOLATED);
  return a - b;
}

// ---- the reward books of a pool, as bigints ----

interface Slot {
  trancheId: bigint;
  stake: bigint;
  shares: bigint;
  rewardPerStake: bigint;
  settledPerStake: bigint;
  rewardPerShare: bigint;
  settleRemainder: bigint;
  ended: number;
}

interface Stream {
  firstTranche: bigint;
  remainder: bigint;
  rate: bigint;
  expiring: bigint[];
}

/** The fields of a pool that rolling it forward reads or writes. */
interface Books {
  rewardsUpdatedAt: bigint;
  lastBucket: bigint;
  rewardsReserved: bigint;
  capitalAccrued: bigint;
  streams: Stream[];
  tranches: Slot[];
  /** The leverage line: its unused part, what live cover uses, per-bucket releases. */
  lineAvailable: bigint;
  lineUsed: bigint;
  lineExpiresAt: bigint;
  lineExpiring: bigint[];
}

function slotOf(slot: TrancheSlot): Slot {
  return {
    trancheId: slot.trancheId,
    stake: slot.stake,
    shares: decodeU128(slot.shares),
    rewardPerStake: decodeU128(slot.rewardPerStake),
    settledPerStake: decodeU128(slot.settledPerStake),
    rewardPerShare: decodeU128(slot.rewardPerShare),
    settleRemainder: decodeU128(slot.settleRemainder),
    ended: slot.ended,
  };
}

function trancheSlotOf(slot: Slot, padding: TrancheSlot["padding"]): TrancheSlot {
  return {
    trancheId: slot.trancheId,
    stake: slot.stake,
    shares: encodeU128(slot.shares),
    rewardPerStake: encodeU128(slot.rewardPerStake),
    settledPerStake: encodeU128(slot.settledPerStake),
    rewardPerShare: encodeU128(slot.rewardPerShare),
    settleRemainder: encodeU128(slot.settleRemainder),
    ended: slot.ended,
    padding,
  };
}

function booksOf(pool: Pool): Books {
  return {
    rewardsUpdatedAt: pool.rewardsUpdatedAt,
    lastBucket: pool.lastBucket,
    rewardsReserved: pool.rewardsReserved,
    capitalAccrued: pool.capitalAccrued,
    lineAvailable: pool.line.available,
    lineUsed: pool.line.used,
    lineExpiresAt: pool.line.expiresAt,
    lineExpiring: [...pool.line.expiring],
    streams: pool.streams.map((stream) => ({
      firstTranche: stream.firstTranche,
      remainder: stream.remainder,
      rate: decodeU128(stream.rate),
      expiring: stream.expiring.map(decodeU128),
    })),
    tranches: pool.tranches.map(slotOf),
  };
}

/** `pool` with the fields of `books`; every other field is `pool`'s. */
function poolOf(pool: Pool, books: Books): Pool {
  return {
    ...pool,
    rewardsUpdatedAt: books.rewardsUpdatedAt,
    lastBucket: books.lastBucket,
    rewardsReserved: books.rewardsReserved,
    capitalAccrued: books.capitalAccrued,
    line: {
      ...pool.line,
      available: books.lineAvailable,
      used: books.lineUsed,
      expiring: books.lineExpiring,
    },
    streams: books.streams.map((stream): RewardStream => ({
      firstTranche: stream.firstTranche,
      remainder: stream.remainder,
      rate: encodeU128(stream.rate),
      expiring: stream.expiring.map(encodeU128),
    })),
    tranches: books.tranches.map((slot, i) => trancheSlotOf(slot, pool.tranches[i].padding)),
  };
}

const isEmpty = (slot: Slot) => slot.shares === 0n;
const isLive = (slot: Slot) => !isEmpty(slot) && slot.ended === 0;

/**
 * `TrancheSlot::settle`: brings the reward per share up to the reward per stake at the
 * tranche's current price (`stake ÷ shares`, rounded down, the division's remainder carried
 * into the next settlement).
 */
function settle(slot: Slot) {
  const perStake = wrappingSub(slot.rewardPerStake, slot.settledPerStake);
  if (perStake !== 0n && !isEmpty(slot)) {
    const earned = checkedAddU128(perStake * slot.stake, slot.settleRemainder);
    slot.rewardPerShare = wrappingAdd(slot.rewardPerShare, earned / slot.shares);
    slot.settleRemainder = earned % slot.shares;
  }
  slot.settledPerStake = slot.rewardPerStake;
}

/** Live stake of the tranches from `firstTranche` on: what backs, and earns from, its class. */
function backingStake(books: Books, firstTranche: bigint): bigint {
  return books.tranches
    .filter((slot) => isLive(slot) && slot.trancheId >= firstTranche)
    .reduce((sum, slot) => checkedAddU64(sum, slot.stake), 0n);
}

const isStreaming = (books: Books) => books.streams.some((stream) => stream.rate !== 0n);

/**
 * `Pool::accrue`: each stream's accrual since the last update, per unit of the live stake that
 * backs its class, the division's remainder carried to the next accrual; a class with no
 * backing stake left pays its accrual to the capital pool.
 */
function accrue(books: Books, at: bigint) {
  if (at <= books.rewardsUpdatedAt) return;
  const elapsed = at - books.rewardsUpdatedAt;
  books.rewardsUpdatedAt = at;
  for (const stream of books.streams) {
    if (stream.rate === 0n) continue;
    const scaled = stream.rate * elapsed;
    if (scaled > U128_MAX) throw new BulwarkMathError(BULWARK_ERROR__MATH_OVERFLOW);
    const accrued = checkedAddU128(scaled, stream.remainder);
    const backing = backingStake(books, stream.firstTranche);
    if (backing === 0n) {
      stream.remainder = accrued % REWARD_SCALE;
      const tokens = toU64(accrued / REWARD_SCALE);
      books.rewardsReserved = checkedSub(books.rewardsReserved, tokens);
      books.capitalAccrued = checkedAddU64(books.capitalAccrued, tokens);
      continue;
    }
    stream.remainder = accrued % backing;
    const perStake = accrued / backing;
    for (const slot of books.tranches) {
      if (isLive(slot) && slot.trancheId >= stream.firstTranche) {
        slot.rewardPerStake = wrappingAdd(slot.rewardPerStake, perStake);
      }
    }
  }
}

/** Stops, in every stream, the rate that ends at the bucket of ring slot `slot`. */
function expireStreams(books: Books, slot: number) {
  for (const stream of books.streams) {
    const expiring = stream.expiring[slot];
    stream.expiring[slot] = 0n;
    if (expiring !== 0n) stream.rate = checkedSub(stream.rate, expiring);
  }
}

/** The earliest end of a live tranche, if any. */
function nextTrancheEnd(books: Books): bigint | undefined {
  let next: bigint | undefined;
  for (const slot of books.tranches.filter(isLive)) {
    const end = trancheEnd(slot.trancheId);
    if (next === undefined || end < next) next = end;
  }
  return next;
}

/** Marks the live tranches ending at `at` as ended, their rewards per share settled, final. */
function endTranches(books: Books, at: bigint) {
  for (const slot of books.tranches) {
    if (isLive(slot) && trancheEnd(slot.trancheId) === at) {
      settle(slot);
      slot.ended = 1;
    }
  }
}

/** `last_bucket.saturating_add(1)`. */
const saturatingIncrement = (bucket: bigint) => (bucket < U64_MAX ? bucket + 1n : bucket);

/**
 * `Pool::roll_forward`: accrues up to each bucket boundary and tranche end up to `now`, in time
 * order, applying the bucket's stream expiries and then the tranches' ends at the same instant,
 * then up to `now`. After 32 buckets every expiry in the ring has been applied, so the
 * remaining buckets are skipped (nothing can still stream).
 */
function roll(books: Books, now: bigint) {
  let bucketsSeen = 0;
  for (;;) {
    const bucketDue =
      bucketsSeen < BUCKET_RING ? bucketStart(saturatingIncrement(books.lastBucket)) : undefined;
    const trancheDue = nextTrancheEnd(books);
    const due = [bucketDue, trancheDue].filter((at): at is bigint => at !== undefined);
    if (due.length === 0) break;
    const at = due.reduce((a, b) => (b < a ? b : a));
    if (at > now) break;
    accrue(books, at);
    if (bucketDue === at) {
      books.lastBucket = saturatingIncrement(books.lastBucket);
      expireStreams(books, bucketSlot(books.lastBucket));
      // `LeverageLine::expire`: the leverage of the allocations released at this bucket.
      const slot = bucketSlot(books.lastBucket);
      books.lineUsed = checkedSub(books.lineUsed, books.lineExpiring[slot]);
      books.lineExpiring[slot] = 0n;
      bucketsSeen += 1;
    }
    if (trancheDue === at) endTranches(books, at);
  }
  if (bucketsSeen === BUCKET_RING) {
    if (isStreaming(books)) throw new BulwarkMathError(BULWARK_ERROR__INVARIANT_VIOLATED);
    const current = bucketAt(now);
    if (current > books.lastBucket) books.lastBucket = current;
  }
  // `LeverageLine::lapse`: the unused line is gone once it has lapsed.
  if (now >= books.lineExpiresAt) books.lineAvailable = 0n;
  accrue(books, now);
}

/**
 * `Pool::reward_per_share` on books already rolled forward: the tranche's reward per share,
 * settling its slot. Fails like the program when the ring no longer holds the tranche.
 */
function settledRewardPerShare(books: Books, trancheId: bigint): bigint {
  const slot = books.tranches[ringSlot(trancheId)];
  if (slot.trancheId !== trancheId || isEmpty(slot)) {
    throw new BulwarkMathError(BULWARK_ERROR__TRANCHE_NOT_IN_RING);
  }
  settle(slot);
  return slot.rewardPerShare;
}

// ---- the view ----

/**
 * `pool` as the program sees it at `now`, before an instruction's own changes: its streams,
 * expiries and tranche ends brought up to `now` (a copy; `pool` is left as it is). Fails like
 * the program would (an overflow, an inconsistent expiry ring, a clock before the epoch).
 */
export function rollForward(pool: Pool, now: bigint): Pool {
  const books = booksOf(pool);
  roll(books, now);
  return poolOf(pool, books);
}

/**
 * `slot` with its reward per share brought up to its reward per stake at its current price (a
 * copy): what the program does before a tranche's stake or shares change.
 */
export function settleTranche(slot: TrancheSlot): TrancheSlot {
  const settled = slotOf(slot);
  settle(settled);
  return trancheSlotOf(settled, slot.padding);
}

/**
 * The reward per share of `trancheId` in a pool already rolled forward (`rollForward`), its
 * slot settled first as the program settles it. Fails with `TrancheNotInRing` when the ring no
 * longer holds the tranche (it was archived: read its `TrancheArchive.rewardPerShare`).
 */
export function rewardPerShare(pool: Pool, trancheId: bigint): bigint {
  return settledRewardPerShare(booksOf(pool), trancheId);
}

/**
 * `StakePosition::settle` (a copy): the rewards its shares earned up to the tranche's reward
 * per share `perShare`, `⌊shares × (perShare − checkpoint) mod 2^128 ÷ 10^12⌋`, added to
 * `rewardsOwed`, checkpointed at `perShare`.
 */
export function settlePosition(position: StakePosition, perShare: bigint): StakePosition {
  const earned = toU64(
    mulDivFloor(position.shares, wrappingSub(perShare, position.rewardCheckpoint), REWARD_SCALE),
  );
  return {
    ...position,
    rewardsOwed: checkedAddU64(position.rewardsOwed, earned),
    rewardCheckpoint: perShare,
  };
}

/**
 * Rewards `position` would be paid at `now` (`claim_rewards` while its tranche runs,
 * `withdraw_stake` with the stake after it ended): what it has earned and not been paid. For a
 * position of an archived tranche pass the archive (its reward per share is final), else null:
 * the pool is then rolled forward to `now` first.
 */
export function pendingRewards(
  pool: Pool,
  position: StakePosition,
  archive: TrancheArchive | null,
  now: bigint,
): bigint {
  let perShare: bigint;
  if (archive) {
    if (archive.pool !== position.pool || archive.trancheId !== position.trancheId) {
      throw new Error(
        `the archive of tranche ${archive.trancheId} of pool ${archive.pool} is not the one of ` +
          `the position (tranche ${position.trancheId} of pool ${position.pool})`,
      );
    }
    perShare = archive.rewardPerShare;
  } else {
    const books = booksOf(pool);
    roll(books, now);
    perShare = settledRewardPerShare(books, position.trancheId);
  }
  return settlePosition(position, perShare).rewardsOwed;
}

/** What one tranche of a pool is receiving at a moment. */
export interface TrancheStream {
  trancheId: bigint;
  stake: bigint;
  /** Premium streamed to the tranche per second, scaled by `REWARD_SCALE` (10^12). */
  rate: bigint;
}

/**
 * `Pool::tranche_stream_rates` on rolled-forward books: each ring slot's share, by stake and
 * rounded down, of every stream of a class its tranche backs (entry `i` is ring slot `i`).
 */
function streamRates(books: Books): bigint[] {
  const rates = books.tranches.map(() => 0n);
  for (const stream of books.streams.filter((s) => s.rate !== 0n)) {
    const backing = backingStake(books, stream.firstTranche);
    books.tranches.forEach((slot, i) => {
      if (backing > 0n && isLive(slot) && slot.trancheId >= stream.firstTranche) {
        rates[i] = checkedAddU128(rates[i], mulDivFloor(stream.rate, slot.stake, backing));
      }
    });
  }
  return rates;
}

/**
 * Every tranche the pool's ring holds at `now`, in tranche order, with the stream it receives:
 * its share, by stake, of the streams of the cover classes it backs. An ended tranche, or one a
 * payout burnt to zero, receives nothing.
 */
export function trancheStreams(pool: Pool, now: bigint): TrancheStream[] {
  const books = booksOf(pool);
  roll(books, now);
  const rates = streamRates(books);
  return books.tranches
    .map((slot, i) => ({ slot, rate: rates[i] }))
    .filter(({ slot }) => !isEmpty(slot))
    .map(({ slot, rate }) => ({ trancheId: slot.trancheId, stake: slot.stake, rate }))
    .sort((a, b) => (a.trancheId < b.trancheId ? -1 : a.trancheId > b.trancheId ? 1 : 0));
}
