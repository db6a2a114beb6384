// PDA derivations, one per account the program derives (sdk/src/builders.rs mirrored). Every
// integer seed is little-endian: u64 for ids, nonces and tranches, u32 for the claim index.
// Each helper takes the program's id last (default: the canonical `BULWARK_PROGRAM_ADDRESS`):
// a deployment under its own id has its own PDAs.

import {
  address,
  getAddressEncoder,
  getProgramDerivedAddress,
  getU32Encoder,
  getU64Encoder,
  getUtf8Encoder,
  type Address,
  type ReadonlyUint8Array,
} from "@solana/kit";
import { SEEDS } from "./constants";
import { BULWARK_PROGRAM_ADDRESS } from "./generated";

export const UPGRADEABLE_LOADER_ADDRESS = address("BPFLoaderUpgradeab1e11111111111111111111111");
export const ASSOCIATED_TOKEN_PROGRAM_ADDRESS = address(
  "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL",
);

const u64 = (value: bigint) => getU64Encoder().encode(value);
const u32 = (value: number) => getU32Encoder().encode(value);
const key = (value: Address) => getAddressEncoder().encode(value);

async function pda(
  programAddress: Address,
  prefix: (typeof SEEDS)[keyof typeof SEEDS],
  ...seeds: ReadonlyUint8Array[]
): Promise<Address> {
  const [found] = await getProgramDerivedAddress({
    programAddress,
    seeds: [getUtf8Encoder().encode(prefix), ...seeds],
  });
  return found;
}

/** The program's ProgramData account; its upgrade authority must sign `initialize_config`. */
export async function programDataAddress(
  programAddress: Address = BULWARK_PROGRAM_ADDRESS,
): Promise<Address> {
  const [found] = await getProgramDerivedAddress({
    programAddress: UPGRADEABLE_LOADER_ADDRESS,
    seeds: [key(programAddress)],
  });
  return found;
}

/**
 * `owner`'s associated token account on `mint`: where anyone may crank a payout or a deposit
 * refund to (any other account of the owner must be named by the owner itself).
 */
export async function associatedTokenAddress(
  owner: Address,
  mint: Address,
  tokenProgram: Address,
): Promise<Address> {
  const [found] = await getProgramDerivedAddress({
    programAddress: ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
    seeds: [key(owner), key(tokenProgram), key(mint)],
  });
  return found;
}

export const configPda = (programAddress: Address = BULWARK_PROGRAM_ADDRESS) =>
  pda(programAddress, SEEDS.config);
export const assessmentVaultPda = (programAddress: Address = BULWARK_PROGRAM_ADDRESS) =>
  pda(programAddress, SEEDS.assessmentVault);
export const productPda = (productId: bigint, programAddress: Address = BULWARK_PROGRAM_ADDRESS) =>
  pda(programAddress, SEEDS.product, u64(productId));
/** Governance's listing of a mint (`set_mint_params`): pools exist only on listed mints. */
export const mintParamsPda = (mint: Address, programAddress: Address = BULWARK_PROGRAM_ADDRESS) =>
  pda(programAddress, SEEDS.mintParams, key(mint));
export const poolPda = (poolId: bigint, programAddress: Address = BULWARK_PROGRAM_ADDRESS) =>
  pda(programAddress, SEEDS.pool, u64(poolId));
export const vaultPda = (pool: Address, programAddress: Address = BULWARK_PROGRAM_ADDRESS) =>
  pda(programAddress, SEEDS.vault, key(pool));
export const poolProductPda = (
  pool: Address,
  productId: bigint,
  programAddress: Address = BULWARK_PROGRAM_ADDRESS,
) => pda(programAddress, SEEDS.poolProduct, key(pool), u64(productId));
export const positionPda = (
  pool: Address,
  owner: Address,
  positionId: bigint,
  programAddress: Address = BULWARK_PROGRAM_ADDRESS,
) => pda(programAddress, SEEDS.position, key(pool), key(owner), u64(positionId));
export const archivePda = (
  pool: Address,
  trancheId: bigint,
  programAddress: Address = BULWARK_PROGRAM_ADDRESS,
) => pda(programAddress, SEEDS.trancheArchive, key(pool), u64(trancheId));
export const coverPda = (
  payer: Address,
  nonce: bigint,
  programAddress: Address = BULWARK_PROGRAM_ADDRESS,
) => pda(programAddress, SEEDS.cover, key(payer), u64(nonce));
export const claimPda = (
  cover: Address,
  index: number,
  programAddress: Address = BULWARK_PROGRAM_ADDRESS,
) => pda(programAddress, SEEDS.claim, key(cover), u32(index));
export const ballotPda = (
  claim: Address,
  assessorOwner: Address,
  programAddress: Address = BULWARK_PROGRAM_ADDRESS,
) => pda(programAddress, SEEDS.ballot, key(claim), key(assessorOwner));
export const assessorPda = (owner: Address, programAddress: Address = BULWARK_PROGRAM_ADDRESS) =>
  pda(programAddress, SEEDS.assessor, key(owner));
/** The mint's capital pool, its vault and its Token-2022 membership share mint. */
export const capitalPoolPda = (mint: Address, programAddress: Address = BULWARK_PROGRAM_ADDRESS) =>
  pda(programAddress, SEEDS.capitalPool, key(mint));
export const capitalVaultPda = (mint: Address, programAddress: Address = BULWARK_PROGRAM_ADDRESS) =>
  pda(programAddress, SEEDS.capitalVault, key(mint));
export const capitalSharesPda = (
  mint: Address,
  programAddress: Address = BULWARK_PROGRAM_ADDRESS,
) => pda(programAddress, SEEDS.capitalShares, key(mint));
export const capitalExitPda = (
  capitalPool: Address,
  member: Address,
  exitId: bigint,
  programAddress: Address = BULWARK_PROGRAM_ADDRESS,
) => pda(programAddress, SEEDS.capitalExit, key(capitalPool), key(member), u64(exitId));

/** `PanelMember` `["panel_member", productId, member]`: a designated assessor of a product. */
export const panelMemberPda = (
  productId: bigint,
  member: Address,
  programAddress: Address = BULWARK_PROGRAM_ADDRESS,
) => pda(programAddress, SEEDS.panelMember, u64(productId), key(member));

/** `Proposal` `["proposal", id]`: governance's timelocked changes, id from the config's counter. */
export const proposalPda = (id: bigint, programAddress: Address = BULWARK_PROGRAM_ADDRESS) =>
  pda(programAddress, SEEDS.proposal, u64(id));
