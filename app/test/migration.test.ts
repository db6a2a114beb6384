// migrations/deploy.ts as `anchor migrate` runs it: its entry against the SBF program through a
// stand-in for Anchor's provider (the adapter's reads, web3.js conversion and sends), twice; the
// same under BULWARK_PROGRAM_ID on the program's build under its own id, and refused where no
// program is; and Anchor 1.x's host script loading it with ts-node, the root tsconfig.json and
// NODE_PATH.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import test, { type TestContext } from "node:test";
import { AccountRole, address, type Instruction } from "@solana/kit";
import {
  Keypair,
  PublicKey,
  Transaction,
  type Commitment,
  type ConfirmOptions,
  type GetAccountInfoConfig,
} from "@solana/web3.js";
import migrate = require("../../migrations/deploy");
import {
  configPda,
  decodeMintParams,
  decodePoolProduct,
  defaultProtocolParams,
  loadConfig,
  mintParamsPda,
  poolPda,
  poolProductPda,
} from "../src";
import { Harness, skipWithoutProgram } from "../src/testing";
import { skipWithoutTestBuild, TEST_BUILD_ID, testBuild } from "./fixtures";

const ROOT = resolve(__dirname, "../..");

/**
 * The parts of Anchor's provider the migration uses, over litesvm: `getAccountInfo` reads the
 * VM, `sendAndConfirm` converts the web3.js transaction back to kit instructions and sends them
 * with the wallet (the deployer) signing, as the provider's wallet would.
 */
function standInProvider(h: Harness) {
  const reads: (Commitment | GetAccountInfoConfig | undefined)[] = [];
  const sends: (ConfirmOptions | undefined)[] = [];
  const provider: Parameters<typeof migrate>[0] = {
    wallet: { publicKey: new PublicKey(h.deployer.address) },
    connection: {
      getAccountInfo: async (publicKey, commitment) => {
        reads.push(commitment);
        const account = h.svm.getAccount(address(publicKey.toBase58()));
        if (!account.exists) return null;
        return {
          data: Buffer.from(account.data),
          executable: account.executable,
          lamports: Number(account.lamports),
          owner: new PublicKey(account.programAddress),
          rentEpoch: 0,
        };
      },
    },
    sendAndConfirm: async (tx, signers, opts) => {
      assert.ok(tx instanceof Transaction);
      assert.deepEqual(signers, []);
      sends.push(opts);
      const instructions: Instruction[] = tx.instructions.map((ix) => ({
        programAddress: address(ix.programId.toBase58()),
        accounts: ix.keys.map(({ pubkey, isSigner, isWritable }) => {
          const meta = { address: address(pubkey.toBase58()) };
          if (!isSigner) {
            return { ...meta, role: isWritable ? AccountRole.WRITABLE : AccountRole.READONLY };
          }
          assert.equal(meta.address, h.deployer.address, "only the wallet signs");
          const role = isWritable ? AccountRole.WRITABLE_SIGNER : AccountRole.READONLY_SIGNER;
          return { ...meta, role, signer: h.deployer };
        }),
        data: new Uint8Array(ix.data),
      }));
      await h.send(instructions);
      return `signature ${sends.length}`;
    },
  };
  return { provider, reads, sends };
}

/** Sets `env` in the process environment for the rest of test `t`. */
function setEnv(t: TestContext, env: Record<string, string>) {
  Object.assign(process.env, env);
  t.after(() => {
    for (const name of Object.keys(env)) delete process.env[name];
  });
}

test(
  "migrations/deploy.ts through a stand-in Anchor provider: idempotent, all at confirmed",
  skipWithoutProgram(),
  async (t) => {
    const h = await Harness.start();
    const [assessmentMint, poolMint] = [await h.createMint(6), await h.createMint(6)];
    const { provider, reads, sends } = standInProvider(h);
    const lines: string[] = [];
    t.mock.method(console, "log", (line: string) => lines.push(line));
    const env = {
      BULWARK_ASSESSMENT_MINT: assessmentMint,
      BULWARK_POOL_MINT: poolMint,
      BULWARK_CLAIM_MIN_DEPOSIT: "2500000",
      BULWARK_PRODUCT_WEIGHT: "60",
      BULWARK_PRODUCT_PRICE_BPS: "300",
    };
    setEnv(t, env);

    await migrate(provider);
    assert.deepEqual(lines, [
      `config initialized: ${await configPda()} (signature 1)`,
      "product 0 created (signature 2)",
      `mint ${poolMint} listed: claim deposit at least 2500000, capital pool opened (signature 3)`,
      `pool 0 created: ${await poolPda(0n)} (signature 4)`,
      "product 0 listed: weight 60, 300 bps/year (signature 5)",
    ]);
    const config = await loadConfig(h.fetch);
    assert.equal(config.authority, h.deployer.address);
    assert.equal(config.assessmentMint, assessmentMint);
    assert.deepEqual(config.params, defaultProtocolParams());
    assert.deepEqual([config.productCount, config.poolCount], [1n, 1n]);

    lines.length = 0;
    await migrate(provider);
    assert.deepEqual(lines, [
      `config exists: ${await configPda()}`,
      "products exist: 1",
      `mint ${poolMint} listed: claim deposit at least 2500000; capital pool open`,
      `pool 0 exists: ${await poolPda(0n)}`,
      "product 0 listed: weight 60, 300 bps/year",
    ]);
    assert.deepEqual(await loadConfig(h.fetch), config);
    const listing = h.account(await poolProductPda(await poolPda(0n), 0n), decodePoolProduct);
    assert.deepEqual([listing.targetWeight, listing.targetPriceBps], [60, 300]);
    const mintParams = h.account(await mintParamsPda(poolMint), decodeMintParams);
    assert.equal(mintParams.claimMinDeposit, 2_500_000n);
    const confirmed = { commitment: "confirmed", preflightCommitment: "confirmed" };
    assert.deepEqual(sends, Array(5).fill(confirmed));
    assert.ok(reads.length > 0);
    assert.deepEqual(new Set(reads), new Set(["confirmed"]));
  },
);

