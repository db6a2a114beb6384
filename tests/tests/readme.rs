//! The READMEs' code examples are excerpts of sources the build compiles and the tests run:
//! each block after an `<!-- excerpt: PATH -->` line must appear verbatim (after removing its
//! indentation) in PATH, so an example cannot drift from the code it shows.

use std::path::Path;

fn dedent(lines: &[&str]) -> Vec<String> {
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end().to_string())
        .collect()
}

/// `(path, block lines)` of every excerpt in `readme`, or what is wrong with one: a marker not
/// followed by a fence, a fence that never closes, an empty block.
fn excerpts(readme: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(path) = line
            .strip_prefix("<!-- excerpt: ")
            .and_then(|rest| rest.strip_suffix(" -->"))
        else {
            continue;
        };
        if !lines.get(i + 1).is_some_and(|next| next.starts_with("```")) {
            return Err(format!(
                "line {}: the excerpt marker of {path} must precede a fenced block",
                i + 1
            ));
        }
        let rest = &lines[i + 2..];
        let Some(len) = rest.iter().position(|l| l.starts_with("```")) else {
            return Err(format!(
                "line {}: the excerpt of {path} opens a fence that is never closed",
                i + 2
            ));
        };
        let body = &rest[..len];
        if body.iter().all(|l| l.trim().is_empty()) {
            return Err(format!("line {}: the excerpt of {path} is empty", i + 2));
        }
        found.push((path.to_string(), dedent(body)));
    }
    Ok(found)
}

fn contains_block(source: &str, block: &[String]) -> bool {
    let lines: Vec<&str> = source.lines().collect();
    !block.is_empty()
        && lines.windows(block.len()).any(|window| {
            let window = dedent(window);
            window == block
        })
}

/// The READMEs with examples: the repository's, the kit's and the example integration's. Paths
/// in their excerpt markers are relative to the repository's root.
const READMES: [&str; 3] = [
    "README.md",
    "testing/README.md",
    "programs/insured-vault/README.md",
];

#[test]
fn readme_examples_are_verbatim_excerpts_of_tested_sources() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for name in READMES {
        let readme =
            std::fs::read_to_string(root.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let found = excerpts(&readme).unwrap_or_else(|e| panic!("{name} {e}"));
        assert!(!found.is_empty(), "{name} has no excerpts");
        for (path, block) in found {
            let source = std::fs::read_to_string(root.join(&path))
                .unwrap_or_else(|e| panic!("{name}'s excerpt names {path}: {e}"));
            assert!(
                contains_block(&source, &block),
                "{name}'s excerpt of {path} no longer matches the file"
            );
        }
    }
}

#[test]
fn a_changed_line_is_detected() {
    let source = "fn f() {\n    let a = 1;\n    a + 1\n}\n";
    assert!(contains_block(source, &dedent(&["let a = 1;", "a + 1"])));
    assert!(!contains_block(source, &dedent(&["let a = 2;", "a + 1"])));
    let readme = "text\n<!-- excerpt: x.rs -->\n```rust\n  one\n    two\n```\n";
    assert_eq!(
        excerpts(readme),
        Ok(vec![(
            "x.rs".to_string(),
            vec!["one".to_string(), "  two".to_string()]
        )])
    );
}

#[test]
fn a_malformed_excerpt_is_reported() {
    assert!(!contains_block("a\nb\n", &[]));
    assert_eq!(
        excerpts("text\n<!-- excerpt: x.rs -->\n```rust\n\n```\nmore\n"),
        Err("line 3: the excerpt of x.rs is empty".to_string())
    );
    assert_eq!(
        excerpts("<!-- excerpt: x.rs -->\n```rust\none\n\n## Next section\n"),
        Err("line 2: the excerpt of x.rs opens a fence that is never closed".to_string())
    );
    assert_eq!(
        excerpts("text\n<!-- excerpt: x.rs -->\none\n"),
        Err("line 2: the excerpt marker of x.rs must precede a fenced block".to_string())
    );
    assert_eq!(
        excerpts("text\n<!-- excerpt: x.rs -->"),
        Err("line 2: the excerpt marker of x.rs must precede a fenced block".to_string())
    );
}
