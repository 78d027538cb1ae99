//! The layering stays: every `crate::…` path in `src/` points downward, and no two modules
//! depend on each other.
//!
//! ```text
//! main → app → {report, charts} → results → sim → input → {format, metrics, stats, rng} → ids
//! ```
//!
//! The test reads every `.rs` file under `src/` (test modules included), finds every path that
//! starts with `crate::`, `super::`, `self::` or (in `main.rs`) `scimsim::`, expands `use`
//! groups, and resolves each to the module it names. It fails on an arrow from a lower layer to
//! a higher one, on an arrow between `report` and `charts` (charts stay a leaf), and on a
//! cycle between two modules of one layer (`sim::world` ↔ `sim::run`, say).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layer of a top-level module: higher layers may use lower ones, never the reverse.
fn layer(top: &str) -> Option<u32> {
    Some(match top {
        "main" => 7,
        "app" => 6,
        "report" | "charts" => 5,
        "results" => 4,
        "sim" => 3,
        "input" => 2,
        "format" | "metrics" | "stats" | "rng" => 1,
        // The shared vocabulary (identifiers, origins): metric names build on it.
        "ids" => 0,
        _ => return None,
    })
}

/// The module path of a source file: `src/sim/rules/domains.rs` → `["sim", "rules", "domains"]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).expect("file under src");
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().expect("a file name");
    match last.as_str() {
        "mod.rs" | "lib.rs" => {}
        name => parts.push(name.trim_end_matches(".rs").to_string()),
    }
    parts
}

/// Source text without comments (doc links are not dependencies) and string literals.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            // A char literal such as '"' must not open a string.
            '\'' => {
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with('"') && rest[1..].starts_with('\'') {
                    chars.next();
                    chars.next();
                }
                out.push('\'');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every path that starts at a root keyword, with `{…}` groups expanded.
fn paths_in(code: &str, roots: &[&str]) -> Vec<Vec<String>> {
    let bytes: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word =
            i == 0 || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_' || bytes[i - 1] == ':');
        let root = roots.iter().find(|r| {
            starts_word && bytes[i..].iter().take(r.len() + 2).collect::<String>() == format!("{r}::")
        });
        match root {
            Some(r) => {
                let (tree, end) = read_tree(&bytes, i + r.len() + 2);
                for mut path in tree {
                    path.insert(0, r.to_string());
                    found.push(path);
                }
                i = end;
            }
            None => i += 1,
        }
    }
    found
}

/// Reads `a::b::{c, d::e}` from `start`: every path it names, and where it ends.
fn read_tree(s: &[char], start: usize) -> (Vec<Vec<String>>, usize) {
    let mut i = start;
    let mut prefix = Vec::new();
    loop {
        while i < s.len() && s[i].is_whitespace() {
            i += 1;
        }
        if i < s.len() && s[i] == '{' {
            let mut all = Vec::new();
            i += 1;
            loop {
                while i < s.len() && (s[i].is_whitespace() || s[i] == ',') {
                    i += 1;
                }
                if i >= s.len() || s[i] == '}' {
                    i += 1;
                    break;
                }
                let (inner, end) = read_tree(s, i);
                for p in inner {
                    let mut full = prefix.clone();
                    full.extend(p);
                    all.push(full);
                }
                if end == i {
                    i += 1; // not a path (e.g. `*`): skip it
                } else {
                    i = end;
                }
            }
            return (all, i);
        }
        let begin = i;
        while i < s.len() && (s[i].is_alphanumeric() || s[i] == '_') {
            i += 1;
        }
        if i == begin {
            return (vec![prefix], i);
        }
        prefix.push(s[begin..i].iter().collect());
        if s.get(i) == Some(&':') && s.get(i + 1) == Some(&':') {
            i += 2;
        } else {
            return (vec![prefix], i);
        }
    }
}

/// Resolves a path found in module `from` to an absolute module path (from the crate root).
fn resolve(from: &[String], path: &[String]) -> Vec<String> {
    // In `foo.rs` or `foo/mod.rs` alike, `super` is foo's parent and `self` is foo.
    let mut base: Vec<String> = from.to_vec();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") | Some("scimsim") => {
            base.clear();
            rest = &path[1..];
        }
        Some("self") => rest = &path[1..],
        _ => {}
    }
    while let Some("super") = rest.first().map(String::as_str) {
        base.pop();
        rest = &rest[1..];
    }
    base.extend(rest.iter().cloned());
    base
}

