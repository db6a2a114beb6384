// An Anchor `Provider` over the test harness's litesvm: what Anchor's own TypeScript client
// (`@anchor-lang/core`) needs to resolve accounts (`connection.getAccountInfo`), send
// (`sendAndConfirm`) and simulate (`simulate`, for `.view()`), so a test can drive the program
// from the committed IDL alone, as an outside integrator would.

import type { Provider } from "@anchor-lang/core";
import {
  Connection,
  Keypair,
  PublicKey,
  Transaction,
  VersionedTransaction,
  type AccountInfo,
  type Signer,
} from "@solana/web3.js";
import { address, getTransactionDecoder, lamports } from "@solana/kit";
import { FailedTransactionMetadata } from "litesvm";
import type { Harness } from "../src/testing";

/** A transaction litesvm refused, with its logs (Anchor's client parses them into errors). */
export class SvmSendError extends Error {
  constructor(
    message: string,
    readonly logs: string[],
  ) {
    super(message);
  }
}

export class LiteSvmProvider implements Provider {
  readonly connection: Connection;
  readonly publicKey: PublicKey;

  constructor(
    private readonly h: Harness,
    private readonly payer: Keypair,
  ) {
    this.publicKey = payer.publicKey;
    h.svm.airdrop(address(payer.publicKey.toBase58()), lamports(100_000_000_000n));
    const getAccountInfo = async (key: PublicKey): Promise<AccountInfo<Buffer> | null> => {
      const account = h.svm.getAccount(address(key.toBase58()));
      if (!account.exists) return null;
      return {
        data: Buffer.from(account.data),
        owner: new PublicKey(account.programAddress),
        lamports: Number(account.lamports),
        executable: account.executable,
      };
    };
    const getAccountInfoAndContext = async (key: PublicKey) => ({
      context: { slot: Number(h.svm.getClock().slot) },
      value: await getAccountInfo(key),
    });
    // Only what Anchor's account resolution and `account.*.fetch` read.
    this.connection = { getAccountInfo, getAccountInfoAndContext } as unknown as Connection;
  }

  /** Pays, signs and serializes `tx` for the VM's current blockhash. */
  private prepare(tx: Transaction | VersionedTransaction, signers: Signer[]) {
    if (tx instanceof VersionedTransaction) {
      throw new Error("the Anchor tests send legacy transactions only");
    }
    tx.feePayer = this.payer.publicKey;
    tx.recentBlockhash = this.h.svm.latestBlockhash();
    tx.sign(this.payer, ...signers);
    return getTransactionDecoder().decode(tx.serialize());
  }

  async sendAndConfirm(tx: Transaction | VersionedTransaction, signers: Signer[] = []) {
    const result = this.h.svm.sendTransaction(this.prepare(tx, signers));
    // Next slot and blockhash, as the harness does between transactions.
    const clock = this.h.svm.getClock();
    clock.slot += 1n;
    this.h.svm.setClock(clock);
    this.h.svm.expireBlockhash();
    if (result instanceof FailedTransactionMetadata) {
      const logs = result.meta().logs();
      throw new SvmSendError(`transaction failed: ${result.err()}`, logs);
    }
    return Buffer.from(result.signature()).toString("hex");
  }

  async simulate(tx: Transaction | VersionedTransaction, signers: Signer[] = []) {
    const result = this.h.svm.simulateTransaction(this.prepare(tx, signers));
    if (result instanceof FailedTransactionMetadata) {
      throw new SvmSendError(`simulation failed: ${result.err()}`, result.meta().logs());
    }
    const meta = result.meta();
    return { logs: meta.logs(), unitsConsumed: Number(meta.computeUnitsConsumed()) };
  }
}
