// PDA derivations, one per account the program derives (sdk/src/builders.rs mirrored). Every
// integer seed is little-endian: u64 for ids, nonces and tranches, u32 for the claim index.

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
  prefix: (typeof SEEDS)[keyof typeof SEEDS],
  ...seeds: ReadonlyUint8Array[]
): Promise<Address> {
  const [found] = await getProgramDerivedAddress({
    programAddress: BULWARK_PROGRAM_ADDRESS,
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

export const configPda = () => pda(SEEDS.config);
export const assessmentVaultPda = () => pda(SEEDS.assessmentVault);
export const productPda = (productId: bigint) => pda(SEEDS.product, u64(productId));
/** Governance's listing of a mint (`set_mint_params`): pools exist only on listed mints. */
export const mintParamsPda = (mint: Address) => pda(SEEDS.mintParams, key(mint));
export const poolPda = (poolId: bigint) => pda(SEEDS.pool, u64(poolId));
export const vaultPda = (pool: Address) => pda(SEEDS.vault, key(pool));
export const poolProductPda = (pool: Address, productId: bigint) =>
  pda(SEEDS.poolProduct, key(pool), u64(productId));
export const positionPda = (pool: Address, owner: Address, positionId: bigint) =>
  pda(SEEDS.position, key(pool), key(owner), u64(positionId));
export const archivePda = (pool: Address, trancheId: bigint) =>
  pda(SEEDS.trancheArchive, key(pool), u64(trancheId));
export const coverPda = (payer: Address, nonce: bigint) => pda(SEEDS.cover, key(payer), u64(nonce));
export const claimPda = (cover: Address, index: number) => pda(SEEDS.claim, key(cover), u32(index));
export const ballotPda = (claim: Address, assessorOwner: Address) =>
  pda(SEEDS.ballot, key(claim), key(assessorOwner));
export const assessorPda = (owner: Address) => pda(SEEDS.assessor, key(owner));
/** The mint's capital pool, its vault and its Token-2022 membership share mint. */
export const capitalPoolPda = (mint: Address) => pda(SEEDS.capitalPool, key(mint));
export const capitalVaultPda = (mint: Address) => pda(SEEDS.capitalVault, key(mint));
export const capitalSharesPda = (mint: Address) => pda(SEEDS.capitalShares, key(mint));
export const capitalExitPda = (capitalPool: Address, member: Address, exitId: bigint) =>
  pda(SEEDS.capitalExit, key(capitalPool), key(member), u64(exitId));

/** `PanelMember` `["panel_member", productId, member]`: a designated assessor of a product. */
export const panelMemberPda = (productId: bigint, member: Address) =>
  pda(SEEDS.panelMember, u64(productId), key(member));

/** `Proposal` `["proposal", id]`: governance's timelocked changes, id from the config's counter. */
export const proposalPda = (id: bigint) => pda(SEEDS.proposal, u64(id));
