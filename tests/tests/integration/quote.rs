//! `quote_cover`: the program's own quote, read by simulating the instruction. On random
//! markets it equals the SDK's `flows::quote_cover` (route, premiums, commission and cranks);
//! bad pool lists get Bulwark errors. Return data has no native stub in solana-cpi 3.x, so the
//! equality runs on the SBF build only; the error cases run in both modes.

use crate::fixtures::*;
use anchor_lang::prelude::Pubkey;
use bulwark::constants::*;
use bulwark::error::BulwarkError;
use bulwark::instructions::{CoverQuote, QuoteCoverArgs};
use bulwark_sdk::builders::*;
use bulwark_sdk::client::ClientError;
use bulwark_sdk::flows;
use bulwark_sdk::quote::{CoverRequest, QuoteError};
use bulwark_testing::*;
use solana_signer::Signer;

fn quote_args(request: &CoverRequest) -> QuoteCoverArgs {
    QuoteCoverArgs {
        product_id: request.product_id,
        amount: request.amount,
        period: request.period,
        commission_bps: request.commission_bps,
    }
}

/// Simulates `quote_cover` for `request` over `pools` and decodes its return data.
async fn simulated_quote(m: &mut Market, request: &CoverRequest, pools: &[Pubkey]) -> CoverQuote {
    let ix = quote_cover(&m.mint, pools, quote_args(request));
    let outcome =
        m.t.simulate(&[ix], &[])
            .await
            .expect("quote_cover simulates");
    record_compute_units("quote_cover", &outcome);
    let data = outcome.return_data.expect("quote_cover returns its quote");
    assert!(data.len() <= 1_024);
    decode_cover_quote(&data).expect("return data is a CoverQuote")
}

/// A market of one to five pools on one mint at random prices, stakes, tranches and capital,
/// with random purchases (some on leverage lines) and random time passed between them.
async fn random_market(rng: &mut SplitMix) -> (Market, Vec<Pubkey>) {
    let stake = rng.range(10_000, 2_000_000) * UNIT;
    let capital = if rng.range(0, 3) == 0 {
        0
    } else {
        stake * rng.range(1, 6)
    };
    let mut m = market_with(stake, capital, spl_token::ID).await;
    let extra = rng.range(0, 4) as usize;
    let prices: Vec<u16> = (0..extra).map(|_| rng.range(100, 900) as u16).collect();
    let mut pools = vec![m.pool.keys.pool];
    pools.extend(
        m.more_pools(&prices, rng.range(5_000, 1_500_000) * UNIT)
            .await,
    );
    for nonce in 0..rng.range(0, 4) {
        m.t.warp_days(rng.range(0, 40) as i64).await;
        let request = CoverRequest {
            product_id: m.product_id,
            mint: m.mint,
            amount: rng.range(1, stake / UNIT) * UNIT,
            period: rng.range(u64::from(MIN_COVER_PERIOD), u64::from(YEAR)) as u32,
            commission_bps: 0,
        };
        let Ok(quote) = flows::quote_cover(&mut m.t, &request, &pools).await else {
            continue;
        };
        let mint = bulwark_sdk::client::mint_info(&mut m.t, &m.mint)
            .await
            .unwrap();
        let purchase = flows::buy_cover_from_quote(
            &Program::CANONICAL,
            &m.buyer.pubkey(),
            &m.buyer_token,
            &mint,
            &quote,
            flows::BuyOptions {
                cover_nonce: nonce,
                ..flows::BuyOptions::default()
            },
        )
        .unwrap();
        let buyer = m.buyer.insecure_clone();
        let mut ixs = purchase.cranks;
        ixs.push(purchase.buy);
        m.t.send_ok(&ixs, &[&buyer]).await;
    }
    m.t.warp_days(rng.range(0, 20) as i64).await;
    (m, pools)
}

