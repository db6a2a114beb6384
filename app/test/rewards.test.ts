// The client's staker view (src/rewards.ts): first against the program's unit-test values
// (state/pool.rs: remainders carried, a stream reaching only the tranches that back its class,
// an orphaned stream to the treasury, wrapping accumulators, the 32-bucket cap and the
// program's errors); then against the SBF program in litesvm, on random states: stakers in
// several tranches (deposits, top-ups, moves to later tranches), covers of random periods and
// amounts, payouts that burn stake (at times all that backs a class, whose stream then goes to
// the treasury), reward claims, archives, withdrawals, time warps (one past the whole 32-bucket
// ring). After every step (all simulated, so the checks change nothing): `rollForward` is
// exactly the pool the program rolls forward; for every open position, `pendingRewards` is
// exactly what `claim_rewards` pays (or, once its tranche ended, what `withdraw_stake` pays
// beyond the stake) and the claim leaves the rolled pool but for its own settlement and
// payment; `trancheStreams` is what the record of every stream sold gives each tranche; and
// what was paid and is owed never exceeds what was sold.

import assert from "node:assert/strict";
import test from "node:test";
import type { Address, EncodedAccount } from "@solana/kit";
import { TOKEN_PROGRAM_ADDRESS, decodeToken } from "@solana-program/token";
import {
  BULWARK_ERROR__INVARIANT_VIOLATED,
  BULWARK_ERROR__NOTHING_TO_CLAIM,
  BULWARK_ERROR__TRANCHE_NOT_IN_RING,
  BUCKET_DURATION,
  BulwarkMathError,
  REWARD_SCALE,
  SECONDS_PER_DAY,
  TRANCHE_DURATION,
  archivePda,
  bpsOf,
  bucketAt,
  bucketSlot,
  bucketStart,
  buyCover,
  claimRewards,
  coverSchedule,
  decodeCover,
  decodePool,
  decodeStakePosition,
  decodeTrancheArchive,
  decodeU128,
  encodeU128,
  extendStake,
  fileClaim,
  getArchiveTrancheInstruction,
  getPoolDecoder,
  getPoolSize,
  getStakePositionDecoder,
  getStakePositionSize,
  loadConfig,
  loadProduct,
  pendingRewards,
  quoteCover,
  redeem,
  refreshPoolProduct,
  rewardPerShare,
  ringSlot,
  rollForward,
  settleTranche,
  stake,
  trancheAt,
  trancheEnd,
  trancheStreams,
  vote,
  withdraw,
  type Pool,
  type TrancheArchive,
} from "../src";
import { UNIT, deploy, fundedAssessor, openPool, random, sellableNow, stakeNew } from "./fixtures";
import { Harness, skipWithoutProgram, type Refusal, type Wallet } from "../src/testing";

const PRODUCT = 0n;
const STEPS = 36;
const TRANCHE = 100n;
const U128_MAX = (1n << 128n) - 1n;

/**
 * A zeroed pool holding tranches `stakes` (`[id, stake]`, one share per unit) and the streams
 * `rates` (`[first tranche, scaled rate]`), last updated at time 0: `pool_with` of the
 * program's unit tests.
 */
function poolWith(stakes: [bigint, bigint][], rates: [bigint, bigint][]): Pool {
  const pool = getPoolDecoder().decode(new Uint8Array(getPoolSize()));
  for (const [trancheId, stake] of stakes) {
    const slot = ringSlot(trancheId);
    pool.tranches[slot] = { ...pool.tranches[slot], trancheId, stake, shares: encodeU128(stake) };
  }
  for (const [firstTranche, rate] of rates) {
    const slot = ringSlot(firstTranche);
    pool.streams[slot] = { ...pool.streams[slot], firstTranche, rate: encodeU128(rate) };
  }
  return pool;
}

const perStake = (pool: Pool, trancheId: bigint) =>
  decodeU128(pool.tranches[ringSlot(trancheId)].rewardPerStake);

const failsWith = (code: number) => (error: unknown) =>
  error instanceof BulwarkMathError && error.code === code;

