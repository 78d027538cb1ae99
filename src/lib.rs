//! scimsim: a seeded discrete-event simulator of an Atlassian server/Data Center → cloud
//! migration in which SCIM user provisioning is switched on early, late or in between while
//! email addresses drift between the server directory, the identity provider and the cloud.
//!
//! The library holds all logic; `main.rs` is a thin CLI. The core (scenario validation, world,
//! rules, engine, metrics, statistics) takes values and returns values: no files, no stdout,
//! no clock. Files are read and written only by [`io`] and [`resume`] (sweep checkpoints).

pub mod charts;
pub mod error;
pub mod format;
pub mod ids;
pub mod input;
pub mod io;
pub mod metrics;
pub mod report;
pub mod resume;
pub mod rng;
pub mod runner;
pub mod sim;
pub mod stats;
pub mod sweep;
