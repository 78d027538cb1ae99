//! scimsim: a seeded discrete-event simulator of an Atlassian server/Data Center → cloud
//! migration in which SCIM user provisioning is switched on early, late or in between while
//! email addresses drift between the server directory, the identity provider and the cloud.
//!
//! The library holds all logic; `main.rs` is a thin CLI. Layers point downward only:
//!
//! ```text
//! main → app → {report, charts} → results → sim → input → {format, metrics, stats, rng} → ids
//! ```
//!
//! [`app`] holds the use cases and is the only layer that touches files, threads, signals or
//! the terminal. [`report`] and [`charts`] turn results into bytes. [`results`] aggregates
//! outcomes into statistics. [`sim`] is the world, its rules and the event engine. [`input`]
//! reads scenario and sweep files into checked values. The bottom modules are the shared
//! vocabulary, [`ids`] lowest (the metrics' breakdown by origin builds on it). Below `app`, code takes values and returns values: no files, no stdout, no
//! clock, no threads.

pub mod app;
pub mod charts;
pub mod format;
pub mod ids;
pub mod input;
pub mod metrics;
pub mod report;
pub mod results;
pub mod rng;
pub mod sim;
pub mod stats;