test("accruing every second loses nothing to rounding", () => {
  // 100M tokens of 6 decimals earning ~1,000 tokens a year: under one unit per second each.
  const rate = 31_709_791_983_764n;
  const large = poolWith([[TRANCHE, 100_000_000_000_000n]], [[TRANCHE, rate]]);
  let everySecond = large;
  for (let t = 1n; t <= 3_600n; t++) everySecond = rollForward(everySecond, t);
  const once = rollForward(large, 3_600n);
  assert.equal(rate / 100_000_000_000_000n, 0n, "each second alone rounds to nothing");
  assert.equal(perStake(everySecond, TRANCHE), perStake(once, TRANCHE));
  const slot = ringSlot(TRANCHE);
  assert.equal(everySecond.streams[slot].remainder, once.streams[slot].remainder);
  assert.equal(perStake(once, TRANCHE), (rate * 3_600n) / 100_000_000_000_000n);
  assert.equal(large.rewardsUpdatedAt, 0n, "the pool rolled forward is a copy");
});

test("a stream reaches only the tranches that back its class, pro rata to their stake", () => {
  // Tranches 100 (stake 1,000), 101 (3,000), 102 (1,000); class 101 streams 8 tokens a
  // second, class 100 streams 5.
  const pool = rollForward(
    poolWith(
      [
        [100n, 1_000n],
        [101n, 3_000n],
        [102n, 1_000n],
      ],
      [
        [101n, 8n * REWARD_SCALE],
        [100n, 5n * REWARD_SCALE],
      ],
    ),
    10n,
  );
  // Class 100 over 5,000 stake per unit; class 101 over 4,000.
  const class100 = (5n * 10n * REWARD_SCALE) / 5_000n;
  const class101 = (8n * 10n * REWARD_SCALE) / 4_000n;
  assert.deepEqual(
    [perStake(pool, 100n), perStake(pool, 101n), perStake(pool, 102n)],
    [class100, class100 + class101, class100 + class101],
  );
  assert.deepEqual(trancheStreams(pool, 10n), [
    { trancheId: 100n, stake: 1_000n, rate: REWARD_SCALE },
    { trancheId: 101n, stake: 3_000n, rate: (5n * REWARD_SCALE * 3n) / 5n + 6n * REWARD_SCALE },
    { trancheId: 102n, stake: 1_000n, rate: REWARD_SCALE + 2n * REWARD_SCALE },
  ]);
  // Every token streamed was credited: 130 tokens over 5,000 stake units.
  const credited =
    perStake(pool, 100n) * 1_000n + perStake(pool, 101n) * 3_000n + perStake(pool, 102n) * 1_000n;
  assert.equal(credited, 130n * REWARD_SCALE);
});

test("a burnt tranche earns nothing more and an orphaned stream goes to the capital pool", () => {
  // Tranche 101 after a payout burnt all of its stake (its shares left); class 101 streams 2
  // tokens a second.
  const burnt = poolWith(
    [
      [100n, 1_000n],
      [101n, 1_000n],
    ],
    [[101n, 2n * REWARD_SCALE]],
  );
  const slot = ringSlot(101n);
  burnt.tranches[slot] = { ...burnt.tranches[slot], stake: 0n };
  burnt.rewardsReserved = 1_000n;
  const pool = rollForward(burnt, 10n);
  assert.deepEqual([pool.capitalAccrued, pool.rewardsReserved], [20n, 980n]);
  assert.deepEqual([perStake(pool, 100n), rewardPerShare(pool, 101n)], [0n, 0n]);
  assert.deepEqual(
    trancheStreams(pool, 10n).map(({ trancheId, rate }) => [trancheId, rate]),
    [
      [100n, 0n],
      [101n, 0n],
    ],
  );
});

test("the accumulators wrap without changing what is earned", () => {
  const pool = poolWith([[TRANCHE, 1_000n]], [[TRANCHE, 3n * REWARD_SCALE]]);
  const slot = ringSlot(TRANCHE);
  const nearTop = U128_MAX - 1_000n;
  pool.tranches[slot] = {
    ...pool.tranches[slot],
    rewardPerStake: encodeU128(nearTop),
    settledPerStake: encodeU128(nearTop),
    rewardPerShare: encodeU128(nearTop),
  };
  const perShare = rewardPerShare(rollForward(pool, 100n), TRANCHE);
  assert.ok(perShare < nearTop, "wrapped");
  assert.equal((perShare - nearTop) & U128_MAX, (300n * REWARD_SCALE) / 1_000n);
  // A position of all the shares, checkpointed just below the top, earns the 300 tokens.
  const position = {
    ...getStakePositionDecoder().decode(new Uint8Array(getStakePositionSize())),
    trancheId: TRANCHE,
    shares: 1_000n,
    rewardCheckpoint: nearTop,
  };
  assert.equal(pendingRewards(pool, position, null, 100n), 300n);
});

