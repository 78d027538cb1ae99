//! Parameter sweeps: a base scenario patched along one or more axes, every grid point run like
//! `scimsim run` would run the patched scenario.

mod result;

pub use result::{Axis, PointResult, SweepResult};
