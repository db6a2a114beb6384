//! A cover's pools, as the remaining accounts of the instructions that take a variable number of
//! them: `[pool, pool_product, vault]` per pool for `buy_cover` and `redeem_payout`,
//! `[pool, pool_product]` for `expire_cover` and `quote_cover`.
//!
//! No address is re-derived (1,500 CU each): the owner and discriminator of each account are
//! checked, and a program-owned account with the `Pool` or `PoolProduct` discriminator can only
//! have been created at its PDA (`create_pool`, `set_pool_product`). The links the accounts store
//! do the rest: the pool-product names its pool and product, the pool its mint, vault and token
//! program. The pool's data is checked before the pool-product is even looked at, so a pool on
//! another mint is refused as such whatever is passed beside it.

use crate::error::BulwarkError;
use crate::state::{Pool, PoolProduct};
use anchor_lang::prelude::*;
use std::cell::{Ref, RefMut};

/// Which pool a slot of remaining accounts must hold.
#[derive(Clone, Copy, Debug)]
pub enum ExpectedPool {
    /// Any pool on this mint: the buyer (or whoever asks for a quote) picks the pools.
    OnMint(Pubkey),
    /// This pool: an existing cover names its pools, in order.
    Named(Pubkey),
}

/// One pool's `[pool, pool_product, vault]`, all writable (`buy_cover`, `redeem_payout`).
pub struct PoolVaultAccounts<'info> {
    pair: PoolPair<'info>,
    vault: &'info AccountInfo<'info>,
    expected: ExpectedPool,
}

impl<'info> PoolVaultAccounts<'info> {
    /// Checks the slot's shape: three writable accounts, the first the expected pool when the
    /// cover names it (`WrongRemainingAccounts`), owned by this program as a `Pool`.
    pub fn new(infos: &'info [AccountInfo<'info>], expected: ExpectedPool) -> Result<Self> {
        let [pool, pool_product, vault] = infos else {
            return err!(BulwarkError::WrongRemainingAccounts);
        };
        require_writable(infos, expected)?;
        Ok(Self {
            pair: PoolPair::new(pool, pool_product)?,
            vault,
            expected,
        })
    }

    pub fn key(&self) -> Pubkey {
        self.pair.key()
    }

    pub fn pool(&self) -> &AccountLoader<'info, Pool> {
        &self.pair.pool
    }

    pub fn vault(&self) -> &'info AccountInfo<'info> {
        self.vault
    }

    /// The pool and its pool-product for `product_id`, writable, once checked: the pool on the
    /// expected mint (`WrongMint`), of `token_program` (`WrongTokenProgram`) and with this vault
    /// (`WrongVault`); the pool-product owned by this program, of this pool and product
    /// (`WrongPoolProduct`).
    pub fn load_mut(
        &self,
        token_program: &Pubkey,
        product_id: u64,
    ) -> Result<(RefMut<'_, Pool>, RefMut<'_, PoolProduct>)> {
        let pool = self.pair.pool.load_mut()?;
        if let ExpectedPool::OnMint(mint) = self.expected {
            require_keys_eq!(pool.mint, mint, BulwarkError::WrongMint);
        }
        require_keys_eq!(
            pool.token_program,
            *token_program,
            BulwarkError::WrongTokenProgram
        );
        require_keys_eq!(pool.vault, self.vault.key(), BulwarkError::WrongVault);
        let pool_product = self
            .pair
            .pool_product_mut(product_id, BulwarkError::WrongPoolProduct)?;
        Ok((pool, pool_product))
    }
}

/// One pool's `[pool, pool_product]`.
pub struct PoolPair<'info> {
    pool: AccountLoader<'info, Pool>,
    pool_product_info: &'info AccountInfo<'info>,
    /// Read only through [`PoolPair::pool_product_mut`] and [`PoolPair::pool_product`], which
    /// check its owner first.
    pool_product: AccountLoader<'info, PoolProduct>,
}

impl<'info> PoolPair<'info> {
    /// Checks the pool's owner and discriminator; the pool-product's wait until it is loaded.
    pub fn new(
        pool: &'info AccountInfo<'info>,
        pool_product: &'info AccountInfo<'info>,
    ) -> Result<Self> {
        Ok(Self {
            pool: AccountLoader::try_from(pool)?,
            pool_product_info: pool_product,
            pool_product: AccountLoader::new_unchecked(pool_product),
        })
    }

    /// A cover's pool as `expire_cover` takes it: both writable, the pool the cover names
    /// (`WrongRemainingAccounts`).
    pub fn named(infos: &'info [AccountInfo<'info>], pool: Pubkey) -> Result<Self> {
        let [pool_info, pool_product] = infos else {
            return err!(BulwarkError::WrongRemainingAccounts);
        };
        require_writable(infos, ExpectedPool::Named(pool))?;
        Self::new(pool_info, pool_product)
    }

    pub fn key(&self) -> Pubkey {
        self.pool.key()
    }

    /// The pool and its pool-product for `product_id`, writable; a pool-product of another
    /// pool or product fails with `mismatch`.
    pub fn load_mut(
        &self,
        product_id: u64,
        mismatch: BulwarkError,
    ) -> Result<(RefMut<'_, Pool>, RefMut<'_, PoolProduct>)> {
        let pool = self.pool.load_mut()?;
        Ok((pool, self.pool_product_mut(product_id, mismatch)?))
    }

    /// The pool on `mint` (`WrongMint`) and its pool-product for `product_id`
    /// (`WrongPoolProduct`), read-only (`quote_cover`).
    pub fn load_on_mint(
        &self,
        mint: &Pubkey,
        product_id: u64,
    ) -> Result<(Ref<'_, Pool>, Ref<'_, PoolProduct>)> {
        let pool = self.pool.load()?;
        require_keys_eq!(pool.mint, *mint, BulwarkError::WrongMint);
        AccountLoader::<PoolProduct>::try_from(self.pool_product_info)?;
        let pool_product = self.pool_product.load()?;
        self.require_link(&pool_product, product_id, BulwarkError::WrongPoolProduct)?;
        Ok((pool, pool_product))
    }

    fn pool_product_mut(
        &self,
        product_id: u64,
        mismatch: BulwarkError,
    ) -> Result<RefMut<'_, PoolProduct>> {
        AccountLoader::<PoolProduct>::try_from(self.pool_product_info)?;
        let pool_product = self.pool_product.load_mut()?;
        self.require_link(&pool_product, product_id, mismatch)?;
        Ok(pool_product)
    }

    /// The pool-product is this pool's, for `product_id`.
    fn require_link(
        &self,
        pool_product: &PoolProduct,
        product_id: u64,
        mismatch: BulwarkError,
    ) -> Result<()> {
        if pool_product.pool != self.pool.key() || pool_product.product_id != product_id {
            return Err(error!(mismatch));
        }
        Ok(())
    }
}

/// Every account of the slot writable and, when the cover names its pool, the first one that
/// pool.
fn require_writable(infos: &[AccountInfo], expected: ExpectedPool) -> Result<()> {
    let named = match expected {
        ExpectedPool::Named(pool) => infos.first().is_some_and(|info| info.key() == pool),
        ExpectedPool::OnMint(_) => true,
    };
    require!(
        named && infos.iter().all(|info| info.is_writable),
        BulwarkError::WrongRemainingAccounts
    );
    Ok(())
}
