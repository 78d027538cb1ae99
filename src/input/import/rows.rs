//! What the row readers of CSV exports (`server`, `cloud`, `jcma`) share: the columns a header
//! must have, a data row with its line, and the parsing of its cells into values or problems
//! at line and column.

use super::{CsvFile, ExportKind, ImportProblem, Position, wrong_kind};

/// The indices of the columns `names` (compared case-insensitively) in `csv`'s header; when one
/// is missing, the problem that the file is not `expected`'s kind.
pub(super) fn columns<const N: usize>(
    file: &str,
    csv: &CsvFile,
    expected: ExportKind,
    names: [&str; N],
) -> Result<[usize; N], Vec<ImportProblem>> {
    let mut found = [0; N];
    for (index, name) in found.iter_mut().zip(names) {
        *index = csv.column(name).ok_or_else(|| vec![wrong_kind(file, &csv.header, expected)])?;
    }
    Ok(found)
}

/// A data row of a CSV: its file, line, the header and its fields.
#[derive(Debug, Clone, Copy)]
pub(super) struct Record<'a> {
    file: &'a str,
    pub(super) line: usize,
    header: &'a [String],
    fields: &'a [String],
}

impl<'a> Record<'a> {
    /// Every data row of `csv`, in file order.
    pub(super) fn all(file: &'a str, csv: &'a CsvFile) -> impl Iterator<Item = Record<'a>> {
        csv.rows.iter().map(move |(line, fields)| Record { file, line: *line, header: &csv.header, fields })
    }

    /// Where the row came from.
    pub(super) fn position(&self) -> Position {
        Position { file: self.file.to_string(), line: self.line }
    }

    /// The field of column `column` (0-based), trimmed; blank when there is none.
    pub(super) fn cell(&self, column: usize) -> &'a str {
        self.fields.get(column).map_or("", |f| f.trim())
    }

    /// The field of an optional column; blank when the header lacks it.
    pub(super) fn optional(&self, column: Option<usize>) -> &'a str {
        column.map_or("", |c| self.cell(c))
    }

    /// A problem at this row's field of `column` (0-based).
    pub(super) fn problem(&self, column: usize, message: impl Into<String>) -> ImportProblem {
        ImportProblem::at(self.file, self.line, column + 1, message)
    }

    /// The field of `column`, which must not be blank (else "blank <header>" with `hint`).
    pub(super) fn required(&self, column: usize, hint: &str) -> Result<&'a str, ImportProblem> {
        let cell = self.cell(column);
        if cell.is_empty() {
            Err(self.problem(column, format!("blank {}", self.name(column))).hint(hint))
        } else {
            Ok(cell)
        }
    }

    /// The field of `column` parsed by `parse` (which sees it trimmed and in lower case); a value
    /// it refuses is "unknown <header> `<value>`" (or "blank <header>") with `hint`.
    pub(super) fn parse<T>(
        &self,
        column: usize,
        parse: impl Fn(&str) -> Option<T>,
        hint: &str,
    ) -> Result<T, ImportProblem> {
        let cell = self.cell(column);
        parse(&cell.to_lowercase()).ok_or_else(|| {
            let message = match cell {
                "" => format!("blank {}", self.name(column)),
                _ => format!("unknown {} `{cell}`", self.name(column)),
            };
            self.problem(column, message).hint(hint)
        })
    }

    /// The header's name of `column`, as written.
    fn name(&self, column: usize) -> &'a str {
        self.header.get(column).map_or("", |h| h.trim())
    }
}

/// The names of a list cell split at any of `separators`, trimmed, blanks dropped.
pub(super) fn split_list(cell: &str, separators: &[char]) -> Vec<String> {
    cell.split(separators).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// Adds `items` to `list`, each unless it is already there (first occurrence kept).
pub(super) fn add_unique(list: &mut Vec<String>, items: impl IntoIterator<Item = String>) {
    for item in items {
        if !list.contains(&item) {
            list.push(item);
        }
    }
}

/// Every value, or every problem.
pub(super) fn all_or_problems<T>(
    values: Vec<T>,
    problems: Vec<ImportProblem>,
) -> Result<Vec<T>, Vec<ImportProblem>> {
    if problems.is_empty() { Ok(values) } else { Err(problems) }
}

// ---------------------------------------------------------------------------------------------
// The server user export
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_and_merge_without_repeats() {
        assert_eq!(split_list(" a ; b,,c ;", &[';', ',']), ["a", "b", "c"]);
        let mut list = vec!["a".to_string()];
        add_unique(&mut list, ["b".to_string(), "a".to_string(), "b".to_string()]);
        assert_eq!(list, ["a", "b"]);
    }
}
