//! Words on the charts: human labels and units of metrics, short names of strategy actions,
//! and the palette, marker and dash that identify a strategy on every chart.

use super::canvas::{Colour, Dash, Shape};
use crate::ids::Origin;
use crate::input::scenario::{ActionKind, ExoKind, Scenario};
use crate::metrics::{Breakdown, Cause, MetricId, Part};

/// The Okabe–Ito palette, safe for the common colour-vision deficiencies.
pub const PALETTE: [Colour; 8] = [
    Colour::hex(0x0072B2),
    Colour::hex(0xE69F00),
    Colour::hex(0x009E73),
    Colour::hex(0xD55E00),
    Colour::hex(0xCC79A7),
    Colour::hex(0x56B4E9),
    Colour::hex(0xF0E442),
    Colour::hex(0x000000),
];

/// How strategy `s` (scenario order) is drawn on every chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Look {
    /// Line, marker and band colour.
    pub colour: Colour,
    /// Marker shape.
    pub shape: Shape,
    /// Line dash.
    pub dash: Dash,
}

/// Marks of the scenario's own events (grey: no strategy's colour), drawn as rings.
pub const EVENT: Colour = Colour::hex(0x6B6B6B);

/// Marker shapes of strategies, in order (the ring is kept for events).
pub const SHAPES: [Shape; 8] = [
    Shape::Circle,
    Shape::Square,
    Shape::TriangleUp,
    Shape::Diamond,
    Shape::TriangleDown,
    Shape::Pentagon,
    Shape::Star,
    Shape::Cross,
];

/// Line dashes of strategies, in order.
pub const DASHES: [Dash; 8] = [
    Dash::Solid,
    Dash::Dashed,
    Dash::Dotted,
    Dash::Chain,
    Dash::Long,
    Dash::DoubleChain,
    Dash::LongShort,
    Dash::SparseDots,
];

/// The look of strategy `s`: the first eight differ in colour, marker and dash alike; after
/// that colours cycle and shapes and dashes shift against them, so the first 64 strategies
/// still differ in at least one of the three.
pub fn look(s: usize) -> Look {
    let (i, round) = (s % 8, s / 8);
    Look { colour: PALETTE[i], shape: SHAPES[(i + round) % 8], dash: DASHES[(i + 3 * round) % 8] }
}

/// Short label of a scenario event on the timeline (people are not named: the row is about
/// when things happen to the migration).
pub fn event_label(scenario: &Scenario, kind: &ExoKind) -> String {
    let group = |g: &crate::ids::GroupId| scenario.groups.get(g.index()).map_or("?", |g| g.name.as_str());
    match kind {
        ExoKind::ChangeIdpEmail { .. } => "email change".to_string(),
        ExoKind::RekeyIdpObject { .. } => "new IdP object".to_string(),
        ExoKind::Leave { .. } => "leaver".to_string(),
        ExoKind::Assign { .. } => "assigned".to_string(),
        ExoKind::Unassign { .. } => "unassigned".to_string(),
        ExoKind::Rehire { .. } => "rehire".to_string(),
        ExoKind::Join { .. } => "joiner".to_string(),
        ExoKind::DeleteIdpGroup { group: g } => format!("group {} deleted", group(g)),
        ExoKind::CreateIdpGroup { group: g, .. } => format!("group {} created", group(g)),
        ExoKind::IdpEmailDrift { .. } => "name change".to_string(),
        ExoKind::AddToIdpGroup { group: g, .. } => format!("added to {}", group(g)),
        ExoKind::RemoveFromIdpGroup { group: g, .. } => format!("removed from {}", group(g)),
        ExoKind::MoveDomain { from, to, .. } => format!("{from} → {to}"),
    }
}

/// Human label of a column, for panel and chart titles. A part is labelled "whole: part"
/// ("Lost access: group deleted").
pub fn metric_label(metric: MetricId) -> String {
    if let Some(part) = metric.part() {
        let whole = match part.breakdown() {
            Breakdown::SurplusByOrigin => "Surplus accounts",
            Breakdown::LostAccessByCause => "Lost access",
        };
        return format!("{whole}: {}", part_label(part));
    }
    match metric.name() {
        "duplicate_people" => "Duplicate people",
        "surplus_accounts" => "Surplus accounts",
        "split_identity_people" => "Split-identity people",
        "lost_access_incidents" => "Lost-access incidents",
        "missing_access_people" => "People missing access",
        "over_access_people" => "People with excess access",
        "orphaned_accounts" => "Orphaned accounts",
        "orphaned_account_days" => "Orphaned account-days",
        "group_conflicts" => "Group conflicts",
        "scim_errors" => "SCIM errors",
        "unlinked_scim_records" => "Unlinked SCIM records",
        "former_users" => "Former users",
        "blocked_users" => "Blocked users",
        "remapped_users" => "Remapped users",
        "admin_fix_failures" => "Admin email-fix failures",
        "billable_accounts" => "Billable accounts",
        "events_processed" => "Events processed",
        other => other,
    }
    .to_string()
}

