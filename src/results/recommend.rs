//! The recommendation: every strategy's expected cost (Σ weight × metric per replication, the
//! scenario's [`Costs`]), the strategies ranked by it, the paired comparisons of every other
//! strategy with the recommended one (cost and every metric), and each strategy's main causes.
//!
//! Replications are paired (common random numbers): replication `r` of every strategy saw the
//! same organisation and events, so differences are taken per replication. [`compare`] is the
//! one place that reads such differences into words.

use super::people::PeopleTally;
use super::{RunResult, StrategyResult};
use crate::format::value_label;
use crate::input::scenario::{Costs, Scenario};
use crate::metrics::{Breakdown, MetricId, Reason};
use crate::sim::population::slot_names;
use crate::stats::{MeanInterval, mean_interval, paired_difference};

/// How many main causes a strategy lists at most.
pub const MAIN_CAUSES: usize = 3;

/// One strategy in the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// Index of the strategy in scenario order.
    pub strategy: usize,
    /// Cost of each replication, in replication order.
    pub costs: Vec<f64>,
    /// Mean cost and its 95% interval.
    pub cost: MeanInterval,
    /// This strategy's cost minus the recommended one's, per replication (`None` for the
    /// recommended strategy itself).
    pub versus_best: Option<Comparison>,
    /// The largest non-zero parts of the breakdowns, by mean, at most [`MAIN_CAUSES`].
    pub main_causes: Vec<(MetricId, f64)>,
    /// When each person's outcomes were counted: the most frequent main reasons, with the mean
    /// number of people per replication whose main reason it was, at most [`MAIN_CAUSES`].
    pub main_reasons: Vec<(Reason, f64)>,
}

/// A paired comparison of one metric: `strategy − recommended`.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricComparison {
    /// Compared strategy index.
    pub strategy: usize,
    /// Column.
    pub metric: MetricId,
    /// The comparison.
    pub comparison: Comparison,
}

/// Someone the recommended strategy leaves at risk (known when the run counted each person's
/// outcomes, `people.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct PersonAtRisk {
    /// Person id.
    pub person: String,
    /// Share of replications in which it happened to them.
    pub share: f64,
    /// What happened (e.g. `duplicate account`, `lost jira`).
    pub what: String,
    /// Their most frequent main reason.
    pub cause: Option<Reason>,
}

/// The ranking and everything summary.md's recommendation says.
#[derive(Debug, Clone, PartialEq)]
pub struct Recommendation {
    /// Strategies by mean cost, lowest first; ties keep scenario order.
    pub ranking: Vec<Ranked>,
    /// Every other strategy against the recommended one, every column, in ranking then column
    /// order.
    pub paired: Vec<MetricComparison>,
    /// People most at risk under the recommended strategy, when known.
    pub people_at_risk: Option<Vec<PersonAtRisk>>,
}

impl Recommendation {
    /// Index (scenario order) of the recommended strategy: the lowest mean cost.
    pub fn best(&self) -> Option<usize> {
        self.ranking.first().map(|r| r.strategy)
    }
}

/// The cost of every replication of a strategy.
pub fn costs_of(costs: &Costs, strategy: &StrategyResult) -> Vec<f64> {
    strategy.outcomes.iter().map(|o| costs.of(o)).collect()
}

/// The largest non-zero parts of the breakdowns by mean (ties in column order), at most `n`.
pub fn main_causes(strategy: &StrategyResult, n: usize) -> Vec<(MetricId, f64)> {
    let mut parts: Vec<(MetricId, f64)> = Breakdown::ALL
        .into_iter()
        .flat_map(|b| b.columns())
        .map(|m| (m, strategy.summary(m).mean))
        .filter(|(_, mean)| *mean > 0.0)
        .collect();
    parts.sort_by(|a, b| b.1.total_cmp(&a.1));
    parts.truncate(n);
    parts
}

