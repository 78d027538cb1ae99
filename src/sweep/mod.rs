//! Parameter sweeps: a base scenario patched along one or more axes, every grid point run like
//! `scimsim run` would run the patched scenario.

pub mod checkpoint;
mod result;
mod run;

pub use crate::input::sweep_plan::{
    MAX_GRID_POINTS, MAX_SWEEP_RUNS, SweepFile, SweepPlan, coords_of, plan, range_values,
};
pub use result::{Axis, PointResult, SweepResult};
pub use run::{CHUNK_REPLICATIONS, assemble, chunks, run_points, run_sweep};
