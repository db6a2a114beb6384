//! Reading program state from any source: an RPC node, the embedded VM, a program-test bank.
//!
//! [`AccountSource`] is the one thing a source provides (an account by address, and the
//! cluster's clock); the loaders here decode Bulwark's accounts and the token accounts around
//! them on top of it, with errors that name what was looked for and where.

use crate::builders::Program;
use crate::quote::{decode, decode_zero_copy, QuoteError};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::solana_program::program_error::ProgramError;
use anchor_lang::{AccountDeserialize, Discriminator};
use anchor_spl::associated_token::{
    get_associated_token_address_with_program_id, spl_associated_token_account,
};
use anchor_spl::token_2022::spl_token_2022;
use anchor_spl::token_2022::spl_token_2022::extension::StateWithExtensions;
use solana_account::Account;
use solana_program_pack::Pack as _;
use std::future::Future;

/// Where accounts are read from. Asynchronous, because RPC clients and program-test's bank
/// are; a source that is not can return ready futures.
pub trait AccountSource {
    /// The account at `address`, or `None` when there is none.
    fn account(&mut self, address: &Pubkey) -> impl Future<Output = Result<Option<Account>>>;

    /// The cluster's Unix time (the Clock sysvar's), the `now` the program prices with.
    fn unix_time(&mut self) -> impl Future<Output = Result<i64>>;

    /// The deployment of the program whose accounts are read: the flows derive its PDAs and
    /// build its instructions. The canonical one unless the source says otherwise (see
    /// [`WithProgram`]).
    fn program(&self) -> Program {
        Program::CANONICAL
    }
}

/// `source` read as the deployment `program`: flows over it address that deployment.
#[derive(Clone, Debug)]
pub struct WithProgram<S> {
    pub source: S,
    pub program: Program,
}

impl<S: AccountSource> AccountSource for WithProgram<S> {
    fn account(&mut self, address: &Pubkey) -> impl Future<Output = Result<Option<Account>>> {
        self.source.account(address)
    }

    fn unix_time(&mut self) -> impl Future<Output = Result<i64>> {
        self.source.unix_time()
    }

    fn program(&self) -> Program {
        self.program
    }
}

/// What can go wrong reading state or preparing a flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientError {
    /// No account at `address`.
    Missing { what: String, address: Pubkey },
    /// The account at `address` does not decode as `what`.
    Invalid { what: String, address: Pubkey },
    /// `address` is not a mint: owned by `owner`, a program that is not a token program, or
    /// (`None`) a token program's account of another kind.
    NotAMint {
        address: Pubkey,
        owner: Option<Pubkey>,
    },
    /// A mint account not initialized yet.
    UninitializedMint(Pubkey),
    /// The source failed (a transport error, worded by the source).
    Source(String),
    /// No route for the cover asked for.
    Quote(QuoteError),
    /// The program's own math, applied client-side, refused the state.
    Program(String),
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing { what, address } => write!(f, "no {what} at {address}"),
            Self::Invalid { what, address } => write!(f, "{address} is not a {what}"),
            Self::NotAMint {
                address,
                owner: Some(owner),
            } => write!(
                f,
                "{address} is not a token mint (owned by {owner}, not a token program)"
            ),
            Self::NotAMint {
                address,
                owner: None,
            } => write!(f, "{address} is not a token mint"),
            Self::UninitializedMint(address) => write!(f, "{address} is an uninitialized mint"),
            Self::Source(message) | Self::Program(message) => f.write_str(message),
            Self::Quote(e) => write!(f, "cannot quote: {e}"),
        }
    }
}

impl std::error::Error for ClientError {}

