// Deploy migration: run by `anchor migrate` after `anchor deploy` (the Anchor CLI passes the
// provider). Idempotent: each step checks the chain first, so running it again changes nothing.
//
//   BULWARK_ASSESSMENT_MINT  mint assessors stake (required the first time)
//   BULWARK_TREASURY         owner of the treasury token accounts (default: the wallet)
//   BULWARK_AUTHORITY        governance authority, e.g. a Squads vault (default: the wallet)
//   BULWARK_POOL_MINT        mint of the first staking pool (optional: no pool without it)
//
// The wallet must be the program's upgrade authority: only it may initialize the config.

import * as anchor from "@anchor-lang/core";
import BN from "bn.js";
import { PublicKey, SystemProgram } from "@solana/web3.js";
import idl from "../idl/bulwark.json";

const UPGRADEABLE_LOADER = new PublicKey("BPFLoaderUpgradeab1e11111111111111111111111");
const DAY = 86_400;

function pda(programId: PublicKey, ...seeds: Buffer[]): PublicKey {
  return PublicKey.findProgramAddressSync(seeds, programId)[0];
}

function u64(value: number | BN): Buffer {
  return new BN(value).toArrayLike(Buffer, "le", 8);
}

function envKey(name: string, fallback?: PublicKey): PublicKey {
  const value = process.env[name];
  if (value) return new PublicKey(value);
  if (fallback) return fallback;
  throw new Error(`${name} is not set`);
}

/// The program's default parameters (constants.rs), spelled out for the first initialization.
function defaultParams() {
  return {
    stakerShareBps: 5_000,
    assessmentShareBps: 1_000,
    capacityRatioBps: 20_000,
    maxTotalWeight: 2_000,
    priceBumpBps: 500,
    priceDecayBpsPerDay: 200,
    claimMinDeposit: new BN(1_000_000),
    claimDepositBps: 50,
    votingPeriod: 3 * DAY,
    silentEnding: DAY,
    cooldown: DAY,
    redemptionWindow: 30 * DAY,
    assessorLock: 14 * DAY,
    quorum: new BN(1_000_000),
    assessorRewardBps: 50,
  };
}

module.exports = async function (provider: anchor.AnchorProvider) {
  anchor.setProvider(provider);
  const program = new anchor.Program(idl as anchor.Idl, provider);
  const programId = program.programId;
  const wallet = provider.wallet.publicKey;
  const config = pda(programId, Buffer.from("config"));

  if (!(await provider.connection.getAccountInfo(config))) {
    const assessmentMint = envKey("BULWARK_ASSESSMENT_MINT");
    const mintInfo = await provider.connection.getAccountInfo(assessmentMint);
    if (!mintInfo) throw new Error("BULWARK_ASSESSMENT_MINT does not exist");
    const signature = await program.methods
      .initializeConfig({
        authority: envKey("BULWARK_AUTHORITY", wallet),
        treasury: envKey("BULWARK_TREASURY", wallet),
        params: defaultParams(),
      })
      .accountsPartial({
        deployer: wallet,
        config,
        assessmentMint,
        assessmentVault: pda(programId, Buffer.from("assessment_vault")),
        programData: PublicKey.findProgramAddressSync([programId.toBuffer()], UPGRADEABLE_LOADER)[0],
        tokenProgram: mintInfo.owner,
        systemProgram: SystemProgram.programId,
      })
      .rpc();
    console.log(`config initialized: ${config.toBase58()} (${signature})`);
  } else {
    console.log(`config exists: ${config.toBase58()}`);
  }

  // The IDL is loaded as plain JSON, so account namespaces are not typed: name the one we need.
  const accounts = program.account as unknown as Record<
    string,
    { fetch(address: PublicKey): Promise<unknown> }
  >;
  const state = (await accounts.config.fetch(config)) as {
    authority: PublicKey;
    productCount: BN;
    poolCount: BN;
  };
  const governs = state.authority.equals(wallet);

  if (state.productCount.isZero()) {
    if (!governs) {
      console.log("product 0 missing: the governance authority must create it");
    } else {
      const signature = await program.methods
        .createProduct({
          productType: { assessed: {} },
          terms: {
            gracePeriod: 35 * DAY,
            minPriceBps: 100,
            maxCoverPeriod: 365 * DAY,
            fixedPrice: false,
            deprecated: false,
            wordingHash: Array(32).fill(0),
            wordingUri: "https://bulwark.example/wording/protocol-cover-v1",
          },
        })
        .accountsPartial({
          authority: wallet,
          config,
          product: pda(programId, Buffer.from("product"), u64(0)),
          systemProgram: SystemProgram.programId,
        })
        .rpc();
      console.log(`product 0 created (${signature})`);
    }
  } else {
    console.log(`products exist: ${state.productCount.toString()}`);
  }

  const poolMint = process.env.BULWARK_POOL_MINT;
  if (state.poolCount.isZero() && poolMint) {
    const mint = new PublicKey(poolMint);
    const mintInfo = await provider.connection.getAccountInfo(mint);
    if (!mintInfo) throw new Error("BULWARK_POOL_MINT does not exist");
    const pool = pda(programId, Buffer.from("pool"), u64(0));
    const signature = await program.methods
      .createPool({ managerFeeBps: 1_000, maxManagerFeeBps: 2_000, private: false })
      .accountsPartial({
        manager: wallet,
        config,
        pool,
        mint,
        vault: pda(programId, Buffer.from("vault"), pool.toBuffer()),
        tokenProgram: mintInfo.owner,
        systemProgram: SystemProgram.programId,
      })
      .rpc();
    console.log(`pool 0 created: ${pool.toBase58()} (${signature})`);
  } else {
    console.log(`pools: ${state.poolCount.toString()}${poolMint ? "" : " (set BULWARK_POOL_MINT to create one)"}`);
  }
};
