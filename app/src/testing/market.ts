// A Bulwark market in a litesvm harness in a few calls, with the Rust kit's parameters
// (testing/src/lib.rs): the config and products, a listed mint with its capital pool, pools,
// stakers and assessors. Every helper builds for the harness's `programAddress`.

import type { Address, KeyPairSigner } from "@solana/kit";
import { TOKEN_PROGRAM_ADDRESS } from "@solana-program/token";
import {
  createPool,
  createProduct,
  createProposal,
  defaultProtocolParams,
  executeProposal,
  initializeConfig,
  loadConfig,
  paramChanges,
  mintParamsPda,
  depositCapital,
  listMint as listMintWithCapitalPool,
  setPoolProduct,
  stake,
  stakeAssessor,
  trancheAt,
  type PoolKeys,
  type ProtocolParams,
  type ProductTermsArgs,
} from "..";
import { Harness, type Wallet } from "./svm";

export const UNIT = 1_000_000n;
export const DAY = 86_400n;
/** Smallest claim deposit of every mint the tests list (testing/src/lib.rs `CLAIM_MIN_DEPOSIT`). */
export const CLAIM_MIN_DEPOSIT = UNIT;

/** Terms of the plain assessed product of the Rust suite (`default_terms`). */
export function defaultTerms(): ProductTermsArgs {
  return {
    gracePeriod: 35 * 86_400,
    coolingOff: 0,
    minPriceBps: 100,
    initialPriceBps: 100,
    maxCoverPeriod: 365 * 86_400,
    fixedPrice: false,
    deprecated: false,
    blindVotes: false,
    panelQuorum: 0,
    wordingHash: new Uint8Array(32).fill(7),
    wordingUri: "ipfs://bulwark/wording/protocol-cover-v1",
  };
}

export interface Deployment {
  authority: KeyPairSigner;
  treasury: Address;
  assessmentMint: Address;
}

/**
 * The parameters `deploy` initializes the config with: the program's defaults, but stake counts
 * as voting weight at once (`assessorStakeAge` 0), so `fundedAssessor` can vote in the next
 * transaction (`bulwark-testing`'s `kit_params`).
 */
export function kitParams(): ProtocolParams {
  return { ...defaultProtocolParams(), assessorStakeAge: 0, timelockDelay: 0 };
}

/**
 * Governance sets the config's parameters to `params` through the timelock: proposes the
 * changes and executes them in one transaction, which only a zero delay (`kitParams`) allows
 * (`bulwark-testing`'s `update_config`).
 */
export async function updateParams(h: Harness, authority: KeyPairSigner, params: ProtocolParams) {
  const { programAddress } = h;
  const config = await loadConfig(h.fetch, programAddress);
  const changes = paramChanges(config.params, params);
  const id = config.proposalCount;
  const proposal = await createProposal({ authority, id, changes, programAddress });
  const execute = await executeProposal({
    programAddress,
    caller: authority,
    id,
    proposer: authority.address,
    changes,
  });
  await h.send([...proposal.instructions, ...execute.instructions]);
}

/** Initializes the config with `kitParams()` and creates `products` assessed products. */
export async function deploy(h: Harness, products: number): Promise<Deployment> {
  const authority = await h.user();
  const treasury = (await h.user()).address;
  const assessmentMint = await h.createMint(6);
  const init = await initializeConfig({
    programAddress: h.programAddress,
    deployer: h.deployer,
    authority: authority.address,
    treasury,
    assessmentMint,
    tokenProgram: TOKEN_PROGRAM_ADDRESS,
    params: kitParams(),
  });
  await h.send(init.instructions);
  for (let id = 0n; id < BigInt(products); id++) {
    const product = await createProduct({
      programAddress: h.programAddress,
      authority,
      productId: id,
      terms: defaultTerms(),
    });
    await h.send(product.instructions);
  }
  return { authority, treasury, assessmentMint };
}

/**
 * Governance (`authority`) lists `mint` with `CLAIM_MIN_DEPOSIT` and opens its capital pool,
 * unless it is listed already.
 */
export async function listMint(h: Harness, authority: KeyPairSigner, mint: Address) {
  const { programAddress } = h;
  if ((await h.fetch(await mintParamsPda(mint, programAddress))).exists) return;
  const listed = await listMintWithCapitalPool({
    programAddress,
    authority,
    mint,
    tokenProgram: TOKEN_PROGRAM_ADDRESS,
    claimMinDeposit: CLAIM_MIN_DEPOSIT,
  });
  await h.send(listed.instructions);
  // A member's capital: what lets the pools sell above 1x their stake (on lines the purchase
  // flow cranks).
  const member = await h.fundedUser(mint, MEMBER_CAPITAL);
  const deposit = await depositCapital({
    programAddress,
    member: member.signer,
    mint,
    tokenProgram: TOKEN_PROGRAM_ADDRESS,
    amount: MEMBER_CAPITAL,
  });
  await h.send(deposit.instructions);
}

