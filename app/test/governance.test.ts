// Timelocked governance through the TypeScript client: a proposal waits for its delay, executes
// whole, and a stale one fails instead of reverting a later change.

import assert from "node:assert/strict";
import test from "node:test";
import {
  BULWARK_ERROR__PROPOSAL_STALE,
  BULWARK_ERROR__TIMELOCK_NOT_ELAPSED,
  cancelProposal,
  createProposal,
  executeProposal,
  loadConfig,
  paramChanges,
} from "../src";
import { deploy } from "./fixtures";
import { Harness, skipWithoutProgram, updateParams } from "../src/testing";

test(
  "a proposal waits for its timelock and a stale one cannot revert a later change",
  skipWithoutProgram(),
  async () => {
    const h = await Harness.start();
    const { authority } = await deploy(h, 0);
    const day = 86_400;
    let config = await loadConfig(h.fetch);
    await updateParams(h, authority, { ...config.params, timelockDelay: day });
    config = await loadConfig(h.fetch);
    assert.equal(config.params.timelockDelay, day);

    // A: capacity 2x -> 3x; B: 2x -> 2.5x. Both proposed against 2x.
    const propose = async (capacityRatioBps: number) => {
      const { params, proposalCount } = await loadConfig(h.fetch);
      const changes = paramChanges(params, { ...params, capacityRatioBps });
      assert.deepEqual(changes, [
        {
          __kind: "Param",
          param: 3,
          old: BigInt(params.capacityRatioBps),
          new: BigInt(capacityRatioBps),
        },
      ]);
      const created = await createProposal({ authority, id: proposalCount, changes });
      await h.send(created.instructions);
      return { id: proposalCount, changes };
    };
    const a = await propose(30_000);
    const b = await propose(25_000);
    const execute = async (p: {
      id: bigint;
      changes: Parameters<typeof executeProposal>[0]["changes"];
    }) =>
      (
        await executeProposal({
          caller: authority,
          id: p.id,
          proposer: authority.address,
          changes: p.changes,
        })
      ).instructions;
    assert.equal((await h.refuse(await execute(b))).code, BULWARK_ERROR__TIMELOCK_NOT_ELAPSED);
    h.warpTo(h.now() + BigInt(day));
    await h.send(await execute(b));
    assert.equal((await loadConfig(h.fetch)).params.capacityRatioBps, 25_000);
    assert.equal((await h.refuse(await execute(a))).code, BULWARK_ERROR__PROPOSAL_STALE);
    // The stale proposal is withdrawn; its rent goes back to its proposer.
    await h.send(
      (await cancelProposal({ authority, id: a.id, proposer: authority.address })).instructions,
    );
    assert.equal((await loadConfig(h.fetch)).params.capacityRatioBps, 25_000);
  },
);