test("past the 32-bucket ring every stream has ended; the program's errors", () => {
  // A stream expiring three buckets on; the pool last rolled in bucket 10 of the calendar.
  const pool = poolWith([[TRANCHE, 1_000n]], [[TRANCHE, REWARD_SCALE]]);
  pool.lastBucket = 10n;
  pool.rewardsUpdatedAt = bucketStart(10n);
  const stream = ringSlot(TRANCHE);
  const expiring = [...pool.streams[stream].expiring];
  expiring[bucketSlot(13n)] = encodeU128(REWARD_SCALE);
  pool.streams[stream] = { ...pool.streams[stream], expiring };
  const far = bucketStart(100n) + 5n;
  const rolled = rollForward(pool, far);
  assert.deepEqual(
    [rolled.lastBucket, rolled.rewardsUpdatedAt, decodeU128(rolled.streams[stream].rate)],
    [bucketAt(far), far, 0n],
  );
  assert.equal(perStake(rolled, TRANCHE), (3n * BUCKET_DURATION * REWARD_SCALE) / 1_000n);
  // A rate with no expiry in the ring would still stream after 32 buckets: the books are
  // inconsistent, and the program fails.
  pool.streams[stream] = { ...pool.streams[stream], expiring: pool.streams[0].expiring };
  assert.throws(() => rollForward(pool, far), failsWith(BULWARK_ERROR__INVARIANT_VIOLATED));
  // A tranche the ring does not hold (archived) has no reward per share there.
  assert.throws(
    () => rewardPerShare(rolled, TRANCHE + 1n),
    failsWith(BULWARK_ERROR__TRANCHE_NOT_IN_RING),
  );
});

test(
  "pending rewards, roll-forward and tranche streams are the program's, on random states",
  skipWithoutProgram(),
  async () => {
    for (const seed of [1, 2, 3]) await explore(seed);
  },
);

/** An open stake position: position id 0 of its staker. */
interface Position {
  staker: Wallet;
  address: Address;
  trancheId: bigint;
}

/** A stream a purchase started: its class, rate (scaled) and the time it stops. */
interface Sold {
  firstTranche: bigint;
  rate: bigint;
  until: bigint;
}

/** What `shares` of a tranche of `stake` over `supply` shares redeem for (`assets_for_shares`). */
const stakeFor = (shares: bigint, stake: bigint, supply: bigint) =>
  (shares * (stake + 1n)) / (supply + 1n);

/** A simulation's accounts, requiring that the program accepted it. */
function accepted(result: Refusal | EncodedAccount[], what: string): EncodedAccount[] {
  if (!Array.isArray(result)) {
    assert.fail(`${what}: refused with ${result.code}\n${result.logs.join("\n")}`);
  }
  return result;
}

function accountIn(accounts: EncodedAccount[], address: Address): EncodedAccount {
  const found = accounts.find((account) => account.address === address);
  assert.ok(found, `${address} is not in the transaction`);
  return found;
}