/** Capital a listed mint's capital pool starts with: more than any test's pools can lever. */
export const MEMBER_CAPITAL = 10n ** 18n;

/**
 * Opens public pool `poolId` on `mint` (10% fee, 20% max) with a fresh manager, governance
 * (`authority`) listing the mint first if needed, and lists `products` as `[productId, weight,
 * target price bps]`.
 */
export async function openPool(
  h: Harness,
  authority: KeyPairSigner,
  poolId: bigint,
  mint: Address,
  products: [bigint, number, number][],
): Promise<{ keys: PoolKeys; manager: KeyPairSigner }> {
  await listMint(h, authority, mint);
  const manager = await h.user();
  const created = await createPool({
    programAddress: h.programAddress,
    manager,
    poolId,
    mint,
    tokenProgram: TOKEN_PROGRAM_ADDRESS,
    managerFeeBps: 1_000,
    maxManagerFeeBps: 2_000,
  });
  await h.send(created.instructions);
  for (const [productId, targetWeight, targetPriceBps] of products) {
    const listed = await setPoolProduct({
      programAddress: h.programAddress,
      manager,
      pool: created.pool.pool,
      productId,
      targetWeight,
      targetPriceBps,
    });
    await h.send(listed.instructions);
  }
  return { keys: created.pool, manager };
}

/**
 * A fresh staker depositing `amount` of `mint` into `trancheId` of `pool` as its position 0;
 * returns the staker and the position's address.
 */
export async function stakeNew(
  h: Harness,
  pool: PoolKeys,
  mint: Address,
  trancheId: bigint,
  amount: bigint,
): Promise<{ staker: Wallet; position: Address }> {
  const staker = await h.fundedUser(mint, amount);
  const deposit = await stake({
    programAddress: h.programAddress,
    owner: staker.signer,
    pool,
    ownerToken: staker.token,
    positionId: 0n,
    trancheId,
    amount,
  });
  await h.send(deposit.instructions);
  return { staker, position: deposit.position };
}

/**
 * A fresh staker depositing `amount` of `mint` into `pool`'s farthest tranche, the one that
 * backs every cover.
 */
export async function stakeFar(
  h: Harness,
  pool: PoolKeys,
  mint: Address,
  amount: bigint,
): Promise<Wallet> {
  return (await stakeNew(h, pool, mint, trancheAt(h.now()) + 7n, amount)).staker;
}

/** A fresh assessor with `amount` of the assessment mint staked. */
export async function fundedAssessor(
  h: Harness,
  assessmentMint: Address,
  amount: bigint,
): Promise<Wallet> {
  const assessor = await h.fundedUser(assessmentMint, amount);
  const staked = await stakeAssessor({
    programAddress: h.programAddress,
    owner: assessor.signer,
    assessmentMint,
    ownerToken: assessor.token,
    tokenProgram: TOKEN_PROGRAM_ADDRESS,
    amount,
  });
  await h.send(staked.instructions);
  return assessor;
}

/** What {@link startMarket} sets up. */
export interface Market {
  h: Harness;
  deployment: Deployment;
  /** A 6-decimal SPL mint, listed, with a capital pool of `MEMBER_CAPITAL`. */
  mint: Address;
  /** Product 0, the plain assessed product (`defaultTerms`). */
  productId: bigint;
  /** Pool 0 on the mint, listing the product at full weight. */
  pool: PoolKeys;
  /** The staker of `stake` in the pool's farthest tranche (the one that backs every cover). */
  staker: Wallet;
}

/**
 * A market in a fresh VM, for a test: the program (the `.so` at `program`, else the one
 * `programPath()` finds, under `programAddress`, default the canonical id), the config with one
 * product, a mint listed with its capital pool, and pool 0 on it listing the product at
 * `priceBps` a year with `stake` staked.
 */
export async function startMarket(
  options: { program?: string; programAddress?: Address; stake?: bigint; priceBps?: number } = {},
): Promise<Market> {
  const h = await Harness.start(options.program, options.programAddress);
  const deployment = await deploy(h, 1);
  const mint = await h.createMint(6);
  const productId = 0n;
  const { keys } = await openPool(h, deployment.authority, 0n, mint, [
    [productId, 100, options.priceBps ?? 250],
  ]);
  const staker = await stakeFar(h, keys, mint, options.stake ?? 1_000_000n * UNIT);
  return { h, deployment, mint, productId, pool: keys, staker };
}
