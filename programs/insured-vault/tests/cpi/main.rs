//! The example integrating program buying and claiming Bulwark cover through CPI — sponsored
//! and self-paid purchases, return data, the owner rule and accounts substituted on the way
//! through — tested as an outside integrator would: with `bulwark-testing` alone.
//!
//! Return data does not cross a CPI natively (solana-cpi 3.x has no stub), so these run on the
//! SBF builds of both programs only and are `#[ignore]`d otherwise. Build both (see the
//! README), then: `BULWARK_SBF=1 SBF_OUT_DIR=target/deploy cargo test -p insured-vault --
//! --ignored` (`BULWARK_SBF=1` also records the deposits' compute units for the bench report).

mod client;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use bulwark::error::BulwarkError;
use bulwark::state::{Claim, Cover};
use bulwark_testing::builders::*;
use bulwark_testing::market::{claim_args, UNIT};
use bulwark_testing::*;
use client::VaultKeys;
use insured_vault::error::VaultError;
use insured_vault::instructions::{DepositArgs, InsureTreasuryArgs};
use insured_vault::state::{Deposit, SponsorPolicy, Vault};

const DAY: i64 = 86_400;
const YEAR: u32 = 365 * DAY as u32;
const RESERVE: u64 = 10_000 * UNIT;
const SAVINGS: u64 = 50_000 * UNIT;
const SPONSOR_LAMPORTS: u64 = 1_000_000_000;
const MIN_SPONSORED: u64 = 100 * UNIT;

fn policy(max_premium_bps: u16, pools: Vec<Pubkey>) -> SponsorPolicy {
    SponsorPolicy {
        max_premium_bps,
        min_deposit: MIN_SPONSORED,
        pools,
    }
}

/// A market, a vault on its mint created by the upgrade authority and covered on its product
/// (sponsored premium capped at `cap_bps`, from the market's pool only), a funded sponsor and
/// reserve, and a depositor with `SAVINGS`.
struct Setup {
    m: Market,
    keys: VaultKeys,
    admin: Keypair,
    user: Keypair,
    user_token: Pubkey,
}

/// A Bulwark market (the kit's [`Market`]) in a bank running the SBF builds of Bulwark and of
/// the vault, both deployed by the kit's upgrade authority (who also creates vaults).
async fn market() -> Market {
    let deployer = TestContext::deployer_key().pubkey();
    let mut pt = program_test(true, &deployer);
    add_sbf_program(&mut pt, "insured_vault", &insured_vault::ID, &deployer);
    Market::open(
        TestContext::new_with(pt).await,
        MarketSpec::new(1_000_000 * UNIT),
    )
    .await
}

/// The premium of `amount` at `price_bps` a year for `period` seconds, rounded up (the
/// protocol rounds against the buyer).
fn expected_premium(amount: u64, price_bps: u64, period: u32) -> u64 {
    let numerator = u128::from(amount) * u128::from(price_bps) * u128::from(period);
    numerator.div_ceil(10_000 * 365 * 86_400) as u64
}

async fn setup(cap_bps: u16) -> Setup {
    let mut m = market().await;
    let keys = VaultKeys::new(m.mint, spl_token::ID);
    let admin = m.t.deployer.insecure_clone();
    let sponsor_policy = policy(cap_bps, vec![m.pool.keys.pool]);
    let ix = client::initialize_vault(&admin.pubkey(), &keys, m.product_id, sponsor_policy);
    m.t.send_ok(&[ix], &[&admin]).await;
    m.t.fund(&keys.sponsor, SPONSOR_LAMPORTS).await;
    m.t.mint_to(&m.mint, &keys.reserve, RESERVE).await;
    let (user, user_token) = m.t.funded_user(&m.mint, SAVINGS).await;
    Setup {
        m,
        keys,
        admin,
        user,
        user_token,
    }
}

fn deposit_args(amount: u64, sponsored: bool, cover_nonce: u64) -> DepositArgs {
    DepositArgs {
        amount,
        period: YEAR,
        max_premium: u64::MAX,
        allocations: vec![amount],
        sponsored,
        cover_nonce,
    }
}

