//! The README's code examples are excerpts of sources the build compiles and the tests run:
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

/// `(path, block lines)` of every excerpt in `readme`.
fn excerpts(readme: &str) -> Vec<(String, Vec<String>)> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(path) = line
            .strip_prefix("<!-- excerpt: ")
            .and_then(|rest| rest.strip_suffix(" -->"))
        else {
            continue;
        };
        assert!(
            lines[i + 1].starts_with("```"),
            "line {}: an excerpt marker must precede a fenced block",
            i + 1
        );
        let body: Vec<&str> = lines[i + 2..]
            .iter()
            .take_while(|l| !l.starts_with("```"))
            .copied()
            .collect();
        found.push((path.to_string(), dedent(&body)));
    }
    found
}

fn contains_block(source: &str, block: &[String]) -> bool {
    let lines: Vec<&str> = source.lines().collect();
    lines.windows(block.len()).any(|window| {
        let window = dedent(window);
        window == block
    })
}

#[test]
fn readme_examples_are_verbatim_excerpts_of_tested_sources() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let found = excerpts(&readme);
    assert!(!found.is_empty(), "the README has no excerpts");
    for (path, block) in found {
        let source = std::fs::read_to_string(root.join(&path))
            .unwrap_or_else(|e| panic!("README excerpt names {path}: {e}"));
        assert!(
            contains_block(&source, &block),
            "the README's excerpt of {path} no longer matches the file"
        );
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
        vec![(
            "x.rs".to_string(),
            vec!["one".to_string(), "  two".to_string()]
        )]
    );
}
