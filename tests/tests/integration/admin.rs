//! initialize_config, set_pause, propose/accept_authority, create/update_product.

use anchor_lang::error::ErrorCode as AnchorError;
use bulwark::constants::*;
use bulwark::error::BulwarkError;
use bulwark::events::*;
use bulwark::instructions::CreateProductArgs;
use bulwark::state::{Config, Product, ProductType, ProtocolParams};
use bulwark_testing::builders::*;
use bulwark_testing::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

#[tokio::test]
async fn initialize_config_sets_every_field_and_emits() {
    let mut t = TestContext::bare().await;
    let deployer = t.deployer.insecure_clone();
    let ix = t.initialize_config_ix();
    let outcome = t.send_ok(&[ix], &[&deployer]).await;
    record_compute_units("initialize_config", &outcome);

    let config: Config = t.load(&config_pda()).await;
    assert_eq!(config.version, ACCOUNT_VERSION);
    assert_eq!(config.authority, t.authority.pubkey());
    assert_eq!(config.pending_authority, Default::default());
    assert_eq!(config.treasury, t.treasury);
    assert_eq!(config.assessment_mint, t.assessment_mint);
    assert_eq!(config.assessment_vault, assessment_vault_pda());
    assert_eq!(config.params, kit_params());
    assert_eq!(config.total_assessor_stake, 0);
    assert_eq!(config.pause_flags, 0);
    assert_eq!((config.product_count, config.pool_count), (0, 0));
    assert_eq!(t.balance(&assessment_vault_pda()).await, 0);
    if sbf_mode() {
        let events = outcome.events_of::<ConfigInitialized>();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].authority, t.authority.pubkey());
        assert_eq!(events[0].params, kit_params());
    }
}

#[tokio::test]
async fn initialize_config_rejects_non_deployer_bad_args_and_reinit() {
    let mut t = TestContext::bare().await;
    let intruder = t.user().await;
    let authority = t.authority.pubkey();
    let treasury = t.treasury;
    let mint = t.assessment_mint;
    let init = |signer: &Keypair, authority, treasury, params| {
        initialize_config(
            &signer.pubkey(),
            &authority,
            &treasury,
            &mint,
            &spl_token::ID,
            params,
        )
    };

    // Front-running the deployer fails.
    t.send_err(
        init(&intruder, authority, treasury, ProtocolParams::default()),
        &[&intruder],
        BulwarkError::NotUpgradeAuthority,
    )
    .await;

    let deployer = t.deployer.insecure_clone();
    t.send_err(
        init(
            &deployer,
            Default::default(),
            treasury,
            ProtocolParams::default(),
        ),
        &[&deployer],
        BulwarkError::InvalidAuthority,
    )
    .await;
    t.send_err(
        init(
            &deployer,
            authority,
            Default::default(),
            ProtocolParams::default(),
        ),
        &[&deployer],
        BulwarkError::InvalidTreasury,
    )
    .await;
    let bad = ProtocolParams {
        staker_share_bps: 9_500,
        ..ProtocolParams::default()
    };
    t.send_err(
        init(&deployer, authority, treasury, bad),
        &[&deployer],
        BulwarkError::InvalidPremiumSplit,
    )
    .await;
    assert!(!t.exists(&config_pda()).await);

    t.send_ok(
        &[init(
            &deployer,
            authority,
            treasury,
            ProtocolParams::default(),
        )],
        &[&deployer],
    )
    .await;
    // A second initialization cannot overwrite the config: the system program refuses to
    // allocate an account that is already in use.
    let err = t
        .send(
            &[init(
                &deployer,
                intruder.pubkey(),
                treasury,
                ProtocolParams::default(),
            )],
            &[&deployer],
        )
        .await
        .expect_err("re-initialization must fail");
    assert_already_in_use(err);
    let config: Config = t.load(&config_pda()).await;
    assert_eq!(config.authority, authority);
}

#[tokio::test]
async fn initialize_config_rejects_unsupported_assessment_mint() {
    let mut t = TestContext::bare().await;
    let fee_mint = transfer_fee_mint(&mut t).await;
    let deployer = t.deployer.insecure_clone();
    let ix = initialize_config(
        &deployer.pubkey(),
        &t.authority.pubkey(),
        &t.treasury,
        &fee_mint,
        &spl_token_2022::ID,
        ProtocolParams::default(),
    );
    t.send_err(ix, &[&deployer], BulwarkError::UnsupportedMintExtension)
        .await;
}

