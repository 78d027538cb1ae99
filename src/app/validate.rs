//! `scimsim validate` (read and check files without running them) and `scimsim schema`.

use super::console::{errln, outln};
use super::error::Error;
use super::files::{load_scenario, load_sweep};
use crate::input::raw::ScenarioFile;
use crate::input::reader::FromJson;
use crate::input::reader::SCHEMA_KEY;
use crate::input::sweep_plan::SweepFile;
use crate::report::{report_schema, sweep_result_schema};
use std::path::PathBuf;

/// Checks scenario and sweep files (`*.sweep.json`), printing `ok FILE (…)` for each good one;
/// every problem of every bad one is reported.
pub fn validate(files: &[PathBuf]) -> Result<(), Error> {
    let mut errors = Vec::new();
    for file in files {
        if file.to_string_lossy().ends_with(".sweep.json") {
            match load_sweep(file, None) {
                Ok(input) => {
                    outln!(
                        "ok {} ({} grid points × {} replications of {})",
                        file.display(),
                        input.plan.points.len(),
                        input.plan.replications,
                        input.plan.base.name
                    )?;
                    // Valid, but worth changing: an axis that selects entries by position.
                    for advice in &input.plan.advice {
                        outln!("  advice: {advice}")?;
                    }
                }
                Err(e) => errors.push(e),
            }
            continue;
        }
        match load_scenario(file) {
            Ok(s) => outln!(
                "ok {} ({} people, {} events, {} strategies)",
                file.display(),
                s.n_initial_people(),
                s.events.len(),
                s.strategies.len()
            )?,
            Err(e) => errors.push(e),
        }
    }
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        n => {
            for e in &errors {
                errln!("Error: {e}");
            }
            Err(Error::Usage(format!("{n} of {} files are invalid", files.len())))
        }
    }
}

/// A file format with a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    /// The scenario file.
    Scenario,
    /// The sweep file.
    Sweep,
    /// `report.json`, written by `run`.
    Report,
    /// `sweep.json`, written by `sweep` and `merge`.
    SweepResult,
}

/// The JSON Schema of a file format, pretty-printed (generated from the same declarations
/// the reader uses, so it cannot drift).
pub fn schema(kind: SchemaKind) -> String {
    let (mut value, title) = match kind {
        SchemaKind::Scenario => (ScenarioFile::schema(), "scimsim scenario"),
        SchemaKind::Sweep => (SweepFile::schema(), "scimsim sweep"),
        // Result files carry their own title and draft, and no `$schema` key of their own.
        SchemaKind::Report => return pretty(&report_schema()),
        SchemaKind::SweepResult => return pretty(&sweep_result_schema()),
    };
    if let serde_json::Value::Object(m) = &mut value {
        m.insert("$schema".into(), "https://json-schema.org/draft/2020-12/schema".into());
        m.insert("title".into(), title.into());
        // A file may name this schema in its own `$schema` key.
        if let Some(serde_json::Value::Object(p)) = m.get_mut("properties") {
            p.insert(
                SCHEMA_KEY.into(),
                serde_json::json!({"type": "string", "description": "The JSON Schema this file follows (for editors); ignored by scimsim."}),
            );
        }
    }
    pretty(&value)
}

fn pretty(value: &serde_json::Value) -> String {
    // Serialising a `Value` to a string cannot fail.
    serde_json::to_string_pretty(value).unwrap_or_default()
}
