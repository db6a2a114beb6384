// Governance and pool-manager instructions with their PDAs derived: what a deployment script
// or a manager's tool sends before anyone stakes or buys.

import type { Address, TransactionSigner } from "@solana/kit";
import { DEFAULT_MCR_BPS } from "./constants";
import {
  Param,
  ProductType,
  getCancelProposalInstruction,
  getCreateProposalInstruction,
  getExecuteProposalInstruction,
  type GovernanceChangeArgs,
  type ProtocolParams,
  getCreateCapitalPoolInstruction,
  getCreatePoolInstruction,
  getCreateProductInstruction,
  getInitializeConfigInstruction,
  getSetMintParamsInstruction,
  getSetPoolProductInstruction,
  type ProductTermsArgs,
  type ProtocolParamsArgs,
} from "./generated";
import {
  assessmentVaultPda,
  capitalPoolPda,
  capitalSharesPda,
  capitalVaultPda,
  configPda,
  mintParamsPda,
  poolPda,
  poolProductPda,
  productPda,
  programDataAddress,
  proposalPda,
  vaultPda,
} from "./pdas";

/** `initialize_config`, signed by the program's upgrade authority (`deployer`). */
export async function initializeConfig(input: {
  deployer: TransactionSigner;
  authority: Address;
  treasury: Address;
  assessmentMint: Address;
  tokenProgram: Address;
  params: ProtocolParamsArgs;
}) {
  const config = await configPda();
  const instruction = getInitializeConfigInstruction({
    deployer: input.deployer,
    config,
    assessmentMint: input.assessmentMint,
    assessmentVault: await assessmentVaultPda(),
    programData: await programDataAddress(),
    tokenProgram: input.tokenProgram,
    authority: input.authority,
    treasury: input.treasury,
    params: input.params,
  });
  return { config, instructions: [instruction] };
}

/** `create_product` for id `productId` (the config's `productCount`). */
export async function createProduct(input: {
  authority: TransactionSigner;
  productId: bigint;
  terms: ProductTermsArgs;
  productType?: ProductType;
}) {
  const product = await productPda(input.productId);
  const instruction = getCreateProductInstruction({
    authority: input.authority,
    product,
    productType: input.productType ?? ProductType.Assessed,
    terms: input.terms,
  });
  return { product, instructions: [instruction] };
}

/**
 * `set_mint_params`: governance lists `mint` (pools may then be created on it) with the
 * smallest claim deposit on its covers, in its base units, or changes that deposit.
 */
export async function setMintParams(input: {
  authority: TransactionSigner;
  mint: Address;
  claimMinDeposit: bigint;
}) {
  const mintParams = await mintParamsPda(input.mint);
  const instruction = getSetMintParamsInstruction({
    authority: input.authority,
    mint: input.mint,
    mintParams,
    claimMinDeposit: input.claimMinDeposit,
  });
  return { mintParams, instructions: [instruction] };
}

/**
 * `create_capital_pool`: governance opens the capital pool of a listed `mint` — its vault and
 * its Token-2022 membership share mint with the given metadata. Its minimum capital
 * requirement is `mcrBps` of the leverage lines (default 100%), at least `minCapital`.
 */
export async function createCapitalPool(input: {
  authority: TransactionSigner;
  mint: Address;
  tokenProgram: Address;
  name: string;
  symbol: string;
  uri: string;
  minCapital?: bigint;
  mcrBps?: number;
}) {
  const capitalPool = await capitalPoolPda(input.mint);
  const instruction = getCreateCapitalPoolInstruction({
    authority: input.authority,
    mintParams: await mintParamsPda(input.mint),
    mint: input.mint,
    capitalPool,
    capitalVault: await capitalVaultPda(input.mint),
    shareMint: await capitalSharesPda(input.mint),
    tokenProgram: input.tokenProgram,
    minCapital: input.minCapital ?? 0n,
    mcrBps: input.mcrBps ?? DEFAULT_MCR_BPS,
    name: input.name,
    symbol: input.symbol,
    uri: input.uri,
  });
  return { capitalPool, instructions: [instruction] };
}

/**
 * Lists `mint` and opens its capital pool (generic share metadata): what governance does
 * before any staking pool can open on a mint.
 */
export async function listMint(input: {
  authority: TransactionSigner;
  mint: Address;
  tokenProgram: Address;
  claimMinDeposit: bigint;
}) {
  const listed = await setMintParams(input);
  const opened = await createCapitalPool({
    ...input,
    name: "Bulwark capital",
    symbol: "BWCAP",
    uri: "",
  });
  return {
    mintParams: listed.mintParams,
    capitalPool: opened.capitalPool,
    instructions: [...listed.instructions, ...opened.instructions],
  };
}

