// The deploy migration's steps (app/src/deploy.ts, run by migrations/deploy.ts) against the SBF
// program: the first run creates config, product 0 and pool 0; the second changes nothing.

import assert from "node:assert/strict";
import test from "node:test";
import { TOKEN_PROGRAM_ADDRESS } from "@solana-program/token";
import {
  configPda,
  decodePool,
  decodeProduct,
  defaultProtocolParams,
  deployProtocol,
  loadConfig,
  poolPda,
  productPda,
  type DeployChain,
} from "../src";
import { Harness, skipWithoutProgram } from "./svm";

test(
  "deploy migration: idempotent config, product 0 and pool 0",
  skipWithoutProgram(),
  async () => {
    const h = await Harness.start();
    const chain: DeployChain = {
      fetch: h.fetch,
      send: async (instructions) => {
        await h.send(instructions);
        return "sent";
      },
      wallet: h.deployer,
    };
    const [assessmentMint, poolMint] = [await h.createMint(6), await h.createMint(6)];

    await assert.rejects(
      deployProtocol(chain, {}, () => {}),
      /the config needs an assessment mint/,
    );

    const first: string[] = [];
    await deployProtocol(chain, { assessmentMint, poolMint }, (line) => first.push(line));
    assert.deepEqual(first, [
      `config initialized: ${await configPda()} (sent)`,
      "product 0 created (sent)",
      `pool 0 created: ${await poolPda(0n)} (sent)`,
    ]);
    const config = await loadConfig(h.fetch);
    assert.equal(config.authority, h.deployer.address);
    assert.equal(config.treasury, h.deployer.address);
    assert.equal(config.assessmentMint, assessmentMint);
    assert.deepEqual(config.params, defaultProtocolParams());
    assert.equal(config.productCount, 1n);
    assert.equal(config.poolCount, 1n);
    const product = h.account(await productPda(0n), decodeProduct);
    assert.equal(product.terms.gracePeriod, 35 * 86_400);
    assert.equal(product.terms.wordingUri, "https://bulwark.example/wording/protocol-cover-v1");
    const pool = h.account(await poolPda(0n), decodePool);
    assert.equal(pool.manager, h.deployer.address);
    assert.equal(pool.mint, poolMint);
    assert.equal(pool.tokenProgram, TOKEN_PROGRAM_ADDRESS);
    assert.deepEqual([pool.managerFeeBps, pool.maxManagerFeeBps], [1_000, 2_000]);

    const again: string[] = [];
    await deployProtocol(chain, { assessmentMint, poolMint }, (line) => again.push(line));
    assert.deepEqual(again, [
      `config exists: ${await configPda()}`,
      "products exist: 1",
      "pools: 1",
    ]);
    assert.deepEqual(await loadConfig(h.fetch), config);
  },
);
