// The deploy migration's steps (app/src/deploy.ts, run by migrations/deploy.ts) against the SBF
// program: config and product 0, then the pool mint listed by governance, the wallet's own pool
// (not a stranger's pool 0) with product 0 listed on it; a run with everything in place changes
// nothing; the cover it lists can be quoted and bought; a wallet that is not the governance
// authority lists nothing.

import assert from "node:assert/strict";
import test from "node:test";
import type { Address } from "@solana/kit";
import { TOKEN_PROGRAM_ADDRESS } from "@solana-program/token";
import {
  buyCover,
  configPda,
  decodeCover,
  decodeMintParams,
  decodePool,
  decodePoolProduct,
  decodeProduct,
  defaultProtocolParams,
  deployProtocol,
  loadConfig,
  loadPoolKeys,
  mintParamsPda,
  poolPda,
  poolProductPda,
  productPda,
  quoteCover,
  type DeployChain,
  type DeploySettings,
} from "../src";
import { CLAIM_MIN_DEPOSIT, UNIT, openPool, stakeFar } from "./fixtures";
import { Harness, skipWithoutProgram } from "../src/testing";

test(
  "deploy migration: config, product 0, the wallet's pool listing product 0, idempotent",
  skipWithoutProgram(),
  async () => {
    const h = await Harness.start();
    const run = deployRun(h);
    const [assessmentMint, poolMint] = [await h.createMint(6), await h.createMint(6)];
    const config = await configPda();

    await assert.rejects(run({}), /the config needs an assessment mint/);

    assert.deepEqual(await run({ assessmentMint }), [
      `config initialized: ${config} (sent)`,
      "product 0 created (sent)",
      "pools: 0 (no pool mint given)",
    ]);
    const state = await loadConfig(h.fetch);
    assert.equal(state.authority, h.deployer.address);
    assert.equal(state.treasury, h.deployer.address);
    assert.equal(state.assessmentMint, assessmentMint);
    assert.deepEqual(state.params, defaultProtocolParams());
    const product = h.account(await productPda(0n), decodeProduct);
    assert.equal(product.terms.gracePeriod, 35 * 86_400);
    // A new listing starts from the minimum price: at its target from the start.
    assert.deepEqual([product.terms.minPriceBps, product.terms.initialPriceBps], [100, 100]);
    assert.equal(product.terms.wordingUri, "https://bulwark.example/wording/protocol-cover-v1");

    // Someone else creates pool 0 on the same mint (governance, the wallet, listed it for
    // them): it is not the deployment's pool, and the listing is left as it is.
    const stranger = await openPool(h, h.deployer, 0n, poolMint, []);
    const settings = {
      assessmentMint,
      poolMint,
      claimMinDeposit: 5n * UNIT,
      productWeight: 60,
      productPriceBps: 300,
    };
    const ours = await poolPda(1n);
    const listed = `mint ${poolMint} listed: claim deposit at least ${CLAIM_MIN_DEPOSIT}; capital pool open`;
    assert.deepEqual(await run(settings), [
      `config exists: ${config}`,
      "products exist: 1",
      listed,
      `pool 1 created: ${ours} (sent)`,
      "product 0 listed: weight 60, 300 bps/year (sent)",
    ]);
    const pool = h.account(ours, decodePool);
    assert.equal(pool.id, 1n);
    assert.equal(pool.manager, h.deployer.address);
    assert.equal(pool.mint, poolMint);
    assert.equal(pool.tokenProgram, TOKEN_PROGRAM_ADDRESS);
    assert.deepEqual([pool.managerFeeBps, pool.maxManagerFeeBps], [1_000, 2_000]);
    assert.equal(pool.totalEffectiveWeight, 60);
    const product0 = h.account(await poolProductPda(ours, 0n), decodePoolProduct);
    assert.deepEqual(
      [product0.pool, product0.productId, product0.targetWeight, product0.targetPriceBps],
      [ours, 0n, 60, 300],
    );
    // A new listing starts from the product's initial price (100 bps), below the target: the
    // target applies at once (the purchase below pays 300 bps).
    assert.equal(product0.bumpedPriceBps, 100);
    assert.equal((await h.fetch(await poolProductPda(stranger.keys.pool, 0n))).exists, false);

    // Everything in place: no transaction, not a byte changed (other settings do not relist).
    const accounts = [
      config,
      await productPda(0n),
      await mintParamsPda(poolMint),
      ours,
      await poolProductPda(ours, 0n),
    ];
    const snapshot = () => accounts.map((account) => h.svm.getAccount(account));
    const before = snapshot();
    assert.deepEqual(await run({ ...settings, productWeight: 100, productPriceBps: 500 }), [
      `config exists: ${config}`,
      "products exist: 1",
      listed,
      `pool 1 exists: ${ours}`,
      "product 0 listed: weight 60, 300 bps/year",
    ]);
    assert.deepEqual(snapshot(), before);
    assert.equal((await loadConfig(h.fetch)).poolCount, 2n);

    // Without deposit, weight and price: one token (10^9 of a 9-decimal mint), 100 and 250 bps,
    // here on a pool of another mint, which governance lists first.
    const otherMint = await h.createMint(9);
    assert.deepEqual(await run({ assessmentMint, poolMint: otherMint }), [
      `config exists: ${config}`,
      "products exist: 1",
      `mint ${otherMint} listed: claim deposit at least 1000000000, capital pool opened (sent)`,
      `pool 2 created: ${await poolPda(2n)} (sent)`,
      "product 0 listed: weight 100, 250 bps/year (sent)",
    ]);
    const defaults = h.account(await poolProductPda(await poolPda(2n), 0n), decodePoolProduct);
    assert.deepEqual([defaults.targetWeight, defaults.targetPriceBps], [100, 250]);
    const listing = h.account(await mintParamsPda(otherMint), decodeMintParams);
    assert.deepEqual([listing.mint, listing.claimMinDeposit], [otherMint, 1_000_000_000n]);

    // Cover on product 0 from the deployed pool once someone stakes in it.
    const keys = await loadPoolKeys(h.fetch, ours);
    await stakeFar(h, keys, poolMint, 10_000n * UNIT);
    const buyer = await h.fundedUser(poolMint, 100n * UNIT);
    const period = 90 * 86_400;
    const pools: Address[] = [stranger.keys.pool, ours];
    const amount = 1_000n * UNIT;
    const quote = await quoteCover(h.fetch, {
      productId: 0n,
      pools,
      mint: poolMint,
      amount,
      period,
    });
    // 1,000 × 3% × 90/365 = 7.397260… rounded up.
    assert.deepEqual(
      quote.parts.map((p) => [p.pool, p.amount, p.priceBps, p.premium]),
      [[ours, 1_000n * UNIT, 300n, 7_397_261n]],
    );
    const purchase = await buyCover({
      payer: buyer.signer,
      payerToken: buyer.token,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
      productId: 0n,
      period,
      coverNonce: 0n,
      quote,
    });
    await h.send(purchase.instructions);
    assert.equal(h.balance(buyer.token), 100n * UNIT - 7_397_261n);
    const cover = h.account(purchase.cover, decodeCover);
    assert.deepEqual([cover.amount, cover.premium], [1_000n * UNIT, 7_397_261n]);
  },
);

test(
  "deploy migration: a wallet that is not the governance authority lists no mint and no pool",
  skipWithoutProgram(),
  async () => {
    const h = await Harness.start();
    const run = deployRun(h);
    const [assessmentMint, poolMint] = [await h.createMint(6), await h.createMint(6)];
    const authority = (await h.user()).address;
    assert.deepEqual(await run({ assessmentMint, authority, poolMint }), [
      `config initialized: ${await configPda()} (sent)`,
      "product 0 missing: the governance authority must create it",
      `mint ${poolMint} not listed with a capital pool: the governance authority must list it`,
    ]);
    assert.equal((await h.fetch(await mintParamsPda(poolMint))).exists, false);
    assert.equal((await loadConfig(h.fetch)).poolCount, 0n);
  },
);

/** `deployProtocol` with the deployer as wallet, sending to `h`; returns the lines it logged. */
function deployRun(h: Harness) {
  const chain: DeployChain = {
    fetch: h.fetch,
    send: async (instructions) => {
      await h.send(instructions);
      return "sent";
    },
    wallet: h.deployer,
  };
  return async (settings: DeploySettings) => {
    const lines: string[] = [];
    await deployProtocol(chain, settings, (line) => lines.push(line));
    return lines;
  };
}