impl Setup {
    fn deposit_ix(&self, cover: &Pubkey, args: DepositArgs) -> Instruction {
        client::deposit(
            &self.user.pubkey(),
            &self.user_token,
            &self.keys,
            self.m.product_id,
            cover,
            &[self.m.pool.keys.pool],
            args,
        )
    }

    fn cover_keys(&self, cover: Pubkey) -> CoverKeys {
        CoverKeys {
            cover,
            product_id: self.m.product_id,
            mint: self.m.mint,
            token_program: spl_token::ID,
            pools: vec![self.m.pool.keys.pool],
        }
    }

    /// Token balances of the depositor, the vault's deposits and reserve, and the pool vault.
    async fn balances(&mut self) -> [u64; 4] {
        [
            self.m.t.balance(&self.user_token).await,
            self.m.t.balance(&self.keys.deposits).await,
            self.m.t.balance(&self.keys.reserve).await,
            self.m.t.balance(&self.m.pool.keys.vault).await,
        ]
    }

    /// Two assessors accept claim 0 of `cover`; the clock moves past the cooldown.
    async fn accept(&mut self, cover: &Pubkey) {
        let claim = claim_pda(cover, 0);
        for stake in [2 * UNIT, UNIT] {
            let (who, _) = self.m.t.assessor(stake).await;
            self.m
                .t
                .send_ok(&[vote(&who.pubkey(), &claim, true)], &[&who])
                .await;
        }
        let claim: Claim = self.m.t.load(&claim).await;
        self.m.t.warp_to_time(claim.voting_end + DAY).await;
    }
}

#[tokio::test]
#[ignore = "needs the SBF builds of both programs: SBF_OUT_DIR=target/deploy, --ignored"]
async fn sponsored_deposit_buys_cover_the_user_owns_and_can_claim() {
    let mut s = setup(500).await;
    let amount = 20_000 * UNIT;
    let premium = expected_premium(amount, 250, YEAR);
    let cover = cover_pda(&s.keys.sponsor, 0);
    let before = s.balances().await;
    let sponsor_lamports = s.m.t.lamports(&s.keys.sponsor).await;
    let user = s.user.insecure_clone();
    let outcome =
        s.m.t
            .send_ok(
                &[s.deposit_ix(&cover, deposit_args(amount, true, 0))],
                &[&user],
            )
            .await;
    record_compute_units(
        "insured_vault::deposit (sponsored, CPI buy_cover, 1 pool)",
        &outcome,
    );

    // The vault's own return data carries the address Bulwark returned to it.
    assert_eq!(outcome.return_data, Some(cover.to_bytes().to_vec()));
    assert_eq!(
        s.balances().await,
        [
            before[0] - amount,
            before[1] + amount,
            before[2] - premium,
            before[3] + premium,
        ]
    );
    let rent = s.m.t.lamports(&cover).await;
    assert_eq!(
        s.m.t.lamports(&s.keys.sponsor).await,
        sponsor_lamports - rent
    );
    let state: Cover = s.m.t.load(&cover).await;
    assert_eq!(state.owner, s.user.pubkey());
    assert_eq!(state.rent_payer, s.keys.sponsor);
    assert_eq!((state.amount, state.product_id), (amount, s.m.product_id));
    let record: Deposit = s.m.t.load(&s.keys.deposit_record(&s.user.pubkey())).await;
    assert_eq!(
        (record.owner, record.amount, record.last_cover),
        (s.user.pubkey(), amount, cover)
    );
    let state: Vault = s.m.t.load(&s.keys.vault).await;
    assert_eq!((state.covers_bought, state.total_deposits), (1, amount));

    // The depositor claims on it directly, and the payout reaches the depositor.
    let claimed = 5_000 * UNIT;
    let claim_deposit = 25 * UNIT; // 0.5% of the claim
    s.m.t.next_slot().await;
    let incident = s.m.t.cover_start(&cover).await;
    let ix = file_claim(
        &user.pubkey(),
        &s.cover_keys(cover),
        0,
        &s.user_token,
        claim_args(claimed, incident),
    );
    s.m.t.send_ok(&[ix], &[&user]).await;
    let claim: Claim = s.m.t.load(&claim_pda(&cover, 0)).await;
    assert_eq!(
        (claim.claimant, claim.deposit),
        (user.pubkey(), claim_deposit)
    );
    s.accept(&cover).await;
    let user_before = s.m.t.balance(&s.user_token).await;
    let ix = redeem_payout(
        &s.m.t.payer().pubkey(),
        &s.cover_keys(cover),
        &claim_pda(&cover, 0),
        &s.user_token,
        &s.user_token,
    );
    s.m.t.send_ok(&[ix], &[]).await;
    assert_eq!(
        s.m.t.balance(&s.user_token).await,
        user_before + claimed + claim_deposit
    );

    // The vault paid for the cover, so the savings stay until it ends; then they come back and
    // the cover stays with the depositor.
    let record: Deposit = s.m.t.load(&s.keys.deposit_record(&s.user.pubkey())).await;
    let state: Cover = s.m.t.load(&cover).await;
    assert_eq!(record.locked_until, state.start + i64::from(YEAR));
    let ix = client::withdraw(&user.pubkey(), &s.user_token, &s.keys, amount);
    s.m.t
        .send_err_code_at(
            std::slice::from_ref(&ix),
            &[&user],
            0,
            u32::from(VaultError::DepositLocked),
        )
        .await;
    s.m.t.warp_to_time(record.locked_until).await;
    s.m.t.send_ok(&[ix], &[&user]).await;
    assert_eq!(s.m.t.balance(&s.keys.deposits).await, 0);
    let record: Deposit = s.m.t.load(&s.keys.deposit_record(&s.user.pubkey())).await;
    assert_eq!(record.amount, 0);
    let ix = client::withdraw(&user.pubkey(), &s.user_token, &s.keys, 1);
    s.m.t
        .send_err_code_at(
            &[ix],
            &[&user],
            0,
            u32::from(VaultError::InsufficientDeposit),
        )
        .await;
}

