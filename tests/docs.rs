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
