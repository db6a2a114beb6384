// The litesvm harness (the TypeScript twin of the Rust `bulwark-testing`): the real SBF program in
// a LiteSVM instance, driven through the client: deterministic keys, a ProgramData account naming
// the deployer as upgrade authority, one slot per transaction, clock warps, token helpers, exact
// error codes. Used by this repository's tests and by other protocols' litesvm suites.

import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  appendTransactionMessageInstructions,
  assertAccountExists,
  createKeyPairSignerFromPrivateKeyBytes,
  createTransactionMessage,
  getAddressEncoder,
  getU32Encoder,
  getU64Encoder,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  signTransactionMessageWithSigners,
  type Account,
  type Address,
  type EncodedAccount,
  type Instruction,
  type KeyPairSigner,
} from "@solana/kit";
import { getCreateAccountInstruction } from "@solana-program/system";
import {
  TOKEN_PROGRAM_ADDRESS,
  decodeToken,
  findAssociatedTokenPda,
  getCreateAssociatedTokenIdempotentInstruction,
  getInitializeAccount3Instruction,
  getInitializeMint2Instruction,
  getMintSize,
  getMintToInstruction,
  getTokenSize,
} from "@solana-program/token";
import { FailedTransactionMetadata, LiteSVM, type TransactionMetadata } from "litesvm";
// The error classes are not re-exported by the package root.
import { InstructionErrorCustom, TransactionErrorInstructionError } from "litesvm/dist/internal";
import {
  BULWARK_PROGRAM_ADDRESS,
  SECONDS_PER_DAY,
  TRANCHE_DURATION,
  UPGRADEABLE_LOADER_ADDRESS,
  programDataAddress,
  type AccountFetcher,
} from "..";

const BPF_LOADER_2 = "BPFLoader2111111111111111111111111111111111" as Address;

/**
 * The `.so` to load: the file `$BULWARK_SO` names, else bulwark.so in `$SBF_OUT_DIR`, else in
 * `$CARGO_TARGET_DIR/deploy`, else in this workspace's `target/deploy`. An explicit choice is
 * never silently replaced by another (possibly stale) build.
 */
export function programPath(): string {
  if (process.env.BULWARK_SO) return resolve(process.env.BULWARK_SO);
  const dir =
    process.env.SBF_OUT_DIR ||
    (process.env.CARGO_TARGET_DIR && join(process.env.CARGO_TARGET_DIR, "deploy")) ||
    resolve(__dirname, "../../../target/deploy");
  return join(resolve(dir), "bulwark.so");
}

/**
 * `{ skip }` option for node:test when the .so at `path` (default: {@link programPath}'s) is
 * missing, with the reason and `howToBuild` it.
 */
export function skipWithoutProgram(
  path: string = programPath(),
  howToBuild = "build it with ../shared/sbf-toolchain/build-sbf.sh programs/bulwark (or cargo " +
    "build-sbf) to run the tests against the program",
): { skip?: string } {
  return existsSync(path) ? {} : { skip: `${path} does not exist; ${howToBuild}` };
}

/** A user and their token account on one mint. */
export interface Wallet {
  signer: KeyPairSigner;
  token: Address;
}

/** A transaction the program refused: which instruction, which custom code, the logs. */
export interface Refusal {
  index: number;
  code: number | undefined;
  logs: string[];
}

export class Harness {
  private keysMade = 0;

  private constructor(
    readonly svm: LiteSVM,
    readonly payer: KeyPairSigner,
    readonly deployer: KeyPairSigner,
    /** The id the program is loaded under: the market helpers build for it. */
    readonly programAddress: Address,
  ) {}

  /**
   * A VM with the program (BPF loader 2, as program-test loads it) and its ProgramData; the
   * `.so` is `program` if given, else {@link programPath}'s, loaded under `programAddress`
   * (default: the canonical id; a build runs only under the id it declares).
   */
  static async start(
    program: string = programPath(),
    programAddress: Address = BULWARK_PROGRAM_ADDRESS,
  ): Promise<Harness> {
    const svm = new LiteSVM();
    svm.addProgramWithLoader(programAddress, new Uint8Array(readFileSync(program)), BPF_LOADER_2);
    const payer = await signer(200);
    const deployer = await signer(1);
    const harness = new Harness(svm, payer, deployer, programAddress);
    svm.airdrop(payer.address, lamports(1_000_000_000_000n));
    svm.airdrop(deployer.address, lamports(10_000_000_000n));
    await harness.setProgramData(deployer.address);
    return harness;
  }

