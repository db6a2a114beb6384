// The quote against what the program charges: routes over several pools at different prices,
// after bumps and decay, with commission, and the exact error of a too-low `maxPremium`; and
// the free capacity against what the program sells, on random states (deposits, stake moved
// out of tranches holding allocations, purchases, ratio changes, time).

import assert from "node:assert/strict";
import test from "node:test";
import type { Address } from "@solana/kit";
import { TOKEN_PROGRAM_ADDRESS } from "@solana-program/token";
import {
  BUCKET_RING,
  BULWARK_ERROR__INSUFFICIENT_CAPACITY,
  BULWARK_ERROR__LEVERAGE_UNAVAILABLE,
  BULWARK_ERROR__PREMIUM_ABOVE_MAX,
  InsufficientCapacityError,
  archivePda,
  bucketSlot,
  bumpedPrice,
  buyCover,
  coverSchedule,
  decodeCoverQuote,
  decodeCover,
  decodePool,
  decodePoolProduct,
  extendStake,
  getArchiveTrancheInstruction,
  loadConfig,
  loadPoolStates,
  loadProduct,
  plan,
  poolProductPda,
  quoteCover,
  quoteCoverInstruction,
  ringSlot,
  trancheAt,
  type Quote,
} from "../src";
import { UNIT, deploy, openPool, random, sellableNow, stakeFar, stakeNew } from "./fixtures";
import { Harness, skipWithoutProgram, updateParams, type Wallet } from "../src/testing";

const PRODUCT = 0n;

