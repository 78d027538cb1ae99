//! `report.html`: one self-contained page a customer can open — no script, no request for
//! anything, the charts inline as SVG, readable printed. It says what `summary.md` says, in
//! the order a reader needs it: the recommendation and the people most at risk first, then
//! what each strategy does, the tables with their intervals, the charts, the paired
//! comparisons with the recommended strategy, the scenario's own events, and the settings and
//! assumptions the numbers rest on. The page is an askama template (`templates/report.html`),
//! which escapes every text from the scenario file.

use super::markdown::{cause_text, lead, weights_text};
use super::trace::{action_name, clock, event_name, event_person};
use super::{Exporter, RunReport};
use crate::format::{mean_with_interval, show_number, value_label, value_text};
use crate::ids::SimTime;
use crate::input::scenario::{ActionKind, Population, Scenario, Strategy};
use crate::metrics::{Breakdown, MetricId};
use crate::results::recommend::{Agreement, recommend};
use crate::results::sweep::SweepResult;
use crate::sim::population::slot_names;
use askama::Template;

/// At most this many of the scenario's events are listed; the rest are counted.
const MAX_EVENTS: usize = 60;

/// The style sheet, inlined in the page.
const STYLE: &str = include_str!("../../templates/report.css");

/// A chart to show in the page: its SVG text and what it shows.
#[derive(Debug, Clone)]
pub struct InlineChart {
    /// Short id (`strategies`, `timeline`), also the anchor.
    pub id: String,
    /// The SVG document as drawn (an XML declaration is dropped when inlined).
    pub svg: String,
    /// A caption for readers.
    pub caption: String,
}

impl InlineChart {
    /// A chart with the caption scimsim gives charts of that id.
    pub fn new(id: &str, svg: &[u8]) -> InlineChart {
        let caption = match id {
            "strategies" => {
                "Each headline metric per strategy: the mean over the replications with its 95% interval."
            }
            "timeline" => {
                "The daily mean of three metrics per strategy, with 95% bands; each strategy's actions and the scenario's events are marked on the day axis."
            }
            metric => {
                return InlineChart {
                    id: id.to_string(),
                    svg: inline_svg(svg),
                    caption: format!(
                        "{metric}: the mean per strategy at each value of the first axis, with its 95% band; one panel per combination of the other axes."
                    ),
                };
            }
        };
        InlineChart { id: id.to_string(), svg: inline_svg(svg), caption: caption.to_string() }
    }
}

/// The SVG text for an HTML page: without the XML declaration, which HTML does not take.
fn inline_svg(svg: &[u8]) -> String {
    let text = String::from_utf8_lossy(svg);
    let text = text.trim_start();
    let body = match text.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(rest, |(_, after)| after),
        None => text,
    };
    body.trim().to_string()
}

/// `report.html`, with the charts to inline (none when they were not drawn: `charts_note`
/// then says why).
#[derive(Debug, Clone, Default)]
pub struct RunHtml {
    /// The charts, drawn by the application layer.
    pub charts: Vec<InlineChart>,
    /// Why there are no charts, or what is missing (empty: nothing to say).
    pub charts_note: String,
}

struct LeadView {
    best: String,
    cost: String,
    reading: Option<String>,
}

struct RankRow {
    rank: usize,
    name: String,
    cost: String,
    versus: String,
    causes: String,
    recommended: bool,
}

struct PersonRow {
    person: String,
    share: String,
    what: String,
    reason: String,
}

struct StrategyView {
    name: String,
    description: String,
    settings: String,
    actions: Vec<(String, String)>,
}

struct Cell {
    mean: String,
    interval: String,
}

struct MetricRow {
    metric: String,
    zero: bool,
    cells: Vec<Cell>,
}

struct TableView {
    id: String,
    title: String,
    strategies: Vec<String>,
    rows: Vec<MetricRow>,
}