/// The `n` reasons that were people's main reason most often in strategy `s` (ties in
/// [`Reason::ALL`] order), each with the mean number of people per replication.
pub fn main_reasons(people: &PeopleTally, s: usize, n: usize) -> Vec<(Reason, f64)> {
    let mut counts = vec![0u64; Reason::ALL.len()];
    for t in people.strategies.get(s).into_iter().flatten() {
        for &(r, k) in &t.main_reasons {
            counts[r.index()] += u64::from(k);
        }
    }
    let replications = people.replications.max(1) as f64;
    let mut top: Vec<(Reason, f64)> = Reason::ALL
        .into_iter()
        .zip(counts)
        .filter(|&(_, k)| k > 0)
        .map(|(r, k)| (r, k as f64 / replications))
        .collect();
    top.sort_by(|a, b| b.1.total_cmp(&a.1));
    top.truncate(n);
    top
}

/// Ranks the strategies of `result` by the scenario's costs and compares each with the best.
pub fn recommend(scenario: &Scenario, result: &RunResult) -> Recommendation {
    let mut ranking: Vec<Ranked> = result
        .strategies
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let costs = costs_of(&scenario.costs, s);
            let cost = mean_interval(&costs);
            let main_reasons =
                result.people.as_ref().map_or_else(Vec::new, |p| main_reasons(p, i, MAIN_CAUSES));
            Ranked {
                strategy: i,
                costs,
                cost,
                versus_best: None,
                main_causes: main_causes(s, MAIN_CAUSES),
                main_reasons,
            }
        })
        .collect();
    // Stable: equal means keep scenario order.
    ranking.sort_by(|a, b| a.cost.mean.total_cmp(&b.cost.mean));
    let mut paired = Vec::new();
    if let Some((first, rest)) = ranking.split_first_mut() {
        let best = &result.strategies[first.strategy];
        for r in rest {
            r.versus_best = Some(compare(&first.costs, &r.costs));
            let other = &result.strategies[r.strategy];
            for metric in MetricId::all() {
                let comparison = compare(&best.column(metric), &other.column(metric));
                paired.push(MetricComparison { strategy: r.strategy, metric, comparison });
            }
        }
    }
    let people_at_risk = match (&result.people, ranking.first()) {
        (Some(people), Some(best)) => Some(people_at_risk(scenario, people, best.strategy)),
        _ => None,
    };
    Recommendation { ranking, paired, people_at_risk }
}

/// How many people summary.md names as most at risk.
pub const PEOPLE_AT_RISK: usize = 10;

/// The people most often affected under strategy `s`, with their most frequent reason.
fn people_at_risk(scenario: &Scenario, people: &PeopleTally, s: usize) -> Vec<PersonAtRisk> {
    let names = slot_names(scenario, people.n_people());
    let replications = people.replications.max(1) as f64;
    people
        .most_at_risk(s, PEOPLE_AT_RISK)
        .into_iter()
        .map(|(p, t)| PersonAtRisk {
            person: names[p].clone(),
            share: f64::from(t.affected()) / replications,
            what: t.main_cause().map_or_else(String::new, |r| format!("{} (`{}`)", r.gloss(), r.code())),
            cause: t.main_cause(),
        })
        .collect()
}

/// What the per-replication differences agree on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Agreement {
    /// No replications.
    Nothing,
    /// Every difference is zero.
    Same,
    /// One replication: a difference, no interval.
    Single,
    /// Every replication has the same non-zero difference.
    Always,
    /// Every difference has the same sign (none zero), their sizes differ.
    EveryReplication,
    /// Every difference is zero or of one sign; `equal` of them are zero.
    NeverOpposite {
        /// Replications with no difference.
        equal: usize,
    },
    /// Differences of both signs: the 95% interval decides.
    Interval,
}

/// A paired difference `other − baseline` and what its replications agree on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// Mean difference and its 95% interval.
    pub difference: MeanInterval,
    /// Replications compared.
    pub replications: usize,
    /// What they agree on.
    pub agreement: Agreement,
}