test("quotes equal what buy_cover charges, pool by pool", skipWithoutProgram(), async () => {
  const h = await Harness.start();
  const { authority } = await deploy(h, 1);
  const mint = await h.createMint(6);
  // Three pools on one product: [target price, weight, stake]. Capacities at 2x:
  // A 300 bps, 200k; B 200 bps, 100k; C 250 bps, 100k.
  const pools: Address[] = [];
  for (const [poolId, [price, weight, staked]] of (
    [
      [300, 100, 100_000n * UNIT],
      [200, 50, 100_000n * UNIT],
      [250, 100, 50_000n * UNIT],
    ] as const
  ).entries()) {
    const { keys } = await openPool(h, authority, BigInt(poolId), mint, [[PRODUCT, weight, price]]);
    await stakeFar(h, keys, mint, staked);
    pools.push(keys.pool);
  }
  const [a, b, c] = pools;
  // Pool D, the cheapest (1%), holds another mint: quotes on the first mint leave it out.
  const otherMint = await h.createMint(6);
  const { keys: dKeys } = await openPool(h, authority, 3n, otherMint, [[PRODUCT, 100, 100]]);
  await stakeFar(h, dKeys, otherMint, 100_000n * UNIT);
  const d = dKeys.pool;
  pools.push(d);
  const buyer = await h.fundedUser(mint, 100_000n * UNIT);
  const distributor = await h.createTokenAccount((await h.user()).address, mint);
  const period = 120 * 86_400;
  let nonce = 0n;

  /**
   * Buys what `route` routes (its mint and commission included) and checks every token the
   * program moved against it.
   */
  async function buyAndCompare(route: Quote) {
    const [before, commissionBefore] = [h.balance(buyer.token), h.balance(distributor)];
    const purchase = await buyCover({
      payer: buyer.signer,
      payerToken: buyer.token,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
      productId: PRODUCT,
      period,
      coverNonce: nonce++,
      quote: route,
      commissionDestination: route.commissionBps > 0 ? distributor : undefined,
    });
    await h.send(purchase.instructions);
    assert.equal(before - h.balance(buyer.token), route.cost);
    assert.equal(h.balance(distributor) - commissionBefore, route.commission);
    const cover = h.account(purchase.cover, decodeCover);
    assert.equal(cover.premium, route.premium);
    assert.deepEqual(
      cover.allocations.slice(0, cover.poolCount).map((x) => [x.pool, x.amount, x.premium]),
      route.parts.map((part) => [part.pool, part.amount, part.premium]),
    );
  }

  const bumped = async (pool: Address) =>
    h.account(await poolProductPda(pool, PRODUCT), decodePoolProduct).bumpedPriceBps;

  // 150k: all of B (cheapest, 100k) and 50k of C.
  const first = await quoteCover(h.fetch, {
    productId: PRODUCT,
    pools,
    mint,
    amount: 150_000n * UNIT,
    period,
  });
  assert.deepEqual(
    first.parts.map((p) => [p.pool, p.amount, p.priceBps]),
    [
      [b, 100_000n * UNIT, 200n],
      [c, 50_000n * UNIT, 250n],
    ],
  );
  // 100k × 2% × 120/365 = 657.534246… and 50k × 2.5% × 120/365 = 410.958904… (both rounded up).
  assert.deepEqual(
    first.parts.map((p) => p.premium),
    [657_534_247n, 410_958_905n],
  );
  assert.deepEqual([first.mint, first.commissionBps, first.commission], [mint, 0, 0n]);
  await buyAndCompare(first);
  // Bumps: B 200 + 5% × 100k/100k = 700; C 250 + 5% × 50k/100k = 500.
  assert.deepEqual([await bumped(b), await bumped(c)], [700, 500]);

  // 27 hours later the bumps have decayed by 2%/day × 27/24 = 225 bps: B to 475 (and it is
  // full), C to 275, below A's 300.
  h.warpTo(h.now() + 27n * 3_600n);
  const second = await quoteCover(h.fetch, {
    productId: PRODUCT,
    pools,
    mint,
    amount: 60_000n * UNIT,
    period,
    commissionBps: 500,
  });
  assert.deepEqual(
    second.parts.map((p) => [p.pool, p.amount, p.priceBps]),
    [
      [c, 50_000n * UNIT, 275n],
      [a, 10_000n * UNIT, 300n],
    ],
  );
  assert.equal(second.commissionBps, 500);
  assert.equal(second.commission, (second.premium * 500n) / 10_000n);

  // One unit less than the quoted cost is refused with the slippage error; the quote goes through.
  const tooTight = await buyCover({
    payer: buyer.signer,
    payerToken: buyer.token,
    tokenProgram: TOKEN_PROGRAM_ADDRESS,
    productId: PRODUCT,
    period,
    coverNonce: nonce,
    quote: second,
    commissionDestination: distributor,
    maxPremium: second.cost - 1n,
  });
  const refused = await h.refuse(tooTight.instructions);
  assert.equal(refused.code, BULWARK_ERROR__PREMIUM_ABOVE_MAX);
  assert.equal(refused.code, 6058);
  // The purchase takes the quote's 5% commission: the distributor gets exactly the quoted one.
  await buyAndCompare(second);

  // What is left: A's 190k; asking for more reports exactly that.
  await assert.rejects(
    quoteCover(h.fetch, { productId: PRODUCT, pools, mint, amount: 200_000n * UNIT, period }),
    (error: unknown) =>
      error instanceof InsufficientCapacityError &&
      error.requested === 200_000n * UNIT &&
      error.available === 190_000n * UNIT,
  );

  // On the other mint only D: 10,000 × 1% × 120/365 = 32.876712… rounded up.
  const onOther = await quoteCover(h.fetch, {
    productId: PRODUCT,
    pools,
    mint: otherMint,
    amount: 10_000n * UNIT,
    period,
  });
  assert.equal(onOther.mint, otherMint);
  assert.deepEqual(
    onOther.parts.map((p) => [p.pool, p.amount, p.priceBps, p.premium]),
    [[d, 10_000n * UNIT, 100n, 32_876_713n]],
  );
});

test(
  "free capacity is exactly what buy_cover sells, on random states with carry-over",
  skipWithoutProgram(),
  async () => {
    for (const seed of [1, 2, 3, 4]) await exploreCapacity(seed);
  },
);

/**
 * One pool of a random weight on product 0, driven through a random history; after every step
 * the client's free capacity for a random period must be exactly what `buy_cover` sells: that
 * amount goes through (at the quoted cost), one unit more is refused with `InsufficientCapacity`.
 */
