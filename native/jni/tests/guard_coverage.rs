//! Every exported `Java_*` function must go through `guard(`: a panic or error that bypassed it
//! would unwind into the JVM and abort the executor.

use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src dir").flatten() {
        let p = entry.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The body of the function starting at `start` (from its first `{` to the matching `}`).
fn body(src: &str, start: usize) -> &str {
    let open = start + src[start..].find('{').expect("function body");
    let mut depth = 0;
    for (i, c) in src[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &src[open..open + i + 1];
                }
            }
            _ => {}
        }
    }
    &src[open..]
}

#[test]
fn every_export_goes_through_the_guard() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut exports = 0;
    let mut bypass = Vec::new();
    for f in files {
        let src = fs::read_to_string(&f).expect("read source");
        for (pos, _) in src.match_indices("extern \"system\" fn Java_") {
            exports += 1;
            let b = body(&src, pos);
            let trimmed: String = b
                .trim_start_matches('{')
                .trim_start()
                .chars()
                .take(400)
                .collect();
            // The guard call must be the body's first expression, not hidden after other code.
            let first_code = trimmed
                .lines()
                .find(|l| !l.trim_start().starts_with("//"))
                .unwrap_or("");
            if !first_code.trim_start().starts_with("guard(") {
                let name: String = src[pos..]
                    .chars()
                    .skip(17)
                    .take_while(|c| *c != '<' && *c != '(')
                    .collect();
                bypass.push(format!("{}: {name}", f.display()));
            }
            let lines = b.lines().count();
            assert!(
                lines <= 12,
                "{} has a {lines}-line export body; move the logic into a tested function",
                f.display()
            );
        }
    }
    assert!(
        exports >= 20,
        "found only {exports} exports: is the scan looking in the right place?"
    );
    assert!(bypass.is_empty(), "exports that bypass guard(): {bypass:?}");
}

#[test]
fn the_symbol_table_matches_the_java_declarations() {
    let java = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../jvm/src/main/java/ferrodl/engine/Native.java"),
    )
    .expect("Native.java");
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let rust: String = files
        .iter()
        .map(|f| fs::read_to_string(f).expect("read"))
        .collect();
    for line in java.lines().filter(|l| l.contains(" static native ")) {
        let name = line
            .split('(')
            .next()
            .and_then(|s| s.split_whitespace().last())
            .expect("method name");
        assert!(
            rust.contains(&format!("fn Java_ferrodl_engine_Native_{name}<")),
            "no export for Native.{name}"
        );
    }
}
