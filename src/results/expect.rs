//! Expectations (`expect` in a scenario): a metric's mean against a bound, or one strategy
//! better than another on paired differences (DESIGN §6).

use super::RunResult;
use crate::format::format_number;
use crate::input::scenario::{Bound, Expectation, Scenario};
use crate::stats::paired_difference;

/// Tolerance of `equals` (DESIGN §6).
pub const EQUALS_TOLERANCE: f64 = 1e-9;

/// The verdict on one expectation.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Holds.
    pub passed: bool,
    /// One line saying what was expected and what was found.
    pub description: String,
}

/// Evaluates an expectation against a run.
pub fn evaluate(scenario: &Scenario, result: &RunResult, expectation: &Expectation) -> Verdict {
    match *expectation {
        Expectation::Bound { strategy, metric, bound } => {
            let mean = result.strategies[strategy].summary(metric).mean;
            let (passed, wanted) = match bound {
                Bound::Equals(x) => ((mean - x).abs() <= EQUALS_TOLERANCE, format!("= {x}")),
                Bound::AtMost(x) => (mean <= x + EQUALS_TOLERANCE, format!("≤ {x}")),
                Bound::AtLeast(x) => (mean >= x - EQUALS_TOLERANCE, format!("≥ {x}")),
            };
            Verdict {
                passed,
                // The mean in full (shortest round-trip form): `equals` compares to 1e-9.
                description: format!(
                    "{} {}: mean {} (expected {wanted})",
                    scenario.strategies[strategy].name,
                    metric.name(),
                    if mean == 0.0 { "0".to_string() } else { mean.to_string() }
                ),
            }
        }
        Expectation::Better { better, than, metric } => {
            let d = paired_difference(
                &result.strategies[than].column(metric),
                &result.strategies[better].column(metric),
            );
            Verdict {
                passed: d.wholly_below_zero(),
                description: format!(
                    "{} better than {} on {}: difference {} [{}, {}] (expected wholly below 0)",
                    scenario.strategies[better].name,
                    scenario.strategies[than].name,
                    metric.name(),
                    format_number(d.mean),
                    format_number(d.ci95[0]),
                    format_number(d.ci95[1]),
                ),
            }
        }
    }
}