struct ComparisonView {
    other: String,
    rows: Vec<(String, String, String, &'static str)>,
    /// The metrics equal in every replication, left out of `rows`.
    same: Vec<String>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    version: &'static str,
    title: &'a str,
    style: &'static str,
    description: &'a str,
    facts: Vec<(&'static str, String)>,
    lead: Option<LeadView>,
    best_name: String,
    ranking: Vec<RankRow>,
    weights: String,
    weights_from: &'static str,
    reasons: Vec<(String, String)>,
    people_at_risk: Vec<PersonRow>,
    people_note: &'static str,
    strategies: Vec<StrategyView>,
    tables: Vec<TableView>,
    charts: &'a [InlineChart],
    charts_note: &'a str,
    comparisons: Vec<ComparisonView>,
    events: Vec<(String, String)>,
    events_more: String,
    generated: String,
    settings: Vec<(String, String, String)>,
    files: &'static str,
}

/// `40 minutes`, `4 hours`, `90 seconds`.
fn duration(seconds: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    if seconds % 86_400 == 0 && seconds > 0 {
        plural(seconds / 86_400, "day")
    } else if seconds % 3600 == 0 && seconds > 0 {
        plural(seconds / 3600, "hour")
    } else if seconds % 60 == 0 {
        plural(seconds / 60, "minute")
    } else {
        plural(seconds, "second")
    }
}

/// What an action does, in a few words: its name and the choices it was given.
fn action_text(scenario: &Scenario, kind: &ActionKind) -> String {
    let name = action_name(kind);
    let detail = match kind {
        ActionKind::VerifyDomain(d) => scenario.domains[*d].name.clone(),
        ActionKind::ClaimAccounts { domain, auto } => format!(
            "{}{}",
            domain.map_or_else(|| "every verified domain".to_string(), |d| scenario.domains[d].name.clone()),
            if *auto { ", and later accounts automatically" } else { "" }
        ),
        ActionKind::CreateAccount { email, person } => {
            format!("{email}{}", if person.is_none() { " (nobody's)" } else { "" })
        }
        ActionKind::EnableScim | ActionKind::AlignSso => String::new(),
        ActionKind::Migrate(m) => format!(
            "{}, users {}, groups {}, invalid emails {}, duplicate emails {}{}",
            m.assistant.as_str(),
            m.users.as_str(),
            m.groups.as_str(),
            m.invalid_emails.as_str(),
            m.duplicate_emails.as_str(),
            if m.email_remap.to_idp_coverage.is_some() || !m.email_remap.people.is_empty() {
                ", with an email remap"
            } else {
                ""
            }
        ),
        ActionKind::FixEmails { coverage } => format!("coverage {}", show_number(*coverage)),
        ActionKind::Cutover { login_spread } => format!("sign-ins spread over {}", duration(*login_spread)),
        ActionKind::DisableScim(method) => method.as_str().to_string(),
        ActionKind::ResumeScim(mode) => mode.as_str().to_string(),
        ActionKind::Resync { people } => match people {
            None => "everyone".to_string(),
            Some(p) => format!("{} {}", p.len(), if p.len() == 1 { "person" } else { "people" }),
        },
    };
    if detail.is_empty() { name.to_string() } else { format!("{name}: {detail}") }
}

/// A strategy's own IdP settings and conflict policy, or that it keeps the organisation's.
fn strategy_settings(s: &Strategy) -> String {
    let mut own = vec![format!("group conflicts: {}", s.group_conflicts.as_str())];
    if let Some(m) = s.matching {
        own.push(format!("matching: {}", m.as_str()));
    }
    if let Some(d) = s.deprovision {
        own.push(format!("deprovision: {}", d.as_str()));
    }
    if let Some(g) = s.group_updates {
        own.push(format!("group updates: {}", g.as_str()));
    }
    if s.matching.is_none() && s.deprovision.is_none() && s.group_updates.is_none() {
        own.push("the organisation's IdP settings".to_string());
    }
    own.join(" · ")
}

/// The scenario's settings and assumptions: `(setting, value, meaning)`.
fn settings(scenario: &Scenario) -> Vec<(String, String, String)> {
    let idp = &scenario.idp;
    let a = &scenario.assumptions;
    let row = |key: &str, value: String, meaning: &str| (key.to_string(), value, meaning.to_string());
    // A setting whose value is one of the file's words: the word and what it means.
    macro_rules! choice {
        ($key:literal, $value:expr) => {
            row($key, $value.as_str().to_string(), $value.meaning())
        };
    }
    let mut rows = vec![
        choice!("idp.profile", idp.profile),
        row(
            "idp.sync_interval",
            duration(idp.sync_interval),
            "Time between two syncs of the provisioning directory.",
        ),
        choice!("idp.matching", idp.matching),
        choice!("idp.deprovision", idp.deprovision),
        choice!("idp.group_updates", idp.group_updates),
        row(
            "server_sync_lag",
            duration(scenario.server_sync_lag),
            "Time before an external (LDAP/Crowd) server directory follows an IdP email change.",
        ),
        choice!("assumptions.email_match", a.email_match),
        choice!("assumptions.migrate_into_scim_group", a.migrate_into_scim_group),
        row(
            "assumptions.claim_needs_account",
            a.claim_needs_account.to_string(),
            if a.claim_needs_account {
                "A claim makes a domain verified and claimed only once an account on it is managed."
            } else {
                "A claim alone makes a domain verified and claimed (scimsim 0.2's reading)."
            },
        ),
    ];
    let (d, c) = (&scenario.drift, &scenario.churn);
    let drift = if d.is_none() {
        "none".to_string()
    } else {
        format!(
            "{} email changes and {} new IdP objects per person-year",
            show_number(d.idp_email_changes_per_person_year),
            show_number(d.idp_rekeys_per_person_year)
        )
    };
    let churn = if c.is_none() {
        "none".to_string()
    } else {
        format!(
            "{} joiners and {} leavers per day",
            show_number(c.joiners_per_day),
            show_number(c.leavers_per_day)
        )
    };
    let domains: Vec<&str> = scenario.domains.iter().map(|d| d.name.as_str()).collect();
    rows.extend([
        row("drift", drift, "Random IdP-side changes, drawn per replication."),
        row("churn", churn, "Random joiners and leavers, drawn per replication."),
        row("population", population_text(scenario), &population_meaning(scenario)),
        row("domains", domains.join(", "), "The organisation's email domains."),
        row("products", scenario.products.join(", "), "The products whose access is counted."),
    ]);
    rows
}

fn population_text(scenario: &Scenario) -> String {
    match &scenario.population {
        Population::Explicit(p) => format!("{} people listed in the scenario", p.len()),
        Population::Synthetic(s) => format!("{} people generated per replication", s.people),
    }
}

fn population_meaning(scenario: &Scenario) -> String {
    let Population::Synthetic(s) = &scenario.population else {
        return "Every person is given by the scenario file.".to_string();
    };
    let shares = [
        ("IdP only", s.idp_only_share),
        ("server only", s.server_only_share),
        ("former staff", s.inactive_server_share),
        ("external directory", s.external_directory_share),
        ("email mismatch", s.initial_email_mismatch_share),
        ("existing cloud account", s.existing_cloud_account_share),
        ("cloud account on another address", s.existing_cloud_other_email_share),
        ("invalid server email", s.invalid_server_email_share),
        ("duplicate server email", s.duplicate_server_email_share),
        ("content owners", s.content_owner_share),
        ("out of scope", s.out_of_scope_share),
        ("SSO email differs", s.sso_email_mismatch_share),
    ];
    let given: Vec<String> = shares
        .iter()
        .filter(|(_, v)| *v > 0.0)
        .map(|(k, v)| format!("{k} {}%", value_label(v * 100.0)))
        .collect();
    if given.is_empty() {
        "Shares: none given.".to_string()
    } else {
        format!("Shares: {}.", given.join(", "))
    }
}

/// The names of the people the events name: every slot up to the last one an event is about
/// (a synthetic population's other people are not named).
fn event_names(scenario: &Scenario) -> Vec<String> {
    let slots = scenario.events.iter().filter_map(|e| event_person(&e.kind)).map(|p| p.index() + 1).max();
    slot_names(scenario, slots.unwrap_or(0))
}

impl RunHtml {
    /// The page with the SVG charts among `files` (`(file name, bytes)`, as drawn) inlined,
    /// and `note` under the Charts heading (empty: none).
    pub fn new<'f>(files: impl IntoIterator<Item = (&'f str, &'f [u8])>, note: String) -> RunHtml {
        let charts = files
            .into_iter()
            .filter_map(|(name, bytes)| name.strip_suffix(".svg").map(|id| InlineChart::new(id, bytes)))
            .collect();
        RunHtml { charts, charts_note: note }
    }
}

impl Exporter<RunReport<'_>> for RunHtml {
    fn file_name(&self) -> &'static str {
        "report.html"
    }

    fn render(&self, report: &RunReport<'_>) -> Vec<u8> {
        let (scenario, result) = (report.scenario, report.result);
        let name = |i: usize| result.strategies[i].name.clone();
        let rec = recommend(scenario, result);
        let best = rec.best().unwrap_or(0);
        let best_name = result.strategies.get(best).map(|s| s.name.clone()).unwrap_or_default();
        let lead =
            lead(result, &rec).map(|l| LeadView { best: name(l.best), cost: l.cost, reading: l.reading });
        let ranking = rec
            .ranking
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let causes: Vec<String> =
                    r.main_causes.iter().map(|&(m, v)| cause_text(m, v).replace('`', "")).collect();
                RankRow {
                    rank: i + 1,
                    name: name(r.strategy),
                    cost: mean_with_interval(r.cost.mean, r.cost.ci95),
                    versus: r.versus_best.map_or_else(|| "recommended".to_string(), |c| c.describe()),
                    causes: if causes.is_empty() { "none".to_string() } else { causes.join(", ") },
                    recommended: i == 0,
                }
            })
            .collect();
        let mut reasons = Vec::new();
        for r in &rec.ranking {
            for &(reason, _) in &r.main_reasons {
                let entry = (reason.code().to_string(), reason.gloss().to_string());
                if !reasons.contains(&entry) {
                    reasons.push(entry);
                }
            }
        }
        let people_at_risk: Vec<PersonRow> = rec
            .people_at_risk
            .iter()
            .flatten()
            .map(|p| PersonRow {
                person: p.person.clone(),
                share: format!("{}%", value_label(p.share * 100.0)),
                what: p.cause.map_or_else(|| p.what.clone(), |c| c.gloss().to_string()),
                reason: p.cause.map_or_else(String::new, |c| c.code().to_string()),
            })
            .collect();
        let people_note = if rec.people_at_risk.is_some() {
            "Nobody is affected under the recommended strategy in any replication."
        } else {
            "Each person's outcomes were not counted in this run; run with --people to list who is affected."
        };
        let strategies = scenario
            .strategies
            .iter()
            .map(|s| StrategyView {
                name: s.name.clone(),
                description: s.description.clone(),
                settings: strategy_settings(s),
                actions: s.actions.iter().map(|a| (clock(a.at), action_text(scenario, &a.kind))).collect(),
            })
            .collect();
        let strategy_names: Vec<String> = result.strategies.iter().map(|s| s.name.clone()).collect();
        let table = |id: &str, title: &str, metrics: Vec<(String, MetricId)>| TableView {
            id: id.to_string(),
            title: title.to_string(),
            strategies: strategy_names.clone(),
            rows: metrics
                .into_iter()
                .map(|(label, m)| {
                    let cells: Vec<Cell> = result.strategies.iter().map(|s| cell_of(s.summary(m))).collect();
                    let zero = result.strategies.iter().all(|s| {
                        let sum = s.summary(m);
                        sum.mean == 0.0 && sum.ci95 == [0.0, 0.0]
                    });
                    MetricRow { metric: label, zero, cells }
                })
                .collect(),
        };
        let mut tables = vec![table(
            "results",
            "Results",
            MetricId::headline().filter(|m| !m.is_diagnostic()).map(|m| (m.name().to_string(), m)).collect(),
        )];
        for b in Breakdown::ALL {
            let (id, title) = match b {
                Breakdown::SurplusByOrigin => ("surplus-by-origin", "Surplus accounts by origin"),
                Breakdown::LostAccessByCause => ("lost-access-by-cause", "Lost access by cause"),
            };
            let parts =
                b.columns().filter(|m| m.part().is_some()).map(|m| (m.name().to_string(), m)).collect();
            tables.push(table(id, title, parts));
        }
        let comparisons = rec
            .ranking
            .iter()
            .skip(1)
            .map(|r| {
                let metrics: Vec<_> = rec
                    .paired
                    .iter()
                    .filter(|p| p.strategy == r.strategy && !p.metric.is_diagnostic())
                    .collect();
                let (same, differ): (Vec<_>, Vec<_>) =
                    metrics.into_iter().partition(|p| p.comparison.agreement == Agreement::Same);
                (r, same, differ)
            })
            .map(|(r, same, differ)| ComparisonView {
                other: name(r.strategy),
                same: same.iter().map(|p| p.metric.name().to_string()).collect(),
                rows: differ
                    .into_iter()
                    .map(|p| {
                        let d = &p.comparison.difference;
                        let class = if !p.comparison.is_clear() {
                            "same"
                        } else if d.mean < 0.0 {
                            "lower"
                        } else {
                            "higher"
                        };
                        (
                            p.metric.name().to_string(),
                            mean_with_interval(d.mean, d.ci95),
                            p.comparison.verdict(),
                            class,
                        )
                    })
                    .collect(),
            })
            .collect();
        let names = event_names(scenario);
        let events = scenario
            .events
            .iter()
            .take(MAX_EVENTS)
            .map(|e| (clock(e.at), event_name(scenario, &e.kind, &names)))
            .collect();
        let events_more = if scenario.events.len() > MAX_EVENTS {
            format!(
                "… and {} more events, the last on {}.",
                scenario.events.len() - MAX_EVENTS,
                clock(scenario.events.last().map_or(SimTime(0), |e| e.at))
            )
        } else {
            String::new()
        };
        let mut generated = Vec::new();
        if !scenario.drift.is_none() {
            generated.push("random IdP email changes and new IdP objects (drift)");
        }
        if !scenario.churn.is_none() {
            generated.push("random joiners and leavers (churn)");
        }
        let generated = if generated.is_empty() {
            String::new()
        } else {
            format!("each replication draws {} (see Settings and assumptions)", generated.join(" and "))
        };
        let population = match &scenario.population {
            Population::Explicit(p) => format!("{} (listed)", p.len()),
            Population::Synthetic(s) => format!("{} (generated)", s.people),
        };
        let facts = vec![
            ("replications", result.replications.to_string()),
            ("seed", result.seed.to_string()),
            ("horizon", format!("{} days", scenario.horizon_days)),
            ("people", population),
            ("identity provider", scenario.idp.profile.as_str().to_string()),
            ("strategies", result.strategies.len().to_string()),
        ];
        let page = Page {
            version: env!("CARGO_PKG_VERSION"),
            title: &scenario.name,
            style: STYLE,
            description: &scenario.description,
            facts,
            lead,
            best_name,
            ranking,
            weights: weights_text(&scenario.costs),
            weights_from: if scenario.costs.from_scenario { "the scenario's" } else { "the default" },
            reasons,
            people_at_risk,
            people_note,
            strategies,
            tables,
            charts: &self.charts,
            charts_note: &self.charts_note,
            comparisons,
            events,
            events_more,
            generated,
            settings: settings(scenario),
            files: if result.people.is_some() {
                "report.json, summary.md, replications.csv, timeline.csv and people.csv"
            } else {
                "report.json, summary.md, replications.csv and timeline.csv"
            },
        };
        // Rendering into a String fails only if a value's Display fails, which none here does.
        page.render()
            .unwrap_or_else(|e| format!("<!DOCTYPE html><p>report could not be rendered: {e}</p>"))
            .into_bytes()
    }
}

