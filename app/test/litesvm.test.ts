// Runs examples/litesvm.ts (the README's litesvm example) against the SBF program, as an outside
// protocol's test would: only what the README shows, the kit and the client.

import assert from "node:assert/strict";
import test from "node:test";
import { insuredAndPaid } from "../examples/litesvm";
import { UNIT, skipWithoutProgram } from "../src/testing";

test("examples/litesvm.ts: a market, a cover, a claim paid", skipWithoutProgram(), async () => {
  const { premium, balance } = await insuredAndPaid();
  // 100,000 for a year at 2.5%; the 40,000 claim paid and its deposit returned.
  assert.equal(premium, 2_500n * UNIT);
  assert.equal(balance, 10_000n * UNIT - 2_500n * UNIT + 40_000n * UNIT);
});
