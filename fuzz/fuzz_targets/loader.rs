//! Fuzzes the scenario loader: any bytes must give a scenario or a list of problems, never a
//! panic. Valid scenarios are also run for one replication (kept small by the input size).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(scenario) = scimsim::input::validate::parse_scenario(text) {
        let people = scenario.n_initial_people();
        if people <= 200 && scenario.horizon_days <= 400 {
            let realised = scimsim::sim::population::realise(&scenario, scimsim::rng::Streams::new(scenario.seed, 0));
            for s in 0..scenario.strategies.len() {
                scimsim::sim::simulate_with(&scenario, s, realised.input(), |world| {
                    if let Err(e) = world.check_invariants() {
                        panic!("invariant broken: {e}");
                    }
                });
            }
        }
    }
});