/// At most this many rows (point × strategy) are listed in `sweep.html`; the rest are in
/// `sweep.csv`.
const MAX_SWEEP_ROWS: usize = 600;

/// `sweep.html`, with the charts to inline.
#[derive(Debug, Clone, Default)]
pub struct SweepHtml {
    /// The charts, drawn by the application layer (one per metric).
    pub charts: Vec<InlineChart>,
    /// Why there are no charts (empty: nothing to say).
    pub charts_note: String,
}

impl SweepHtml {
    /// The page with the SVG charts among `files` inlined (see [`RunHtml::new`]).
    pub fn new<'f>(files: impl IntoIterator<Item = (&'f str, &'f [u8])>, note: String) -> SweepHtml {
        let RunHtml { charts, charts_note } = RunHtml::new(files, note);
        SweepHtml { charts, charts_note }
    }
}

struct SweepRow {
    first: bool,
    point: usize,
    values: Vec<String>,
    strategy: String,
    cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "sweep.html")]
struct SweepPage<'a> {
    version: &'static str,
    title: &'a str,
    style: &'static str,
    description: &'a str,
    facts: Vec<(&'static str, String)>,
    axes: Vec<(String, String, String)>,
    charts: Vec<&'a InlineChart>,
    charts_note: &'a str,
    zero: Vec<&'static str>,
    axis_labels: Vec<String>,
    metrics: Vec<&'static str>,
    rows: Vec<SweepRow>,
    rows_more: String,
}

