//! The input layer: reading scenario and sweep files into checked values.
//!
//! [`reader`] reads JSON into the raw file types of [`raw`] (every problem at once, each with
//! its JSON path); [`validate`] turns those into the checked [`scenario::Scenario`], resolving
//! every name to an index; [`sweep_plan`] patches a base scenario along a sweep's axes and
//! checks every grid point. [`import`] reads the exports of a real organisation (IdP, server,
//! Atlassian, migration assistant) into rows. [`email`] holds the email text rules both validation and the
//! simulator use. Nothing here touches a file: the application layer reads the text.

pub mod email;
pub mod import;
pub mod raw;
pub mod reader;
pub mod scenario;
pub mod sweep_plan;
pub mod validate;