/// Compares `other` with `baseline`, replication by replication (lower is better).
pub fn compare(baseline: &[f64], other: &[f64]) -> Comparison {
    let difference = paired_difference(baseline, other);
    let diffs: Vec<f64> = baseline.iter().zip(other).map(|(b, o)| o - b).collect();
    let n = diffs.len();
    let below = diffs.iter().filter(|d| **d < 0.0).count();
    let above = diffs.iter().filter(|d| **d > 0.0).count();
    let equal = n - below - above;
    let agreement = if n == 0 {
        Agreement::Nothing
    } else if equal == n {
        Agreement::Same
    } else if n == 1 {
        Agreement::Single
    } else if diffs.iter().all(|d| *d == diffs[0]) {
        Agreement::Always
    } else if below == n || above == n {
        Agreement::EveryReplication
    } else if below == 0 || above == 0 {
        Agreement::NeverOpposite { equal }
    } else {
        Agreement::Interval
    };
    Comparison { difference, replications: n, agreement }
}

impl Comparison {
    /// `lower` or `higher`, by the sign of the mean difference.
    fn direction(&self) -> &'static str {
        if self.difference.mean < 0.0 { "lower" } else { "higher" }
    }

    /// The size of the mean difference, readable.
    fn size(&self) -> String {
        value_label(self.difference.mean.abs())
    }

    /// The 95% interval of the difference, readable.
    fn interval(&self) -> String {
        let [lo, hi] = self.difference.ci95;
        format!("95% interval {} to {}", value_label(lo), value_label(hi))
    }

    /// True when the difference is clear: every replication agrees on its sign (two or more
    /// replications), or the 95% interval excludes zero.
    pub fn is_clear(&self) -> bool {
        match self.agreement {
            Agreement::Nothing | Agreement::Same | Agreement::Single => false,
            Agreement::Always | Agreement::EveryReplication => true,
            Agreement::NeverOpposite { .. } | Agreement::Interval => {
                self.difference.wholly_below_zero() || self.difference.wholly_above_zero()
            }
        }
    }

    /// A short verdict for a table cell: `always lower by 4`, `lower in every replication`,
    /// `never higher`, `lower`, `no clear difference`, `same`.
    pub fn verdict(&self) -> String {
        let dir = self.direction();
        match self.agreement {
            Agreement::Nothing => "no replications".to_string(),
            Agreement::Same => "same".to_string(),
            Agreement::Single => format!("{dir} (1 replication)"),
            Agreement::Always => format!("always {dir} by {}", self.size()),
            Agreement::EveryReplication => format!("{dir} in every replication"),
            Agreement::NeverOpposite { .. } if self.is_clear() => {
                format!("never {}", if dir == "lower" { "higher" } else { "lower" })
            }
            Agreement::Interval if self.is_clear() => dir.to_string(),
            Agreement::NeverOpposite { .. } | Agreement::Interval => "no clear difference".to_string(),
        }
    }

    /// The verdict with its numbers, for a sentence: `always lower by 4`, `lower in every
    /// replication, by 3.1 on average`, `lower by 2 on average (95% interval -3 to -1)`,
    /// `no clear difference (0.5 on average, 95% interval -1 to 2)`.
    pub fn describe(&self) -> String {
        let (dir, size) = (self.direction(), self.size());
        let n = self.replications;
        match self.agreement {
            Agreement::Nothing | Agreement::Same | Agreement::Always => self.verdict(),
            Agreement::Single => format!("{dir} by {size} (1 replication, no interval)"),
            Agreement::EveryReplication => format!("{dir} in every replication, by {size} on average"),
            Agreement::NeverOpposite { equal } if self.is_clear() => format!(
                "{}: {dir} by {size} on average, equal in {equal} of {n} replications",
                self.verdict()
            ),
            Agreement::Interval if self.is_clear() => {
                format!("{dir} by {size} on average ({})", self.interval())
            }
            Agreement::NeverOpposite { .. } | Agreement::Interval => format!(
                "no clear difference ({} on average, {})",
                value_label(self.difference.mean),
                self.interval()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(base: &[f64], other: &[f64]) -> Comparison {
        compare(base, other)
    }

    #[test]
    fn every_agreement_reads_as_documented() {
        let c = cmp(&[10.0, 12.0, 9.0], &[6.0, 8.0, 5.0]);
        assert_eq!(c.agreement, Agreement::Always);
        assert_eq!(c.verdict(), "always lower by 4");
        assert_eq!(c.describe(), "always lower by 4");
        assert!(c.is_clear());

        let c = cmp(&[1.0, 1.0], &[2.5, 2.5]);
        assert_eq!(c.describe(), "always higher by 1.5");

        let c = cmp(&[10.0, 10.0, 10.0, 10.0], &[7.0, 6.0, 8.0, 6.6]);
        assert_eq!(c.agreement, Agreement::EveryReplication);
        assert_eq!(c.verdict(), "lower in every replication");
        assert_eq!(c.describe(), "lower in every replication, by 3.1 on average");
        assert!(c.is_clear());

        let c = cmp(&[5.0; 4], &[5.0; 4]);
        assert_eq!(c.agreement, Agreement::Same);
        assert_eq!((c.verdict().as_str(), c.describe().as_str()), ("same", "same"));
        assert!(!c.is_clear());

        let c = cmp(&[3.0], &[7.0]);
        assert_eq!(c.agreement, Agreement::Single);
        assert_eq!(c.verdict(), "higher (1 replication)");
        assert_eq!(c.describe(), "higher by 4 (1 replication, no interval)");
        assert!(!c.is_clear());

        let c = cmp(&[], &[]);
        assert_eq!(c.agreement, Agreement::Nothing);
        assert_eq!(c.describe(), "no replications");
    }

    #[test]
    fn mixed_signs_and_ties_go_to_the_interval() {
        // Zero or lower, consistently enough that the interval excludes zero.
        let c = cmp(&[10.0; 6], &[8.0, 7.0, 10.0, 8.0, 7.5, 8.5]);
        assert_eq!(c.agreement, Agreement::NeverOpposite { equal: 1 });
        assert!(c.is_clear());
        assert_eq!(c.verdict(), "never higher");
        assert_eq!(c.describe(), "never higher: lower by 1.83 on average, equal in 1 of 6 replications");
        // Zero or lower, but only once lower: not clear.
        let c = cmp(&[10.0; 5], &[10.0, 10.0, 10.0, 10.0, 6.0]);
        assert_eq!(c.agreement, Agreement::NeverOpposite { equal: 4 });
        assert!(!c.is_clear());
        assert_eq!(c.verdict(), "no clear difference");
        // Both signs, interval below zero.
        let c = cmp(&[10.0; 6], &[7.0, 6.0, 8.0, 11.0, 7.0, 6.0]);
        assert_eq!(c.agreement, Agreement::Interval);
        assert!(c.difference.wholly_below_zero());
        assert_eq!(c.verdict(), "lower");
        assert!(c.describe().starts_with("lower by 2.5 on average (95% interval -4"), "{}", c.describe());
        // Both signs, straddling zero.
        let c = cmp(&[10.0; 4], &[9.0, 11.0, 12.0, 8.0]);
        assert_eq!(c.verdict(), "no clear difference");
        assert!(
            c.describe().starts_with("no clear difference (0 on average, 95% interval -"),
            "{}",
            c.describe()
        );
        assert!(!c.is_clear());
    }

    fn outcome(values: &[(MetricId, f64)]) -> crate::metrics::Outcome {
        let mut o =
            crate::metrics::Outcome { values: [0.0; crate::metrics::N_COLUMNS], timeline: Vec::new() };
        for &(m, v) in values {
            o.values[m.0] = v;
        }
        o
    }

    fn strategy(name: &str, outcomes: Vec<crate::metrics::Outcome>) -> StrategyResult {
        let summaries = (0..crate::metrics::N_COLUMNS)
            .map(|c| crate::stats::Summary::of(&outcomes.iter().map(|o| o.values[c]).collect::<Vec<_>>()))
            .collect();
        StrategyResult { name: name.into(), outcomes, summaries, timeline: Vec::new() }
    }

    #[test]
    fn the_cost_weighs_each_metric_and_ignores_the_rest() {
        let costs = Costs {
            weights: vec![(MetricId::DUPLICATE_PEOPLE, 5.0), (MetricId::ORPHANED_ACCOUNT_DAYS, 0.2)],
            from_scenario: true,
        };
        let o = outcome(&[
            (MetricId::DUPLICATE_PEOPLE, 3.0),
            (MetricId::ORPHANED_ACCOUNT_DAYS, 10.0),
            (MetricId::SCIM_ERRORS, 100.0),
        ]);
        assert_eq!(costs.of(&o), 17.0);
        // The defaults weigh headline metrics only: no part counts its parent's count again.
        assert!(Costs::default().weights.iter().all(|(m, w)| m.part().is_none() && *w > 0.0));
        assert!(!Costs::default().from_scenario);
    }

    fn scenario_with(costs: Costs) -> Scenario {
        let text = r#"{"name": "t", "horizon_days": 1, "products": ["jira"],
            "population": {"people": [{"id": "a", "idp_email": "a@x.com"}]},
            "strategies": [{"name": "a", "timeline": []}, {"name": "b", "timeline": []},
                           {"name": "c", "timeline": []}]}"#;
        let mut s = crate::input::validate::parse_scenario(text).expect("valid");
        s.costs = costs;
        s
    }

    fn result(strategies: Vec<StrategyResult>) -> RunResult {
        RunResult { seed: 0, replications: 2, strategies, paired: Vec::new(), people: None }
    }

    #[test]
    fn strategies_rank_by_mean_cost_and_ties_keep_scenario_order() {
        let d = |v: f64| outcome(&[(MetricId::DUPLICATE_PEOPLE, v)]);
        let scenario =
            scenario_with(Costs { weights: vec![(MetricId::DUPLICATE_PEOPLE, 2.0)], from_scenario: true });
        let r = result(vec![
            strategy("a", vec![d(3.0), d(5.0)]),
            strategy("b", vec![d(1.0), d(2.0)]),
            strategy("c", vec![d(2.0), d(1.0)]),
        ]);
        let rec = recommend(&scenario, &r);
        let order: Vec<usize> = rec.ranking.iter().map(|x| x.strategy).collect();
        // b and c tie at mean cost 3: b is listed first in the scenario.
        assert_eq!(order, vec![1, 2, 0]);
        assert_eq!(rec.best(), Some(1));
        assert_eq!(rec.ranking[0].cost.mean, 3.0);
        assert_eq!(rec.ranking[0].versus_best, None);
        let c_vs_b = rec.ranking[1].versus_best.expect("compared");
        assert_eq!(c_vs_b.difference.mean, 0.0);
        assert_eq!(c_vs_b.agreement, Agreement::Interval);
        let a_vs_b = rec.ranking[2].versus_best.expect("compared");
        assert_eq!(a_vs_b.describe(), "higher in every replication, by 5 on average");
        // Every metric of every other strategy against the recommended one.
        assert_eq!(rec.paired.len(), 2 * crate::metrics::N_COLUMNS);
        assert!(rec.paired.iter().all(|p| p.strategy != 1));
        let dup =
            rec.paired.iter().find(|p| p.strategy == 0 && p.metric == MetricId::DUPLICATE_PEOPLE).expect("a");
        assert_eq!(dup.comparison.difference.mean, 2.5);
    }

    #[test]
    fn main_causes_are_the_largest_parts() {
        let s = strategy(
            "s",
            vec![outcome(&[
                (MetricId::surplus_of(crate::ids::Origin::Migration), 508.0),
                (crate::metrics::Cause::ConflictAccepted.column(), 75.0),
                (crate::metrics::Cause::GroupDeleted.column(), 75.0),
                (crate::metrics::Cause::Other.column(), 1.0),
                (MetricId::DUPLICATE_PEOPLE, 1000.0),
            ])],
        );
        let causes: Vec<(&str, f64)> = main_causes(&s, 3).into_iter().map(|(m, v)| (m.name(), v)).collect();
        assert_eq!(
            causes,
            vec![
                ("surplus_accounts_by_origin.migration", 508.0),
                ("lost_access_by_cause.group_deleted", 75.0),
                ("lost_access_by_cause.conflict_accepted", 75.0),
            ]
        );
        assert!(main_causes(&strategy("z", vec![outcome(&[])]), 3).is_empty());
    }
}