#[tokio::test]
#[ignore = "needs the SBF builds of both programs: SBF_OUT_DIR=target/deploy, --ignored"]
async fn self_paid_deposit_uses_the_users_nonce_and_tokens() {
    let mut s = setup(500).await;
    let amount = 10_000 * UNIT;
    let premium = expected_premium(amount, 250, YEAR);
    let cover = cover_pda(&s.user.pubkey(), 7);
    let before = s.balances().await;
    let user = s.user.insecure_clone();
    let outcome =
        s.m.t
            .send_ok(
                &[s.deposit_ix(&cover, deposit_args(amount, false, 7))],
                &[&user],
            )
            .await;
    assert_eq!(outcome.return_data, Some(cover.to_bytes().to_vec()));
    assert_eq!(
        s.balances().await,
        [
            before[0] - amount - premium,
            before[1] + amount,
            before[2],
            before[3] + premium,
        ]
    );
    let state: Cover = s.m.t.load(&cover).await;
    assert_eq!(
        (state.owner, state.rent_payer),
        (user.pubkey(), user.pubkey())
    );
    let state: Vault = s.m.t.load(&s.keys.vault).await;
    assert_eq!((state.covers_bought, state.total_deposits), (0, amount));
    // The depositor paid: nothing is locked.
    let record: Deposit = s.m.t.load(&s.keys.deposit_record(&user.pubkey())).await;
    assert_eq!(record.locked_until, 0);
    let ix = client::withdraw(&user.pubkey(), &s.user_token, &s.keys, amount);
    s.m.t.send_ok(&[ix], &[&user]).await;
    assert_eq!(s.m.t.balance(&s.user_token).await, before[0] - premium);
}

