//! `bulwark`: the protocol on an embedded Solana VM by default (`demo`, `simulate`, and every
//! cluster subcommand against a local ledger), on any cluster with `--url`.

use bulwark_cli::app::{run, Cli};
use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // The embedded VM logs every instruction at debug level unless told otherwise; the command
    // reports what matters itself.
    if std::env::var_os("RUST_LOG").is_none() {
        std::env::set_var("RUST_LOG", "error");
    }
    run(Cli::parse())
}
