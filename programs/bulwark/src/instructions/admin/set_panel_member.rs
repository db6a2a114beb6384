use crate::constants::*;
use crate::error::BulwarkError;
use crate::events::{PanelMemberAdded, PanelMemberRemoved};
use crate::state::{Config, PanelMember, Product};
use anchor_lang::prelude::*;

#[derive(Accounts)]
#[instruction(product_id: u64, member: Pubkey)]
pub struct AddPanelMember<'info> {
    /// Governance; pays the membership's rent.
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = authority @ BulwarkError::NotAuthority,
    )]
    pub config: Box<Account<'info, Config>>,
    /// The product the member assesses.
    #[account(seeds = [PRODUCT_SEED, &product_id.to_le_bytes()], bump = product.bump)]
    pub product: Box<Account<'info, Product>>,
    /// Created at the first seating; a removed member's seat is reused.
    #[account(
        init_if_needed,
        payer = authority,
        space = PanelMember::SPACE,
        seeds = [PANEL_MEMBER_SEED, &product_id.to_le_bytes(), member.as_ref()],
        bump,
    )]
    pub panel_member: Box<Account<'info, PanelMember>>,
    pub system_program: Program<'info, System>,
}

impl AddPanelMember<'_> {
    /// Governance designates `member` as an assessor of product `product_id` (again, if it was
    /// removed): it votes (with its own assessor stake behind it) on the product's panel claims
    /// filed from now on.
    pub fn add_panel_member(
        ctx: Context<AddPanelMember>,
        product_id: u64,
        member: Pubkey,
    ) -> Result<()> {
        require_keys_neq!(member, Pubkey::default(), BulwarkError::NotPanelMember);
        let seat = &ctx.accounts.panel_member;
        require!(
            seat.version == 0 || seat.removed_at != 0,
            BulwarkError::PanelMemberSeated
        );
        let now = Clock::get()?.unix_timestamp;
        let panel_member = &mut ctx.accounts.panel_member;
        panel_member.set_inner(PanelMember {
            version: ACCOUNT_VERSION,
            bump: ctx.bumps.panel_member,
            product_id,
            member,
            added_at: now,
            removed_at: 0,
            reserved: [0; 8],
        });
        panel_member.invariant()?;
        emit!(PanelMemberAdded {
            product_id,
            member,
            panel_member: panel_member.key(),
            added_at: now,
        });
        Ok(())
    }
}

#[derive(Accounts)]
#[instruction(product_id: u64, member: Pubkey)]
pub struct RemovePanelMember<'info> {
    pub authority: Signer<'info>,
    #[account(
        address = CONFIG_ADDRESS @ BulwarkError::WrongConfig,
        has_one = authority @ BulwarkError::NotAuthority,
    )]
    pub config: Box<Account<'info, Config>>,
    /// Kept, with its removal time: the claims filed while it was seated keep their panel.
    #[account(
        mut,
        seeds = [PANEL_MEMBER_SEED, &product_id.to_le_bytes(), member.as_ref()],
        bump = panel_member.bump,
    )]
    pub panel_member: Box<Account<'info, PanelMember>>,
}

impl RemovePanelMember<'_> {
    /// Governance removes `member` from product `product_id`'s panel: it votes on no claim
    /// filed from now on; on the claims filed while it was seated it still may (their panel
    /// was fixed at filing), and its ballots are settled as any other.
    pub fn remove_panel_member(
        ctx: Context<RemovePanelMember>,
        _product_id: u64,
        _member: Pubkey,
    ) -> Result<()> {
        let now = Clock::get()?.unix_timestamp;
        let panel_member = &mut ctx.accounts.panel_member;
        require!(panel_member.removed_at == 0, BulwarkError::NotPanelMember);
        panel_member.removed_at = now;
        panel_member.invariant()?;
        emit!(PanelMemberRemoved {
            product_id: panel_member.product_id,
            member: panel_member.member,
            panel_member: panel_member.key(),
            removed_at: now,
        });
        Ok(())
    }
}
