//! `replications.csv` (one row per strategy × replication, every column) and
//! `timeline.csv` (one row per strategy × day, the daily series with intervals).

use super::{Exporter, RunReport};
use crate::metrics::{COLUMNS, TIMELINE_METRICS};

/// `replications.csv`.
pub struct ReplicationsCsv;

/// `timeline.csv`.
pub struct TimelineCsv;

/// Writes rows of strings as CSV (quoting where needed).
pub fn csv_bytes(header: Vec<String>, rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = writer.write_record(&header);
    for row in rows {
        let _ = writer.write_record(&row);
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