/// A Token-2022 mint with a 1% transfer fee.
pub async fn transfer_fee_mint(t: &mut TestContext) -> anchor_lang::prelude::Pubkey {
    let payer = t.payer().pubkey();
    t.create_mint_with(
        6,
        &spl_token_2022::ID,
        &[spl_token_2022::extension::ExtensionType::TransferFeeConfig],
        |mint| {
            vec![
                spl_token_2022::extension::transfer_fee::instruction::initialize_transfer_fee_config(
                    &spl_token_2022::ID,
                    mint,
                    Some(&payer),
                    Some(&payer),
                    100,
                    u64::MAX,
                )
                .expect("transfer fee init"),
            ]
        },
    )
    .await
}

#[tokio::test]
async fn governance_instructions_reject_other_signers() {
    let mut t = TestContext::new().await;
    let intruder = t.user().await;
    let config: Config = t.load(&config_pda()).await;
    let changes = param_changes(
        &config.params,
        &ProtocolParams {
            quorum: 1,
            ..config.params
        },
    );
    t.send_err(
        create_proposal(
            &intruder.pubkey(),
            0,
            changes.clone(),
            [0; 32],
            String::new(),
        ),
        &[&intruder],
        BulwarkError::NotAuthority,
    )
    .await;
    let authority = t.authority.insecure_clone();
    t.send_ok(
        &[create_proposal(
            &authority.pubkey(),
            0,
            changes,
            [0; 32],
            String::new(),
        )],
        &[&authority],
    )
    .await;
    t.send_err(
        cancel_proposal(&intruder.pubkey(), 0, &authority.pubkey()),
        &[&intruder],
        BulwarkError::NotAuthority,
    )
    .await;
    t.send_err(
        set_pause(&intruder.pubkey(), PAUSE_ALL),
        &[&intruder],
        BulwarkError::NotAuthority,
    )
    .await;
    t.send_err(
        propose_authority(&intruder.pubkey(), &intruder.pubkey()),
        &[&intruder],
        BulwarkError::NotAuthority,
    )
    .await;
    t.send_err(
        create_product(
            &intruder.pubkey(),
            0,
            CreateProductArgs {
                product_type: ProductType::Assessed,
                terms: default_terms(),
            },
        ),
        &[&intruder],
        BulwarkError::NotAuthority,
    )
    .await;
    let id = t.create_default_product().await;
    t.send_err(
        update_product(&intruder.pubkey(), id, default_terms()),
        &[&intruder],
        BulwarkError::NotAuthority,
    )
    .await;
    let config: Config = t.load(&config_pda()).await;
    assert_eq!(config.params, kit_params());
    assert_eq!(config.pause_flags, 0);
    assert_eq!(config.pending_authority, Default::default());
}

#[tokio::test]
async fn authority_signature_is_required_not_just_named() {
    let mut t = TestContext::new().await;
    let mut ix = set_pause(&t.authority.pubkey(), PAUSE_ALL);
    ix.accounts[0].is_signer = false;
    t.send_anchor_err(ix, &[], AnchorError::AccountNotSigner)
        .await;
}

#[tokio::test]
async fn set_pause_sets_and_clears_flags() {
    let mut t = TestContext::new().await;
    let authority = t.authority.insecure_clone();
    let outcome = t
        .send_ok(
            &[set_pause(&authority.pubkey(), PAUSE_STAKE | PAUSE_BUY)],
            &[&authority],
        )
        .await;
    record_compute_units("set_pause", &outcome);
    let config: Config = t.load(&config_pda()).await;
    assert_eq!(config.pause_flags, PAUSE_STAKE | PAUSE_BUY);
    if sbf_mode() {
        let events = outcome.events_of::<PauseFlagsSet>();
        assert_eq!((events[0].old_flags, events[0].new_flags), (0, 3));
    }
    t.send_err(
        set_pause(&authority.pubkey(), 1 << 5),
        &[&authority],
        BulwarkError::InvalidPauseFlags,
    )
    .await;
    t.send_ok(&[set_pause(&authority.pubkey(), 0)], &[&authority])
        .await;
    let config: Config = t.load(&config_pda()).await;
    assert_eq!(config.pause_flags, 0);
}

