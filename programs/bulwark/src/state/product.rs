use crate::constants::*;
use crate::error::{require_invariant, BulwarkError};
use anchor_lang::prelude::*;

/// How claims on a product are decided.
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProductType {
    /// Claims are voted on by assessors.
    Assessed,
    /// An incident is resolved once and every affected cover holder redeems without a vote.
    /// Reserved: `create_product` refuses it until incident resolution is built.
    Parametric,
}

/// Terms of a product that governance may change. A cover copies what it needs (grace period,
/// cooling-off, how its claims are assessed) at purchase, so changing or deprecating a product
/// never touches existing cover.
#[derive(AnchorSerialize, AnchorDeserialize, InitSpace, Clone, Debug, PartialEq, Eq)]
pub struct ProductTerms {
    /// Time after a cover ends during which a claim may still be filed, seconds.
    pub grace_period: u32,
    /// Time after a purchase during which an incident is not covered, seconds (at most
    /// `MAX_COOLING_OFF`): cover bought once an exploit is public cannot claim it. Parametric
    /// incidents will use the same rule.
    pub cooling_off: u32,
    /// Floor of the annual price, bps of the covered amount.
    pub min_price_bps: u16,
    /// Annual price a pool's new listing of the product starts from (bps), decaying toward
    /// the pool's target like a bumped price (Nexus Mutual's initial price): a new listing
    /// cannot undercut the market on its first day. At least `min_price_bps`.
    pub initial_price_bps: u16,
    /// Longest cover period sold, seconds.
    pub max_cover_period: u32,
    /// Fixed-price products skip the price bump after each purchase.
    pub fixed_price: bool,
    /// A deprecated product sells no new cover.
    pub deprecated: bool,
    /// Claims are voted blind: each assessor commits a hash of its choice, then reveals it in
    /// a fixed window after voting (Sure Protocol's rule); nobody votes on a visible lead.
    pub blind_votes: bool,
    /// 0: claims are decided by open stake-weighted voting. n ≥ 1: by the product's designated
    /// assessors (`PanelMember`s, managed by governance; Nexus Mutual v3's assessor groups),
    /// one vote each, at least n of them (at most `MAX_PANEL_QUORUM`).
    pub panel_quorum: u16,
    /// Hash of the cover wording document.
    pub wording_hash: [u8; 32],
    /// Where the cover wording can be read.
    #[max_len(MAX_URI_LEN)]
    pub wording_uri: String,
}

impl ProductTerms {
    pub fn validate(&self) -> Result<()> {
        require!(
            self.grace_period <= MAX_GRACE_PERIOD,
            BulwarkError::InvalidGracePeriod
        );
        require!(
            self.cooling_off <= MAX_COOLING_OFF,
            BulwarkError::InvalidCoolingOff
        );
        require!(
            (1..=MAX_PRICE_BPS).contains(&self.min_price_bps),
            BulwarkError::InvalidMinPrice
        );
        require!(
            (self.min_price_bps..=MAX_PRICE_BPS).contains(&self.initial_price_bps),
            BulwarkError::InvalidInitialPrice
        );
        require!(
            (MIN_COVER_PERIOD..=MAX_COVER_PERIOD).contains(&self.max_cover_period),
            BulwarkError::InvalidMaxCoverPeriod
        );
        require!(
            self.wording_uri.len() <= MAX_URI_LEN,
            BulwarkError::UriTooLong
        );
        require!(
            self.panel_quorum <= MAX_PANEL_QUORUM,
            BulwarkError::InvalidPanelQuorum
        );
        Ok(())
    }
}

/// A kind of risk the protocol sells cover for.
#[account]
#[derive(InitSpace, Debug)]
pub struct Product {
    pub version: u8,
    pub bump: u8,
    /// Claim method; fixed at creation because existing covers rely on it.
    pub product_type: ProductType,
    pub id: u64,
    pub terms: ProductTerms,
    pub reserved: [u8; 57],
}

impl Product {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    pub fn invariant(&self) -> Result<()> {
        require_invariant!(
            self.version == ACCOUNT_VERSION,
            "a product has the current version"
        );
        self.terms.validate()
    }
}
