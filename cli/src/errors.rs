//! Errors of the `bulwark` command, with failed transactions explained by the program's own
//! messages rather than their codes.

use crate::format::format_amount;
use anchor_lang::prelude::Pubkey;
use anchor_spl::token_2022::spl_token_2022::error::TokenError;
use bulwark_sdk::client::ClientError;
use bulwark_sdk::quote::QuoteError;
use solana_instruction_error::InstructionError;
use solana_transaction_error::TransactionError;
use std::fmt;

/// A failure the command reports to its user, already worded for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError(pub String);

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CliError {}

impl From<String> for CliError {
    fn from(message: String) -> Self {
        CliError(message)
    }
}

impl From<&str> for CliError {
    fn from(message: &str) -> Self {
        CliError(message.to_string())
    }
}

impl From<ClientError> for CliError {
    fn from(e: ClientError) -> Self {
        CliError(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, CliError>;

/// An SDK error about an amount of `mint` (which has `decimals`), with the amounts in tokens
/// as the user typed them rather than in base units.
pub fn in_tokens(e: ClientError, mint: &Pubkey, decimals: u8) -> CliError {
    match e {
        ClientError::Quote(QuoteError::InsufficientCapacity {
            requested,
            available,
        }) => CliError(format!(
            "cannot quote: not enough capacity: {} of {mint} requested, {} available",
            format_amount(requested, decimals),
            format_amount(available, decimals)
        )),
        other => other.into(),
    }
}

/// The committed IDL: the source of the program's error names and messages.
const IDL: &str = include_str!("../../idl/bulwark.json");

/// `(name, message)` of Bulwark error `code`, from the IDL.
pub fn program_error(code: u32) -> Option<(String, String)> {
    let idl: serde_json::Value = serde_json::from_str(IDL).ok()?;
    idl["errors"].as_array()?.iter().find_map(|e| {
        (e["code"].as_u64()? == u64::from(code)).then(|| {
            (
                e["name"].as_str().unwrap_or_default().to_string(),
                e["msg"].as_str().unwrap_or_default().to_string(),
            )
        })
    })
}

/// Words a failed transaction: the Anchor error line of the logs when there is one (it names
/// the error and its message, for Bulwark's errors and Anchor's own), else Bulwark's message
/// for a custom code, else the runtime's error.
pub fn describe_failure(err: &TransactionError, logs: &[String]) -> CliError {
    if let Some(line) = logs.iter().find_map(|l| l.split_once("AnchorError ")) {
        let detail = line.1;
        let code = detail
            .split("Error Code: ")
            .nth(1)
            .and_then(|r| r.split('.').next());
        let message = detail
            .split("Error Message: ")
            .nth(1)
            .map(|m| m.trim_end_matches('.'));
        if let (Some(code), Some(message)) = (code, message) {
            return CliError(format!("the program refused: {message} ({code})"));
        }
    }
    // A program Bulwark called (the token program, mostly) failed first: name it.
    let failed = logs.iter().find_map(|l| {
        let rest = l.strip_prefix("Program ")?;
        let (program, _) = rest.split_once(" failed: custom program error")?;
        Some(program.to_string())
    });
    match (err, failed) {
        (TransactionError::InstructionError(_, InstructionError::Custom(code)), Some(program))
            if program != bulwark::ID.to_string() =>
        {
            let token_programs = [anchor_spl::token::ID, anchor_spl::token_2022::ID];
            match TokenError::try_from(*code) {
                Ok(token_error) if token_programs.iter().any(|p| p.to_string() == program) => {
                    CliError(format!("the token program refused: {token_error}"))
                }
                _ => CliError(format!("program {program} failed with custom error {code}")),
            }
        }
        (TransactionError::InstructionError(_, InstructionError::Custom(code)), _) => {
            match program_error(*code) {
                Some((name, message)) => {
                    CliError(format!("the program refused: {message} ({name})"))
                }
                None => CliError(format!("the program refused with error {code}")),
            }
        }
        (other, _) => CliError(format!("the transaction failed: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulwark::error::BulwarkError;

    #[test]
    fn custom_codes_get_the_programs_message() {
        let err = TransactionError::InstructionError(
            0,
            InstructionError::Custom(u32::from(BulwarkError::ClaimWindowClosed)),
        );
        assert_eq!(
            describe_failure(&err, &[]).0,
            format!(
                "the program refused: {} (ClaimWindowClosed)",
                BulwarkError::ClaimWindowClosed
            )
        );
    }

    #[test]
    fn anchor_log_lines_win_over_codes() {
        let err = TransactionError::InstructionError(0, InstructionError::Custom(2006));
        let logs = vec![
            "Program log: AnchorError caused by account: product. Error Code: ConstraintSeeds. \
             Error Number: 2006. Error Message: A seeds constraint was violated."
                .to_string(),
        ];
        assert_eq!(
            describe_failure(&err, &logs).0,
            "the program refused: A seeds constraint was violated (ConstraintSeeds)"
        );
    }

    #[test]
    fn a_called_programs_failure_names_that_program() {
        let err = TransactionError::InstructionError(0, InstructionError::Custom(1));
        let logs = vec![format!(
            "Program {} failed: custom program error: 0x1",
            anchor_spl::token::ID
        )];
        assert_eq!(
            describe_failure(&err, &logs).0,
            format!(
                "the token program refused: {}",
                TokenError::InsufficientFunds
            )
        );
    }
}
