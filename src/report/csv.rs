//! `replications.csv` (one row per strategy × replication, every column),
//! `timeline.csv` (one row per strategy × day, the daily series with intervals) and
//! `people.csv` (one row per person × strategy: how often each outcome happened to them, and
//! why; DESIGN §10).

use super::{Exporter, RunReport};
use crate::metrics::{COLUMNS, TIMELINE_METRICS};
use crate::sim::population::slot_names;

/// `replications.csv`.
pub struct ReplicationsCsv;

/// `timeline.csv`.
pub struct TimelineCsv;

/// `people.csv` (written when the run counted each person's outcomes).
pub struct PeopleCsv;

/// A cell a spreadsheet would not run as a formula: text that starts with `=`, `+`, `-`, `@`,
/// a tab or a carriage return gets a leading `'` (OWASP's advice for CSV injection); numbers,
/// negative ones included, are left as they are.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() { format!("'{cell}").into() } else { cell.into() }
}

/// Writes rows of strings as CSV (quoting where needed, every cell spreadsheet-safe).
pub fn csv_bytes(header: Vec<String>, rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(header.iter().map(|c| spreadsheet_safe(c).into_owned()));
    for row in rows {
        let _ = writer.write_record(row.iter().map(|c| spreadsheet_safe(c).into_owned()));
    }
    writer.into_inner().unwrap_or_default()
}

impl Exporter<RunReport<'_>> for ReplicationsCsv {
    fn file_name(&self) -> &'static str {
        "replications.csv"
    }

    fn render(&self, report: &RunReport<'_>) -> Vec<u8> {
        let result = report.result;
        let mut header = vec!["strategy".to_string(), "replication".to_string()];
        header.extend(COLUMNS.iter().map(|c| c.to_string()));
        let rows = result.strategies.iter().flat_map(|s| {
            s.outcomes.iter().enumerate().map(move |(r, o)| {
                let mut row = vec![s.name.clone(), r.to_string()];
                row.extend(o.values.iter().map(|v| v.to_string()));
                row
            })
        });
        csv_bytes(header, rows)
    }
}

impl Exporter<RunReport<'_>> for TimelineCsv {
    fn file_name(&self) -> &'static str {
        "timeline.csv"
    }

    fn render(&self, report: &RunReport<'_>) -> Vec<u8> {
        let result = report.result;
        let mut header = vec!["strategy".to_string(), "day".to_string()];
        for m in TIMELINE_METRICS {
            header.push(m.name().to_string());
            header.push(format!("{}_ci95_lo", m.name()));
            header.push(format!("{}_ci95_hi", m.name()));
        }
        let rows = result.strategies.iter().flat_map(|s| {
            s.timeline.iter().enumerate().map(move |(day, point)| {
                let mut row = vec![s.name.clone(), day.to_string()];
                for p in point {
                    row.extend([p.mean.to_string(), p.ci95[0].to_string(), p.ci95[1].to_string()]);
                }
                row
            })
        });
        csv_bytes(header, rows)
    }
}

impl Exporter<RunReport<'_>> for PeopleCsv {
    fn file_name(&self) -> &'static str {
        "people.csv"
    }

    fn render(&self, report: &RunReport<'_>) -> Vec<u8> {
        let header = [
            "person",
            "strategy",
            "duplicate",
            "split_identity",
            "lost_access",
            "missing_access",
            "orphaned",
            "over_access",
            "mean_surplus_accounts",
            "main_cause",
        ]
        .map(String::from)
        .to_vec();
        let Some(people) = &report.result.people else { return csv_bytes(header, std::iter::empty()) };
        let names = slot_names(report.scenario, people.n_people());
        let n = people.replications.max(1) as f64;
        let share = |k: u32| (f64::from(k) / n).to_string();
        let strategies = &report.result.strategies;
        let rows = names.iter().enumerate().flat_map(move |(p, name)| {
            strategies.iter().enumerate().map(move |(s, strategy)| {
                let t = people.get(s, p);
                vec![
                    name.clone(),
                    strategy.name.clone(),
                    share(t.duplicate),
                    share(t.split_identity),
                    share(t.lost_access),
                    share(t.missing_access),
                    share(t.orphaned),
                    share(t.over_access),
                    (t.surplus_accounts as f64 / n).to_string(),
                    t.main_cause().map_or_else(String::new, |r| r.code().to_string()),
                ]
            })
        });
        csv_bytes(header, rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_numbers_kept() {
        assert_eq!(spreadsheet_safe("=1+1"), "'=1+1");
        assert_eq!(spreadsheet_safe("+cmd"), "'+cmd");
        assert_eq!(spreadsheet_safe("-x"), "'-x");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("\tx"), "'\tx");
        assert_eq!(spreadsheet_safe("-1.5"), "-1.5");
        assert_eq!(spreadsheet_safe("-0"), "-0");
        assert_eq!(spreadsheet_safe("scim-first"), "scim-first");
        let bytes = csv_bytes(
            vec!["strategy".into(), "v".into()],
            [vec!["=HYPERLINK(\"x\")".into(), "-2".into()]].into_iter(),
        );
        assert_eq!(String::from_utf8(bytes).expect("utf-8"), "strategy,v\n\"'=HYPERLINK(\"\"x\"\")\",-2\n");
    }
}
