//! The simulated world (DESIGN §2) and the rules that change it (DESIGN §3).
//!
//! The world knows the ground truth — which person owns which account — but the rules never
//! consult it; only the metrics do.

pub mod emails;
pub mod engine;
pub mod event;
pub mod explain;
mod invariants;
pub mod journal;
mod metric_tests;
pub mod observe;
pub mod population;
mod properties;
pub mod rules;
pub mod run;
mod testing;
pub mod world;

pub use crate::ids::{AccountId, GroupId, Origin, PersonId, ProductSet, RecordId, SimTime};
pub use run::{
    ReplicationInput, Step, run_replication, run_replication_explained, simulate, simulate_observed,
    simulate_observed_with_end, simulate_probed, simulate_with, simulate_with_end,
};
