use crate::error::BulwarkError;
use crate::events::CoverTransferred;
use crate::state::Cover;
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct TransferCover<'info> {
    pub owner: Signer<'info>,
    #[account(
        mut,
        has_one = owner @ BulwarkError::NotCoverOwner,
    )]
    pub cover: Box<Account<'info, Cover>>,
}

impl TransferCover<'_> {
    /// Gives the cover (its payouts and the right to claim) to `new_owner`. Not while a claim
    /// on it is open: the claimant stays the owner its payout goes to and the key barred from
    /// voting on it.
    pub fn transfer_cover(ctx: Context<TransferCover>, new_owner: Pubkey) -> Result<()> {
        require_keys_neq!(
            new_owner,
            Pubkey::default(),
            BulwarkError::InvalidCoverOwner
        );
        let cover = &mut ctx.accounts.cover;
        require!(!cover.open_claim, BulwarkError::ClaimOpen);
        let old_owner = std::mem::replace(&mut cover.owner, new_owner);
        cover.invariant()?;
        emit!(CoverTransferred {
            cover: cover.key(),
            old_owner,
            new_owner,
        });
        Ok(())
    }
}