/// A table cell: the mean, and the interval when the replications differ.
fn cell_of(sum: &crate::stats::Summary) -> Cell {
    let interval = if sum.ci95[0] == sum.ci95[1] {
        String::new()
    } else {
        format!("[{}, {}]", value_label(sum.ci95[0]), value_label(sum.ci95[1]))
    };
    Cell { mean: value_label(sum.mean), interval }
}

impl Exporter<SweepResult> for SweepHtml {
    fn file_name(&self) -> &'static str {
        "sweep.html"
    }

    fn render(&self, sweep: &SweepResult) -> Vec<u8> {
        let headline: Vec<MetricId> = MetricId::headline().filter(|m| !m.is_diagnostic()).collect();
        let nonzero = |m: MetricId| {
            sweep.points.iter().any(|p| p.summaries.iter().any(|s| s[m.0].mean != 0.0 || s[m.0].max != 0.0))
        };
        let (shown, zero): (Vec<MetricId>, Vec<MetricId>) = headline.into_iter().partition(|&m| nonzero(m));
        // One chart per metric shown; the parts of the breakdowns are in sweep.json.
        let charts = self.charts.iter().filter(|c| shown.iter().any(|m| m.name() == c.id)).collect();
        let axis_label =
            |a: &crate::input::sweep_plan::Axis| a.label.clone().unwrap_or_else(|| a.path.clone());
        let axes = sweep
            .axes
            .iter()
            .map(|a| {
                let values: Vec<String> = a.values.iter().map(value_text).collect();
                (axis_label(a), a.path.clone(), values.join(", "))
            })
            .collect();
        let mut rows = Vec::new();
        'points: for p in &sweep.points {
            for (k, (name, summaries)) in sweep.strategies.iter().zip(&p.summaries).enumerate() {
                if rows.len() == MAX_SWEEP_ROWS {
                    break 'points;
                }
                rows.push(SweepRow {
                    first: k == 0,
                    point: p.index,
                    values: sweep
                        .axes
                        .iter()
                        .zip(&p.coords)
                        .map(|(a, &c)| value_text(&a.values[c]))
                        .collect(),
                    strategy: name.clone(),
                    cells: shown.iter().map(|m| cell_of(&summaries[m.0])).collect(),
                });
            }
        }
        let total = sweep.points.len() * sweep.strategies.len();
        let rows_more = if total > rows.len() {
            format!("The first {} of {total} rows; every row is in sweep.csv.", rows.len())
        } else {
            String::new()
        };
        let page = SweepPage {
            version: env!("CARGO_PKG_VERSION"),
            title: &sweep.name,
            style: STYLE,
            description: &sweep.description,
            facts: vec![
                ("base scenario", sweep.scenario.clone()),
                ("grid points", sweep.points.len().to_string()),
                ("replications per point", sweep.replications.to_string()),
                ("strategies", sweep.strategies.join(", ")),
            ],
            axes,
            charts,
            charts_note: &self.charts_note,
            zero: zero.iter().map(|m| m.name()).collect(),
            axis_labels: sweep.axes.iter().map(axis_label).collect(),
            metrics: shown.iter().map(|m| m.name()).collect(),
            rows,
            rows_more,
        };
        page.render()
            .unwrap_or_else(|e| format!("<!DOCTYPE html><p>sweep report could not be rendered: {e}</p>"))
            .into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_loses_its_xml_declaration_only() {
        let svg = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg width=\"10\"><text>a</text></svg>\n";
        assert_eq!(inline_svg(svg), "<svg width=\"10\"><text>a</text></svg>");
        assert_eq!(inline_svg(b"<svg/>"), "<svg/>");
    }

    #[test]
    fn durations_read_in_the_largest_whole_unit() {
        assert_eq!(duration(2400), "40 minutes");
        assert_eq!(duration(60), "1 minute");
        assert_eq!(duration(14_400), "4 hours");
        assert_eq!(duration(86_400 * 2), "2 days");
        assert_eq!(duration(90), "90 seconds");
        assert_eq!(duration(0), "0 minutes");
    }
}