async function exploreCapacity(seed: number) {
  const rng = random(seed);
  const h = await Harness.start();
  const { authority } = await deploy(h, 1);
  h.warpToTranche(trancheAt(h.now()) + 1n, BigInt(rng.int(0, 91 * 86_400 - 1)));
  const mint = await h.createMint(6);
  const { keys } = await openPool(h, authority, 0n, mint, [[PRODUCT, rng.int(10, 100), 200]]);
  const poolProduct = await poolProductPda(keys.pool, PRODUCT);
  const buyer = await h.fundedUser(mint, 1_000_000_000n * UNIT);
  const positions: { staker: Wallet; trancheId: bigint }[] = [];
  let nonce = 0n;
  const current = () => trancheAt(h.now());
  const days = (lo: number, hi: number) => rng.int(lo, hi) * 86_400;
  const stakeAmount = () => BigInt(rng.int(1_000, 300_000)) * UNIT + BigInt(rng.int(0, 999_999));

  /** The client's plan of `amount` for `period` on the pool as the VM holds it now. */
  const scheduleAndPlan = async (period: number, amount: bigint) => {
    const [config, product, [state]] = await Promise.all([
      loadConfig(h.fetch),
      loadProduct(h.fetch, PRODUCT),
      loadPoolStates(h.fetch, PRODUCT, [keys.pool]),
    ]);
    const schedule = coverSchedule(
      config.params,
      product.terms.gracePeriod,
      product.terms.blindVotes,
      h.now(),
      period,
    );
    const planned = plan(state, config.params.capacityRatioBps, schedule, amount);
    return { params: config.params, schedule, planned };
  };
  /** What the pool sells for `period` now, on the line a crank would leave it. */
  const sellableFor = (period: number) => sellableNow(h, PRODUCT, keys.pool, mint, period);

  /** `buy_cover` of `route` with the next nonce (the quoted cost as `maxPremium` by default). */
  const purchase = (route: Quote, period: number, maxPremium?: bigint) =>
    buyCover({
      payer: buyer.signer,
      payerToken: buyer.token,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
      productId: PRODUCT,
      period,
      coverNonce: nonce,
      quote: route,
      maxPremium,
    });

  /** Archives the ended tranche still holding `trancheId`'s ring slot, if any. */
  const freeSlot = async (trancheId: bigint) => {
    const slot = h.account(keys.pool, decodePool).tranches[ringSlot(trancheId)];
    if (slot.trancheId === trancheId || slot.shares.le.every((byte) => byte === 0)) return;
    const archive = await archivePda(keys.pool, slot.trancheId);
    await h.send([
      getArchiveTrancheInstruction({
        payer: h.payer,
        pool: keys.pool,
        archive,
        trancheId: slot.trancheId,
      }),
    ]);
  };

  const deposit = async (trancheId: bigint) => {
    await freeSlot(trancheId);
    const { staker } = await stakeNew(h, keys, mint, trancheId, stakeAmount());
    positions.push({ staker, trancheId });
  };

  const extend = async (position: (typeof positions)[number], newTrancheId: bigint) => {
    await freeSlot(newTrancheId);
    const { staker } = position;
    const moved = await extendStake({
      owner: staker.signer,
      pool: keys,
      ownerToken: staker.token,
      positionId: 0n,
      newTrancheId,
    });
    await h.send(moved.instructions);
    position.trancheId = newTrancheId;
  };

  /**
   * Buys `amount` as quoted; the program allocates it per tranche as the client planned, records
   * the planned backing units, released at the schedule's bucket, and bumps the price by the
   * amount's share of the planned total capacity.
   */
  const buy = async (period: number, amount: bigint) => {
    const { params, schedule, planned } = await scheduleAndPlan(period, amount);
    const before = h.account(poolProduct, decodePoolProduct);
    const route = await quoteCover(h.fetch, {
      productId: PRODUCT,
      pools: [keys.pool],
      mint,
      amount,
      period,
    });
    const bought = await purchase(route, period);
    await h.send(bought.instructions);
    nonce += 1n;
    const cover = h.account(bought.cover, decodeCover);
    assert.deepEqual(cover.allocations[0].trancheAmounts, planned.trancheAmounts);
    const after = h.account(poolProduct, decodePoolProduct);
    const release = bucketSlot(schedule.releaseBucket);
    // The purchase's roll-forward first empties that ring row if it last held a bucket 32 back.
    const stale = schedule.releaseBucket - BigInt(BUCKET_RING) > before.lastBucket;
    assert.deepEqual(
      planned.trancheBacking.map((_, k) => {
        const slot = ringSlot(schedule.firstTranche + BigInt(k));
        return after.expiring[release][slot] - (stale ? 0n : before.expiring[release][slot]);
      }),
      planned.trancheBacking,
    );
    const { priceBps } = route.parts[0];
    const bump = bumpedPrice(priceBps, amount, planned.totalCapacity, params.priceBumpBps);
    assert.equal(BigInt(after.bumpedPriceBps), bump);
  };

  /**
   * The client's free capacity for `period` against the program, on the state as it is (both
   * purchases simulated): exactly that amount is quoted and sold at the quoted cost, one unit
   * more is neither quoted nor sold.
   */
  const check = async (period: number) => {
    const free = await sellableFor(period);
    const ask = (amount: bigint) =>
      quoteCover(h.fetch, { productId: PRODUCT, pools: [keys.pool], mint, amount, period });
    if (free > 0n) {
      const route = await ask(free);
      assert.deepEqual(
        route.parts.map((part) => [part.pool, part.amount]),
        [[keys.pool, free]],
      );
      const sold = await h.simulate((await purchase(route, period)).instructions);
      assert.equal(sold, undefined, `seed ${seed}: ${free} refused\n${sold?.logs.join("\n")}`);
    }
    await assert.rejects(
      ask(free + 1n),
      (error: unknown) => error instanceof InsufficientCapacityError && error.available === free,
    );
    const over: Quote = {
      mint,
      parts: [{ pool: keys.pool, amount: free + 1n, priceBps: 0n, premium: 0n }],
      premium: 0n,
      commissionBps: 0,
      commission: 0n,
      cost: 0n,
      cranks: [keys.pool],
    };
    const refused = await h.simulate(
      (await purchase(over, period, h.balance(buyer.token))).instructions,
    );
    // Refused for want of stake, or of line where the line binds (a 2x plan would fit).
    assert.ok(
      refused?.code === BULWARK_ERROR__INSUFFICIENT_CAPACITY ||
        refused?.code === BULWARK_ERROR__LEVERAGE_UNAVAILABLE,
      `seed ${seed}: ${free} + 1: ${refused?.code}`,
    );
  };

  // The carry-over, in every state: staker A alone in tranche current + 3, B in the farthest
  // one. A short cover (28–60 days: eligible from current + 2 at the latest) fills A's tranche
  // first, the earlier ones holding no stake; then A moves on, leaving the allocation behind
  // in a tranche without stake. What it needs is carried into the later tranches, also for a
  // cover too long for A's tranche to back (the walk starts at the current tranche).
  const c = current();
  await deposit(c + 3n);
  await deposit(c + 7n);
  const short = days(28, 60);
  const free = await sellableFor(short);
  await buy(short, (free * BigInt(rng.int(300, 1_000))) / 1_000n);
  const held = h.account(poolProduct, decodePoolProduct);
  assert.equal(held.allocationTrancheIds[ringSlot(c + 3n)], c + 3n);
  assert.ok(held.allocated[ringSlot(c + 3n)] > 0n);
  await extend(positions[0], c + BigInt(rng.int(4, 7)));
  const left = h.account(keys.pool, decodePool).tranches[ringSlot(c + 3n)];
  assert.ok(left.shares.le.every((byte) => byte === 0));
  await check(short);
  await check(365 * 86_400);

  // Then a random history, checked after every step.
  for (let step = 0; step < 20; step++) {
    const now = current();
    const action = rng.int(0, 19);
    if (action < 6) {
      await deposit(now + BigInt(rng.int(0, 7)));
    } else if (action < 10) {
      // Preferably out of a tranche holding allocations.
      const movable = positions.filter((p) => p.trancheId >= now && p.trancheId < now + 7n);
      const allocations = h.account(poolProduct, decodePoolProduct);
      const holding = movable.filter((p) => {
        const slot = ringSlot(p.trancheId);
        return (
          allocations.allocationTrancheIds[slot] === p.trancheId && allocations.allocated[slot] > 0n
        );
      });
      const from = holding.length > 0 && rng.chance(0.7) ? rng.pick(holding) : rng.pick(movable);
      if (from) {
        await extend(from, from.trancheId + BigInt(rng.int(1, Number(now + 7n - from.trancheId))));
      }
    } else if (action < 16) {
      const period = days(28, 365);
      const available = await sellableFor(period);
      const amount = rng.chance(0.15)
        ? available
        : (available * BigInt(rng.int(1, 1_000))) / 1_000n;
      if (amount > 0n) await buy(period, amount);
    } else if (action < 17) {
      // Governance changes the ratio: what was sold keeps the backing it was sold against.
      const { params } = await loadConfig(h.fetch);
      const capacityRatioBps = rng.int(10_000, 40_000);
      await updateParams(h, authority, { ...params, capacityRatioBps });
    } else {
      h.warpTo(h.now() + BigInt(days(1, 75)) + BigInt(rng.int(0, 86_399)));
    }
    await check(days(28, 365));
  }
}

