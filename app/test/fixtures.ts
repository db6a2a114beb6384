// What the tests share beyond the litesvm kit (src/testing): a seeded generator for the tests on
// random states, the capacity a pool sells now, and the program's second build.

import { dirname, join } from "node:path";
import { address, type Address } from "@solana/kit";
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
import { programPath, skipWithoutProgram, type Harness } from "../src/testing";

export * from "../src/testing/market";

/**
 * The id of the program's second build (`--features test-program-id`, which also sets its
 * `CONFIG_ADDRESS`; `[7; 32]`): what a deployment under its own key runs.
 */
export const TEST_BUILD_ID = address("US517G5965aydkZ46HS38QLi7UQiSojurfbQfKCELFx");

/** That build: `bulwark_test_id.so` beside the canonical `.so` (`.ci/run` builds both). */
export const testBuild = () => join(dirname(programPath()), "bulwark_test_id.so");

/** `{ skip }` option for node:test when the second build is missing, with the reason. */
export const skipWithoutTestBuild = () =>
  skipWithoutProgram(
    testBuild(),
    "build it with ../shared/sbf-toolchain/build-sbf.sh programs/bulwark --features " +
      "test-program-id and rename its bulwark.so (see .ci/run)",
  );

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
