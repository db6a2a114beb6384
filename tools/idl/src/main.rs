//! `cargo run -p bulwark-idl` writes `idl/bulwark.json` and the README's generated sections
//! (the protocol parameter and error tables); `-- --check` fails when any of them is stale.
//!
//! Produces the same JSON as `anchor idl build` (it drives the same `anchor-lang-idl` builder),
//! so the repository does not need the Anchor CLI.

use anchor_lang_idl::build::IdlBuilder;
use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    // The builder re-invokes cargo with `+$RUSTUP_TOOLCHAIN` and would try to install that
    // toolchain; the machine's default toolchain is the one to use.
    std::env::remove_var("RUSTUP_TOOLCHAIN");
    let check = std::env::args().any(|a| a == "--check");
    // The workspace root is found from the working directory at run time (not baked in at
    // compile time), so a binary built by another checkout sharing the target directory
    // still writes into the checkout it is run from.
    let Some(root) = workspace_root() else {
        eprintln!("run from inside the Bulwark workspace (no programs/bulwark found above)");
        return ExitCode::FAILURE;
    };
    let idl = match IdlBuilder::new()
        .program_path(root.join("programs/bulwark"))
        .build()
    {
        Ok(idl) => idl,
        Err(e) => {
            eprintln!("IDL build failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let json = match serde_json::to_string_pretty(&idl) {
        Ok(json) => json + "\n",
        Err(e) => {
            eprintln!("IDL serialization failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let readme_path = root.join("README.md");
    let readme = match std::fs::read_to_string(&readme_path) {
        Ok(readme) => readme,
        Err(e) => {
            eprintln!("cannot read {}: {e}", readme_path.display());
            return ExitCode::FAILURE;
        }
    };
    let rendered = match bulwark_idl::render_readme(&readme, &idl) {
        Ok(rendered) => rendered,
        Err(e) => {
            eprintln!("README.md's generated sections: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outputs = [
        (root.join("idl/bulwark.json"), json),
        (readme_path, rendered),
    ];
    let mut ok = true;
    for (path, text) in outputs {
        let name = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        if check {
            let committed = std::fs::read_to_string(&path).unwrap_or_default();
            if committed == text {
                println!("{name} is fresh");
            } else {
                eprintln!("{name} is stale: run `cargo run -p bulwark-idl` and commit the result");
                ok = false;
            }
        } else if let Err(e) = std::fs::write(&path, text) {
            eprintln!("cannot write {}: {e}", path.display());
            ok = false;
        } else {
            println!("wrote {}", path.display());
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn workspace_root() -> Option<PathBuf> {
    let mut dir = std::env::current_dir().ok()?;
    loop {
        if dir.join("programs/bulwark/Cargo.toml").is_file() {
            return Some(dir);
        }
        if !dir.pop() {
            return None;
        }
    }
}