test(
  "the program's quote_cover equals the client's quote on random markets",
  skipWithoutProgram(),
  async () => {
    let priced = 0;
    let short = 0;
    for (const seed of [11, 12, 13, 14]) {
      const rng = random(seed);
      const h = await Harness.start();
      const { authority } = await deploy(h, 1);
      h.warpDays(rng.int(0, 90));
      const mint = await h.createMint(6);
      const pools: Address[] = [];
      for (let poolId = 0; poolId < rng.int(1, 5); poolId++) {
        const listing: [bigint, number, number] = [PRODUCT, rng.int(20, 100), rng.int(100, 900)];
        const { keys } = await openPool(h, authority, BigInt(poolId), mint, [listing]);
        await stakeFar(h, keys, mint, BigInt(rng.int(5_000, 1_500_000)) * UNIT);
        pools.push(keys.pool);
      }
      const buyer = await h.fundedUser(mint, 100_000_000n * UNIT);
      const ask = (amount: bigint, period: number, commissionBps: number) =>
        ({ productId: PRODUCT, pools, mint, amount, period, commissionBps }) as const;
      for (let nonce = 0n; nonce < BigInt(rng.int(0, 3)); nonce++) {
        h.warpDays(rng.int(0, 40));
        const period = rng.int(28, 365) * 86_400;
        const amount = BigInt(rng.int(1, 1_000_000)) * UNIT;
        const route = await quoteCover(h.fetch, ask(amount, period, 0)).catch(() => undefined);
        if (route === undefined) continue;
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
      }
      h.warpDays(rng.int(0, 20));
      for (let i = 0; i < 4; i++) {
        const request = ask(
          BigInt(rng.int(1, 6_000_000)) * UNIT,
          rng.int(28, 365) * 86_400,
          rng.int(0, 3_000),
        );
        const program = decodeCoverQuote(
          await h.returnData([await quoteCoverInstruction(request)]),
        );
        try {
          const client = await quoteCover(h.fetch, request);
          assert.deepEqual(program.parts, client.parts, `seed ${seed}`);
          assert.equal(program.covered, request.amount);
          assert.equal(program.premium, client.premium);
          assert.equal(program.commission, client.commission);
          assert.deepEqual(program.cranks, client.cranks);
          priced += 1;
        } catch (e) {
          if (!(e instanceof InsufficientCapacityError)) throw e;
          assert.equal(program.covered, e.available, `seed ${seed}`);
          assert.ok(program.covered < request.amount);
          short += 1;
        }
      }
    }
    // Both outcomes were exercised.
    assert.ok(priced >= 4 && short >= 2, `${priced} priced, ${short} short`);
  },
);