#[tokio::test]
async fn authority_hand_over_is_two_step() {
    let mut t = TestContext::new().await;
    let authority = t.authority.insecure_clone();
    let next = t.user().await;
    let stranger = t.user().await;

    t.send_err(
        accept_authority(&next.pubkey()),
        &[&next],
        BulwarkError::NoPendingAuthority,
    )
    .await;
    let outcome = t
        .send_ok(
            &[propose_authority(&authority.pubkey(), &next.pubkey())],
            &[&authority],
        )
        .await;
    record_compute_units("propose_authority", &outcome);
    if sbf_mode() {
        let events = outcome.events_of::<AuthorityProposed>();
        assert_eq!(events[0].pending_authority, next.pubkey());
    }
    // Proposing changes nothing yet: the old authority still governs.
    let config: Config = t.load(&config_pda()).await;
    assert_eq!(config.authority, authority.pubkey());
    assert_eq!(config.pending_authority, next.pubkey());

    t.send_err(
        accept_authority(&stranger.pubkey()),
        &[&stranger],
        BulwarkError::NotPendingAuthority,
    )
    .await;
    let outcome = t
        .send_ok(&[accept_authority(&next.pubkey())], &[&next])
        .await;
    record_compute_units("accept_authority", &outcome);
    if sbf_mode() {
        let events = outcome.events_of::<AuthorityAccepted>();
        assert_eq!(events[0].old_authority, authority.pubkey());
        assert_eq!(events[0].new_authority, next.pubkey());
    }
    let config: Config = t.load(&config_pda()).await;
    assert_eq!(config.authority, next.pubkey());
    assert_eq!(config.pending_authority, Default::default());

    // The old authority lost its powers; the new one has them.
    t.send_err(
        set_pause(&authority.pubkey(), PAUSE_ALL),
        &[&authority],
        BulwarkError::NotAuthority,
    )
    .await;
    t.send_ok(&[set_pause(&next.pubkey(), PAUSE_ALL)], &[&next])
        .await;

    // A pending proposal can be cancelled by proposing the default key.
    t.send_ok(
        &[propose_authority(&next.pubkey(), &stranger.pubkey())],
        &[&next],
    )
    .await;
    t.send_ok(
        &[propose_authority(&next.pubkey(), &Default::default())],
        &[&next],
    )
    .await;
    t.send_err(
        accept_authority(&stranger.pubkey()),
        &[&stranger],
        BulwarkError::NoPendingAuthority,
    )
    .await;
}

#[tokio::test]
async fn create_product_assigns_sequential_ids() {
    let mut t = TestContext::new().await;
    let authority = t.authority.insecure_clone();
    let first = t.create_default_product().await;
    let terms = bulwark::state::ProductTerms {
        fixed_price: true,
        grace_period: 0,
        ..default_terms()
    };
    let outcome = t
        .send_ok(
            &[create_product(
                &authority.pubkey(),
                1,
                CreateProductArgs {
                    product_type: ProductType::Assessed,
                    terms: terms.clone(),
                },
            )],
            &[&authority],
        )
        .await;
    record_compute_units("create_product", &outcome);
    assert_eq!(first, 0);
    let product: Product = t.load(&product_pda(1)).await;
    assert_eq!(product.id, 1);
    assert_eq!(product.product_type, ProductType::Assessed);
    assert_eq!(product.terms, terms);
    assert_eq!(product.version, ACCOUNT_VERSION);
    let config: Config = t.load(&config_pda()).await;
    assert_eq!(config.product_count, 2);
    if sbf_mode() {
        let events = outcome.events_of::<ProductCreated>();
        assert_eq!(events[0].product_id, 1);
        assert_eq!(events[0].terms, terms);
    }
    // Skipping the counter (a PDA for id 5 when the next id is 2) fails the seeds check.
    t.send_anchor_err(
        create_product(
            &authority.pubkey(),
            5,
            CreateProductArgs {
                product_type: ProductType::Assessed,
                terms: default_terms(),
            },
        ),
        &[&authority],
        AnchorError::ConstraintSeeds,
    )
    .await;
}

