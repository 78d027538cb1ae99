//! Fuzzes the sweep planner with a fixed base scenario: any sweep text must give a plan or a
//! list of problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

const BASE: &str = include_str!("../../scenarios/quickstart.json");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(sweep) = serde_json::from_str::<serde_json::Value>(text) else { return };
    let base: serde_json::Value = serde_json::from_str(BASE).expect("bundled scenario");
    let _ = scimsim::input::sweep_plan::plan(&sweep, &base);
});
