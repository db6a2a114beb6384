//! Helpers shared by the command tests: running `bulwark` in-process and reading its output.

use bulwark_cli::app::{execute, Cli};
use bulwark_cli::errors::CliError;
use clap::Parser;

/// Runs `bulwark <global> <args>` in-process, as the binary would, and returns what it printed.
pub async fn bulwark(global: &[&str], args: &str) -> Result<String, CliError> {
    let mut argv = vec!["bulwark"];
    argv.extend_from_slice(global);
    argv.extend(args.split_whitespace());
    let cli = Cli::try_parse_from(argv).map_err(|e| CliError(e.to_string()))?;
    execute(&cli.target, cli.command, false).await
}

/// The word after `label ` in the first line containing it.
pub fn after(out: &str, label: &str) -> String {
    out.lines()
        .find_map(|line| line.split(&format!("{label} ")).nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no `{label}` in:\n{out}"))
        .to_string()
}