/**
 * `create_pool` for id `poolId` (the config's `poolCount`) on `mint`, which must be listed
 * with its capital pool.
 */
export async function createPool(input: {
  manager: TransactionSigner;
  poolId: bigint;
  mint: Address;
  tokenProgram: Address;
  managerFeeBps: number;
  maxManagerFeeBps: number;
  private?: boolean;
}) {
  const pool = await poolPda(input.poolId);
  const vault = await vaultPda(pool);
  const instruction = getCreatePoolInstruction({
    manager: input.manager,
    pool,
    mint: input.mint,
    capitalPool: await capitalPoolPda(input.mint),
    vault,
    tokenProgram: input.tokenProgram,
    managerFeeBps: input.managerFeeBps,
    maxManagerFeeBps: input.maxManagerFeeBps,
    private: input.private ?? false,
  });
  return {
    pool: { pool, mint: input.mint, vault, tokenProgram: input.tokenProgram },
    instructions: [instruction],
  };
}

/** `set_pool_product`: the manager's weight (0–100) and target price for a product. */
export async function setPoolProduct(input: {
  manager: TransactionSigner;
  pool: Address;
  productId: bigint;
  targetWeight: number;
  targetPriceBps: number;
}) {
  const poolProduct = await poolProductPda(input.pool, input.productId);
  const instruction = getSetPoolProductInstruction({
    manager: input.manager,
    pool: input.pool,
    product: await productPda(input.productId),
    poolProduct,
    productId: input.productId,
    targetWeight: input.targetWeight,
    targetPriceBps: input.targetPriceBps,
  });
  return { poolProduct, instructions: [instruction] };
}

// ---- timelocked governance ----

/** The `ProtocolParams` field a `Param` names (its camelCase name). */
function paramField(param: Param): keyof ProtocolParams {
  const name = Param[param];
  return (name.charAt(0).toLowerCase() + name.slice(1)) as keyof ProtocolParams;
}

/** The changes that turn parameters `old` into `next`, one per differing field, in order. */
export function paramChanges(old: ProtocolParams, next: ProtocolParams): GovernanceChangeArgs[] {
  const changes: GovernanceChangeArgs[] = [];
  for (const value of Object.values(Param)) {
    if (typeof value !== "number") continue;
    const field = paramField(value);
    const [from, to] = [BigInt(old[field]), BigInt(next[field])];
    if (from !== to) changes.push({ __kind: "Param", param: value, old: from, new: to });
  }
  return changes;
}

/**
 * `create_proposal` as proposal `id` (the config's `proposalCount`): the changes execute
 * after the config's timelock delay, within the execution window, unless cancelled.
 */
export async function createProposal(input: {
  authority: TransactionSigner;
  id: bigint;
  changes: GovernanceChangeArgs[];
  descriptionHash?: Uint8Array;
  descriptionUri?: string;
}) {
  const proposal = await proposalPda(input.id);
  const instruction = getCreateProposalInstruction({
    authority: input.authority,
    config: await configPda(),
    proposal,
    changes: input.changes,
    descriptionHash: input.descriptionHash ?? new Uint8Array(32),
    descriptionUri: input.descriptionUri ?? "",
  });
  return { proposal, instructions: [instruction] };
}

/** The capital pool a proposal's changes write, if any (`execute_proposal` takes it). */
function changedCapitalPool(changes: readonly GovernanceChangeArgs[]): Address | undefined {
  for (const change of changes) {
    if (change.__kind === "MinCapital" || change.__kind === "McrBps") return change.capitalPool;
  }
  return undefined;
}

/** `execute_proposal` (anyone, once the timelock has elapsed). */
export async function executeProposal(input: {
  caller: TransactionSigner;
  id: bigint;
  proposer: Address;
  changes: readonly GovernanceChangeArgs[];
}) {
  const instruction = getExecuteProposalInstruction({
    caller: input.caller,
    config: await configPda(),
    proposal: await proposalPda(input.id),
    proposer: input.proposer,
    capitalPool: changedCapitalPool(input.changes),
    id: input.id,
  });
  return { instructions: [instruction] };
}

/** `cancel_proposal` (governance); the rent goes back to `proposer`. */
export async function cancelProposal(input: {
  authority: TransactionSigner;
  id: bigint;
  proposer: Address;
}) {
  const instruction = getCancelProposalInstruction({
    authority: input.authority,
    config: await configPda(),
    proposal: await proposalPda(input.id),
    proposer: input.proposer,
    id: input.id,
  });
  return { instructions: [instruction] };
}
