// Buy 10,000 USDC of cover on product 0 for 90 days from the cheapest pools. `fetch` reads
// accounts (on a cluster: `fromRpc(createSolanaRpc(url))`), `send` signs and sends.
import type { Address, Instruction, TransactionSigner } from "@solana/kit";
import { buyCover, loadConfig, loadPoolKeys, poolPda, quoteCover } from "@bulwark/client";
import type { AccountFetcher } from "@bulwark/client";

export async function quickstart(
  fetch: AccountFetcher,
  send: (instructions: Instruction[]) => Promise<unknown>,
  buyer: TransactionSigner,
  usdc: Address, // the mint the buyer pays in
  buyerToken: Address, // the buyer's token account on it
) {
  const productId = 0n;
  const period = 90 * 86_400; // seconds
  // Pool PDAs are ["pool", id as u64 LE] for every id below the config's pool count.
  const { poolCount } = await loadConfig(fetch);
  const pools = await Promise.all(
    Array.from({ length: Number(poolCount) }, (_, id) => poolPda(BigInt(id))),
  );
  // The program's pricing applied to the current state of the pools on `usdc` (a cover is paid
  // in one mint: pools of other mints are left out), cheapest pools first.
  const amount = 10_000_000_000n;
  const quote = await quoteCover(fetch, { productId, pools, mint: usdc, amount, period });
  for (const { pool, amount, priceBps, premium } of quote.parts) {
    console.log(`${pool}: ${amount} at ${priceBps} bps/year for ${premium}`);
  }
  const { tokenProgram } = await loadPoolKeys(fetch, quote.parts[0].pool);
  const { cover, instructions } = await buyCover({
    payer: buyer,
    payerToken: buyerToken,
    tokenProgram,
    productId,
    period,
    quote, // mint, allocations per pool; maxPremium defaults to the quoted cost
    coverNonce: 0n, // unused by this payer before: the cover is ["cover", payer, nonce]
  });
  await send(instructions); // PremiumAboveMax if prices rose since the quote
  return { cover, quote };
}
