// The deployment steps of migrations/deploy.ts, independent of how accounts are read and
// transactions sent: idempotent, each step checks the chain first, so running it again changes
// nothing.

import type { Address, Instruction, TransactionSigner } from "@solana/kit";
import { loadConfig, loadPool, type AccountFetcher } from "./accounts";
import {
  createPool,
  createProduct,
  initializeConfig,
  createCapitalPool,
  listMint,
  setPoolProduct,
} from "./admin";
import { defaultProtocolParams } from "./constants";
import {
  BULWARK_PROGRAM_ADDRESS,
  decodeMintParams,
  decodePoolProduct,
  type Config,
} from "./generated";
import {
  capitalPoolPda,
  configPda,
  mintParamsPda,
  poolPda,
  poolProductPda,
  productPda,
} from "./pdas";

export interface DeployChain {
  fetch: AccountFetcher;
  /**
   * Signs (as `wallet` and fee payer), sends and confirms at the commitment `fetch` reads at
   * (the next step reads what this one wrote); returns the signature.
   */
  send: (instructions: Instruction[]) => Promise<string>;
  /** The program's upgrade authority. */
  wallet: TransactionSigner;
}

export interface DeploySettings {
  /** The deployed program's id (default: the canonical `BULWARK_PROGRAM_ADDRESS`). */
  programAddress?: Address;
  /** Mint assessors stake; required while the config does not exist. */
  assessmentMint?: Address;
  /** Governance authority, e.g. a Squads vault (default: the wallet). */
  authority?: Address;
  /** Owner of the treasury token accounts (default: the wallet). */
  treasury?: Address;
  /** Mint of the wallet's staking pool (no pool without it). */
  poolMint?: Address;
  /**
   * Smallest claim deposit on covers of `poolMint`, in its base units, when governance lists
   * it (default: one token, 10^decimals).
   */
  claimMinDeposit?: bigint;
  /** Share of that pool's capacity product 0 may use, 0–100 (default 100). */
  productWeight?: number;
  /** Annual price that pool asks for product 0, in bps (default 250: 2.5% a year). */
  productPriceBps?: number;
  /**
   * Annual price, in bps, a pool's new listing of product 0 starts from, when the deployment
   * creates it, decaying to the pool's target (default: the product's 100 bps minimum, so a
   * new listing asks its target at once).
   */
  productInitialPriceBps?: number;
}

export const DEFAULT_PRODUCT_WEIGHT = 100;
export const DEFAULT_PRODUCT_PRICE_BPS = 250;

/** Terms of product 0, a protocol-exploit cover with a 35-day claim grace period. */
const FIRST_PRODUCT_TERMS = {
  gracePeriod: 35 * 86_400,
  coolingOff: 0,
  minPriceBps: 100,
  initialPriceBps: 100,
  maxCoverPeriod: 365 * 86_400,
  fixedPrice: false,
  deprecated: false,
  blindVotes: false,
  panelQuorum: 0,
  wordingHash: new Uint8Array(32),
  wordingUri: "https://bulwark.example/wording/protocol-cover-v1",
};

async function mintAccount(fetch: AccountFetcher, mint: Address, name: string) {
  const account = await fetch(mint);
  if (!account.exists) throw new Error(`${name} ${mint} does not exist`);
  return account;
}

async function tokenProgramOf(fetch: AccountFetcher, mint: Address, name: string) {
  return (await mintAccount(fetch, mint, name)).programAddress;
}

/** A mint's decimals: byte 44 of the base mint layout, SPL Token's and Token-2022's alike. */
async function decimalsOf(fetch: AccountFetcher, mint: Address, name: string) {
  return (await mintAccount(fetch, mint, name)).data[44];
}

/**
 * Config (default parameters), product 0, `poolMint` listed by governance, the wallet's pool on
 * it and product 0 listed on that pool, each only if it is missing (an existing listing is left
 * as it is).
 */
