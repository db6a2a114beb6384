//! `bulwark demo [--json]`: the lifecycle demo on an embedded Solana VM. It runs the SBF
//! program (`target/deploy/bulwark.so`) when it has been built, else the native build.

use bulwark_cli::demo::{self, Step};
use std::process::ExitCode;

const USAGE: &str = "usage: bulwark demo [--json] [--native]

  demo       run the whole protocol story on an embedded Solana VM
  --json     print the steps and the summary as JSON
  --native   run the natively compiled program even when the SBF .so exists";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some("demo") {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    if let Some(unknown) = args[1..]
        .iter()
        .find(|a| !matches!(a.as_str(), "--json" | "--native"))
    {
        eprintln!("unknown option {unknown}\n\n{USAGE}");
        return ExitCode::from(2);
    }
    let json = args.iter().any(|a| a == "--json");
    let so = bulwark_cli::sbf_program_dir().join("bulwark.so");
    let sbf = !args.iter().any(|a| a == "--native") && so.is_file();
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
    if !json {
        println!(
            "Bulwark demo on an embedded Solana VM ({} program)\n",
            if sbf { "SBF" } else { "native" }
        );
    }
    let mut steps: Vec<Step> = Vec::new();
    let summary = runtime.block_on(demo::run(sbf, &mut |step: Step| {
        if json {
            steps.push(step);
        } else {
            println!("== {}", step.title);
            for line in &step.lines {
                println!("   {line}");
            }
            println!();
        }
    }));
    if json {
        let out = serde_json::json!({ "steps": steps, "summary": summary });
        println!("{out:#}");
    }
    if summary.total == summary.minted {
        ExitCode::SUCCESS
    } else {
        eprintln!("the totals do not add up");
        ExitCode::FAILURE
    }
}
