use crate::constants::*;
use crate::error::require_invariant;
use anchor_lang::prelude::*;

/// A designated assessor of one product (Nexus Mutual v3's assessor groups): on a product with a
/// `panel_quorum`, only members vote on claims, one vote each, and only on claims filed after
/// they joined. Governance adds and removes members; a member votes with its `Assessor` stake
/// behind it (what a slash takes from).
#[account]
#[derive(InitSpace, Debug)]
pub struct PanelMember {
    pub version: u8,
    pub bump: u8,
    pub product_id: u64,
    pub member: Pubkey,
    /// When governance added it: it votes only on claims filed from then on, so a panel
    /// cannot be packed for a claim already filed.
    pub added_at: i64,
    pub reserved: [u8; 16],
}

impl PanelMember {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    pub fn invariant(&self) -> Result<()> {
        require_invariant!(
            self.version == ACCOUNT_VERSION && self.member != Pubkey::default(),
            "a panel member has the current version and a member"
        );
        Ok(())
    }
}
