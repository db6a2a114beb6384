// Governance and pool-manager instructions with their PDAs derived: what a deployment script
// or a manager's tool sends before anyone stakes or buys. Each takes the program's id as
// `programAddress` (default: the canonical `BULWARK_PROGRAM_ADDRESS`) and builds for that
// deployment only: its program, its config and its PDAs.

import type { Address, TransactionSigner } from "@solana/kit";
import { DEFAULT_MCR_BPS } from "./constants";
import {
  BULWARK_PROGRAM_ADDRESS,
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
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const config = await configPda(programAddress);
  const instruction = getInitializeConfigInstruction(
    {
      deployer: input.deployer,
      config,
      assessmentMint: input.assessmentMint,
      assessmentVault: await assessmentVaultPda(programAddress),
      programData: await programDataAddress(programAddress),
      tokenProgram: input.tokenProgram,
      authority: input.authority,
      treasury: input.treasury,
      params: input.params,
    },
    { programAddress },
  );
  return { config, instructions: [instruction] };
}

/** `create_product` for id `productId` (the config's `productCount`). */
export async function createProduct(input: {
  authority: TransactionSigner;
  productId: bigint;
  terms: ProductTermsArgs;
  productType?: ProductType;
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const product = await productPda(input.productId, programAddress);
  const instruction = getCreateProductInstruction(
    {
      authority: input.authority,
      config: await configPda(programAddress),
      product,
      productType: input.productType ?? ProductType.Assessed,
      terms: input.terms,
    },
    { programAddress },
  );
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
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const mintParams = await mintParamsPda(input.mint, programAddress);
  const instruction = getSetMintParamsInstruction(
    {
      authority: input.authority,
      config: await configPda(programAddress),
      mint: input.mint,
      mintParams,
      claimMinDeposit: input.claimMinDeposit,
    },
    { programAddress },
  );
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
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const capitalPool = await capitalPoolPda(input.mint, programAddress);
  const instruction = getCreateCapitalPoolInstruction(
    {
      authority: input.authority,
      config: await configPda(programAddress),
      mintParams: await mintParamsPda(input.mint, programAddress),
      mint: input.mint,
      capitalPool,
      capitalVault: await capitalVaultPda(input.mint, programAddress),
      shareMint: await capitalSharesPda(input.mint, programAddress),
      tokenProgram: input.tokenProgram,
      minCapital: input.minCapital ?? 0n,
      mcrBps: input.mcrBps ?? DEFAULT_MCR_BPS,
      name: input.name,
      symbol: input.symbol,
      uri: input.uri,
    },
    { programAddress },
  );
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
  programAddress?: Address;
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
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const pool = await poolPda(input.poolId, programAddress);
  const vault = await vaultPda(pool, programAddress);
  const instruction = getCreatePoolInstruction(
    {
      manager: input.manager,
      config: await configPda(programAddress),
      pool,
      mint: input.mint,
      capitalPool: await capitalPoolPda(input.mint, programAddress),
      vault,
      tokenProgram: input.tokenProgram,
      managerFeeBps: input.managerFeeBps,
      maxManagerFeeBps: input.maxManagerFeeBps,
      private: input.private ?? false,
    },
    { programAddress },
  );
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
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const poolProduct = await poolProductPda(input.pool, input.productId, programAddress);
  const instruction = getSetPoolProductInstruction(
    {
      manager: input.manager,
      config: await configPda(programAddress),
      pool: input.pool,
      product: await productPda(input.productId, programAddress),
      poolProduct,
      productId: input.productId,
      targetWeight: input.targetWeight,
      targetPriceBps: input.targetPriceBps,
    },
    { programAddress },
  );
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
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const proposal = await proposalPda(input.id, programAddress);
  const instruction = getCreateProposalInstruction(
    {
      authority: input.authority,
      config: await configPda(programAddress),
      proposal,
      changes: input.changes,
      descriptionHash: input.descriptionHash ?? new Uint8Array(32),
      descriptionUri: input.descriptionUri ?? "",
    },
    { programAddress },
  );
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
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const instruction = getExecuteProposalInstruction(
    {
      caller: input.caller,
      config: await configPda(programAddress),
      proposal: await proposalPda(input.id, programAddress),
      proposer: input.proposer,
      capitalPool: changedCapitalPool(input.changes),
      id: input.id,
    },
    { programAddress },
  );
  return { instructions: [instruction] };
}

/** `cancel_proposal` (governance); the rent goes back to `proposer`. */
export async function cancelProposal(input: {
  authority: TransactionSigner;
  id: bigint;
  proposer: Address;
  programAddress?: Address;
}) {
  const { programAddress = BULWARK_PROGRAM_ADDRESS } = input;
  const instruction = getCancelProposalInstruction(
    {
      authority: input.authority,
      config: await configPda(programAddress),
      proposal: await proposalPda(input.id, programAddress),
      proposer: input.proposer,
      id: input.id,
    },
    { programAddress },
  );
  return { instructions: [instruction] };
}