#[tokio::test]
#[ignore = "needs the SBF builds of both programs: SBF_OUT_DIR=target/deploy, --ignored"]
async fn the_vault_caps_what_it_spends_on_a_depositors_premium() {
    // 0.1% of the deposit cannot pay a year at 2.5%: Bulwark's slippage guard refuses.
    let mut s = setup(10).await;
    let cover = cover_pda(&s.keys.sponsor, 0);
    let before = s.balances().await;
    let user = s.user.insecure_clone();
    let ix = s.deposit_ix(&cover, deposit_args(10_000 * UNIT, true, 0));
    s.m.t
        .send_err(ix, &[&user], BulwarkError::PremiumAboveMax)
        .await;
    assert_eq!(s.balances().await, before);
    assert!(!s.m.t.exists(&cover).await);
    assert!(!s.m.t.exists(&s.keys.deposit_record(&user.pubkey())).await);
    let ix = client::initialize_vault(
        &s.admin.pubkey(),
        &VaultKeys::new(s.m.t.assessment_mint, spl_token::ID),
        0,
        policy(1_001, vec![s.m.pool.keys.pool]),
    );
    let admin = s.admin.insecure_clone();
    s.m.t
        .send_err_code_at(
            &[ix],
            &[&admin],
            0,
            u32::from(VaultError::InvalidPremiumCap),
        )
        .await;
}

#[tokio::test]
#[ignore = "needs the SBF builds of both programs: SBF_OUT_DIR=target/deploy, --ignored"]
async fn treasury_cover_is_claimed_through_cpi_and_paid_into_the_reserve() {
    let mut s = setup(500).await;
    let amount = 30_000 * UNIT;
    let premium = expected_premium(amount, 250, YEAR);
    let cover = cover_pda(&s.keys.sponsor, 0);
    let admin = s.admin.insecure_clone();
    let treasury_args = InsureTreasuryArgs {
        amount,
        period: YEAR,
        max_premium: premium,
        allocations: vec![amount],
    };
    let ix = client::insure_treasury(
        &admin.pubkey(),
        &s.keys,
        s.m.product_id,
        &cover,
        &[s.m.pool.keys.pool],
        treasury_args.clone(),
    );
    let outcome = s.m.t.send_ok(&[ix], &[&admin]).await;
    assert_eq!(outcome.return_data, Some(cover.to_bytes().to_vec()));
    assert_eq!(s.m.t.balance(&s.keys.reserve).await, RESERVE - premium);
    let state: Cover = s.m.t.load(&cover).await;
    assert_eq!(
        (state.owner, state.rent_payer),
        (s.keys.sponsor, s.keys.sponsor)
    );

    // Only the admin may spend the reserve on treasury cover.
    let stranger = s.m.t.user().await;
    let ix = client::insure_treasury(
        &stranger.pubkey(),
        &s.keys,
        s.m.product_id,
        &cover_pda(&s.keys.sponsor, 1),
        &[s.m.pool.keys.pool],
        treasury_args,
    );
    s.m.t
        .send_err_code_at(&[ix], &[&stranger], 0, u32::from(VaultError::NotAdmin))
        .await;

    // The sponsor PDA signs the claim through CPI; the deposit comes from the reserve.
    s.m.t.next_slot().await;
    let claimed = 12_000 * UNIT;
    let claim_deposit = 60 * UNIT;
    let incident = s.m.t.cover_start(&cover).await;
    let ix = client::file_treasury_claim(
        &admin.pubkey(),
        &s.keys,
        &s.cover_keys(cover),
        0,
        claim_args(claimed, incident),
    );
    s.m.t.send_ok(&[ix], &[&admin]).await;
    let claim: Claim = s.m.t.load(&claim_pda(&cover, 0)).await;
    assert_eq!(
        (claim.claimant, claim.deposit),
        (s.keys.sponsor, claim_deposit)
    );
    assert_eq!(
        s.m.t.balance(&s.keys.reserve).await,
        RESERVE - premium - claim_deposit
    );

    s.accept(&cover).await;
    let ix = redeem_payout(
        &s.m.t.payer().pubkey(),
        &s.cover_keys(cover),
        &claim_pda(&cover, 0),
        &s.keys.reserve,
        &s.keys.reserve,
    );
    s.m.t.send_ok(&[ix], &[]).await;
    assert_eq!(
        s.m.t.balance(&s.keys.reserve).await,
        RESERVE - premium + claimed
    );
}

