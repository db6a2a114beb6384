use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::ClaimFiled;
use crate::math::bps::Bps;
use crate::math::{mul_div_floor, to_u64, OrOverflow};
use crate::state::{Claim, Config, Cover, MintParams, Pool, ProductType};
use crate::token::transfer_in;
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct FileClaimArgs {
    pub amount: u64,
    /// When the loss happened (unix seconds): inside the cover's period, at least the
    /// product's cooling-off after the purchase, not in the future.
    pub incident_time: i64,
    /// Hash of the evidence document.
    pub evidence_hash: [u8; 32],
    /// Where assessors can read the evidence.
    pub evidence_uri: String,
}

#[derive(Accounts)]
pub struct FileClaim<'info> {
    /// The cover's current owner; pays the deposit and the claim's rent.
    #[account(mut)]
    pub owner: Signer<'info>,
    #[account(address = CONFIG_ADDRESS @ BulwarkError::WrongConfig)]
    pub config: Box<Account<'info, Config>>,
    /// Owner and discriminator checks suffice: a program-owned account with the `Cover`
    /// discriminator can only have been created by `buy_cover` at its PDA (re-deriving the
    /// address would cost ~1,500 CU of the 30k budget).
    #[account(
        mut,
        has_one = owner @ BulwarkError::NotCoverOwner,
        has_one = mint @ BulwarkError::WrongMint,
        has_one = deposit_pool @ BulwarkError::WrongPool,
    )]
    pub cover: Box<Account<'info, Cover>>,
    #[account(
        init,
        payer = owner,
        space = Claim::SPACE,
        seeds = [CLAIM_SEED, cover.key().as_ref(), &cover.claim_count.to_le_bytes()],
        bump,
    )]
    pub claim: Box<Account<'info, Claim>>,
    /// The cover's first pool: its vault escrows the deposit.
    #[account(
        mut,
        has_one = vault @ BulwarkError::WrongVault,
        has_one = token_program @ BulwarkError::WrongTokenProgram,
    )]
    pub deposit_pool: AccountLoader<'info, Pool>,
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    /// The mint's parameters (its smallest deposit), at its PDA so clients can derive it.
    #[account(
        seeds = [MINT_PARAMS_SEED, mint.key().as_ref()],
        bump = mint_params.bump,
    )]
    pub mint_params: Box<Account<'info, MintParams>>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        constraint = owner_token.mint == mint.key() @ BulwarkError::WrongMint,
        constraint = owner_token.owner == owner.key() @ BulwarkError::WrongTokenOwner,
    )]
    pub owner_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl FileClaim<'_> {
    fn validate(&self, args: &FileClaimArgs, now: i64, slot: u64) -> Result<()> {
        self.config
            .require_not_paused(PAUSE_CLAIMS, BulwarkError::ClaimsPaused)?;
        require!(
            self.cover.product_type == ProductType::Assessed,
            BulwarkError::ProductNotAssessed
        );
        let cover = &self.cover;
        require!(
            slot > cover.purchase_slot,
            BulwarkError::ClaimInPurchaseSlot
        );
        require!(
            cover.claims_clock(&self.config, now)? < cover.claimable_until()?,
            BulwarkError::ClaimWindowClosed
        );
        require!(!cover.open_claim, BulwarkError::ClaimOpen);
        cover.check_incident(args.incident_time, now)?;
        require!(args.amount > 0, BulwarkError::ZeroAmount);
        require!(
            args.amount <= cover.remaining,
            BulwarkError::ClaimAboveRemaining
        );
        require!(
            args.evidence_uri.len() <= MAX_URI_LEN,
            BulwarkError::UriTooLong
        );
        Ok(())
    }

    /// The cover owner files a claim: escrows the deposit, opens voting.
    pub fn file_claim(ctx: Context<FileClaim>, args: FileClaimArgs) -> Result<()> {
        let clock = Clock::get()?;
        let now = clock.unix_timestamp;
        ctx.accounts.validate(&args, now, clock.slot)?;
        let params = ctx.accounts.config.params;
        let deposit = Bps::of_valid(params.claim_deposit_bps)?
            .floor_of(args.amount)?
            .max(ctx.accounts.mint_params.claim_min_deposit);
        // The assessors' reward: a share of the amount, at most the cover's assessment
        // premium for it, reserved from the deposit pool's assessment share below.
        let cover = &ctx.accounts.cover;
        let wanted = Bps::of_valid(params.assessor_reward_bps)?
            .floor_of(args.amount)?
            .min(to_u64(mul_div_floor(
                u128::from(cover.assessment_premium),
                u128::from(args.amount),
                u128::from(cover.amount),
            )?)?);

        let accounts = ctx.accounts;
        // The cover's timings, not today's parameters: its backing lasts for those.
        let timings = accounts.cover.timings;
        let voting_end = now
            .checked_add(i64::from(timings.voting_period))
            .or_overflow()?;
        let claim = &mut accounts.claim;
        claim.set_inner(Claim {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.claim,
            overturned: false,
            paid: false,
            closed: false,
            index: accounts.cover.claim_count,
            cover: accounts.cover.key(),
            claimant: accounts.owner.key(),
            product_id: accounts.cover.product_id,
            mint: accounts.cover.mint,
            requested_amount: args.amount,
            paid_amount: 0,
            staker_paid: 0,
            capital_paid: 0,
            owed: 0,
            debt_position: 0,
            evidence_hash: args.evidence_hash,
            evidence_uri: args.evidence_uri,
            overturn_uri: String::new(),
            deposit,
            deposit_pool: accounts.deposit_pool.key(),
            filed_at: now,
            incident_time: args.incident_time,
            voting_end,
            latest_voting_end: voting_end
                .checked_add(i64::from(timings.silent_ending_cap))
                .or_overflow()?,
            accept_weight: 0,
            deny_weight: 0,
            voters: 0,
            // A panel counts votes, one per member; open voting counts stake.
            quorum: if accounts.cover.panel_quorum > 0 {
                u64::from(accounts.cover.panel_quorum)
            } else {
                accounts.config.claim_quorum()?
            },
            voting_period: timings.voting_period,
            cooldown: timings.cooldown,
            redemption_window: timings.redemption_window,
            silent_ending: timings.silent_ending,
            assessor_reward: 0,
            reward_reserved: 0,
            slash_bps: params.slash_bps,
            ballots_settled: 0,
            claims_paused: accounts.config.paused_seconds(PAUSE_CLAIMS, now)?,
            blind: accounts.cover.blind_votes,
            panel: accounts.cover.panel_quorum > 0,
            reveal_period: timings.reveal_period,
            reserved: [0; 24],
        });
        let cover = &mut accounts.cover;
        cover.open_claim = true;
        cover.claim_count = cover.claim_count.checked_add(1).or_overflow()?;

        let mut pool = accounts.deposit_pool.load_mut()?;
        let before = pool.snapshot(accounts.vault.amount)?;
        let reward = pool.reserve_assessor_reward(wanted)?;
        accounts.claim.assessor_reward = reward;
        accounts.claim.reward_reserved = reward;
        pool.add_claim_deposit(deposit)?;
        transfer_in(
            &accounts.token_program,
            &accounts.owner_token,
            &accounts.mint,
            accounts.vault.to_account_info(),
            &accounts.owner,
            deposit,
        )?;
        accounts.vault.reload()?;
        pool.invariant()?;
        pool.check_vault(&before, accounts.vault.amount)?;
        accounts.claim.invariant()?;
        accounts.cover.invariant()?;
        emit!(ClaimFiled {
            claim: accounts.claim.key(),
            cover: accounts.cover.key(),
            claimant: accounts.owner.key(),
            index: accounts.claim.index,
            amount: args.amount,
            deposit,
            assessor_reward: accounts.claim.assessor_reward,
            quorum: accounts.claim.quorum,
            incident_time: args.incident_time,
            voting_end,
            evidence_hash: args.evidence_hash,
        });
        Ok(())
    }
}