  /**
   * The ProgramData account an upgradeable deployment would have, naming `authority` as the
   * upgrade authority (bincode `UpgradeableLoaderState::ProgramData`: tag 3, slot, Some(key)).
   */
  private async setProgramData(authority: Address) {
    const data = new Uint8Array(45);
    data.set(getU32Encoder().encode(3), 0);
    data.set(getU64Encoder().encode(0n), 4);
    data[12] = 1;
    data.set(getAddressEncoder().encode(authority), 13);
    this.svm.setAccount({
      address: await programDataAddress(this.programAddress),
      data,
      executable: false,
      lamports: lamports(1_000_000_000n),
      programAddress: UPGRADEABLE_LOADER_ADDRESS,
      space: 45n,
    });
  }

  /** Reads accounts from the VM, for the client's helpers. */
  readonly fetch: AccountFetcher = (address) => this.svm.getAccount(address);

  /** Decodes a program account with one of the generated decoders (throws if missing). */
  account<T extends object>(address: Address, decode: (account: EncodedAccount) => Account<T>): T {
    const encoded = this.svm.getAccount(address);
    assertAccountExists(encoded);
    return decode(encoded).data;
  }

  /** A new funded keypair, the same sequence in every run. */
  async user(): Promise<KeyPairSigner> {
    this.keysMade += 1;
    const user = await signer(this.keysMade + 10);
    this.svm.airdrop(user.address, lamports(10_000_000_000n));
    return user;
  }

  // ---- transactions ----