export async function deployProtocol(
  chain: DeployChain,
  settings: DeploySettings,
  log: (line: string) => void = console.log,
): Promise<void> {
  const { fetch, send, wallet } = chain;
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = settings;
  // Every step below builds for `programAddress`: a deployment under another id must name it,
  // and no step may act on a program that is not there.
  const program = await fetch(programAddress);
  if (!program.exists || !program.executable) {
    throw new Error(
      `no program is deployed at ${programAddress}: deploy it first, or name your ` +
        "deployment's id (programAddress; BULWARK_PROGRAM_ID for the migration)",
    );
  }
  const config = await configPda(programAddress);
  if (!(await fetch(config)).exists) {
    if (!settings.assessmentMint) throw new Error("the config needs an assessment mint");
    const init = await initializeConfig({
      programAddress,
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

  const state = await loadConfig(fetch, programAddress);
  if (state.productCount > 0n) {
    log(`products exist: ${state.productCount}`);
  } else if (state.authority !== wallet.address) {
    log("product 0 missing: the governance authority must create it");
  } else {
    const product = await createProduct({
      programAddress,
      authority: wallet,
      productId: 0n,
      terms: {
        ...FIRST_PRODUCT_TERMS,
        initialPriceBps: settings.productInitialPriceBps ?? FIRST_PRODUCT_TERMS.initialPriceBps,
      },
    });
    log(`product 0 created (${await send(product.instructions)})`);
  }

  if (!settings.poolMint) {
    log(`pools: ${state.poolCount} (no pool mint given)`);
    return;
  }
  if (!(await ensureMintListed(chain, state, settings, settings.poolMint, log))) return;
  const pool = await ensurePool(chain, programAddress, state.poolCount, settings.poolMint, log);
  const poolProduct = await fetch(await poolProductPda(pool, 0n, programAddress));
  if (poolProduct.exists) {
    const { targetWeight, targetPriceBps } = decodePoolProduct(poolProduct).data;
    log(`product 0 listed: weight ${targetWeight}, ${targetPriceBps} bps/year`);
  } else if (!(await fetch(await productPda(0n, programAddress))).exists) {
    log("product 0 not listed: it does not exist yet");
  } else {
    const weight = settings.productWeight ?? DEFAULT_PRODUCT_WEIGHT;
    const priceBps = settings.productPriceBps ?? DEFAULT_PRODUCT_PRICE_BPS;
    const listed = await setPoolProduct({
      programAddress,
      manager: wallet,
      pool,
      productId: 0n,
      targetWeight: weight,
      targetPriceBps: priceBps,
    });
    const signature = await send(listed.instructions);
    log(`product 0 listed: weight ${weight}, ${priceBps} bps/year (${signature})`);
  }
}

/**
 * Whether `mint` is listed (pools exist only on listed mints): an existing listing is left as it
 * is; a missing one is made when the wallet is the governance authority.
 */
async function ensureMintListed(
  chain: DeployChain,
  config: Config,
  settings: DeploySettings,
  mint: Address,
  log: (line: string) => void,
): Promise<boolean> {
  const { fetch, send, wallet } = chain;
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = settings;
  const listing = await fetch(await mintParamsPda(mint, programAddress));
  const capitalPool = await fetch(await capitalPoolPda(mint, programAddress));
  if (listing.exists && capitalPool.exists) {
    const { claimMinDeposit } = decodeMintParams(listing).data;
    log(`mint ${mint} listed: claim deposit at least ${claimMinDeposit}; capital pool open`);
    return true;
  }
  if (config.authority !== wallet.address) {
    log(`mint ${mint} not listed with a capital pool: the governance authority must list it`);
    return false;
  }
  const tokenProgram = await tokenProgramOf(fetch, mint, "pool mint");
  if (listing.exists) {
    const opened = await createCapitalPool({
      programAddress,
      authority: wallet,
      mint,
      tokenProgram,
      name: "Bulwark capital",
      symbol: "BWCAP",
      uri: "",
    });
    log(`capital pool of ${mint} opened (${await send(opened.instructions)})`);
    return true;
  }
  const claimMinDeposit =
    settings.claimMinDeposit ?? 10n ** BigInt(await decimalsOf(fetch, mint, "pool mint"));
  const listed = await listMint({
    programAddress,
    authority: wallet,
    mint,
    tokenProgram,
    claimMinDeposit,
  });
  const signature = await send(listed.instructions);
  log(
    `mint ${mint} listed: claim deposit at least ${claimMinDeposit}, capital pool opened (${signature})`,
  );
  return true;
}

/**
 * The wallet's pool on `mint`: the first pool it manages on that mint (a pool anyone else
 * created, pool 0 included, is not ours), else a new one with the next id.
 */
async function ensurePool(
  chain: DeployChain,
  programAddress: Address,
  poolCount: bigint,
  mint: Address,
  log: (line: string) => void,
): Promise<Address> {
  const { fetch, send, wallet } = chain;
  for (let id = 0n; id < poolCount; id++) {
    const address = await poolPda(id, programAddress);
    const pool = await loadPool(fetch, address);
    if (pool.manager === wallet.address && pool.mint === mint) {
      log(`pool ${id} exists: ${address}`);
      return address;
    }
  }
  const created = await createPool({
    programAddress,
    manager: wallet,
    poolId: poolCount,
    mint,
    tokenProgram: await tokenProgramOf(fetch, mint, "pool mint"),
    managerFeeBps: 1_000,
    maxManagerFeeBps: 2_000,
  });
  log(`pool ${poolCount} created: ${created.pool.pool} (${await send(created.instructions)})`);
  return created.pool.pool;
}
