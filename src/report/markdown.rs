//! `summary.md`: the numbers a consultant pastes into a report, and the verdicts of the paired
//! comparisons against the first strategy.

use super::{Exporter, RunReport};
use crate::format::mean_with_interval;
use crate::metrics::{Breakdown, MetricId};
use crate::stats::MeanInterval;
use std::fmt::Write;

/// `summary.md`.
pub struct SummaryMarkdown;

/// Text for a table cell: `|` escaped.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// Title of a breakdown's table.
fn breakdown_title(b: Breakdown) -> &'static str {
    match b {
        Breakdown::SurplusByOrigin => "Surplus accounts by origin",
        Breakdown::LostAccessByCause => "Lost access by cause",
    }
}

/// What a paired difference (strategy − baseline, lower is better) says.
pub fn verdict(d: &MeanInterval) -> &'static str {
    if d.wholly_below_zero() {
        "better (significant)"
    } else if d.wholly_above_zero() {
        "worse (significant)"
    } else if d.mean == 0.0 && d.ci95 == [0.0, 0.0] {
        "same"
    } else {
        "no significant difference"
    }
}

impl Exporter<RunReport<'_>> for SummaryMarkdown {
    fn file_name(&self) -> &'static str {
        "summary.md"
    }

    fn render(&self, report: &RunReport<'_>) -> Vec<u8> {
        let (scenario, result) = (report.scenario, report.result);
        let mut out = String::new();
        // Strategy names are free text: a `|` would split a table cell.
        let names: Vec<String> = result.strategies.iter().map(|s| cell(&s.name)).collect();
        let _ = writeln!(out, "# {} — scimsim summary\n", scenario.name);
        if !scenario.description.is_empty() {
            let _ = writeln!(out, "{}\n", scenario.description);
        }
        let _ = writeln!(
            out,
            "{} replication{}, seed {}, horizon {} days. Lower is better for every metric. \
             Values are means over the replications with their 95% confidence interval \
             (a single number when every replication agrees).\n",
            result.replications,
            if result.replications == 1 { "" } else { "s" },
            result.seed,
            scenario.horizon_days,
        );
        for s in &scenario.strategies {
            if !s.description.is_empty() {
                let _ = writeln!(out, "- **{}**: {}", s.name, s.description);
            }
        }
        if scenario.strategies.iter().any(|s| !s.description.is_empty()) {
            out.push('\n');
        }

        let table = |out: &mut String, title: &str, metrics: &mut dyn Iterator<Item = (String, MetricId)>| {
            let _ = writeln!(out, "## {title}\n");
            let _ = writeln!(out, "| metric | {} |", names.join(" | "));
            let _ = writeln!(out, "|---|{}", "---:|".repeat(names.len()));
            for (label, m) in metrics {
                let cells: Vec<String> = result
                    .strategies
                    .iter()
                    .map(|s| {
                        let sum = s.summary(m);
                        mean_with_interval(sum.mean, sum.ci95)
                    })
                    .collect();
                let _ = writeln!(out, "| {label} | {} |", cells.join(" | "));
            }
            out.push('\n');
        };
        table(
            &mut out,
            "Results",
            &mut MetricId::headline().filter(|m| !m.is_diagnostic()).map(|m| (m.name().to_string(), m)),
        );
        for b in Breakdown::ALL {
            let mut parts = b.columns().filter_map(|m| Some((m.part()?.name().to_string(), m)));
            table(&mut out, breakdown_title(b), &mut parts);
        }

        if let Some(baseline) = result.strategies.first() {
            for (s, other) in result.strategies.iter().enumerate().skip(1) {
                let _ = writeln!(out, "## {} compared with {}\n", other.name, baseline.name);
                let _ = writeln!(
                    out,
                    "Paired difference per replication ({} − {}), mean and 95% interval; \
                     negative means {} is lower.\n",
                    other.name, baseline.name, other.name
                );
                let _ = writeln!(out, "| metric | difference | {} is |", cell(&other.name));
                let _ = writeln!(out, "|---|---:|---|");
                for p in result.paired.iter().filter(|p| p.strategy == s && !p.metric.is_diagnostic()) {
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} |",
                        p.metric.name(),
                        mean_with_interval(p.difference.mean, p.difference.ci95),
                        verdict(&p.difference)
                    );
                }
                out.push('\n');
            }
        }
        out.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_read_the_interval() {
        let d = |mean, lo, hi| MeanInterval { mean, ci95: [lo, hi] };
        assert_eq!(verdict(&d(-2.0, -3.0, -1.0)), "better (significant)");
        assert_eq!(verdict(&d(2.0, 1.0, 3.0)), "worse (significant)");
        assert_eq!(verdict(&d(0.0, 0.0, 0.0)), "same");
        assert_eq!(verdict(&d(-0.5, -1.0, 0.2)), "no significant difference");
        assert_eq!(mean_with_interval(2.0, [2.0, 2.0]), "2");
        assert_eq!(mean_with_interval(2.0, [1.5, 2.5]), "2 [1.5, 2.5]");
    }
}