#[tokio::test]
async fn product_terms_are_bounded() {
    let mut t = TestContext::new().await;
    let authority = t.authority.insecure_clone();
    let d = default_terms();
    let cases = vec![
        (
            bulwark::state::ProductTerms {
                grace_period: MAX_GRACE_PERIOD + 1,
                ..d.clone()
            },
            BulwarkError::InvalidGracePeriod,
        ),
        (
            bulwark::state::ProductTerms {
                cooling_off: MAX_COOLING_OFF + 1,
                ..d.clone()
            },
            BulwarkError::InvalidCoolingOff,
        ),
        (
            bulwark::state::ProductTerms {
                min_price_bps: 0,
                ..d.clone()
            },
            BulwarkError::InvalidMinPrice,
        ),
        (
            bulwark::state::ProductTerms {
                min_price_bps: MAX_PRICE_BPS + 1,
                ..d.clone()
            },
            BulwarkError::InvalidMinPrice,
        ),
        (
            bulwark::state::ProductTerms {
                max_cover_period: MIN_COVER_PERIOD - 1,
                ..d.clone()
            },
            BulwarkError::InvalidMaxCoverPeriod,
        ),
        (
            bulwark::state::ProductTerms {
                max_cover_period: MAX_COVER_PERIOD + 1,
                ..d.clone()
            },
            BulwarkError::InvalidMaxCoverPeriod,
        ),
        (
            bulwark::state::ProductTerms {
                wording_uri: "x".repeat(MAX_URI_LEN + 1),
                ..d.clone()
            },
            BulwarkError::UriTooLong,
        ),
    ];
    for (terms, error) in cases {
        t.send_err(
            create_product(
                &authority.pubkey(),
                0,
                CreateProductArgs {
                    product_type: ProductType::Assessed,
                    terms,
                },
            ),
            &[&authority],
            error,
        )
        .await;
    }
    // The longest URI fits exactly.
    let longest = bulwark::state::ProductTerms {
        wording_uri: "x".repeat(MAX_URI_LEN),
        ..d
    };
    t.send_ok(
        &[create_product(
            &authority.pubkey(),
            0,
            CreateProductArgs {
                product_type: ProductType::Assessed,
                terms: longest.clone(),
            },
        )],
        &[&authority],
    )
    .await;
    let product: Product = t.load(&product_pda(0)).await;
    assert_eq!(product.terms, longest);
}

#[tokio::test]
async fn update_product_changes_terms_and_deprecates() {
    let mut t = TestContext::new().await;
    let authority = t.authority.insecure_clone();
    let id = t.create_default_product().await;
    let new_terms = bulwark::state::ProductTerms {
        deprecated: true,
        grace_period: 14 * SECONDS_PER_DAY as u32,
        ..default_terms()
    };
    let outcome = t
        .send_ok(
            &[update_product(&authority.pubkey(), id, new_terms.clone())],
            &[&authority],
        )
        .await;
    record_compute_units("update_product", &outcome);
    let product: Product = t.load(&product_pda(id)).await;
    assert_eq!(product.terms, new_terms);
    assert_eq!(product.product_type, ProductType::Assessed);
    if sbf_mode() {
        let events = outcome.events_of::<ProductUpdated>();
        assert_eq!(events[0].old_terms, default_terms());
        assert_eq!(events[0].new_terms, new_terms);
    }
    t.send_err(
        update_product(&authority.pubkey(), id, new_terms),
        &[&authority],
        BulwarkError::EmptyUpdate,
    )
    .await;
    t.send_err(
        update_product(
            &authority.pubkey(),
            id,
            bulwark::state::ProductTerms {
                min_price_bps: 0,
                ..default_terms()
            },
        ),
        &[&authority],
        BulwarkError::InvalidMinPrice,
    )
    .await;
    // A product that does not exist.
    t.send_anchor_err(
        update_product(&authority.pubkey(), 9, default_terms()),
        &[&authority],
        AnchorError::AccountNotInitialized,
    )
    .await;
}
