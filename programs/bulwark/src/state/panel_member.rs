use crate::constants::*;
use crate::error::require_invariant;
use anchor_lang::prelude::*;

/// A designated assessor of one product (Nexus Mutual v3's assessor groups): on a product with a
/// `panel_quorum`, only members vote on claims, one vote each. The panel of a claim is fixed at
/// its filing: a member votes on the claims filed while it held its seat (after it was seated,
/// before it was removed), so governance can neither pack nor empty the panel of a claim in
/// progress. A member votes with its `Assessor` stake behind it (what a slash takes from).
#[account]
#[derive(InitSpace, Debug)]
pub struct PanelMember {
    pub version: u8,
    pub bump: u8,
    pub product_id: u64,
    pub member: Pubkey,
    /// When governance seated it: it votes only on claims filed after that.
    pub added_at: i64,
    /// When governance removed it (0 while seated): it still votes on the claims filed before.
    pub removed_at: i64,
    pub reserved: [u8; 8],
}

impl PanelMember {
    pub const SPACE: usize = 8 + Self::INIT_SPACE;

    /// The seat counts for a claim filed at `filed_at`: held then (seated before, not removed
    /// by then).
    pub fn seated_for(&self, filed_at: i64) -> bool {
        self.added_at < filed_at && (self.removed_at == 0 || self.removed_at > filed_at)
    }

    pub fn invariant(&self) -> Result<()> {
        require_invariant!(
            self.version == ACCOUNT_VERSION
                && self.member != Pubkey::default()
                && (self.removed_at == 0 || self.removed_at >= self.added_at),
            "a panel member has the current version, a member, and a removal after its seating"
        );
        Ok(())
    }
}
