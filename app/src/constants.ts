// Protocol constants the client needs, mirrored from programs/bulwark/src/constants.rs (seeds,
// calendar, limits, default parameters). Amounts and times are bigint, as the program's u64/i64.

import type { ProtocolParams } from "./generated";

export const SEEDS = {
  config: "config",
  assessmentVault: "assessment_vault",
  product: "product",
  pool: "pool",
  vault: "vault",
  poolProduct: "pool_product",
  position: "position",
  trancheArchive: "tranche",
  cover: "cover",
  claim: "claim",
  ballot: "ballot",
  assessor: "assessor",
  mintParams: "mint_params",
  capitalPool: "capital_pool",
  capitalVault: "capital_vault",
  capitalShares: "capital_shares",
  capitalExit: "capital_exit",
  proposal: "proposal",
  panelMember: "panel_member",
} as const;

export const BPS = 10_000n;
export const SECONDS_PER_DAY = 86_400n;
export const SECONDS_PER_YEAR = 365n * SECONDS_PER_DAY;
/** A staking tranche lasts 91 days; `tranche_id = unix_time / TRANCHE_DURATION`. */
export const TRANCHE_DURATION = 91n * SECONDS_PER_DAY;
/** Expiry buckets of 28 days release capacity and end reward streams. */
export const BUCKET_DURATION = 28n * SECONDS_PER_DAY;
export const MAX_ACTIVE_TRANCHES = 8;
export const BUCKET_RING = 32;
export const MAX_COVER_POOLS = 4;
export const MAX_PRODUCT_WEIGHT = 100n;
/** Fixed-point scale of reward stream rates (tokens per second) and rewards per stake or share. */
export const REWARD_SCALE = 1_000_000_000_000n;
/** Default minimum capital requirement of a capital pool: 100% of its leverage lines. */
export const DEFAULT_MCR_BPS = 10_000;
/** Anyone may withdraw a position for its owner this long after its tranche ended. */
export const ABANDONED_POSITION_DELAY = 30n * SECONDS_PER_DAY;

/** The program's default parameters (`ProtocolParams::default()` in state/config.rs). */
export function defaultProtocolParams(): ProtocolParams {
  const day = 86_400;
  return {
    stakerShareBps: 5_000,
    assessmentShareBps: 1_000,
    protocolFeeBps: 500,
    capacityRatioBps: 20_000,
    maxTotalWeight: 2_000,
    priceBumpBps: 500,
    priceDecayBpsPerDay: 200,
    claimDepositBps: 50,
    votingPeriod: 3 * day,
    silentEnding: day,
    silentEndingCap: 9 * day,
    revealPeriod: day,
    cooldown: day,
    redemptionWindow: 30 * day,
    assessorLock: 14 * day,
    quorum: 1_000_000n,
    quorumBps: 1_000,
    assessorStakeAge: 7 * day,
    assessorRewardBps: 50,
    slashBps: 5_000,
    capitalExitDelay: 14 * day,
    timelockDelay: day,
  };
}