test(
  "BULWARK_PROGRAM_ID: the migration deploys a build under its own id",
  skipWithoutTestBuild(),
  async (t) => {
    const programAddress = TEST_BUILD_ID;
    const h = await Harness.start(testBuild(), programAddress);
    const [assessmentMint, poolMint] = [await h.createMint(6), await h.createMint(6)];
    const { provider, sends } = standInProvider(h);
    const lines: string[] = [];
    t.mock.method(console, "log", (line: string) => lines.push(line));
    const env = {
      BULWARK_PROGRAM_ID: programAddress,
      BULWARK_ASSESSMENT_MINT: assessmentMint,
      BULWARK_POOL_MINT: poolMint,
    };
    setEnv(t, env);

    await migrate(provider);
    const pool = await poolPda(0n, programAddress);
    assert.deepEqual(lines, [
      `config initialized: ${await configPda(programAddress)} (signature 1)`,
      "product 0 created (signature 2)",
      `mint ${poolMint} listed: claim deposit at least 1000000, capital pool opened (signature 3)`,
      `pool 0 created: ${pool} (signature 4)`,
      "product 0 listed: weight 100, 250 bps/year (signature 5)",
    ]);
    assert.equal(sends.length, 5);
    const config = await loadConfig(h.fetch, programAddress);
    assert.equal(config.authority, h.deployer.address);
    assert.deepEqual([config.productCount, config.poolCount], [1n, 1n]);
    const listing = h.account(await poolProductPda(pool, 0n, programAddress), decodePoolProduct);
    assert.deepEqual([listing.targetWeight, listing.targetPriceBps], [100, 250]);
    // Nothing at the canonical id's addresses.
    assert.equal(h.svm.getAccount(await configPda()).exists, false);
    assert.equal(h.svm.getAccount(await poolPda(0n)).exists, false);
  },
);

test(
  "the migration refuses an id no program is deployed at, before any send",
  skipWithoutProgram(),
  async (t) => {
    const h = await Harness.start();
    const { provider, sends } = standInProvider(h);
    const nowhere = address(Keypair.fromSeed(new Uint8Array(32).fill(8)).publicKey.toBase58());
    const env = { BULWARK_PROGRAM_ID: nowhere, BULWARK_ASSESSMENT_MINT: await h.createMint(6) };
    setEnv(t, env);
    await assert.rejects(migrate(provider), {
      message:
        `no program is deployed at ${nowhere}: deploy it first, or name your deployment's id ` +
        "(programAddress; BULWARK_PROGRAM_ID for the migration)",
    });
    assert.deepEqual(sends, []);
  },
);

test("anchor migrate's host script loads migrations/deploy.ts with ts-node", () => {
  // What Anchor 1.x's `anchor migrate` writes to .anchor/deploy.ts (cli template
  // `deploy_ts_script_host`), except that it reports what it loaded instead of running it.
  const dir = mkdtempSync(join(tmpdir(), "bulwark-migrate-"));
  try {
    const wallet = Keypair.fromSeed(new Uint8Array(32).fill(9));
    writeFileSync(join(dir, "id.json"), JSON.stringify(Array.from(wallet.secretKey)));
    writeFileSync(
      join(dir, "deploy.ts"),
      `import * as anchor from '@anchor-lang/core';

const userScript = require(${JSON.stringify(join(ROOT, "migrations/deploy.ts"))});

async function main() {
    const connection = new anchor.web3.Connection(
      "http://127.0.0.1:8899",
      anchor.AnchorProvider.defaultOptions().commitment
    );
    const wallet = anchor.Wallet.local();
    const provider = new anchor.AnchorProvider(connection, wallet);
    console.log(typeof userScript, userScript.length, provider.wallet.publicKey.toBase58());
}
main();
`,
    );
    // `anchor migrate` runs `ts-node deploy.ts` in <workspace>/.anchor, where ts-node finds the
    // workspace's tsconfig.json; from a temporary directory, TS_NODE_PROJECT names it.
    const run = spawnSync(join(ROOT, "app/node_modules/.bin/ts-node"), ["deploy.ts"], {
      cwd: dir,
      encoding: "utf8",
      env: {
        ...process.env,
        ANCHOR_WALLET: join(dir, "id.json"),
        NODE_PATH: join(ROOT, "app/node_modules"),
        TS_NODE_PROJECT: join(ROOT, "tsconfig.json"),
      },
    });
    assert.equal(run.stderr, "");
    assert.equal(run.status, 0);
    assert.equal(run.stdout, `function 1 ${wallet.publicKey.toBase58()}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