/** A pool on product 0, a buyer and an assessor through a random history, checked at each step. */
async function explore(seed: number) {
  const rng = random(seed);
  const h = await Harness.start();
  const { authority, assessmentMint } = await deploy(h, 1);
  h.warpToTranche(trancheAt(h.now()) + 1n, BigInt(rng.int(0, Number(TRANCHE_DURATION) - 1)));
  const mint = await h.createMint(6);
  const { keys } = await openPool(h, authority, 0n, mint, [[PRODUCT, 100, 200]]);
  const { params } = await loadConfig(h.fetch);
  const { terms } = await loadProduct(h.fetch, PRODUCT);
  const buyer = await h.fundedUser(mint, 1_000_000_000n * UNIT);
  const assessor = await fundedAssessor(h, assessmentMint, UNIT);

  const positions: Position[] = [];
  const streams: Sold[] = [];
  const covers: { cover: Address; claimableUntil: bigint }[] = [];
  /** Stakers' rewards of every cover sold, and of them what claims and withdrawals paid. */
  let sold = 0n;
  let paid = 0n;
  let nonce = 0n;
  let step = -1;
  const where = () => `seed ${seed} step ${step}`;

  const pool = () => h.account(keys.pool, decodePool);
  const current = () => trancheAt(h.now());
  const days = (lo: number, hi: number) => BigInt(rng.int(lo, hi)) * SECONDS_PER_DAY;
  const stakeAmount = () => BigInt(rng.int(1_000, 300_000)) * UNIT + BigInt(rng.int(0, 999_999));
  const running = () => positions.filter((p) => h.now() < trancheEnd(p.trancheId));
  const archiveOf = async (trancheId: bigint): Promise<TrancheArchive | null> => {
    const found = decodeTrancheArchive(h.svm.getAccount(await archivePda(keys.pool, trancheId)));
    return found.exists ? found.data : null;
  };

  /** A tranche a payout burnt to nothing: it takes no deposit any more. */
  const wipedOut = (trancheId: bigint) => {
    const slot = pool().tranches[ringSlot(trancheId)];
    return slot.trancheId === trancheId && decodeU128(slot.shares) > 0n && slot.stake === 0n;
  };

  /**
   * Archives ended tranche `trancheId`: its final reward per share is the one the client
   * computes on the pool rolled forward to now.
   */
  const archive = async (trancheId: bigint) => {
    const before = pool();
    const address = await archivePda(keys.pool, trancheId);
    await h.send([
      getArchiveTrancheInstruction({
        payer: h.payer,
        pool: keys.pool,
        archive: address,
        trancheId,
      }),
    ]);
    const archived = h.account(address, decodeTrancheArchive);
    const rolled = rollForward(before, h.now());
    const slot = rolled.tranches[ringSlot(trancheId)];
    assert.deepEqual(
      [archived.rewardPerShare, archived.stakeAtEnd, archived.sharesAtEnd],
      [rewardPerShare(rolled, trancheId), slot.stake, decodeU128(slot.shares)],
      where(),
    );
  };

  /** Archives the ended tranche still holding `trancheId`'s ring slot, if any. */
  const freeSlot = async (trancheId: bigint) => {
    const slot = pool().tranches[ringSlot(trancheId)];
    if (slot.trancheId !== trancheId && decodeU128(slot.shares) > 0n) {
      await archive(slot.trancheId);
    }
  };

  const deposit = async (trancheId: bigint) => {
    await freeSlot(trancheId);
    if (wipedOut(trancheId)) return;
    const { staker, position } = await stakeNew(h, keys, mint, trancheId, stakeAmount());
    positions.push({ staker, address: position, trancheId });
  };

  /** The client's pending rewards of `position` (of a running tranche) now. */
  const owedTo = (position: Position) =>
    pendingRewards(pool(), h.account(position.address, decodeStakePosition), null, h.now());

  /**
   * What `position` had earned is settled into its owed rewards, unpaid, when its shares change
   * (a top-up, a move): exactly what the client counted just before.
   */
  const settlesOwed = async (position: Position, change: () => Promise<void>) => {
    const owed = owedTo(position);
    await change();
    assert.equal(h.account(position.address, decodeStakePosition).rewardsOwed, owed, where());
  };

  const topUp = (position: Position) =>
    settlesOwed(position, async () => {
      const amount = stakeAmount();
      await h.mintTo(mint, position.staker.token, amount);
      const deposited = await stake({
        owner: position.staker.signer,
        pool: keys,
        ownerToken: position.staker.token,
        positionId: 0n,
        trancheId: position.trancheId,
        amount,
      });
      await h.send(deposited.instructions);
    });

  const extend = async (position: Position, newTrancheId: bigint) => {
    await freeSlot(newTrancheId);
    if (wipedOut(newTrancheId)) return;
    // The stake moved must buy at least one share: nothing moves out of a burnt tranche.
    const from = pool().tranches[ringSlot(position.trancheId)];
    const { shares } = h.account(position.address, decodeStakePosition);
    if (stakeFor(shares, from.stake, decodeU128(from.shares)) === 0n) return;
    await settlesOwed(position, async () => {
      const moved = await extendStake({
        owner: position.staker.signer,
        pool: keys,
        ownerToken: position.staker.token,
        positionId: 0n,
        newTrancheId,
      });
      await h.send(moved.instructions);
    });
    position.trancheId = newTrancheId;
  };

  /**
   * Buys a random share of the free capacity for `period`; records its stream: the stakers'
   * share less the manager's fee, from now to the bucket after the cover ends, to its class.
   */
  const buy = async (period: number) => {
    const now = h.now();
    const schedule = coverSchedule(params, terms.gracePeriod, terms.blindVotes, now, period);
    const free = await sellableNow(h, PRODUCT, keys.pool, mint, period);
    const amount = rng.chance(0.3) ? free : (free * BigInt(rng.int(1, 1_000))) / 1_000n;
    if (amount === 0n) return;
    const route = await quoteCover(h.fetch, {
      productId: PRODUCT,
      pools: [keys.pool],
      mint,
      amount,
      period,
    });
    const bought = await buyCover({
      payer: buyer.signer,
      payerToken: buyer.token,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
      productId: PRODUCT,
      period,
      coverNonce: nonce,
      quote: route,
    });
    await h.send(bought.instructions);
    nonce += 1n;
    const share = bpsOf(route.premium, params.stakerShareBps);
    const rewards = share - bpsOf(share, h.account(keys.pool, decodePool).managerFeeBps);
    const until = bucketStart(schedule.streamUntilBucket);
    streams.push({
      firstTranche: schedule.firstTranche,
      rate: (rewards * REWARD_SCALE) / (until - now),
      until,
    });
    sold += rewards;
    covers.push({ cover: bought.cover, claimableUntil: schedule.end + BigInt(terms.gracePeriod) });
  };

  /** An accepted claim on `cover` of part or all of what remains, paid four days later. */
  const payout = async (cover: Address) => {
    const { remaining } = h.account(cover, decodeCover);
    const amount = rng.chance(0.5) ? remaining : (remaining * BigInt(rng.int(1, 1_000))) / 1_000n;
    if (amount === 0n) return;
    const filed = await fileClaim(h.fetch, {
      owner: buyer.signer,
      cover,
      ownerToken: buyer.token,
      amount,
      incidentTime: h.account(cover, decodeCover).start,
      evidenceHash: new Uint8Array(32).fill(3),
      evidenceUri: "https://example.org/incident/rewards",
    });
    await h.send(filed.instructions);
    await h.send(
      (await vote(h.fetch, { owner: assessor.signer, claim: filed.claim, accept: true }))
        .instructions,
    );
    h.warpTo(h.now() + 4n * SECONDS_PER_DAY);
    await h.send((await redeem(h.fetch, { caller: h.payer, claim: filed.claim })).instructions);
  };

  /** Claims `position`'s rewards if it has any: the client's amount is what it receives. */
  const claim = async (position: Position) => {
    const owed = owedTo(position);
    if (owed === 0n) return;
    const before = h.balance(position.staker.token);
    const claimed = await claimRewards({
      owner: position.staker.signer,
      pool: keys,
      ownerToken: position.staker.token,
      positionId: 0n,
    });
    await h.send(claimed.instructions);
    assert.equal(h.balance(position.staker.token) - before, owed, where());
    paid += owed;
  };

  /** Withdraws `position` (its tranche ended): its stake plus what the client says it is owed. */
  const leave = async (position: Position) => {
    const now = h.now();
    const state = pool();
    const held = h.account(position.address, decodeStakePosition);
    const archived = await archiveOf(position.trancheId);
    const owed = pendingRewards(state, held, archived, now);
    const before = h.balance(position.staker.token);
    const out = await withdraw(h.fetch, {
      caller: position.staker.signer,
      pool: keys,
      ownerToken: position.staker.token,
      positionId: 0n,
    });
    await h.send(out.instructions);
    const stakeOut = stakeOutOf(state, held.shares, position.trancheId, archived);
    assert.equal(h.balance(position.staker.token) - before, stakeOut + owed, where());
    paid += owed;
    positions.splice(positions.indexOf(position), 1);
  };

  /**
   * Stake `shares` of ended tranche `trancheId` are withdrawn for, at its price when it ended:
   * its archive's, or its ring slot's (no longer changing) while it is not archived.
   */
  const stakeOutOf = (
    state: Pool,
    shares: bigint,
    trancheId: bigint,
    archived: TrancheArchive | null,
  ) => {
    if (archived) return stakeFor(shares, archived.stakeAtEnd, archived.sharesAtEnd);
    const slot = state.tranches[ringSlot(trancheId)];
    return stakeFor(shares, slot.stake, decodeU128(slot.shares));
  };

  /**
   * Every open position, by simulation: a claim pays exactly the client's pending rewards
   * (`NothingToClaim` when they are zero) and leaves the pool the client rolls forward, but
   * for the claim's own settlement and payment; a withdrawal pays the stake plus them.
   */
  const checkPositions = async () => {
    const now = h.now();
    const state = pool();
    let owed = 0n;
    for (const position of positions) {
      const { staker } = position;
      const held = h.account(position.address, decodeStakePosition);
      const archived = await archiveOf(position.trancheId);
      const pending = pendingRewards(state, held, archived, now);
      owed += pending;
      const tokens = h.balance(staker.token);
      const label = `${where()}: position of tranche ${position.trancheId}`;
      if (now < trancheEnd(position.trancheId)) {
        const claimed = await claimRewards({
          owner: staker.signer,
          pool: keys,
          ownerToken: staker.token,
          positionId: 0n,
        });
        const result = await h.simulateAccounts(claimed.instructions);
        if (pending === 0n) {
          assert.ok(!Array.isArray(result), `${label}: a claim of nothing went through`);
          assert.equal(result.code, BULWARK_ERROR__NOTHING_TO_CLAIM, label);
          continue;
        }
        const after = accepted(result, label);
        const received = decodeToken(accountIn(after, staker.token)).data.amount - tokens;
        assert.equal(received, pending, label);
        const expected = rollForward(state, now);
        const slot = ringSlot(position.trancheId);
        expected.tranches[slot] = settleTranche(expected.tranches[slot]);
        expected.rewardsReserved -= pending;
        assert.deepEqual(decodePool(accountIn(after, keys.pool)).data, expected, label);
      } else {
        const out = await withdraw(h.fetch, {
          caller: staker.signer,
          pool: keys,
          ownerToken: staker.token,
          positionId: 0n,
        });
        const after = accepted(await h.simulateAccounts(out.instructions), label);
        const received = decodeToken(accountIn(after, staker.token)).data.amount - tokens;
        const stakeOut = stakeOutOf(state, held.shares, position.trancheId, archived);
        assert.equal(received, stakeOut + pending, label);
      }
    }
    assert.ok(paid + owed <= sold, `${where()}: paid ${paid} + owed ${owed} > sold ${sold}`);
  };

  /**
   * Each tranche the ring holds receives, of every class it backs (first tranche ≤ its id)
   * still streaming, its share by live stake of the class's backing, rounded down: from the
   * record of every stream sold, with the pool's tranches as they are.
   */
  const checkStreams = () => {
    const now = h.now();
    const state = pool();
    const classes = new Map<bigint, bigint>();
    for (const { firstTranche, rate } of streams.filter((s) => s.until > now)) {
      classes.set(firstTranche, (classes.get(firstTranche) ?? 0n) + rate);
    }
    const held = state.tranches.filter((slot) => decodeU128(slot.shares) > 0n);
    const live = (trancheId: bigint, stake: bigint) => (trancheEnd(trancheId) > now ? stake : 0n);
    const backing = (first: bigint) =>
      held
        .filter((slot) => slot.trancheId >= first)
        .reduce((sum, slot) => sum + live(slot.trancheId, slot.stake), 0n);
    const expected = held
      .map(({ trancheId, stake }) => {
        const mine = live(trancheId, stake);
        let rate = 0n;
        for (const [first, classRate] of classes) {
          if (first <= trancheId && mine > 0n) rate += (classRate * mine) / backing(first);
        }
        return { trancheId, stake, rate };
      })
      .sort((a, b) => (a.trancheId < b.trancheId ? -1 : 1));
    const actual = trancheStreams(state, now);
    assert.deepEqual(actual, expected, where());
    // Nothing for a tranche below every streaming class, ended, or without stake; nothing
    // beyond what the classes stream.
    const lowest = [...classes.keys()].reduce((a, b) => (b < a ? b : a), 1n << 64n);
    for (const { trancheId, stake, rate } of actual) {
      if (trancheId < lowest || trancheEnd(trancheId) <= now || stake === 0n) {
        assert.equal(rate, 0n, `${where()}: tranche ${trancheId} streams`);
      }
    }
    const total = actual.reduce((sum, { rate }) => sum + rate, 0n);
    assert.ok(total <= [...classes.values()].reduce((sum, rate) => sum + rate, 0n), where());
  };

  /**
   * The pool as the program rolls it forward now: `refresh_pool_product` (simulated) rolls it
   * and changes nothing else of it but the weight sum.
   */
  const checkRollForward = async () => {
    const state = pool();
    const refreshed = await refreshPoolProduct({ pool: keys.pool, productId: PRODUCT });
    const after = accepted(await h.simulateAccounts(refreshed.instructions), where());
    const rolled = decodePool(accountIn(after, keys.pool)).data;
    const expected = rollForward(state, h.now());
    assert.deepEqual(
      rolled,
      { ...expected, totalEffectiveWeight: rolled.totalEffectiveWeight },
      where(),
    );
  };

  const check = async () => {
    await checkRollForward();
    await checkPositions();
    checkStreams();
  };

  for (let i = 0; i < 3; i++) await deposit(current() + BigInt(rng.int(0, 7)));
  await check();
  // Once, near the end: past the whole bucket ring (32 × 28 days), every stream and tranche
  // ending on the way.
  const longWarpAt = rng.int(STEPS - 10, STEPS - 5);
  for (step = 0; step < STEPS; step++) {
    const now = current();
    const action = step === longWarpAt ? -1 : rng.int(0, 19);
    const movable = running().filter((p) => p.trancheId >= now && !wipedOut(p.trancheId));
    if (action < 0) {
      h.warpTo(h.now() + days(900, 1_000));
    } else if (action < 3) {
      // Near tranches half of the time, so that tranches end while the history runs.
      const ahead = rng.chance(0.5) ? rng.int(0, 2) : rng.int(0, 7);
      if (running().length < 10) await deposit(now + BigInt(ahead));
    } else if (action < 5) {
      const position = rng.pick(movable);
      if (position) await topUp(position);
    } else if (action < 6) {
      const position = rng.pick(movable.filter((p) => p.trancheId < now + 7n));
      if (position) {
        const later = rng.int(1, Number(now + 7n - position.trancheId));
        await extend(position, position.trancheId + BigInt(later));
      }
    } else if (action < 10) {
      // Short covers half of the time: their class starts at one of the next tranches.
      await buy(Number(rng.chance(0.5) ? days(28, 90) : days(28, 365)));
    } else if (action < 12) {
      // Preferably a position with something to claim.
      const earning = running().filter((p) => owedTo(p) > 0n);
      const position = rng.chance(0.8) ? rng.pick(earning) : rng.pick(running());
      if (position) await claim(position);
    } else if (action < 15) {
      // An ended tranche is archived, or all its positions leave (the last closes the archive).
      const ended = positions.filter((p) => h.now() >= trancheEnd(p.trancheId));
      const trancheId = rng.pick(ended)?.trancheId;
      if (trancheId !== undefined && rng.chance(0.5) && !(await archiveOf(trancheId))) {
        await archive(trancheId);
      } else if (trancheId !== undefined) {
        for (const position of ended.filter((p) => p.trancheId === trancheId)) {
          await leave(position);
        }
      }
    } else if (action < 17) {
      const claimable = covers
        .filter(({ claimableUntil }) => h.now() < claimableUntil)
        .map(({ cover }) => ({ cover, remaining: h.account(cover, decodeCover).remaining }))
        .filter(({ remaining }) => remaining > 0n)
        .sort((a, b) => (a.remaining > b.remaining ? -1 : 1));
      // Often the largest cover: paid in full, it can burn all that backs its class.
      const cover = rng.chance(0.3) ? claimable[0] : rng.pick(claimable);
      if (cover) await payout(cover.cover);
    } else {
      h.warpTo(h.now() + days(1, 90) + BigInt(rng.int(0, 86_399)));
    }
    await check();
  }
}
