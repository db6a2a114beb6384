// The quote against what the program charges: routes over several pools at different prices,
// after bumps and decay, with commission, and the exact error of a too-low `maxPremium`.

import assert from "node:assert/strict";
import test from "node:test";
import type { Address } from "@solana/kit";
import { TOKEN_PROGRAM_ADDRESS } from "@solana-program/token";
import {
  BULWARK_ERROR__PREMIUM_ABOVE_MAX,
  InsufficientCapacityError,
  buyCover,
  decodeCover,
  decodePoolProduct,
  poolProductPda,
  quoteCover,
  stake,
  trancheAt,
  type Quote,
} from "../src";
import { DAY, UNIT, deploy, openPool } from "./fixtures";
import { Harness, skipWithoutProgram } from "./svm";

const PRODUCT = 0n;

test("quotes equal what buy_cover charges, pool by pool", skipWithoutProgram(), async () => {
  const h = await Harness.start();
  await deploy(h, 1);
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
    const { keys } = await openPool(h, BigInt(poolId), mint, [[PRODUCT, weight, price]]);
    const staker = await h.fundedUser(mint, staked);
    const trancheId = trancheAt(h.now()) + 7n;
    const deposit = await stake({
      owner: staker.signer,
      pool: keys,
      ownerToken: staker.token,
      positionId: 0n,
      trancheId,
      amount: staked,
    });
    await h.send(deposit.instructions);
    pools.push(keys.pool);
  }
  const [a, b, c] = pools;
  const buyer = await h.fundedUser(mint, 100_000n * UNIT);
  const distributor = await h.createTokenAccount((await h.user()).address, mint);
  const period = 120 * 86_400;
  let nonce = 0n;

  /** Buys what `route` routes and checks every token the program moved against it. */
  async function buyAndCompare(route: Quote, commissionBps: number) {
    const [before, commissionBefore] = [h.balance(buyer.token), h.balance(distributor)];
    const purchase = await buyCover({
      payer: buyer.signer,
      payerToken: buyer.token,
      mint,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
      productId: PRODUCT,
      period,
      coverNonce: nonce++,
      quote: route,
      commissionBps,
      commissionDestination: commissionBps > 0 ? distributor : undefined,
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
  await buyAndCompare(first, 0);
  // Bumps: B 200 + 5% × 100k/100k = 700; C 250 + 5% × 50k/100k = 500.
  assert.deepEqual([await bumped(b), await bumped(c)], [700, 500]);

  // 27 hours later the bumps have decayed by 2%/day × 27/24 = 225 bps: B to 475 (and it is
  // full), C to 275, below A's 300.
  h.warpTo(h.now() + 27n * 3_600n);
  const second = await quoteCover(h.fetch, {
    productId: PRODUCT,
    pools,
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
  assert.equal(second.commission, (second.premium * 500n) / 10_000n);

  // One unit less than the quoted cost is refused with the slippage error; the quote goes through.
  const tooTight = await buyCover({
    payer: buyer.signer,
    payerToken: buyer.token,
    mint,
    tokenProgram: TOKEN_PROGRAM_ADDRESS,
    productId: PRODUCT,
    period,
    coverNonce: nonce,
    quote: second,
    commissionBps: 500,
    commissionDestination: distributor,
    maxPremium: second.cost - 1n,
  });
  const refused = await h.refuse(tooTight.instructions);
  assert.equal(refused.code, BULWARK_ERROR__PREMIUM_ABOVE_MAX);
  assert.equal(refused.code, 6058);
  await buyAndCompare(second, 500);

  // What is left: A's 190k; asking for more reports exactly that.
  await assert.rejects(
    quoteCover(h.fetch, { productId: PRODUCT, pools, amount: 200_000n * UNIT, period }),
    (error: unknown) =>
      error instanceof InsufficientCapacityError &&
      error.requested === 200_000n * UNIT &&
      error.available === 190_000n * UNIT,
  );
});
