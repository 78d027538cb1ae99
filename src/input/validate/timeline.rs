//! Checks of the strategies: unique names and each timeline's actions (in time order, within
//! the horizon, SCIM enabled and disabled in a sensible order, at most one cutover).

use super::Checker;
use crate::format::show_number as show;
use crate::ids::SimTime;
use crate::input::raw::{self, ActionFile};
use crate::input::reader::{Items, JsonPath};
use crate::input::scenario::*;

impl Checker<'_> {
    pub(super) fn check_strategies(&mut self, strategies: &Items<raw::StrategyFile>) -> Vec<Strategy> {
        let at = JsonPath::root().key("strategies");
        if strategies.is_empty() && self.strategies_given {
            self.problems.push_hint(
                &at,
                "there are no strategies",
                "add at least one strategy with a timeline",
            );
        }
        let mut out = Vec::new();
        for (i, s) in strategies.iter() {
            let here = at.index(i);
            self.strategies.add(&s.name, &here.key("name"), self.problems);
            let actions = self.check_timeline(&s.timeline, &here.key("timeline"));
            out.push(Strategy {
                name: s.name.clone(),
                description: s.description.clone().unwrap_or_default(),
                group_conflicts: s.group_conflicts.unwrap_or_default(),
                actions,
            });
        }
        out
    }

    fn check_timeline(&mut self, timeline: &Items<ActionFile>, at: &JsonPath) -> Vec<Action> {
        #[derive(Clone, Copy, PartialEq)]
        enum Scim {
            None,
            Active,
            Deleted,
            Stopped,
        }
        let mut scim = Scim::None;
        let mut cutover_seen = false;
        let mut previous: Option<(SimTime, f64)> = None;
        let mut out = Vec::new();
        for (i, a) in timeline.iter() {
            let here = at.index(i);
            let t = self.day(a.day(), &here.key("day"));
            if let Some((pt, pday)) = previous {
                if t < pt {
                    self.problems.push_hint(
                        &here.key("day"),
                        format!(
                            "actions must be in time order: day {} comes after day {}",
                            show(a.day()),
                            show(pday)
                        ),
                        "sort the timeline by day",
                    );
                }
            }
            previous = Some((t, a.day()));
            let kind = match a {
                ActionFile::VerifyDomain(v) => {
                    let name = v.domain.to_lowercase();
                    self.domains.get(&name, &here.key("domain"), self.problems).map(ActionKind::VerifyDomain)
                }
                ActionFile::ClaimAccounts(c) => {
                    Some(ActionKind::ClaimAccounts { auto: c.auto.unwrap_or(false) })
                }
                ActionFile::EnableScim(_) => {
                    match scim {
                        Scim::Active => self.problems.push_hint(
                            &here,
                            "SCIM is already enabled here",
                            "remove this enable_scim or disable SCIM before it",
                        ),
                        Scim::Stopped => self.problems.push_hint(
                            &here,
                            "SCIM was stopped in the IdP earlier; the provisioning directory still exists",
                            "use `disable_scim` with `delete_directory` to remove it before enabling again",
                        ),
                        Scim::None | Scim::Deleted => {}
                    }
                    scim = Scim::Active;
                    Some(ActionKind::EnableScim)
                }
                ActionFile::DisableScim(d) => {
                    match (scim, d.method) {
                        (Scim::Active, DisableMethod::DeleteDirectory) => scim = Scim::Deleted,
                        (Scim::Active, DisableMethod::StopInIdp) => scim = Scim::Stopped,
                        (Scim::Stopped, DisableMethod::DeleteDirectory) => scim = Scim::Deleted,
                        _ => self.problems.push_hint(
                            &here,
                            "SCIM is not enabled at this point of the timeline",
                            "put an `enable_scim` action before this one, or remove it",
                        ),
                    }
                    Some(ActionKind::DisableScim(d.method))
                }
                ActionFile::Migrate(m) => {
                    let users = m.users.unwrap_or_default();
                    let share = match m.share {
                        Some(s) => {
                            if users == UsersScope::All {
                                self.problems.push_hint(
                                    &here.key("share"),
                                    "`share` only applies to `\"users\": \"referenced\"`",
                                    "remove `share` or set `users` to `referenced`",
                                );
                            }
                            self.share(s, &here.key("share"))
                        }
                        None => 1.0,
                    };
                    Some(ActionKind::Migrate(MigrateOptions {
                        assistant: m.assistant.unwrap_or_default(),
                        users,
                        share,
                        groups: m.groups.unwrap_or_default(),
                        invalid_emails: m.invalid_emails.unwrap_or_default(),
                        duplicate_emails: m.duplicate_emails.unwrap_or_default(),
                    }))
                }
                ActionFile::FixEmails(f) => {
                    let coverage = self.share(f.coverage.unwrap_or(1.0), &here.key("coverage"));
                    Some(ActionKind::FixEmails { coverage })
                }
                ActionFile::Cutover(c) => {
                    if cutover_seen {
                        self.problems.push_hint(
                            &here,
                            "a strategy has at most one cutover",
                            "remove the second cutover",
                        );
                    }
                    cutover_seen = true;
                    let days = c.login_spread_days.unwrap_or(0.0);
                    if !(0.0..=limits::MAX_HORIZON_DAYS).contains(&days) {
                        self.problems.push(
                            &here.key("login_spread_days"),
                            format!(
                                "the spread must be between 0 and {} days, found {}",
                                limits::MAX_HORIZON_DAYS,
                                show(days)
                            ),
                        );
                    }
                    Some(ActionKind::Cutover { login_spread: SimTime::from_days(days.max(0.0)).0 })
                }
            };
            if let Some(kind) = kind {
                out.push(Action { at: t, kind });
            }
        }
        out
    }
}