  private async transaction(instructions: Instruction[]) {
    const message = pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(this.payer, m),
      (m) => this.svm.setTransactionMessageLifetimeUsingLatestBlockhash(m),
      (m) => appendTransactionMessageInstructions(instructions, m),
    );
    return signTransactionMessageWithSigners(message);
  }

  private async submit(instructions: Instruction[]) {
    const result = this.svm.sendTransaction(await this.transaction(instructions));
    // Next slot and blockhash, like a real cluster between transactions.
    const clock = this.svm.getClock();
    clock.slot += 1n;
    this.svm.setClock(clock);
    this.svm.expireBlockhash();
    return result;
  }

  /** Sends and requires success. */
  async send(instructions: Instruction[]): Promise<TransactionMetadata> {
    const result = await this.submit(instructions);
    if (result instanceof FailedTransactionMetadata) {
      throw new Error(`transaction failed: ${result.err()}\n${result.meta().logs().join("\n")}`);
    }
    return result;
  }

  /** Sends and requires failure; returns the failing instruction, its custom code and logs. */
  async refuse(instructions: Instruction[]): Promise<Refusal> {
    const result = await this.submit(instructions);
    if (!(result instanceof FailedTransactionMetadata)) {
      throw new Error("transaction should have failed");
    }
    return refusal(result);
  }

  /** Runs without changing any account: the refusal if the program refuses, else undefined. */
  async simulate(instructions: Instruction[]): Promise<Refusal | undefined> {
    const result = this.svm.simulateTransaction(await this.transaction(instructions));
    return result instanceof FailedTransactionMetadata ? refusal(result) : undefined;
  }

  /** Runs without changing any account and returns the return data (the program must succeed). */
  async returnData(instructions: Instruction[]): Promise<Uint8Array> {
    const result = this.svm.simulateTransaction(await this.transaction(instructions));
    if (result instanceof FailedTransactionMetadata) {
      throw new Error(`simulation failed: ${result.err()}\n${result.meta().logs().join("\n")}`);
    }
    return result.meta().returnData().data();
  }

  /**
   * Runs without changing any account: the refusal if the program refuses, else the
   * transaction's accounts as it would leave them.
   */
  async simulateAccounts(instructions: Instruction[]): Promise<Refusal | EncodedAccount[]> {
    const result = this.svm.simulateTransaction(await this.transaction(instructions));
    return result instanceof FailedTransactionMetadata ? refusal(result) : result.postAccounts();
  }

  // ---- time ----

  now(): bigint {
    return this.svm.getClock().unixTimestamp;
  }

  /** Moves the clock to `unixTimestamp` in a new slot. */
  warpTo(unixTimestamp: bigint) {
    const clock = this.svm.getClock();
    clock.slot += 1n;
    clock.unixTimestamp = unixTimestamp;
    this.svm.setClock(clock);
    this.svm.expireBlockhash();
  }

  warpDays(days: number) {
    this.warpTo(this.now() + BigInt(days) * SECONDS_PER_DAY);
  }

  /** Moves the clock to `offset` seconds into tranche `trancheId`. */
  warpToTranche(trancheId: bigint, offset: bigint) {
    this.warpTo(trancheId * TRANCHE_DURATION + offset);
  }

  // ---- tokens (SPL Token; the payer is every mint's authority) ----

  async createMint(decimals: number): Promise<Address> {
    const mint = await this.nextKey();
    await this.send([
      getCreateAccountInstruction({
        payer: this.payer,
        newAccount: mint,
        lamports: this.svm.minimumBalanceForRentExemption(BigInt(getMintSize())),
        space: getMintSize(),
        programAddress: TOKEN_PROGRAM_ADDRESS,
      }),
      getInitializeMint2Instruction({
        mint: mint.address,
        decimals,
        mintAuthority: this.payer.address,
        freezeAuthority: this.payer.address,
      }),
    ]);
    return mint.address;
  }

  async createTokenAccount(owner: Address, mint: Address): Promise<Address> {
    const account = await this.nextKey();
    await this.send([
      getCreateAccountInstruction({
        payer: this.payer,
        newAccount: account,
        lamports: this.svm.minimumBalanceForRentExemption(BigInt(getTokenSize())),
        space: getTokenSize(),
        programAddress: TOKEN_PROGRAM_ADDRESS,
      }),
      getInitializeAccount3Instruction({ account: account.address, mint, owner }),
    ]);
    return account.address;
  }

  async mintTo(mint: Address, token: Address, amount: bigint) {
    await this.send([getMintToInstruction({ mint, token, mintAuthority: this.payer, amount })]);
  }

  /** `owner`'s associated token account on `mint` (where anyone may crank a payout to). */
  async createAssociatedTokenAccount(owner: Address, mint: Address): Promise<Address> {
    const [ata] = await findAssociatedTokenPda({
      owner,
      mint,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
    });
    await this.send([
      getCreateAssociatedTokenIdempotentInstruction({ payer: this.payer, ata, owner, mint }),
    ]);
    return ata;
  }

  /** A funded user with its associated token account on `mint` holding `amount`. */
  async fundedUser(mint: Address, amount: bigint): Promise<Wallet> {
    const user = await this.user();
    const token = await this.createAssociatedTokenAccount(user.address, mint);
    if (amount > 0n) await this.mintTo(mint, token, amount);
    return { signer: user, token };
  }

  balance(token: Address): bigint {
    const account = this.svm.getAccount(token);
    if (!account.exists) throw new Error(`token account ${token} does not exist`);
    return decodeToken(account).data.amount;
  }

  private async nextKey(): Promise<KeyPairSigner> {
    this.keysMade += 1;
    return signer(this.keysMade + 10);
  }
}

function refusal(result: FailedTransactionMetadata): Refusal {
  const err = result.err();
  if (!(err instanceof TransactionErrorInstructionError)) {
    throw new Error(`not an instruction error: ${err}`);
  }
  const inner = err.err();
  return {
    index: err.index,
    code: inner instanceof InstructionErrorCustom ? inner.code : undefined,
    logs: result.meta().logs(),
  };
}

/** A keypair from a fixed 32-byte secret, so addresses (and PDA bumps) repeat across runs. */
function signer(seed: number): Promise<KeyPairSigner> {
  const secret = new Uint8Array(32).fill(7);
  secret.set(getU32Encoder().encode(seed), 0);
  return createKeyPairSignerFromPrivateKeyBytes(secret);
}
