//! Checks of the expectations: metric names (with a did-you-mean) and the strategies each
//! bound or comparison names.

use super::Checker;
use crate::input::raw::ExpectationFile;
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
}
