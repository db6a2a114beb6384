// Deploy migration: run by `anchor migrate` after `anchor deploy` (the Anchor CLI passes the
// provider). Idempotent: each step checks the chain first, so running it again changes nothing.
// The steps live in the TypeScript client (app/src/deploy.ts, tested against the SBF program);
// this file adapts Anchor's provider to them.
//
//   BULWARK_ASSESSMENT_MINT  mint assessors stake (required the first time)
//   BULWARK_TREASURY         owner of the treasury token accounts (default: the wallet)
//   BULWARK_AUTHORITY        governance authority, e.g. a Squads vault (default: the wallet)
//   BULWARK_POOL_MINT        mint of the first staking pool (optional: no pool without it)
//
// The wallet must be the program's upgrade authority: only it may initialize the config.

import type { AnchorProvider } from "@anchor-lang/core";
import { PublicKey, Transaction, TransactionInstruction } from "@solana/web3.js";
import {
  address,
  createNoopSigner,
  createSolanaRpc,
  isSignerRole,
  isWritableRole,
  type Address,
  type Instruction,
} from "@solana/kit";
import { deployProtocol, fromRpc } from "../app/src";

function envAddress(name: string): Address | undefined {
  const value = process.env[name];
  return value ? address(value) : undefined;
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

module.exports = async function (provider: AnchorProvider) {
  // Instructions name the wallet as signer; the provider's wallet adds the signature.
  const wallet = createNoopSigner(address(provider.wallet.publicKey.toBase58()));
  await deployProtocol(
    {
      fetch: fromRpc(createSolanaRpc(provider.connection.rpcEndpoint)),
      send: (instructions) =>
        provider.sendAndConfirm(new Transaction().add(...instructions.map(toWeb3))),
      wallet,
    },
    {
      assessmentMint: envAddress("BULWARK_ASSESSMENT_MINT"),
      authority: envAddress("BULWARK_AUTHORITY"),
      treasury: envAddress("BULWARK_TREASURY"),
      poolMint: envAddress("BULWARK_POOL_MINT"),
    },
  );
};