#[tokio::test]
#[ignore = "needs the SBF builds of both programs: SBF_OUT_DIR=target/deploy, --ignored"]
async fn the_vault_cannot_claim_on_a_depositors_cover() {
    let mut s = setup(500).await;
    let cover = cover_pda(&s.keys.sponsor, 0);
    let user = s.user.insecure_clone();
    let ix = s.deposit_ix(&cover, deposit_args(10_000 * UNIT, true, 0));
    s.m.t.send_ok(&[ix], &[&user]).await;
    s.m.t.next_slot().await;
    // The vault paid for this cover, but the depositor owns it.
    let before = s.balances().await;
    let admin = s.admin.insecure_clone();
    let incident = s.m.t.cover_start(&cover).await;
    let ix = client::file_treasury_claim(
        &admin.pubkey(),
        &s.keys,
        &s.cover_keys(cover),
        0,
        claim_args(UNIT, incident),
    );
    s.m.t
        .send_err(ix, &[&admin], BulwarkError::NotCoverOwner)
        .await;
    assert_eq!(s.balances().await, before);
    assert!(!s.m.t.exists(&claim_pda(&cover, 0)).await);
}

#[tokio::test]
#[ignore = "needs the SBF builds of both programs: SBF_OUT_DIR=target/deploy, --ignored"]
async fn wrong_accounts_passed_through_cpi_are_rejected() {
    let mut s = setup(500).await;
    let cover = cover_pda(&s.keys.sponsor, 0);
    let user = s.user.insecure_clone();
    let good = s.deposit_ix(&cover, deposit_args(10_000 * UNIT, true, 0));
    let other_product = s.m.t.create_default_product().await;
    let (_, stranger_token) = s.m.t.funded_user(&s.m.mint, UNIT).await;
    let cases: Vec<(Pubkey, Pubkey, u32)> = vec![
        // Not Bulwark: the vault's `Program<Bulwark>` check.
        (
            bulwark::ID,
            spl_token::ID,
            anchor_lang::error::ErrorCode::InvalidProgramId as u32,
        ),
        // A different product than the vault's: Bulwark derives it from the vault's id.
        (
            product_pda(s.m.product_id),
            product_pda(other_product),
            anchor_lang::error::ErrorCode::ConstraintSeeds as u32,
        ),
        // A cover address that is not the sponsor's next PDA.
        (
            cover,
            cover_pda(&s.keys.sponsor, 1),
            anchor_lang::error::ErrorCode::ConstraintSeeds as u32,
        ),
        // Someone else's token account as the reserve paying the premium.
        (
            s.keys.reserve,
            stranger_token,
            anchor_lang::error::ErrorCode::ConstraintHasOne as u32,
        ),
        // A token account in place of the pool's vault.
        (
            s.m.pool.keys.vault,
            stranger_token,
            u32::from(BulwarkError::WrongVault),
        ),
    ];
    let before = s.balances().await;
    for (from, to, code) in cases {
        let mut ix = good.clone();
        swap_account(&mut ix, &from, &to);
        s.m.t.send_err_code_at(&[ix], &[&user], 0, code).await;
        assert_eq!(s.balances().await, before, "{from} -> {to}");
        assert!(!s.m.t.exists(&cover).await);
    }
    s.m.t.send_ok(&[good], &[&user]).await;
}

