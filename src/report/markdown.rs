//! `summary.md`: the numbers a consultant pastes into a report. It opens with the
//! recommendation (strategies ranked by expected cost), then the tables, then the paired
//! comparisons of every other strategy with the recommended one.

use super::{Exporter, RunReport};
use crate::format::{mean_with_interval, show_number, value_label};
use crate::input::scenario::{Costs, Scenario};
use crate::metrics::{Breakdown, MetricId, Part};
use crate::results::RunResult;
use crate::results::recommend::{Agreement, PersonAtRisk, Recommendation, compare, recommend};
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

/// A main cause for a sentence: `surplus accounts from `migration` (508)`,
/// `lost access by `conflict_accepted` (75)`.
pub fn cause_text(metric: MetricId, mean: f64) -> String {
    let what = match metric.part() {
        Some(Part::Origin(o)) => format!("surplus accounts from `{}`", o.name()),
        Some(Part::Cause(c)) => format!("lost access by `{}`", c.name()),
        None => format!("`{}`", metric.name()),
    };
    format!("{what} ({})", value_label(mean))
}

/// The weights, `duplicate_people 5, lost_access_incidents 3, …`, in their order.
pub fn weights_text(costs: &Costs) -> String {
    if costs.weights.is_empty() {
        return "none (every strategy costs 0)".to_string();
    }
    costs
        .weights
        .iter()
        .map(|(m, w)| format!("{} {}", m.name(), show_number(*w)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "People most at risk under the recommended one": nothing until per-person results exist.
fn people_at_risk(out: &mut String, recommended: &str, people: Option<&[PersonAtRisk]>) {
    let Some(people) = people.filter(|p| !p.is_empty()) else { return };
    let _ = writeln!(out, "People most at risk under **{recommended}**:\n");
    let _ = writeln!(out, "| person | replications | what |");
    let _ = writeln!(out, "|---|---:|---|");
    for p in people {
        let _ =
            writeln!(out, "| {} | {}% | {} |", cell(&p.person), value_label(p.share * 100.0), cell(&p.what));
    }
    out.push('\n');
}

/// The recommended strategy and how clear its lead is, for a sentence.
pub(super) struct Lead {
    /// Index of the recommended strategy.
    pub best: usize,
    /// Its expected cost, readable.
    pub cost: String,
    /// How its lead over the runner-up reads (`its lead over x is clear: …`); `None` when it is
    /// the only strategy.
    pub reading: Option<String>,
}

/// The lead of the recommended strategy over the runner-up (`None` without strategies).
pub(super) fn lead(result: &RunResult, rec: &Recommendation) -> Option<Lead> {
    let name = |i: usize| result.strategies[i].name.as_str();
    let best = rec.ranking.first()?;
    let reading = rec.ranking.get(1).map(|runner_up| {
        // The lead from the best one's side: best − runner-up, per replication.
        let lead = compare(&runner_up.costs, &best.costs);
        if lead.agreement == Agreement::Same {
            format!(
                "it ties with {} (the same cost in every replication) and is listed first in the scenario",
                name(runner_up.strategy)
            )
        } else if lead.agreement == Agreement::Single {
            format!(
                "its lead over {} ({} in the one replication) cannot be judged: run more replications",
                name(runner_up.strategy),
                value_label(-lead.difference.mean)
            )
        } else {
            format!(
                "its lead over {} is {}: {}",
                name(runner_up.strategy),
                if lead.is_clear() { "clear" } else { "not clear" },
                lead.describe()
            )
        }
    });
    Some(Lead { best: best.strategy, cost: value_label(best.cost.mean), reading })
}

/// `## Recommendation`: the ranking by expected cost, the best and whether its lead is clear,
/// the weights, each strategy's main causes and the people most at risk.
fn recommendation(out: &mut String, scenario: &Scenario, result: &RunResult, rec: &Recommendation) {
    let name = |i: usize| cell(&result.strategies[i].name);
    let Some(best) = rec.ranking.first() else { return };
    let _ = writeln!(out, "## Recommendation\n");
    let _ = writeln!(out, "| rank | strategy | expected cost | compared with {} |", name(best.strategy));
    let _ = writeln!(out, "|---:|---|---:|---|");
    for (i, r) in rec.ranking.iter().enumerate() {
        let strategy = if i == 0 { format!("**{}**", name(r.strategy)) } else { name(r.strategy) };
        let versus = r.versus_best.map_or_else(|| "recommended".to_string(), |c| c.describe());
        let _ = writeln!(
            out,
            "| {} | {strategy} | {} | {versus} |",
            i + 1,
            mean_with_interval(r.cost.mean, r.cost.ci95)
        );
    }
    out.push('\n');
    let lead = lead(result, rec).expect("a ranking with a first strategy");
    let _ = match &lead.reading {
        None => writeln!(
            out,
            "**{}** is the only strategy; its expected cost is {}.\n",
            name(best.strategy),
            lead.cost
        ),
        Some(reading) => writeln!(
            out,
            "**{}** has the lowest expected cost ({}); {}.\n",
            name(best.strategy),
            lead.cost,
            cell(reading)
        ),
    };
    let _ = writeln!(
        out,
        "Expected cost: the mean over the replications of Σ weight × metric, with {} weights: {}.\n",
        if scenario.costs.from_scenario { "the scenario's" } else { "the default" },
        weights_text(&scenario.costs)
    );
    let _ = writeln!(out, "Main causes:\n");
    for r in &rec.ranking {
        let causes: Vec<String> = r.main_causes.iter().map(|&(m, v)| cause_text(m, v)).collect();
        let causes = if causes.is_empty() { "none".to_string() } else { causes.join(", ") };
        let reasons: Vec<String> = r
            .main_reasons
            .iter()
            .map(|&(reason, people)| {
                let unit = if people == 1.0 { "person" } else { "people" };
                format!("`{}` ({} {unit})", reason.code(), value_label(people))
            })
            .collect();
        let reasons = if reasons.is_empty() {
            String::new()
        } else {
            format!("; people's main reasons: {}", reasons.join(", "))
        };
        let _ = writeln!(out, "- **{}**: {causes}{reasons}", name(r.strategy));
    }
    out.push('\n');
    people_at_risk(out, &name(best.strategy), rec.people_at_risk.as_deref());
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
        let rec = recommend(scenario, result);
        recommendation(&mut out, scenario, result, &rec);

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

        if let Some(best) = rec.best() {
            let best_name = &result.strategies[best].name;
            for r in rec.ranking.iter().skip(1) {
                let other = &result.strategies[r.strategy].name;
                let _ = writeln!(out, "## {other} compared with {best_name}\n");
                let _ = writeln!(
                    out,
                    "Paired difference per replication ({other} − {best_name}), mean and 95% interval; \
                     negative means {other} is lower.\n"
                );
                let _ = writeln!(out, "| metric | difference | {} is |", cell(other));
                let _ = writeln!(out, "|---|---:|---|");
                for p in rec.paired.iter().filter(|p| p.strategy == r.strategy && !p.metric.is_diagnostic()) {
                    let d = &p.comparison.difference;
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} |",
                        p.metric.name(),
                        mean_with_interval(d.mean, d.ci95),
                        p.comparison.verdict()
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
    fn causes_and_weights_read_plainly() {
        let migration = MetricId::surplus_of(crate::ids::Origin::Migration);
        assert_eq!(cause_text(migration, 508.0), "surplus accounts from `migration` (508)");
        let conflict = crate::metrics::Cause::ConflictAccepted.column();
        assert_eq!(cause_text(conflict, 75.26), "lost access by `conflict_accepted` (75.3)");
        let costs = Costs {
            weights: vec![(MetricId::DUPLICATE_PEOPLE, 5.0), (MetricId::SCIM_ERRORS, 0.1)],
            from_scenario: true,
        };
        assert_eq!(weights_text(&costs), "duplicate_people 5, scim_errors 0.1");
    }

    #[test]
    fn people_at_risk_render_only_when_known() {
        let mut out = String::new();
        people_at_risk(&mut out, "s", None);
        people_at_risk(&mut out, "s", Some(&[]));
        assert_eq!(out, "");
        let p =
            PersonAtRisk { person: "ann".into(), share: 0.45, what: "duplicate account".into(), cause: None };
        people_at_risk(&mut out, "s", Some(&[p]));
        assert!(out.contains("| ann | 45% | duplicate account |"), "{out}");
    }
}
