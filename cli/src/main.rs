//! `bulwark`: the protocol on an embedded Solana VM by default (`demo`, `simulate`, and every
//! cluster subcommand against a local ledger), on any cluster with `--url`.

use bulwark_cli::app::{execute, Cli, Command};
use bulwark_cli::demo::{self, Step, Summary};
use bulwark_cli::scenario;
use clap::Parser;
use std::process::ExitCode;

/// Prints steps as they happen (or collects them for `--json`) and the summary at the end.
struct Report {
    json: bool,
    steps: Vec<Step>,
}

impl Report {
    fn step(&mut self, step: Step) {
        if self.json {
            self.steps.push(step);
        } else {
            println!("== {}", step.title);
            for line in &step.lines {
                println!("   {line}");
            }
            println!();
        }
    }

    fn finish(self, summary: &Summary) -> ExitCode {
        if self.json {
            let out = serde_json::json!({ "steps": self.steps, "summary": summary });
            println!("{out:#}");
        }
        if summary.total == summary.minted {
            ExitCode::SUCCESS
        } else {
            eprintln!("the totals do not add up");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    // The embedded VM logs every instruction at debug level unless told otherwise; the command
    // reports what matters itself.
    if std::env::var_os("RUST_LOG").is_none() {
        std::env::set_var("RUST_LOG", "error");
    }
    let cli = Cli::parse();
    let so = bulwark_cli::sbf_program_dir().join("bulwark.so");
    let sbf = !cli.target.native && so.is_file();
    if sbf {
        std::env::set_var("SBF_OUT_DIR", bulwark_cli::sbf_program_dir());
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let vm = if sbf { "SBF" } else { "native" };
    let own_vm = match &cli.command {
        Command::Demo { .. } => cli.target.embedded_only("demo"),
        Command::Simulate { .. } => cli.target.embedded_only("simulate"),
        _ => Ok(()),
    };
    if let Err(e) = own_vm {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    match cli.command {
        Command::Demo { json } => {
            if !json {
                println!("Bulwark demo on an embedded Solana VM ({vm} program)\n");
            }
            let mut report = Report {
                json,
                steps: Vec::new(),
            };
            match runtime.block_on(demo::run(sbf, &mut |step| report.step(step))) {
                Ok(summary) => report.finish(&summary),
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Simulate {
            scenario: path,
            json,
        } => {
            let file = path.display().to_string();
            let text = match std::fs::read_to_string(&path) {
                Ok(text) => text,
                Err(e) => {
                    eprintln!("error: {file}: {e}");
                    return ExitCode::from(2);
                }
            };
            let parsed = match scenario::parse(&text, &file) {
                Ok(parsed) => parsed,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            if !json {
                println!("Simulating {file} on an embedded Solana VM ({vm} program)\n");
            }
            let mut report = Report {
                json,
                steps: Vec::new(),
            };
            match runtime.block_on(scenario::run(&parsed, &text, &file, sbf, &mut |step| {
                report.step(step)
            })) {
                Ok(summary) => report.finish(&summary),
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        command => match runtime.block_on(execute(&cli.target, command, sbf)) {
            Ok(out) => {
                print!("{out}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}
