//! The table `run` prints: the strategies ranked by expected cost, the recommended one marked,
//! a few headline metrics, in readable numbers.

use crate::format::{mean_with_interval, value_label};
use crate::input::scenario::Scenario;
use crate::metrics::MetricId;
use crate::results::RunResult;
use crate::results::recommend::recommend;

/// The metrics of the terminal table, with their column labels.
const COLUMNS: [(&str, MetricId); 5] = [
    ("duplicates", MetricId::DUPLICATE_PEOPLE),
    ("lost access", MetricId::LOST_ACCESS_INCIDENTS),
    ("missing access", MetricId::MISSING_ACCESS_PEOPLE),
    ("orphaned", MetricId::ORPHANED_ACCOUNTS),
    ("scim errors", MetricId::SCIM_ERRORS),
];

/// The ranked table with its closing note, every line ending in a newline.
pub fn terminal_table(scenario: &Scenario, result: &RunResult) -> String {
    let rec = recommend(scenario, result);
    let names: Vec<String> = rec
        .ranking
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{} {}", if i == 0 { "*" } else { " " }, result.strategies[r.strategy].name))
        .collect();
    let costs: Vec<String> =
        rec.ranking.iter().map(|r| mean_with_interval(r.cost.mean, r.cost.ci95)).collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0).max(10);
    let cost_width = costs.iter().map(|c| c.chars().count()).max().unwrap_or(0).max(13);
    let mut out = format!("{:width$}  {:>cost_width$}", "  strategy", "expected cost");
    for (label, _) in COLUMNS {
        out.push_str(&format!("  {label:>14}"));
    }
    out.push('\n');
    for ((r, name), cost) in rec.ranking.iter().zip(&names).zip(&costs) {
        let s = &result.strategies[r.strategy];
        out.push_str(&format!("{name:width$}  {cost:>cost_width$}"));
        for (_, m) in COLUMNS {
            out.push_str(&format!("  {:>14}", value_label(s.summary(m).mean)));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "\n* recommended: lowest expected cost ({} weights); metrics are means over replications;\n  \
         see summary.md for intervals, causes and paired comparisons\n",
        if scenario.costs.from_scenario { "the scenario's" } else { "default" }
    ));
    out
}
