//! `bulwark token …` and `warp`: test mints the wallet controls, and the clock of the embedded
//! VM or of a local cluster.

use super::Session;
use crate::errors::{CliError, Result};
use crate::format::date;
use anchor_lang::prelude::Pubkey;
use anchor_spl::token_2022::spl_token_2022;
use solana_keypair::Keypair;
use solana_program_pack::Pack as _;
use solana_signer::Signer;

impl Session<'_> {
    pub async fn token_create_mint(&mut self, decimals: u8) -> Result<Pubkey> {
        let mint = Keypair::new();
        let space = spl_token_2022::state::Mint::LEN;
        let rent = solana_rent::Rent::default().minimum_balance(space);
        let me = self.me();
        let ixs = [
            solana_system_interface::instruction::create_account(
                &me,
                &mint.pubkey(),
                rent,
                space as u64,
                &anchor_spl::token::ID,
            ),
            spl_token_2022::instruction::initialize_mint2(
                &anchor_spl::token::ID,
                &mint.pubkey(),
                &me,
                None,
                decimals,
            )
            .map_err(|e| CliError(e.to_string()))?,
        ];
        self.send(&ixs, &[&mint]).await?;
        say!(
            self,
            "mint {} created ({decimals} decimals, authority {me})",
            mint.pubkey()
        );
        Ok(mint.pubkey())
    }

    pub async fn token_mint(&mut self, mint: &Pubkey, to: &Pubkey, amount: &str) -> Result<()> {
        let amount = self.amount(mint, amount).await?;
        let token_program = self.mint(mint).await?.token_program;
        let (account, create) = self.token_account(to, mint).await?;
        let ix = spl_token_2022::instruction::mint_to(
            &token_program,
            mint,
            &account,
            &self.me(),
            &[],
            amount,
        )
        .map_err(|e| CliError(e.to_string()))?;
        self.send(&[create, ix], &[]).await?;
        let shown = self.show_amount(mint, amount).await?;
        say!(self, "minted {shown} to {to} ({account})");
        Ok(())
    }

    pub async fn warp(&mut self, days: u32) -> Result<()> {
        let clock = self.transport.warp(i64::from(days) * 86_400).await?;
        say!(self, "the clock reads {}", date(clock.unix_timestamp));
        Ok(())
    }
}
