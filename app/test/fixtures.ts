// What the tests share beyond the litesvm kit (src/testing): a seeded generator for the tests on
// random states, and the capacity a pool sells now.

import type { Address } from "@solana/kit";
import {
  capitalPoolPda,
  coverSchedule,
  crankedLines,
  decodeCapitalPool,
  loadConfig,
  loadPoolStates,
  loadProduct,
  sellable,
} from "../src";
import type { Harness } from "../src/testing";

export * from "../src/testing/market";

/** Mulberry32: a small seeded generator, so every run explores the same states. */
export function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    int,
    chance: (p: number) => next() < p,
    pick: <T>(items: T[]) => items[int(0, items.length - 1)],
  };
}

/**
 * What `pool` sells of `productId` for `period` now, on the line the purchase flow's crank
 * would leave it (`quote.cranks`): the amount the program's `buy_cover` takes, not one unit more.
 */
export async function sellableNow(
  h: Harness,
  productId: bigint,
  pool: Address,
  mint: Address,
  period: number,
): Promise<bigint> {
  const [config, product, [state]] = await Promise.all([
    loadConfig(h.fetch),
    loadProduct(h.fetch, productId),
    loadPoolStates(h.fetch, productId, [pool]),
  ]);
  const capital = h.account(await capitalPoolPda(mint), decodeCapitalPool);
  const ratio = config.params.capacityRatioBps;
  const schedule = coverSchedule(
    config.params,
    product.terms.gracePeriod,
    product.terms.blindVotes,
    h.now(),
    period,
  );
  const { lines } = crankedLines(capital, [state], h.now(), ratio);
  return sellable(state, ratio, schedule, lines.get(pool));
}
