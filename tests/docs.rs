//! README's "Where each rule lives" table is the table that heads `src/sim/rules/mod.rs`
//! (rustdoc links written as file paths): a rule moved or renamed in one must be in the other.
//! README's table of reason codes lists every code, with the words `trace` prints for it.

use std::fs;

/// The rule rows (`| R…`) of a table, with rustdoc links ``[`name`]`` written as
/// `` `rules/name.rs` ``.
fn rule_rows(text: &str, prefix: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .filter(|l| l.starts_with("| R"))
        .map(|l| {
            let mut out = String::new();
            let mut rest = l;
            while let Some(i) = rest.find("[`") {
                out.push_str(&rest[..i]);
                let after = &rest[i + 2..];
                match after.find("`]") {
                    Some(j) => {
                        out.push_str(&format!("`rules/{}.rs`", &after[..j]));
                        rest = &after[j + 2..];
                    }
                    None => {
                        out.push_str(&rest[i..]);
                        rest = "";
                    }
                }
            }
            out.push_str(rest);
            out
        })
        .collect()
}

#[test]
fn readme_lists_every_rule_where_the_code_says_it_lives() {
    let root = env!("CARGO_MANIFEST_DIR");
    let code = fs::read_to_string(format!("{root}/src/sim/rules/mod.rs")).expect("rules/mod.rs");
    let readme = fs::read_to_string(format!("{root}/README.md")).expect("README.md");
    let from_code = rule_rows(&code, "//! ");
    assert!(from_code.len() >= 18, "the rules table of rules/mod.rs has every rule");
    let section = readme.split("### Where each rule lives").nth(1).expect("README has the section");
    let section = section.split("\n### ").next().unwrap_or(section);
    assert_eq!(rule_rows(section, ""), from_code);
}

#[test]
fn readme_documents_every_reason_code_as_the_code_words_it() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = fs::read_to_string(format!("{root}/README.md")).expect("README.md");
    let rows: Vec<&str> =
        readme.lines().filter(|l| l.starts_with("| `") && l.matches(" | ").count() == 2).collect();
    for reason in scimsim::metrics::Reason::ALL {
        let row = rows
            .iter()
            .find(|r| r.starts_with(&format!("| `{}` |", reason.code())))
            .unwrap_or_else(|| panic!("README's reason table lacks `{}`", reason.code()));
        assert!(
            row.ends_with(&format!("| {} |", reason.gloss())),
            "README words `{}` otherwise: {row}",
            reason.code()
        );
    }
}

/// GitHub's anchor for a heading: lower case, punctuation other than `-` and `_` dropped,
/// spaces as hyphens.
fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown file's headings.
fn anchors(text: &str) -> Vec<String> {
    text.lines().filter(|l| l.starts_with('#')).map(|l| anchor(l.trim_start_matches('#').trim())).collect()
}

/// Every `](target)` of a Markdown text that is not a web address.
fn relative_links(text: &str) -> Vec<String> {
    text.split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(t, _)| t.to_string()))
        .filter(|t| !t.starts_with("http://") && !t.starts_with("https://") && !t.starts_with("mailto:"))
        .collect()
}

#[test]
fn readme_and_docs_links_resolve_inside_the_repository() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    for entry in fs::read_dir(root.join("docs")).expect("docs/") {
        let path = entry.expect("docs entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            files.push(path);
        }
    }
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in &files {
        let text = fs::read_to_string(file).expect("markdown file");
        for outside in ["../shared", "DESIGN.md", "DOMAIN.md", "DOMAIN §", "DESIGN §"] {
            if text.contains(outside) {
                broken.push(format!("{}: cites {outside}, which is not in the repository", file.display()));
            }
        }
        let dir = file.parent().expect("parent");
        for link in relative_links(&text) {
            let (path, fragment) = link.split_once('#').unwrap_or((&link, ""));
            let target = if path.is_empty() { file.clone() } else { dir.join(path) };
            checked += 1;
            if !target.exists() {
                broken.push(format!("{}: link {link}: no file {}", file.display(), target.display()));
                continue;
            }
            if !fragment.is_empty() && target.extension().is_some_and(|e| e == "md") {
                let heads = anchors(&fs::read_to_string(&target).expect("link target"));
                if !heads.iter().any(|a| a == fragment) {
                    broken.push(format!("{}: link {link}: no heading #{fragment}", file.display()));
                }
            }
        }
    }
    assert!(checked > 40, "only {checked} links found: is the link parser broken?");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}
