//! The manifest of an output folder: `.scimsim-manifest` lists, one name a line, the files the
//! last `run`, `sweep` or `merge` wrote there. It is written last, atomically, once every file
//! it names is in place; the next command into the folder removes the files it names that
//! the new one does not write (a chart after `--no-charts`, `people.csv`, a run's reports
//! under a sweep's), and never a file it does not name, so the user's own files stay.

/// The manifest's file name.
pub const MANIFEST: &str = ".scimsim-manifest";

/// The manifest's first line (`#` lines are comments).
const HEADER: &str =
    "# the files scimsim last wrote in this folder; the next run removes those it does not write";

/// The manifest's text for the files `names`.
pub fn text(names: &[String]) -> String {
    let mut text = format!("{HEADER}\n");
    for name in names {
        text.push_str(name);
        text.push('\n');
    }
    text
}

/// The file names a manifest's `text` lists: only plain names of files inside the folder (no
/// `/`, no `..`, nothing hidden), so an edited manifest cannot name a file elsewhere, or the
/// folder's lock, checkpoint or manifest.
pub fn names(text: &str) -> Vec<String> {
    text.lines().filter(|l| !l.starts_with('#')).filter(|l| is_plain(l)).map(str::to_string).collect()
}

/// Whether `name` is a plain, visible file name.
fn is_plain(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('.') && !name.contains(['/', '\\', '\0'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_names_only_plain_files_inside_the_folder() {
        let listed = vec!["report.json".to_string(), "strategies.svg".to_string()];
        assert_eq!(names(&text(&listed)), listed);
        let edited = "# comment\nreport.json\n../victim\n/etc/passwd\n.scimsim.lock\n..\n\nsub\\x\nok.csv\n";
        assert_eq!(names(edited), ["report.json", "ok.csv"]);
    }
}
