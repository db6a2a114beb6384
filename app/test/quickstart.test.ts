// Runs examples/quickstart.ts (the README's TypeScript example) against the SBF program.

import assert from "node:assert/strict";
import test from "node:test";
import { coverPda, decodeCover } from "../src";
import { quickstart } from "../examples/quickstart";
import { UNIT, deploy, openPool, stakeFar } from "./fixtures";
import { Harness, skipWithoutProgram } from "../src/testing";

test("examples/quickstart.ts buys the cover it quotes", skipWithoutProgram(), async () => {
  const h = await Harness.start();
  const { authority } = await deploy(h, 2);
  const mint = await h.createMint(6);
  // Pool 0: product 0 at 2.5%, 20k capacity; pool 1: product 0 at 2%, 5k capacity; pool 2
  // lists only product 1 and is left out of the route.
  const listings: [bigint, bigint, number, bigint][] = [
    [0n, 0n, 250, 10_000n * UNIT],
    [1n, 0n, 200, 2_500n * UNIT],
    [2n, 1n, 100, 10_000n * UNIT],
  ];
  const pools = [];
  for (const [poolId, productId, price, staked] of listings) {
    const { keys } = await openPool(h, authority, poolId, mint, [[productId, 100, price]]);
    await stakeFar(h, keys, mint, staked);
    pools.push(keys.pool);
  }
  // Pool 3, the cheapest (1%) and deepest, holds another mint: the USDC quote leaves it out.
  const otherMint = await h.createMint(6);
  const other = await openPool(h, authority, 3n, otherMint, [[0n, 100, 100]]);
  await stakeFar(h, other.keys, otherMint, 100_000n * UNIT);
  const buyer = await h.fundedUser(mint, 1_000n * UNIT);

  const { cover, quote } = await quickstart(
    h.fetch,
    (instructions) => h.send(instructions),
    buyer.signer,
    mint,
    buyer.token,
  );

  // 5,000 × 2% × 90/365 = 24.657535 and 5,000 × 2.5% × 90/365 = 30.821918, rounded up.
  assert.deepEqual(
    quote.parts.map((p) => [p.pool, p.amount, p.priceBps, p.premium]),
    [
      [pools[1], 5_000n * UNIT, 200n, 24_657_535n],
      [pools[0], 5_000n * UNIT, 250n, 30_821_918n],
    ],
  );
  assert.equal(quote.mint, mint);
  assert.equal(cover, await coverPda(buyer.signer.address, 0n));
  assert.equal(h.balance(buyer.token), 1_000n * UNIT - 55_479_453n);
  const state = h.account(cover, decodeCover);
  assert.equal(state.owner, buyer.signer.address);
  assert.equal(state.amount, 10_000n * UNIT);
  assert.equal(state.premium, 55_479_453n);
  assert.equal(state.period, 90 * 86_400);
});
