// The client's staker view (src/rewards.ts) against the SBF program in litesvm, on random
// states: stakers in several tranches (deposits, top-ups, moves to later tranches), covers of
// random periods and amounts, payouts that burn stake (at times all that backs a class, whose
// stream then goes to the treasury), reward claims, archives, withdrawals, time warps (one at
// times past the whole 32-bucket ring). After every step, for every open position,
// `pendingRewards` is exactly what `claim_rewards` would pay (or, once its tranche ended, what
// `withdraw_stake` pays beyond the stake), `rollForward` is exactly the pool a claim leaves but
// for the claim itself, and `trancheStreams` is what the record of every stream sold gives each
// tranche; what was paid and is owed never exceeds what was sold.

import assert from "node:assert/strict";
import test from "node:test";
import type { Address, EncodedAccount } from "@solana/kit";
import { TOKEN_PROGRAM_ADDRESS, decodeToken } from "@solana-program/token";
import {
  BULWARK_ERROR__NOTHING_TO_CLAIM,
  REWARD_SCALE,
  SECONDS_PER_DAY,
  TRANCHE_DURATION,
  archivePda,
  bpsOf,
  bucketStart,
  buyCover,
  claimRewards,
  coverSchedule,
  decodeCover,
  decodePool,
  decodeStakePosition,
  decodeTrancheArchive,
  decodeU128,
  extendStake,
  fileClaim,
  getArchiveTrancheInstruction,
  loadConfig,
  loadPoolStates,
  loadProduct,
  pendingRewards,
  plan,
  quoteCover,
  redeem,
  rewardPerShare,
  ringSlot,
  rollForward,
  settleTranche,
  stake,
  stakeAssessor,
  trancheAt,
  trancheEnd,
  trancheStreams,
  vote,
  withdraw,
  type Pool,
  type TrancheArchive,
} from "../src";
import { UNIT, deploy, openPool, random } from "./fixtures";
import { Harness, skipWithoutProgram, type Refusal, type Wallet } from "./svm";

const PRODUCT = 0n;
const STEPS = 30;

test(
  "pending rewards, roll-forward and tranche streams are the program's, on random states",
  skipWithoutProgram(),
  async () => {
    for (const seed of [1, 2, 3]) await explore(seed);
  },
);

/** An open stake position (position id 0 of its staker). */
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

/** Stake `shares` of a tranche of `stake` over `supply` shares redeem for (virtual share, asset). */
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

/**
 * One pool on product 0 (random weight), one buyer, one assessor, driven through a random
 * history and checked after every step.
 */