/// What a part of a breakdown counts, for its label.
fn part_label(part: Part) -> &'static str {
    match part {
        Part::Origin(origin) => match origin {
            Origin::PreExisting => "pre-existing",
            Origin::Migration => "created by migration",
            Origin::Scim => "created by SCIM",
            Origin::SelfSignup => "self-signup",
            Origin::Placeholder => "placeholders",
            Origin::Admin => "admin-invited",
        },
        Part::Cause(cause) => match cause {
            Cause::GroupDeleted => "group deleted",
            Cause::ConflictAccepted => "group conflict accepted",
            Cause::EmailUpdateUnlinked => "email update unlinked account",
            Cause::ScimGroupOverwritten => "SCIM group overwritten",
            Cause::SignedIntoNewAccount => "signed into new account",
            Cause::DeprovisionedInUse => "deprovisioned while in use",
            Cause::Other => "other causes",
        },
    }
}

/// Unit of a column, for the y axis: a part counts what its parent counts.
pub fn metric_unit(metric: MetricId) -> &'static str {
    if let Some(b) = metric.breakdown() {
        return metric_unit(b.parent());
    }
    match metric.name() {
        "duplicate_people" | "split_identity_people" | "missing_access_people" | "over_access_people" => {
            "people"
        }
        "surplus_accounts" | "orphaned_accounts" | "billable_accounts" => "accounts",
        "lost_access_incidents" => "incidents",
        "orphaned_account_days" => "account-days",
        "group_conflicts" => "conflicts",
        "scim_errors" => "errors",
        "unlinked_scim_records" => "records",
        "former_users" | "blocked_users" | "remapped_users" => "users",
        "admin_fix_failures" => "failures",
        "events_processed" => "events",
        _ => "count",
    }
}

/// Short label of a strategy action on the timeline.
pub fn action_label(kind: &ActionKind) -> &'static str {
    match kind {
        ActionKind::VerifyDomain(_) => "verify",
        ActionKind::ClaimAccounts { .. } => "claim",
        ActionKind::CreateAccount { .. } => "create account",
        ActionKind::EnableScim => "SCIM on",
        ActionKind::Migrate(_) => "migrate",
        ActionKind::FixEmails { .. } => "fix emails",
        ActionKind::Cutover { .. } => "cutover",
        ActionKind::DisableScim(_) => "SCIM off",
        ActionKind::AlignSso => "align SSO",
        ActionKind::ResumeScim(_) => "SCIM resumed",
        ActionKind::Resync { .. } => "resync",
    }
}

/// One label for actions at the same instant, in order: repeats are counted ("verify ×2"),
/// different actions joined ("verify + claim").
pub fn merged_label<S: AsRef<str>>(labels: &[S]) -> String {
    let mut parts: Vec<(&str, usize)> = Vec::new();
    let labels = labels.iter().map(AsRef::as_ref);
    for label in labels {
        match parts.iter_mut().find(|(l, _)| *l == label) {
            Some((_, n)) => *n += 1,
            None => parts.push((label, 1)),
        }
    }
    parts
        .iter()
        .map(|&(l, n)| if n == 1 { l.to_string() } else { format!("{l} ×{n}") })
        .collect::<Vec<_>>()
        .join(" + ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_has_a_label_and_a_unit() {
        for metric in MetricId::all() {
            assert!(!metric_label(metric).contains('_'), "{}", metric.name());
            assert_ne!(metric_unit(metric), "count", "{}", metric.name());
        }
        assert_eq!(metric_label(MetricId::surplus_of(Origin::SelfSignup)), "Surplus accounts: self-signup");
        assert_eq!(metric_unit(MetricId::surplus_of(Origin::Admin)), "accounts");
        assert_eq!(metric_unit(Cause::Other.column()), "incidents");
    }

    #[test]
    fn eight_strategies_differ_in_colour_marker_and_dash() {
        let looks: Vec<Look> = (0..8).map(look).collect();
        for (a, x) in looks.iter().enumerate() {
            for (b, y) in looks.iter().enumerate().skip(a + 1) {
                assert_ne!(x.colour, y.colour, "colours of {a} and {b}");
                assert_ne!(x.shape, y.shape, "markers of {a} and {b}");
                assert_ne!(x.dash, y.dash, "dashes of {a} and {b}");
            }
            assert_ne!(x.shape, Shape::Ring, "the ring is for events");
        }
        // The dashes really differ as patterns, not only in name.
        for (a, x) in DASHES.iter().enumerate() {
            for y in &DASHES[a + 1..] {
                assert_ne!(x.pattern(), y.pattern());
            }
        }
        // Beyond eight, no two of the first 64 look the same.
        let many: Vec<Look> = (0..64).map(look).collect();
        for (a, x) in many.iter().enumerate() {
            assert!(many[a + 1..].iter().all(|y| y != x), "strategy {a} repeats");
        }
    }

    #[test]
    fn same_instant_actions_merge() {
        assert_eq!(merged_label(&["verify", "verify"]), "verify ×2");
        assert_eq!(merged_label(&["verify", "claim"]), "verify + claim");
        assert_eq!(merged_label(&["migrate"]), "migrate");
    }
}