impl From<anchor_lang::error::Error> for ClientError {
    fn from(e: anchor_lang::error::Error) -> Self {
        Self::Program(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, ClientError>;

/// The account at `address`, which must exist (`what` names it in the error).
pub async fn require<S: AccountSource>(
    src: &mut S,
    address: &Pubkey,
    what: &str,
) -> Result<Account> {
    src.account(address)
        .await?
        .ok_or_else(|| missing(what, address))
}

/// The account at `address` as the source's deployment's (`None` when there is none): one the
/// program does not own is not one of its accounts, whatever its bytes.
async fn program_account<S: AccountSource>(
    src: &mut S,
    address: &Pubkey,
    what: &str,
) -> Result<Option<Account>> {
    let program = src.program();
    match src.account(address).await? {
        Some(account) if account.owner != program.id => Err(invalid(what, address)),
        found => Ok(found),
    }
}

/// [`program_account`], which must exist.
async fn require_program_account<S: AccountSource>(
    src: &mut S,
    address: &Pubkey,
    what: &str,
) -> Result<Account> {
    program_account(src, address, what)
        .await?
        .ok_or_else(|| missing(what, address))
}

/// Decodes the Borsh Bulwark account at `address`, which must exist and be the source's
/// deployment's.
pub async fn load<T: AccountDeserialize, S: AccountSource>(
    src: &mut S,
    address: &Pubkey,
    what: &str,
) -> Result<T> {
    let account = require_program_account(src, address, what).await?;
    decode(&account.data).ok_or_else(|| invalid(what, address))
}

/// Like [`load`], `None` when there is no account at `address`.
pub async fn load_optional<T: AccountDeserialize, S: AccountSource>(
    src: &mut S,
    address: &Pubkey,
    what: &str,
) -> Result<Option<T>> {
    match program_account(src, address, what).await? {
        Some(account) => decode(&account.data)
            .map(Some)
            .ok_or_else(|| invalid(what, address)),
        None => Ok(None),
    }
}

/// Decodes the zero-copy Bulwark account (`Pool`, `PoolProduct`) at `address`, which must exist
/// and be the source's deployment's.
pub async fn load_zero_copy<T: bytemuck::Pod + Discriminator, S: AccountSource>(
    src: &mut S,
    address: &Pubkey,
    what: &str,
) -> Result<T> {
    let account = require_program_account(src, address, what).await?;
    decode_zero_copy(&account.data).ok_or_else(|| invalid(what, address))
}

/// Like [`load_zero_copy`], `None` when there is no account at `address`.
pub async fn load_zero_copy_optional<T: bytemuck::Pod + Discriminator, S: AccountSource>(
    src: &mut S,
    address: &Pubkey,
    what: &str,
) -> Result<Option<T>> {
    match program_account(src, address, what).await? {
        Some(account) => decode_zero_copy(&account.data)
            .map(Some)
            .ok_or_else(|| invalid(what, address)),
        None => Ok(None),
    }
}

fn missing(what: &str, address: &Pubkey) -> ClientError {
    ClientError::Missing {
        what: what.to_string(),
        address: *address,
    }
}

fn invalid(what: &str, address: &Pubkey) -> ClientError {
    ClientError::Invalid {
        what: format!("Bulwark {what}"),
        address: *address,
    }
}

/// Whether an account exists at `address`.
pub async fn exists<S: AccountSource>(src: &mut S, address: &Pubkey) -> Result<bool> {
    Ok(src.account(address).await?.is_some())
}

/// The balance of the token account at `address` (SPL Token or Token-2022), which must exist.
pub async fn token_balance<S: AccountSource>(src: &mut S, address: &Pubkey) -> Result<u64> {
    let account = require(src, address, "token account").await?;
    account
        .data
        .get(64..72)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_le_bytes)
        .ok_or_else(|| ClientError::Invalid {
            what: "token account".into(),
            address: *address,
        })
}

/// Like [`token_balance`], 0 when the account does not exist yet.
pub async fn balance_or_zero<S: AccountSource>(src: &mut S, address: &Pubkey) -> Result<u64> {
    if exists(src, address).await? {
        token_balance(src, address).await
    } else {
        Ok(0)
    }
}

/// What a client needs to know about a mint, read once per flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MintInfo {
    pub address: Pubkey,
    pub decimals: u8,
    /// SPL Token or Token-2022: the mint account's owner.
    pub token_program: Pubkey,
}

impl MintInfo {
    /// Reads an initialized mint of the SPL Token program (base layout) or of Token-2022 (with
    /// any extensions) from its account.
    pub fn decode(address: &Pubkey, account: &Account) -> Result<Self> {
        let unpacked = if account.owner == anchor_spl::token::ID {
            spl_token_2022::state::Mint::unpack(&account.data)
        } else if account.owner == anchor_spl::token_2022::ID {
            StateWithExtensions::<spl_token_2022::state::Mint>::unpack(&account.data)
                .map(|state| state.base)
        } else {
            return Err(ClientError::NotAMint {
                address: *address,
                owner: Some(account.owner),
            });
        };
        match unpacked {
            Ok(state) => Ok(Self {
                address: *address,
                decimals: state.decimals,
                token_program: account.owner,
            }),
            Err(ProgramError::UninitializedAccount) => {
                Err(ClientError::UninitializedMint(*address))
            }
            Err(_) => Err(ClientError::NotAMint {
                address: *address,
                owner: None,
            }),
        }
    }

    /// `owner`'s associated token account of this mint.
    pub fn associated_account(&self, owner: &Pubkey) -> Pubkey {
        get_associated_token_address_with_program_id(owner, &self.address, &self.token_program)
    }

    /// Creates `owner`'s associated token account of this mint unless it exists (idempotent),
    /// `payer` paying its rent.
    pub fn create_associated_account(&self, payer: &Pubkey, owner: &Pubkey) -> Instruction {
        spl_associated_token_account::instruction::create_associated_token_account_idempotent(
            payer,
            owner,
            &self.address,
            &self.token_program,
        )
    }
}

/// The mint at `address`.
pub async fn mint_info<S: AccountSource>(src: &mut S, address: &Pubkey) -> Result<MintInfo> {
    let account = require(src, address, "mint").await?;
    MintInfo::decode(address, &account)
}