async function explore(seed: number) {
  const rng = random(seed);
  const h = await Harness.start();
  const { authority, assessmentMint } = await deploy(h, 1);
  h.warpToTranche(trancheAt(h.now()) + 1n, BigInt(rng.int(0, Number(TRANCHE_DURATION) - 1)));
  const mint = await h.createMint(6);
  const { keys } = await openPool(h, authority, 0n, mint, [[PRODUCT, rng.int(50, 100), 200]]);
  const { params } = await loadConfig(h.fetch);
  const { terms } = await loadProduct(h.fetch, PRODUCT);
  const buyer = await h.fundedUser(mint, 1_000_000_000n * UNIT);
  const assessor = await h.fundedUser(assessmentMint, UNIT);
  await h.send(
    (
      await stakeAssessor({
        owner: assessor.signer,
        assessmentMint,
        ownerToken: assessor.token,
        tokenProgram: TOKEN_PROGRAM_ADDRESS,
        amount: UNIT,
      })
    ).instructions,
  );

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
    const amount = stakeAmount();
    const staker = await h.fundedUser(mint, amount);
    const deposited = await stake({
      owner: staker.signer,
      pool: keys,
      ownerToken: staker.token,
      positionId: 0n,
      trancheId,
      amount,
    });
    await h.send(deposited.instructions);
    positions.push({ staker, address: deposited.position, trancheId });
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
    const schedule = coverSchedule(params, terms.gracePeriod, now, period);
    const [state] = await loadPoolStates(h.fetch, PRODUCT, [keys.pool]);
    const free = plan(state, params.capacityRatioBps, schedule, 0n).freeCapacity;
    const amount = rng.chance(0.2) ? free : (free * BigInt(rng.int(1, 1_000))) / 1_000n;
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
    const rewards = share - bpsOf(share, state.pool.managerFeeBps);
    const until = bucketStart(schedule.streamUntilBucket);
    streams.push({
      firstTranche: schedule.firstTranche,
      rate: (rewards * REWARD_SCALE) / (until - now),
      until,
    });
    sold += rewards;
    console.log("STAT buy", amount, period, schedule.firstTranche, rewards);
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
      evidenceHash: new Uint8Array(32).fill(3),
      evidenceUri: "https://example.org/incident/rewards",
    });
    await h.send(filed.instructions);
    await h.send(
      (await vote({ owner: assessor.signer, claim: filed.claim, accept: true })).instructions,
    );
    h.warpTo(h.now() + 4n * SECONDS_PER_DAY);
    await h.send((await redeem(h.fetch, { caller: h.payer, claim: filed.claim })).instructions);
    console.log("STAT payout", amount, pool().tranches.map((t) => `${t.trancheId}:${t.stake}`).join(" "), "treasury", pool().treasuryAccrued);
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
    console.log("STAT claim", owed);
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
    const stakeOut = stakeOutOf(state, held.shares, position.trancheId, archived, now);
    assert.equal(h.balance(position.staker.token) - before, stakeOut + owed, where());
    paid += owed;
    console.log("STAT leave", stakeOut, owed, archived ? "archived" : "slot");
    positions.splice(positions.indexOf(position), 1);
  };

  /** Stake `shares` of ended tranche `trancheId` are withdrawn for, from its archive or slot. */
  const stakeOutOf = (
    state: Pool,
    shares: bigint,
    trancheId: bigint,
    archived: TrancheArchive | null,
    now: bigint,
  ) => {
    if (archived) return stakeFor(shares, archived.stakeAtEnd, archived.sharesAtEnd);
    const slot = rollForward(state, now).tranches[ringSlot(trancheId)];
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
          console.log("STAT nothing");
          assert.ok(!Array.isArray(result), `${label}: a claim of nothing went through`);
          assert.equal(result.code, BULWARK_ERROR__NOTHING_TO_CLAIM, label);
          continue;
        }
        const after = accepted(result, label);
        const received = decodeToken(accountIn(after, staker.token)).data.amount - tokens;
        assert.equal(received, pending, label);
        console.log("STAT simclaim", pending);
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
        const stakeOut = stakeOutOf(state, held.shares, position.trancheId, archived, now);
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
    for (const [first] of classes) if (backing(first) === 0n) console.log("STAT orphan", first);
    console.log("STAT streams", positions.length, classes.size, actual.map((a) => `${a.trancheId}:${a.rate}`).join(" "));
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

  const check = async () => {
    await checkPositions();
    checkStreams();
  };

  for (let i = 0; i < 3; i++) await deposit(current() + BigInt(rng.int(0, 7)));
  await check();
  for (step = 0; step < STEPS; step++) {
    const now = current();
    const action = rng.int(0, 19);
    const movable = running().filter((p) => p.trancheId >= now && !wipedOut(p.trancheId));
    if (action < 4) {
      // Near tranches half of the time, so that tranches end while the history runs.
      const ahead = rng.chance(0.5) ? rng.int(0, 2) : rng.int(0, 7);
      if (positions.length < 12) await deposit(now + BigInt(ahead));
    } else if (action < 6) {
      const position = rng.pick(movable);
      if (position) await topUp(position);
    } else if (action < 7) {
      const position = rng.pick(movable.filter((p) => p.trancheId < now + 7n));
      if (position) {
        const later = rng.int(1, Number(now + 7n - position.trancheId));
        await extend(position, position.trancheId + BigInt(later));
      }
    } else if (action < 11) {
      await buy(Number(days(28, 365)));
    } else if (action < 13) {
      // Preferably a position with something to claim.
      const earning = running().filter((p) => owedTo(p) > 0n);
      const position = rng.chance(0.8) ? rng.pick(earning) : rng.pick(running());
      if (position) await claim(position);
    } else if (action < 15) {
      const ended = positions.filter((p) => h.now() >= trancheEnd(p.trancheId));
      const position = rng.pick(ended);
      if (position && rng.chance(0.3) && !(await archiveOf(position.trancheId))) {
        await archive(position.trancheId);
      } else if (position) {
        await leave(position);
      }
    } else if (action < 16) {
      const claimable = covers.filter(
        ({ cover, claimableUntil }) =>
          h.now() < claimableUntil && h.account(cover, decodeCover).remaining > 0n,
      );
      const cover = rng.pick(claimable);
      if (cover) await payout(cover.cover);
    } else if (action < 19 || rng.chance(0.5)) {
      h.warpTo(h.now() + days(1, 60) + BigInt(rng.int(0, 86_399)));
    } else {
      // Past the whole bucket ring (32 × 28 days): every stream and tranche ends on the way.
      h.warpTo(h.now() + days(900, 1_000));
      console.log("STAT longwarp");
    }
    await check();
  }
}
