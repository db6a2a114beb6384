// The TypeScript clients against a running `bulwark localnet`, over its real HTTP and websocket
// endpoints (localnet/tests/localnet.rs drives it; run it by hand the same way):
//
//   npx tsx scripts/localnet.ts buy-and-claim <localnet.json> <wallet> <product id> <amount> <days> <claim>
//   npx tsx scripts/localnet.ts vote <localnet.json> <wallet> <claim address>
//
// `buy-and-claim` uses this client (`@solana/kit`: quote, buy, file a claim), confirming each
// transaction through the websocket's signature notifications; `vote` uses Anchor's own client
// from the committed IDL, whose confirmation also subscribes over the websocket. Amounts are
// whole tokens of the market's 6-decimal mint. Both build for the program id the localnet names
// (localnet.json's `programId`). Each command prints one JSON line.

import { readFileSync } from "node:fs";
import { AnchorProvider, Program, Wallet } from "@anchor-lang/core";
import { Connection, Keypair, PublicKey } from "@solana/web3.js";
import {
  address,
  appendTransactionMessageInstructions,
  assertIsTransactionWithBlockhashLifetime,
  createKeyPairSignerFromBytes,
  createSolanaRpc,
  createSolanaRpcSubscriptions,
  createTransactionMessage,
  getSignatureFromTransaction,
  pipe,
  sendAndConfirmTransactionFactory,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
  type Instruction,
  type TransactionSigner,
} from "@solana/kit";
import {
  assessorPda,
  buyCover,
  fileClaim,
  fromRpc,
  loadCover,
  loadPoolKeys,
  quoteCover,
  type Bulwark,
} from "../src";
import idl from "../../idl/bulwark.json";

const UNIT = 1_000_000n;

/** What `bulwark localnet` wrote to localnet.json (the fields used here). */
interface Localnet {
  rpcUrl: string;
  websocketUrl: string;
  programId: string;
  mint: string;
  pool: string;
  wallets: { name: string; keypair: string; tokenAccount: string | null }[];
}

function wallet(localnet: Localnet, name: string) {
  const found = localnet.wallets.find((w) => w.name.toLowerCase() === name.toLowerCase());
  if (!found) throw new Error(`localnet.json has no wallet ${name}`);
  const secret = Uint8Array.from(JSON.parse(readFileSync(found.keypair, "utf8")) as number[]);
  return { secret, tokenAccount: found.tokenAccount };
}

async function buyAndClaim(
  localnet: Localnet,
  name: string,
  productId: bigint,
  amount: bigint,
  days: number,
  claimed: bigint,
) {
  const rpc = createSolanaRpc(localnet.rpcUrl);
  const rpcSubscriptions = createSolanaRpcSubscriptions(localnet.websocketUrl);
  const sendAndConfirm = sendAndConfirmTransactionFactory({ rpc, rpcSubscriptions });
  const { secret, tokenAccount } = wallet(localnet, name);
  if (!tokenAccount) throw new Error(`${name} has no token account`);
  const buyer = await createKeyPairSignerFromBytes(secret);
  const token = address(tokenAccount);
  const fetch = fromRpc(rpc);
  const send = async (payer: TransactionSigner, instructions: Instruction[]) => {
    const { value: blockhash } = await rpc.getLatestBlockhash({ commitment: "confirmed" }).send();
    const signed = await signTransactionMessageWithSigners(
      pipe(
        createTransactionMessage({ version: 0 }),
        (m) => setTransactionMessageFeePayerSigner(payer, m),
        (m) => setTransactionMessageLifetimeUsingBlockhash(blockhash, m),
        (m) => appendTransactionMessageInstructions(instructions, m),
      ),
    );
    assertIsTransactionWithBlockhashLifetime(signed);
    await sendAndConfirm(signed, { commitment: "confirmed" });
    return getSignatureFromTransaction(signed);
  };
  const balance = async (account: Address) =>
    BigInt(
      (await rpc.getTokenAccountBalance(account, { commitment: "confirmed" }).send()).value.amount,
    );

  const programAddress = address(localnet.programId);
  const mint = address(localnet.mint);
  const pools = [address(localnet.pool)];
  const period = days * 86_400;
  const quote = await quoteCover(fetch, {
    productId,
    pools,
    mint,
    amount: amount * UNIT,
    period,
    programAddress,
  });
  const { tokenProgram } = await loadPoolKeys(fetch, pools[0]);
  const before = await balance(token);
  const { cover, instructions } = await buyCover({
    payer: buyer,
    payerToken: token,
    tokenProgram,
    productId,
    period,
    quote,
    coverNonce: 0n,
    programAddress,
  });
  const bought = await send(buyer, instructions);
  const afterBuy = await balance(token);

  const { start } = await loadCover(fetch, cover);
  const filing = await fileClaim(fetch, {
    owner: buyer,
    cover,
    ownerToken: token,
    amount: claimed * UNIT,
    incidentTime: start,
    evidenceHash: new Uint8Array(32),
    evidenceUri: "ipfs://localnet-incident",
    programAddress,
  });
  const filed = await send(buyer, filing.instructions);
  const afterClaim = await balance(token);
  return {
    cover,
    claim: filing.claim,
    premium: (before - afterBuy).toString(),
    quoted: quote.cost.toString(),
    deposit: (afterBuy - afterClaim).toString(),
    signatures: [bought, filed],
  };
}

async function vote(localnet: Localnet, name: string, claim: string) {
  const { secret } = wallet(localnet, name);
  const voter = Keypair.fromSecretKey(secret);
  const connection = new Connection(localnet.rpcUrl, {
    commitment: "confirmed",
    wsEndpoint: localnet.websocketUrl,
  });
  const provider = new AnchorProvider(connection, new Wallet(voter), { commitment: "confirmed" });
  // Anchor's client sends to the IDL's address: the localnet's program id.
  const program = new Program<Bulwark>(
    { ...(idl as unknown as Bulwark), address: localnet.programId },
    provider,
  );
  const programAddress = address(localnet.programId);
  const assessor = new PublicKey(
    await assessorPda(address(voter.publicKey.toBase58()), programAddress),
  );
  const signature = await program.methods
    .vote({ accept: true, reasonHash: Array(32).fill(0), reasonUri: "" })
    .accounts({ claim: new PublicKey(claim), assessor, panelMember: null })
    .rpc();
  const state = await program.account.claim.fetch(new PublicKey(claim));
  return {
    signature,
    acceptWeight: state.acceptWeight.toString(),
    denyWeight: state.denyWeight.toString(),
  };
}

async function main() {
  const [command, file, name, ...rest] = process.argv.slice(2);
  const localnet = JSON.parse(readFileSync(file, "utf8")) as Localnet;
  let out: object;
  if (command === "buy-and-claim" && rest.length === 4) {
    const [product, amount, days, claimed] = rest;
    out = await buyAndClaim(
      localnet,
      name,
      BigInt(product),
      BigInt(amount),
      Number(days),
      BigInt(claimed),
    );
  } else if (command === "vote" && rest.length === 1) {
    out = await vote(localnet, name, rest[0]);
  } else {
    throw new Error("usage: localnet.ts buy-and-claim|vote <localnet.json> <wallet> …");
  }
  console.log(JSON.stringify(out));
  // The websocket subscriptions would keep the process alive.
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
