// The deployment steps of migrations/deploy.ts, independent of how accounts are read and
// transactions sent: idempotent, each step checks the chain first, so running it again changes
// nothing.

import type { Address, Instruction, TransactionSigner } from "@solana/kit";
import { loadConfig, type AccountFetcher } from "./accounts";
import { createPool, createProduct, initializeConfig } from "./admin";
import { defaultProtocolParams } from "./constants";
import { configPda } from "./pdas";

export interface DeployChain {
  fetch: AccountFetcher;
  /** Signs (as `wallet` and fee payer), sends and confirms; returns the signature. */
  send: (instructions: Instruction[]) => Promise<string>;
  /** The program's upgrade authority. */
  wallet: TransactionSigner;
}

export interface DeploySettings {
  /** Mint assessors stake; required while the config does not exist. */
  assessmentMint?: Address;
  /** Governance authority, e.g. a Squads vault (default: the wallet). */
  authority?: Address;
  /** Owner of the treasury token accounts (default: the wallet). */
  treasury?: Address;
  /** Mint of the first staking pool (no pool without it). */
  poolMint?: Address;
}

/** Terms of product 0, a protocol-exploit cover with a 35-day claim grace period. */
const FIRST_PRODUCT_TERMS = {
  gracePeriod: 35 * 86_400,
  minPriceBps: 100,
  maxCoverPeriod: 365 * 86_400,
  fixedPrice: false,
  deprecated: false,
  wordingHash: new Uint8Array(32),
  wordingUri: "https://bulwark.example/wording/protocol-cover-v1",
};

async function tokenProgramOf(fetch: AccountFetcher, mint: Address, name: string) {
  const account = await fetch(mint);
  if (!account.exists) throw new Error(`${name} ${mint} does not exist`);
  return account.programAddress;
}

/** Config (default parameters), product 0 and pool 0, each only if it is missing. */
export async function deployProtocol(
  chain: DeployChain,
  settings: DeploySettings,
  log: (line: string) => void = console.log,
): Promise<void> {
  const { fetch, send, wallet } = chain;
  const config = await configPda();
  if (!(await fetch(config)).exists) {
    if (!settings.assessmentMint) throw new Error("the config needs an assessment mint");
    const init = await initializeConfig({
      deployer: wallet,
      authority: settings.authority ?? wallet.address,
      treasury: settings.treasury ?? wallet.address,
      assessmentMint: settings.assessmentMint,
      tokenProgram: await tokenProgramOf(fetch, settings.assessmentMint, "assessment mint"),
      params: defaultProtocolParams(),
    });
    log(`config initialized: ${config} (${await send(init.instructions)})`);
  } else {
    log(`config exists: ${config}`);
  }

  const state = await loadConfig(fetch);
  if (state.productCount > 0n) {
    log(`products exist: ${state.productCount}`);
  } else if (state.authority !== wallet.address) {
    log("product 0 missing: the governance authority must create it");
  } else {
    const product = await createProduct({
      authority: wallet,
      productId: 0n,
      terms: FIRST_PRODUCT_TERMS,
    });
    log(`product 0 created (${await send(product.instructions)})`);
  }

  if (state.poolCount > 0n || !settings.poolMint) {
    log(`pools: ${state.poolCount}${settings.poolMint ? "" : " (no pool mint given)"}`);
    return;
  }
  const pool = await createPool({
    manager: wallet,
    poolId: 0n,
    mint: settings.poolMint,
    tokenProgram: await tokenProgramOf(fetch, settings.poolMint, "pool mint"),
    managerFeeBps: 1_000,
    maxManagerFeeBps: 2_000,
  });
  log(`pool 0 created: ${pool.pool.pool} (${await send(pool.instructions)})`);
}