#[cfg_attr(
    not(bulwark_sbf),
    ignore = "return data needs the SBF build: run with BULWARK_SBF=1"
)]
#[tokio::test]
async fn the_quote_instruction_equals_the_sdk_quote_on_random_markets() {
    let mut compared = 0;
    let mut short = 0;
    for seed in 0..6 {
        let mut rng = SplitMix(seed);
        let (mut m, pools) = random_market(&mut rng).await;
        for _ in 0..4 {
            let request = CoverRequest {
                product_id: m.product_id,
                mint: m.mint,
                amount: rng.range(1, 6_000_000) * UNIT,
                period: rng.range(u64::from(MIN_COVER_PERIOD), u64::from(YEAR)) as u32,
                commission_bps: rng.range(0, u64::from(MAX_COMMISSION_BPS)) as u16,
            };
            let program = simulated_quote(&mut m, &request, &pools).await;
            match flows::quote_cover(&mut m.t, &request, &pools).await {
                Ok(sdk) => {
                    assert_eq!(program.parts, sdk.parts, "seed {seed}");
                    assert_eq!(program.covered, request.amount);
                    assert_eq!(program.premium, sdk.premium);
                    assert_eq!(program.commission, sdk.commission);
                    assert_eq!(program.cranks, sdk.cranks);
                    compared += 1;
                }
                Err(ClientError::Quote(QuoteError::InsufficientCapacity {
                    requested,
                    available,
                })) => {
                    assert_eq!(requested, request.amount);
                    assert_eq!(program.covered, available, "seed {seed}");
                    assert!(program.covered < request.amount);
                    short += 1;
                }
                Err(e) => panic!("seed {seed}: {e}"),
            }
        }
    }
    // Both outcomes were exercised.
    assert!(
        compared >= 6 && short >= 2,
        "{compared} priced, {short} short"
    );
}

#[cfg_attr(
    not(bulwark_sbf),
    ignore = "return data needs the SBF build: run with BULWARK_SBF=1"
)]
#[tokio::test]
async fn a_quote_prices_the_cheapest_pools_first_and_names_their_cranks() {
    let stake = 1_000_000 * UNIT;
    let mut m = market(stake).await;
    let mut pools = m.more_pools(&[400, 150], stake).await;
    pools.insert(0, m.pool.keys.pool);
    // 2.5 times the stake: the 1.5% pool sells 2x on its line, the 2.5% pool the rest.
    let request = CoverRequest {
        product_id: m.product_id,
        mint: m.mint,
        amount: stake * 5 / 2,
        period: YEAR,
        commission_bps: 1_000,
    };
    let quote = simulated_quote(&mut m, &request, &pools).await;
    let cheap = pools[2];
    let mid = pools[0];
    assert_eq!(
        quote
            .parts
            .iter()
            .map(|p| (p.pool, p.amount, p.price_bps))
            .collect::<Vec<_>>(),
        vec![(cheap, 2 * stake, 150), (mid, stake / 2, 250)]
    );
    let premium = reference_premium(2 * stake, 150, YEAR) + reference_premium(stake / 2, 250, YEAR);
    assert_eq!(quote.premium, premium);
    assert_eq!(quote.commission, premium / 10);
    assert_eq!(quote.covered, request.amount);
    // Every line-changing crank up to the last routed pool's (the cheap pool is last).
    assert_eq!(quote.cranks, pools);
    // Bought as quoted, with the commission to a distributor: the buyer pays exactly the
    // quote's premium and commission.
    let distributor = m.t.user().await;
    let distributor_token =
        m.t.create_token_account(&distributor.pubkey(), &m.mint)
            .await;
    let before = m.t.balance(&m.buyer_token).await;
    let payer = m.t.payer().pubkey();
    let mut ixs: Vec<_> = quote
        .cranks
        .iter()
        .map(|pool| grant_leverage(&payer, pool, &m.mint, u64::MAX))
        .collect();
    let routed: Vec<Pubkey> = quote.parts.iter().map(|p| p.pool).collect();
    let mut buy = cover_args(
        0,
        m.buyer.pubkey(),
        m.product_id,
        quote.parts.iter().map(|p| p.amount).collect(),
        YEAR,
    );
    buy.commission_bps = request.commission_bps;
    buy.max_premium = quote.premium + quote.commission;
    ixs.push(buy_cover(
        &m.buyer.pubkey(),
        &m.buyer_token,
        &m.mint,
        &spl_token::ID,
        &routed,
        Some(distributor_token),
        buy,
    ));
    let buyer = m.buyer.insecure_clone();
    m.t.send_ok(&ixs, &[&buyer]).await;
    assert_eq!(
        before - m.t.balance(&m.buyer_token).await,
        quote.premium + quote.commission
    );
    assert_eq!(m.t.balance(&distributor_token).await, quote.commission);
    let cover: bulwark::state::Cover = m.t.load(&cover_pda(&m.buyer.pubkey(), 0)).await;
    assert_eq!(cover.premium, quote.premium);
}