/// The unit a cycle is looked for in: the top-level module and its child (`sim::world`).
fn unit(path: &[String], known: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    let top = path.first()?;
    layer(top)?;
    let two = path.iter().take(2).cloned().collect::<Vec<_>>();
    if path.len() >= 2 && known.contains(&two) { Some(two) } else { Some(vec![top.clone()]) }
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("src readable").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

/// Every dependency between units: `(from, to) → where it is written`.
fn dependencies(src: &Path) -> BTreeMap<(Vec<String>, Vec<String>), String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: Vec<(PathBuf, Vec<String>)> = files
        .iter()
        .map(|f| {
            let m = module_of(src, f);
            // The binary is its own crate; call it `main`.
            let m = if f.ends_with("main.rs") { vec!["main".to_string()] } else { m };
            (f.clone(), m)
        })
        .collect();
    let known: BTreeSet<Vec<String>> =
        modules.iter().map(|(_, m)| m.iter().take(2).cloned().collect()).collect();
    let mut deps = BTreeMap::new();
    for (file, module) in &modules {
        let text = std::fs::read_to_string(file).expect("source readable");
        let code = code_only(&text);
        let is_main = module == &["main".to_string()];
        let roots: &[&str] = if is_main { &["scimsim"] } else { &["crate", "super", "self"] };
        let Some(from) = unit(module, &known) else { continue };
        for path in paths_in(&code, roots) {
            let target = resolve(module, &path);
            let Some(to) = unit(&target, &known) else { continue };
            if to != from {
                let line = text.lines().position(|l| l.contains(&path[1..].join("::"))).map_or(0, |n| n + 1);
                deps.entry((from.clone(), to)).or_insert_with(|| {
                    format!(
                        "{}:{line}: {}",
                        file.strip_prefix(src).unwrap_or(file).display(),
                        path.join("::")
                    )
                });
            }
        }
    }
    deps
}

#[test]
fn every_arrow_points_downward_and_no_modules_depend_on_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let deps = dependencies(&src);
    assert!(deps.len() > 30, "the scan found too few dependencies to be reading the code: {deps:?}");
    let mut wrong = Vec::new();
    for ((from, to), at) in &deps {
        let (lf, lt) = (layer(&from[0]), layer(&to[0]));
        if from[0] != to[0] {
            if lt >= lf {
                wrong.push(format!(
                    "{} → {}: points {} ({at})",
                    from.join("::"),
                    to.join("::"),
                    if lt == lf { "sideways" } else { "upward" }
                ));
            }
        } else if deps.contains_key(&(to.clone(), from.clone())) {
            wrong.push(format!("{} ↔ {}: a cycle ({at})", from.join("::"), to.join("::")));
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n  {}", wrong.join("\n  "));
}

#[test]
fn the_scan_finds_grouped_relative_and_nested_paths() {
    let code = code_only(
        "use crate::{sim::world::World, input::{scenario::Scenario, reader}};\n\
         use super::emails::EmailId; // crate::app::nothing\n\
         let s = \"crate::app::not_code\"; let c = '\"'; self::x::y();\n",
    );
    let paths = paths_in(&code, &["crate", "super", "self"]);
    let text: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        text,
        [
            "crate::sim::world::World",
            "crate::input::scenario::Scenario",
            "crate::input::reader",
            "super::emails::EmailId",
            "self::x::y"
        ]
    );
    let from: Vec<String> = ["sim", "rules", "domains"].map(String::from).to_vec();
    assert_eq!(resolve(&from, &paths[3]), ["sim", "rules", "emails", "EmailId"].map(String::from));
    let known: BTreeSet<Vec<String>> = [vec!["sim".to_string(), "world".to_string()]].into();
    assert_eq!(
        unit(&["sim", "world", "World"].map(String::from), &known),
        Some(["sim", "world"].map(String::from).to_vec())
    );
    assert_eq!(unit(&["input", "reader"].map(String::from), &known), Some(vec!["input".to_string()]));
}
