//! `scimsim check`: runs every scenario that has `expect` and judges its expectations.

use super::check_flags;
use super::console::{errln, outln};
use super::error::Error;
use super::files::{find_scenarios, load_scenario};
use super::parallel::{self, with_threads};
use crate::results::{RunConfig, evaluate};
use std::path::PathBuf;

/// Checks the scenarios under `paths` (default `scenarios/`), printing one line per
/// expectation and the totals.
pub fn check(paths: Vec<PathBuf>, jobs: Option<usize>) -> Result<(), Error> {
    check_flags(None, jobs)?;
    let paths = if paths.is_empty() { vec![PathBuf::from("scenarios")] } else { paths };
    let files = find_scenarios(&paths)?;
    // Capped at what the machine can use, and below for each scenario at its own work.
    let (jobs, note) = parallel::cap_jobs(jobs, u64::MAX, "check");
    if let Some(note) = note {
        errln!("{note}");
    }
    let (mut passed, mut failed, mut invalid) = (0usize, 0usize, 0usize);
    for file in &files {
        let scenario = match load_scenario(file) {
            Ok(s) => s,
            Err(e) => {
                errln!("Error: {e}");
                invalid += 1;
                continue;
            }
        };
        if scenario.expectations.is_empty() {
            continue;
        }
        let config = RunConfig::of(&scenario);
        let items = config.replications.saturating_mul(scenario.strategies.len() as u64);
        let (jobs, _) = parallel::cap_jobs(jobs, items, "scenario");
        let result = with_threads(jobs, || parallel::run(&scenario, config, &|| {}))?;
        for expectation in &scenario.expectations {
            let verdict = evaluate(&scenario, &result, expectation);
            outln!(
                "{} {}: {}",
                if verdict.passed { "ok  " } else { "FAIL" },
                file.display(),
                verdict.description
            )?;
            if verdict.passed {
                passed += 1;
            } else {
                failed += 1;
            }
        }
    }
    outln!("{passed} passed, {failed} failed")?;
    if invalid > 0 {
        return Err(Error::Usage(format!(
            "{invalid} scenario file{} invalid",
            if invalid == 1 { " is" } else { "s are" }
        )));
    }
    if failed > 0 {
        return Err(Error::ExpectationsFailed(failed));
    }
    if passed == 0 {
        // A CI job that checks the wrong folder must not pass vacuously.
        let places: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::NoExpectations(places.join(", ")));
    }
    Ok(())
}
