//! Checks of the expectations and the costs: metric names (with a did-you-mean), the
//! strategies each bound or comparison names, and the weights.

use super::Checker;
use crate::format::show_number;
use crate::input::raw::{CostsFile, ExpectationFile};
use crate::input::reader::{Items, JsonPath};
use crate::input::scenario::*;
use crate::metrics::{COLUMNS, MetricId};

impl Checker<'_> {
    fn metric(&mut self, name: &str, at: &JsonPath) -> Option<MetricId> {
        let id = MetricId::by_name(name);
        if id.is_none() {
            if crate::input::reader::did_you_mean(name, &COLUMNS).is_some() {
                self.problems.push_unknown(at, "metric", name, &COLUMNS);
            } else {
                self.problems.push_hint(
                    at,
                    format!("unknown metric `{name}`"),
                    format!("metrics are {}", crate::input::reader::quote_list(&COLUMNS)),
                );
            }
        }
        id
    }

    pub(super) fn check_expectations(&mut self, expect: &Items<ExpectationFile>) -> Vec<Expectation> {
        let at = JsonPath::root().key("expect");
        let mut out = Vec::new();
        for (i, e) in expect.iter() {
            let here = at.index(i);
            match e {
                ExpectationFile::Bound(b) => {
                    let strategy = self.strategies.get(&b.strategy, &here.key("strategy"), self.problems);
                    let metric = self.metric(&b.metric.0, &here.key("metric"));
                    let bounds: Vec<Bound> = [
                        b.equals.map(Bound::Equals),
                        b.at_most.map(Bound::AtMost),
                        b.at_least.map(Bound::AtLeast),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    if bounds.is_empty() {
                        self.problems.push_hint(
                            &here,
                            "the expectation has no bound",
                            "add `equals`, `at_most` or `at_least`",
                        );
                    }
                    if let (Some(strategy), Some(metric)) = (strategy, metric) {
                        out.extend(bounds.into_iter().map(|bound| Expectation::Bound {
                            strategy,
                            metric,
                            bound,
                        }));
                    }
                }
                ExpectationFile::Better(b) => {
                    let better = self.strategies.get(&b.better, &here.key("better"), self.problems);
                    let than = self.strategies.get(&b.than, &here.key("than"), self.problems);
                    let metric = self.metric(&b.metric.0, &here.key("metric"));
                    if better.is_some() && better == than {
                        self.problems.push(&here.key("than"), "a strategy cannot be better than itself");
                    }
                    if let (Some(better), Some(than), Some(metric)) = (better, than, metric) {
                        out.push(Expectation::Better { better, than, metric });
                    }
                }
            }
        }
        out
    }

    /// `costs`: known, non-diagnostic metrics, each once, weights finite and ≥ 0, and never a
    /// breakdown's part together with its parent (its count would weigh twice).
    pub(super) fn check_costs(&mut self, costs: &CostsFile) -> Costs {
        let at = JsonPath::root().key("costs");
        let mut weights: Vec<(MetricId, f64)> = Vec::new();
        for (name, weight) in &costs.0 {
            let here = at.key(name);
            let Some(metric) = self.metric(name, &here) else { continue };
            if metric.is_diagnostic() {
                self.problems.push_hint(
                    &here,
                    format!("`{name}` is a diagnostic of the run, not a cost of the migration"),
                    "leave it out of `costs`",
                );
                continue;
            }
            if !weight.is_finite() || *weight < 0.0 {
                self.problems.push_hint(
                    &here,
                    format!("a weight must be a number of at least 0, found {}", show_number(*weight)),
                    "0 leaves the metric out; 5 makes one of it cost as much as five of a metric weighted 1",
                );
                continue;
            }
            let parent = metric.breakdown().map(|b| b.parent());
            let clash = weights
                .iter()
                .find(|(m, _)| Some(*m) == parent || m.breakdown().map(|b| b.parent()) == Some(metric));
            if let Some((other, _)) = clash {
                self.problems.push_hint(
                    &here,
                    format!("`{name}` and `{}` count the same things: they would weigh twice", other.name()),
                    "weight either the metric or its parts",
                );
                continue;
            }
            weights.push((metric, *weight));
        }
        Costs { weights, from_scenario: true }
    }
}
