// Deploy migration: run by `anchor migrate` after `anchor deploy` (the Anchor CLI passes the
// provider). Idempotent: each step checks the chain first, so running it again changes nothing.
// The steps live in the TypeScript client (app/src/deploy.ts, tested against the SBF program);
// this file adapts Anchor's provider to them (app/test/migration.test.ts runs this file's entry
// with a stand-in provider over litesvm).
//
//   BULWARK_PROGRAM_ID       the program's id (default: the canonical one, BULWARK_PROGRAM_ADDRESS
//                            of the client); a deployment under your own key must name it
//   BULWARK_ASSESSMENT_MINT  mint assessors stake (required the first time)
//   BULWARK_TREASURY         owner of the treasury token accounts (default: the wallet)
//   BULWARK_AUTHORITY        governance authority, e.g. a Squads vault (default: the wallet)
//   BULWARK_POOL_MINT        mint of the wallet's staking pool (optional: no pool without it);
//                            the wallet's first pool on that mint, else a new one; governance
//                            lists the mint first if it is not listed (the wallet must then be
//                            the governance authority)
//   BULWARK_CLAIM_MIN_DEPOSIT  smallest claim deposit on that mint when it is listed, in its
//                            base units (default: one token, 10^decimals)
//   BULWARK_PRODUCT_WEIGHT   that pool's weight for product 0, 0-100 (default 100)
//   BULWARK_PRODUCT_PRICE_BPS  its annual target price for product 0 in bps (default 250)
//   BULWARK_INITIAL_PRICE_BPS  annual price product 0's new pool listings start from and decay
//                            to their target, in bps, when the deployment creates the product
//                            (default 100, its minimum)
//
// The wallet must be the program's upgrade authority: only it may initialize the config.
//
// Every read and every send's confirmation uses the "confirmed" commitment (Anchor's provider
// defaults to "processed" for sends; a "confirmed" read right after a "processed" send can miss
// the account the send created).

import type { AnchorProvider } from "@anchor-lang/core";
import { PublicKey, Transaction, TransactionInstruction, type Commitment } from "@solana/web3.js";
import {
  address,
  createNoopSigner,
  isSignerRole,
  isWritableRole,
  lamports,
  type Address,
  type Instruction,
  type MaybeEncodedAccount,
} from "@solana/kit";
import { deployProtocol, type AccountFetcher } from "../app/src";

const COMMITMENT: Commitment = "confirmed";

/** What the migration uses of Anchor's provider (an `AnchorProvider` is one). */
type MigrationProvider = {
  wallet: Pick<AnchorProvider["wallet"], "publicKey">;
  connection: Pick<AnchorProvider["connection"], "getAccountInfo">;
  sendAndConfirm: AnchorProvider["sendAndConfirm"];
};

function envAddress(name: string): Address | undefined {
  const value = process.env[name];
  return value ? address(value) : undefined;
}

function envDigits(name: string): string | undefined {
  const value = process.env[name];
  if (!value) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number, not "${value}"`);
  return value;
}

function envInteger(name: string): number | undefined {
  const value = envDigits(name);
  return value === undefined ? undefined : Number(value);
}

function envAmount(name: string): bigint | undefined {
  const value = envDigits(name);
  return value === undefined ? undefined : BigInt(value);
}

function toWeb3(instruction: Instruction): TransactionInstruction {
  return new TransactionInstruction({
    programId: new PublicKey(instruction.programAddress),
    keys: (instruction.accounts ?? []).map((meta) => ({
      pubkey: new PublicKey(meta.address),
      isSigner: isSignerRole(meta.role),
      isWritable: isWritableRole(meta.role),
    })),
    data: Buffer.from(instruction.data ?? []),
  });
}

function fetchFrom(connection: MigrationProvider["connection"]): AccountFetcher {
  return async (account): Promise<MaybeEncodedAccount> => {
    const info = await connection.getAccountInfo(new PublicKey(account), COMMITMENT);
    if (!info) return { address: account, exists: false };
    return {
      address: account,
      data: new Uint8Array(info.data),
      executable: info.executable,
      exists: true,
      lamports: lamports(BigInt(info.lamports)),
      programAddress: address(info.owner.toBase58()),
      space: BigInt(info.data.length),
    };
  };
}

async function migrate(provider: MigrationProvider): Promise<void> {
  // Instructions name the wallet as signer; the provider's wallet adds the signature.
  const wallet = createNoopSigner(address(provider.wallet.publicKey.toBase58()));
  await deployProtocol(
    {
      fetch: fetchFrom(provider.connection),
      send: (instructions) =>
        provider.sendAndConfirm(new Transaction().add(...instructions.map(toWeb3)), [], {
          commitment: COMMITMENT,
          preflightCommitment: COMMITMENT,
        }),
      wallet,
    },
    {
      programAddress: envAddress("BULWARK_PROGRAM_ID"),
      assessmentMint: envAddress("BULWARK_ASSESSMENT_MINT"),
      authority: envAddress("BULWARK_AUTHORITY"),
      treasury: envAddress("BULWARK_TREASURY"),
      poolMint: envAddress("BULWARK_POOL_MINT"),
      claimMinDeposit: envAmount("BULWARK_CLAIM_MIN_DEPOSIT"),
      productWeight: envInteger("BULWARK_PRODUCT_WEIGHT"),
      productPriceBps: envInteger("BULWARK_PRODUCT_PRICE_BPS"),
      productInitialPriceBps: envInteger("BULWARK_INITIAL_PRICE_BPS"),
    },
  );
}

// The Anchor CLI's host script calls `require("migrations/deploy.ts")(provider)`.
export = migrate;
