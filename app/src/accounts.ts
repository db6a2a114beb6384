// Reading program state from any source: an RPC (`fromRpc`) or anything that returns kit's
// `MaybeEncodedAccount` for an address (litesvm's `getAccount` does), so the same helpers run
// against a cluster and against an in-process VM.

import {
  address,
  assertAccountExists,
  fetchEncodedAccount,
  getI64Decoder,
  type Account,
  type Address,
  type EncodedAccount,
  type GetAccountInfoApi,
  type MaybeEncodedAccount,
  type Rpc,
} from "@solana/kit";
import {
  BULWARK_PROGRAM_ADDRESS,
  decodeClaim,
  decodeConfig,
  decodeCover,
  decodePool,
  decodePoolProduct,
  decodeProduct,
  decodeStakePosition,
  type Claim,
  type Config,
  type Cover,
  type Pool,
  type Product,
  type StakePosition,
} from "./generated";
import { configPda, poolProductPda, productPda } from "./pdas";
import type { PoolState } from "./quote";

export type AccountFetcher = (
  address: Address,
) => MaybeEncodedAccount | Promise<MaybeEncodedAccount>;

export function fromRpc(rpc: Rpc<GetAccountInfoApi>): AccountFetcher {
  return (account) => fetchEncodedAccount(rpc, account);
}

async function load<T extends object>(
  fetch: AccountFetcher,
  account: Address,
  decode: (encoded: EncodedAccount) => Account<T>,
): Promise<T> {
  const encoded = await fetch(account);
  assertAccountExists(encoded);
  return decode(encoded).data;
}

/** The config of the deployment under `programAddress` (default: the canonical one). */
export const loadConfig = async (
  fetch: AccountFetcher,
  programAddress: Address = BULWARK_PROGRAM_ADDRESS,
): Promise<Config> => load(fetch, await configPda(programAddress), decodeConfig);
/** Product `productId` of the deployment under `programAddress` (default: the canonical one). */
export const loadProduct = async (
  fetch: AccountFetcher,
  productId: bigint,
  programAddress: Address = BULWARK_PROGRAM_ADDRESS,
): Promise<Product> => load(fetch, await productPda(productId, programAddress), decodeProduct);
export const loadPool = (fetch: AccountFetcher, pool: Address): Promise<Pool> =>
  load(fetch, pool, decodePool);
export const loadCover = (fetch: AccountFetcher, cover: Address): Promise<Cover> =>
  load(fetch, cover, decodeCover);
export const loadClaim = (fetch: AccountFetcher, claim: Address): Promise<Claim> =>
  load(fetch, claim, decodeClaim);
export const loadPosition = (fetch: AccountFetcher, position: Address): Promise<StakePosition> =>
  load(fetch, position, decodeStakePosition);

/**
 * The pools of `pools` that list `productId`, with their pool-product accounts (for `quote`)
 * of the deployment under `programAddress` (default: the canonical one); pools without one are
 * left out.
 */
export async function loadPoolStates(
  fetch: AccountFetcher,
  productId: bigint,
  pools: Address[],
  programAddress: Address = BULWARK_PROGRAM_ADDRESS,
): Promise<PoolState[]> {
  const states = await Promise.all(
    pools.map(async (pool) => {
      const poolProduct = await fetch(await poolProductPda(pool, productId, programAddress));
      if (!poolProduct.exists) return undefined;
      return {
        address: pool,
        pool: await loadPool(fetch, pool),
        poolProduct: decodePoolProduct(poolProduct).data,
      };
    }),
  );
  return states.filter((state): state is PoolState => state !== undefined);
}

const SYSVAR_CLOCK = address("SysvarC1ock11111111111111111111111111111111");

/** The cluster's unix timestamp (Clock sysvar), the `now` the program prices with. */
export async function clusterTime(fetch: AccountFetcher): Promise<bigint> {
  const clock = await fetch(SYSVAR_CLOCK);
  assertAccountExists(clock);
  // Clock layout: slot u64, epoch_start_timestamp i64, epoch u64, leader_schedule_epoch u64,
  // unix_timestamp i64.
  return getI64Decoder().decode(clock.data, 32);
}
