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
  type Quote,
} from "../src";
import { DAY, UNIT, deploy, openPool, stakeFar } from "./fixtures";
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
    await stakeFar(h, keys, mint, staked);
    pools.push(keys.pool);
  }
  const [a, b, c] = pools;
  // Pool D, the cheapest (1%), holds another mint: quotes on the first mint leave it out.
  const otherMint = await h.createMint(6);
  const { keys: dKeys } = await openPool(h, 3n, otherMint, [[PRODUCT, 100, 100]]);
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