#[tokio::test]
#[ignore = "needs the SBF builds of both programs: SBF_OUT_DIR=target/deploy, --ignored"]
async fn the_vault_sponsors_only_its_pools_and_deposits_above_its_minimum() {
    let mut s = setup(500).await;
    let pools = s.m.more_pools(&[250, 250], 1_000_000 * UNIT).await;
    let (own_pool, any_pool) = (pools[0], pools[1]);
    let user = s.user.insecure_clone();
    let sponsored = |s: &Setup, amount: u64, pool: Pubkey| {
        client::deposit(
            &s.user.pubkey(),
            &s.user_token,
            &s.keys,
            s.m.product_id,
            &cover_pda(&s.keys.sponsor, 0),
            &[pool],
            deposit_args(amount, true, 0),
        )
    };
    let before = s.balances().await;
    // A depositor cannot route the vault's premium to a pool of their choosing (they could
    // stake there and collect it), nor have it sponsor dust.
    let ix = sponsored(&s, 10_000 * UNIT, own_pool);
    s.m.t
        .send_err_code_at(&[ix], &[&user], 0, VaultError::PoolNotSponsored.into())
        .await;
    let ix = sponsored(&s, MIN_SPONSORED - 1, s.m.pool.keys.pool);
    s.m.t
        .send_err_code_at(
            &[ix],
            &[&user],
            0,
            VaultError::DepositBelowSponsorMinimum.into(),
        )
        .await;
    assert_eq!(s.balances().await, before);

    // Only the admin changes the policy, and only to a valid one.
    let stranger = s.m.t.user().await;
    let both = policy(500, vec![s.m.pool.keys.pool, own_pool]);
    let ix = client::set_sponsor_policy(&stranger.pubkey(), &s.keys, both.clone());
    s.m.t
        .send_err_code_at(&[ix], &[&stranger], 0, VaultError::NotAdmin.into())
        .await;
    let admin = s.admin.insecure_clone();
    let invalid = [
        (policy(0, vec![own_pool]), VaultError::InvalidPremiumCap),
        (policy(500, vec![]), VaultError::InvalidSponsoredPools),
        (
            policy(500, vec![own_pool, own_pool]),
            VaultError::InvalidSponsoredPools,
        ),
        (
            policy(500, vec![own_pool; 5]),
            VaultError::InvalidSponsoredPools,
        ),
        (
            SponsorPolicy {
                min_deposit: 0,
                ..both.clone()
            },
            VaultError::InvalidMinDeposit,
        ),
    ];
    for (bad, err) in invalid {
        let ix = client::set_sponsor_policy(&admin.pubkey(), &s.keys, bad);
        s.m.t
            .send_err_code_at(&[ix], &[&admin], 0, err.into())
            .await;
    }
    let ix = client::set_sponsor_policy(&admin.pubkey(), &s.keys, both.clone());
    s.m.t.send_ok(&[ix], &[&admin]).await;
    let state: Vault = s.m.t.load(&s.keys.vault).await;
    assert_eq!(state.sponsor_policy, both);
    let amount = 10_000 * UNIT;
    let ix = sponsored(&s, amount, own_pool);
    s.m.t.send_ok(&[ix], &[&user]).await;
    assert_eq!(
        s.m.t.balance(&s.keys.reserve).await,
        RESERVE - expected_premium(amount, 250, YEAR)
    );

    // Paying for the cover themselves, a depositor may use any pool.
    let cover = cover_pda(&user.pubkey(), 3);
    let ix = client::deposit(
        &user.pubkey(),
        &s.user_token,
        &s.keys,
        s.m.product_id,
        &cover,
        &[any_pool],
        deposit_args(1_000 * UNIT, false, 3),
    );
    s.m.t.send_ok(&[ix], &[&user]).await;
    let state: Cover = s.m.t.load(&cover).await;
    assert_eq!(
        (state.allocations[0].pool, state.amount),
        (any_pool, 1_000 * UNIT)
    );

    // Only the program's upgrade authority creates vaults.
    let other = VaultKeys::new(s.m.t.assessment_mint, spl_token::ID);
    let ix = client::initialize_vault(&stranger.pubkey(), &other, s.m.product_id, both.clone());
    s.m.t
        .send_err_code_at(
            &[ix],
            &[&stranger],
            0,
            VaultError::NotUpgradeAuthority.into(),
        )
        .await;
    // A reserve (the sponsor's associated token account) created ahead of the vault by anyone
    // is adopted, not a way to block it.
    let mint = other.mint;
    let reserve =
        s.m.t
            .create_associated_token_account(&other.sponsor, &mint)
            .await;
    assert_eq!(reserve, other.reserve);
    let ix = client::initialize_vault(&admin.pubkey(), &other, s.m.product_id, both);
    s.m.t.send_ok(&[ix], &[&admin]).await;
    let state: Vault = s.m.t.load(&other.vault).await;
    assert_eq!(state.reserve, reserve);
}