#[tokio::test]
async fn a_quote_refuses_bad_pool_lists_with_bulwark_errors() {
    let stake = 100_000 * UNIT;
    let mut m = market(stake).await;
    let others = m.more_pools(&[300], stake).await;
    let pool = m.pool.keys.pool;
    let request = CoverRequest {
        product_id: m.product_id,
        mint: m.mint,
        amount: UNIT,
        period: YEAR,
        commission_bps: 0,
    };
    let args = quote_args(&request);
    let cases: Vec<(Vec<Pubkey>, BulwarkError)> = vec![
        (vec![], BulwarkError::InvalidQuotePools),
        (
            vec![pool; MAX_QUOTE_POOLS + 1],
            BulwarkError::InvalidQuotePools,
        ),
        (vec![pool, others[0], pool], BulwarkError::DuplicatePool),
    ];
    for (pools, error) in cases {
        let ix = quote_cover(&m.mint, &pools, args.clone());
        let err = m.t.simulate(&[ix], &[]).await.unwrap_err();
        assert_eq!(err, bulwark_error(error), "{pools:?}");
    }
    // A pool-product of another pool in a pool's place.
    let mut ix = quote_cover(&m.mint, &[pool], args.clone());
    ix.accounts[5].pubkey = pool_product_pda(&others[0], m.product_id);
    let err = m.t.simulate(&[ix], &[]).await.unwrap_err();
    assert_eq!(err, bulwark_error(BulwarkError::WrongPoolProduct));
    // A pool on another mint.
    let other_mint = m.t.create_mint(6, &spl_token::ID).await;
    let stranger = m.t.open_public_pool(&other_mint).await;
    let mut ix = quote_cover(&m.mint, &[pool], args.clone());
    ix.accounts[4].pubkey = stranger.keys.pool;
    let err = m.t.simulate(&[ix], &[]).await.unwrap_err();
    assert_eq!(err, bulwark_error(BulwarkError::WrongMint));
    // The terms a purchase would be refused on.
    let short = QuoteCoverArgs {
        period: MIN_COVER_PERIOD - 1,
        ..args.clone()
    };
    let err =
        m.t.simulate(&[quote_cover(&m.mint, &[pool], short)], &[])
            .await
            .unwrap_err();
    assert_eq!(err, bulwark_error(BulwarkError::InvalidCoverPeriod));
    let greedy = QuoteCoverArgs {
        commission_bps: MAX_COMMISSION_BPS + 1,
        ..args.clone()
    };
    let err =
        m.t.simulate(&[quote_cover(&m.mint, &[pool], greedy)], &[])
            .await
            .unwrap_err();
    assert_eq!(err, bulwark_error(BulwarkError::CommissionTooHigh));
    // No price while buying is paused.
    let authority = m.t.authority.insecure_clone();
    m.t.send_ok(&[set_pause(&authority.pubkey(), PAUSE_BUY)], &[&authority])
        .await;
    let err =
        m.t.simulate(&[quote_cover(&m.mint, &[pool], args)], &[])
            .await
            .unwrap_err();
    assert_eq!(err, bulwark_error(BulwarkError::BuyingPaused));
}

#[cfg_attr(
    not(bulwark_sbf),
    ignore = "return data needs the SBF build: run with BULWARK_SBF=1"
)]
#[tokio::test]
async fn a_quote_over_the_most_pools_fits_one_transaction() {
    let stake = 100_000 * UNIT;
    let mut m = market(stake).await;
    let prices: Vec<u16> = (0..MAX_QUOTE_POOLS as u16 - 1)
        .map(|i| 200 + 10 * i)
        .collect();
    let mut pools = vec![m.pool.keys.pool];
    pools.extend(m.more_pools(&prices, stake).await);
    assert_eq!(pools.len(), MAX_QUOTE_POOLS);
    let request = CoverRequest {
        product_id: m.product_id,
        mint: m.mint,
        amount: 5 * stake,
        period: YEAR,
        commission_bps: 0,
    };
    let ix = quote_cover(&m.mint, &pools, quote_args(&request));
    let outcome = m.t.simulate(&[ix], &[]).await.expect("simulates");
    record_compute_units("quote_cover (12 pools)", &outcome);
    assert!(outcome.tx_bytes <= 1_232, "{} bytes", outcome.tx_bytes);
    let quote = decode_cover_quote(&outcome.return_data.unwrap()).unwrap();
    let sdk = flows::quote_cover(&mut m.t, &request, &pools)
        .await
        .unwrap();
    assert_eq!(quote.parts, sdk.parts);
    assert_eq!(quote.cranks, sdk.cranks);
    assert_eq!(quote.premium, sdk.premium);
    assert_eq!(quote.covered, request.amount);
    // The cheapest pools (200 bps on), cheapest first, on their lines (the cheapest sells 2x
    // its stake, the others as far as the capital pool's lines go).
    let routed: Vec<Pubkey> = quote.parts.iter().map(|p| p.pool).collect();
    assert_eq!(routed, pools[1..1 + routed.len()]);
    let prices: Vec<u64> = quote.parts.iter().map(|p| p.price_bps).collect();
    assert_eq!(prices, [200, 210, 220, 230][..routed.len()]);
    assert_eq!(quote.parts[0].amount, 2 * stake);
}
