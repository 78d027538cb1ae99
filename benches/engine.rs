//! Benchmarks: engine events per second; wall time, the time of each phase (generation, world
//! build, migration, first sync, cutover, event loop, metrics, reports, charts, freeing) in
//! nanoseconds per person per strategy, and peak memory of one replication at 10,000, 100,000
//! and 1,000,000 people; replications per second at -j 1 and -j 2; the cost of one 40-minute
//! sync, quiet or with a little churn, at 10,000 and 100,000 people; and the cost of a quiet sync
//! over 3 years after a cutover at 10,000, 100,000 and 1,000,000 people. Run with
//! `cargo bench --bench engine` (add `-- --quick` to skip the 1,000,000-person cases, or
//! `-- --people N` for one replication of N people only, e.g. under a profiler; `-- --sync`
//! runs only the per-sync section, which shows that a sync costs O(changes), not O(people), and
//! `-- --quiet-years` only the 3-year one). Phases are timed through `simulate_probed` (one
//! `Instant::now` per event; a run without a probe does no timing). Peak memory is measured by a
//! counting allocator, so it is exact and repeatable.
//! Figures go in README.md; timings are never asserted (machines are shared and noisy).

use scimsim::app::parallel;
use scimsim::charts::{ChartSize, run_charts};
use scimsim::input::scenario::{ActionKind, Scenario, Strategy};
use scimsim::input::validate::scenario_from_value;
use scimsim::metrics::{MetricId, Outcome};
use scimsim::report::{RunReport, render_all, run_exporters};
use scimsim::results::{RunConfig, aggregate};
use scimsim::rng::Streams;
use scimsim::sim::event::Event;
use scimsim::sim::population::{Realised, realise};
use scimsim::sim::{SimTime, Step};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The system allocator, counting the bytes in use and their peak.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size > layout.size() {
                let now =
                    IN_USE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                IN_USE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A realistic 180-day, 3-strategy scenario of `people` people (Entra ID, legacy domain,
/// drift and churn scaled with the organisation).
fn scenario(people: u64) -> Scenario {
    scenario_from_value(&scenario_value(people)).unwrap_or_else(|p| panic!("{p:?}"))
}

/// The file of [`scenario`].
fn scenario_value(people: u64) -> serde_json::Value {
    let per_day = people as f64 * 0.0003;
    serde_json::json!({
        "name": "bench", "seed": 1, "replications": 1, "horizon_days": 180, "products": ["jira", "confluence"],
        "domains": [{"name": "acme.com", "share": 1.0}, {"name": "acme-legacy.com", "share": 0.0}],
        "groups": [
            {"name": "jira-users", "grants": ["jira"], "synced_from_idp": true, "members_share": 0.7, "idp_disagreement_share": 0.02},
            {"name": "confluence-users", "grants": ["confluence"], "synced_from_idp": true, "members_share": 0.8}
        ],
        "population": {"synthetic": {"people": people, "idp_only_share": 0.03, "server_only_share": 0.01,
            "inactive_server_share": 0.08, "external_directory_share": 0.6, "initial_email_mismatch_share": 0.12,
            "existing_cloud_account_share": 0.05, "invalid_server_email_share": 0.002, "duplicate_server_email_share": 0.002}},
        "idp": {"profile": "entra_id"},
        "drift": {"idp_email_changes_per_person_year": 0.04, "idp_rekeys_per_person_year": 0.01},
        "churn": {"joiners_per_day": per_day, "leavers_per_day": per_day},
        "strategies": [
            {"name": "scim-first", "group_conflicts": "accept", "timeline": [
                {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                {"day": 1, "do": "claim_accounts", "auto": true},
                {"day": 2, "do": "enable_scim"},
                {"day": 30, "do": "migrate", "invalid_emails": "former_user", "duplicate_emails": "merge"},
                {"day": 31, "do": "cutover", "login_spread_days": 10}]},
            {"name": "scim-last", "group_conflicts": "accept", "timeline": [
                {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                {"day": 1, "do": "claim_accounts", "auto": true},
                {"day": 30, "do": "migrate", "invalid_emails": "former_user", "duplicate_emails": "merge"},
                {"day": 31, "do": "cutover", "login_spread_days": 10},
                {"day": 60, "do": "enable_scim"}]},
            {"name": "scim-last-with-fix", "group_conflicts": "accept", "timeline": [
                {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                {"day": 0, "do": "verify_domain", "domain": "acme-legacy.com"},
                {"day": 1, "do": "claim_accounts", "auto": true},
                {"day": 30, "do": "migrate", "invalid_emails": "former_user", "duplicate_emails": "merge"},
                {"day": 30.5, "do": "fix_emails", "coverage": 0.95},
                {"day": 31, "do": "cutover", "login_spread_days": 10},
                {"day": 60, "do": "enable_scim"}]}
        ]
    })
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// The phases of one replication, in the order they are printed: per replication (generating
/// the people and events, aggregating, the reports, the charts, dropping the realised
/// population) and per strategy (the rest).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Generation,
    WorldBuild,
    Migration,
    FirstSync,
    Cutover,
    EventLoop,
    Metrics,
    DropWorld,
    Aggregate,
    Reports,
    Charts,
    DropRealised,
}

impl Phase {
    const ALL: [Phase; 12] = [
        Phase::Generation,
        Phase::WorldBuild,
        Phase::Migration,
        Phase::FirstSync,
        Phase::Cutover,
        Phase::EventLoop,
        Phase::Metrics,
        Phase::DropWorld,
        Phase::Aggregate,
        Phase::Reports,
        Phase::Charts,
        Phase::DropRealised,
    ];

    fn name(self) -> &'static str {
        match self {
            Phase::Generation => "generation (people, events, emails)",
            Phase::WorldBuild => "world build",
            Phase::Migration => "migration",
            Phase::FirstSync => "first sync (enable_scim)",
            Phase::Cutover => "cutover (action and sign-ins)",
            Phase::EventLoop => "event loop (everything else)",
            Phase::Metrics => "metrics (horizon, final metrics)",
            Phase::DropWorld => "dropping the world",
            Phase::Aggregate => "aggregate",
            Phase::Reports => "reports",
            Phase::Charts => "charts",
            Phase::DropRealised => "dropping the realised population",
        }
    }
}

/// The phase an event belongs to.
fn phase_of(strategy: &Strategy, event: Event) -> Phase {
    match event {
        Event::Action(k) => match strategy.actions[k].kind {
            ActionKind::Migrate(_) => Phase::Migration,
            ActionKind::EnableScim => Phase::FirstSync,
            ActionKind::Cutover { .. } => Phase::Cutover,
            _ => Phase::EventLoop,
        },
        Event::SignIn { .. } => Phase::Cutover,
        _ => Phase::EventLoop,
    }
}

/// Seconds spent in each [`Phase`].
#[derive(Default)]
struct PhaseTimes([Duration; Phase::ALL.len()]);

impl PhaseTimes {
    fn add(&mut self, phase: Phase, d: Duration) {
        self.0[phase as usize] += d;
    }
    fn get(&self, phase: Phase) -> Duration {
        self.0[phase as usize]
    }
    fn total(&self) -> Duration {
        self.0.iter().sum()
    }
}

/// Runs strategy `k` through the replication, adding the time of each phase to `times`: the
/// probe takes one `Instant::now` per event, and an event's time (from the previous probe) goes
/// to its phase.
fn timed_strategy(s: &Scenario, k: usize, realised: &Realised<'_>, times: &mut PhaseTimes) -> Outcome {
    let strategy = &s.strategies[k];
    let start = Instant::now();
    let mut previous = start;
    let outcome = scimsim::sim::simulate_probed(s, k, realised.input(), |_, step| {
        let now = Instant::now();
        let phase = match step {
            Step::Built => Phase::WorldBuild,
            Step::Event(event) => phase_of(strategy, event),
            Step::Measured => Phase::Metrics,
        };
        times.add(phase, now - previous);
        previous = now;
    });
    times.add(Phase::DropWorld, previous.elapsed());
    outcome
}

/// One replication of every strategy, then the reports and charts as `run` renders them (not
/// written): the time of each phase in seconds and in nanoseconds per person per strategy,
/// events, peak memory.
fn one_replication(people: u64) {
    let s = scenario(people);
    let base = IN_USE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let mut times = PhaseTimes::default();
    let start = Instant::now();
    let realised = realise(&s, Streams::new(1, 0));
    times.add(Phase::Generation, start.elapsed());
    let outcomes: Vec<Outcome> =
        (0..s.strategies.len()).map(|k| timed_strategy(&s, k, &realised, &mut times)).collect();
    let events: f64 = outcomes.iter().map(|o| o.get(MetricId::EVENTS_PROCESSED)).sum();
    let mut lap = Instant::now();
    let mut phase_done = |times: &mut PhaseTimes, phase: Phase| {
        let now = Instant::now();
        times.add(phase, now - lap);
        lap = now;
    };
    let result = aggregate(&s, RunConfig { replications: 1, seed: 1 }, vec![outcomes]);
    phase_done(&mut times, Phase::Aggregate);
    let report = RunReport { scenario: &s, result: &result };
    let files = render_all(&run_exporters(false), &report);
    phase_done(&mut times, Phase::Reports);
    let charts = run_charts(&s, &result, ChartSize::DEFAULT).expect("charts");
    phase_done(&mut times, Phase::Charts);
    let bytes: usize = files.iter().map(|f| f.1.len()).sum::<usize>() + charts.len();
    drop((files, charts, result));
    drop(realised);
    phase_done(&mut times, Phase::DropRealised);
    let peak = PEAK.load(Ordering::Relaxed) - base;
    let wall = times.total().as_secs_f64();
    let per = (people * s.strategies.len() as u64) as f64;
    println!(
        "replication  {people:>9} people  {} strategies  {wall:>8.3} s  {events:>10.0} events  {:>6.2} M events/s  peak {:>7.1} MiB",
        s.strategies.len(),
        events / wall / 1e6,
        mib(peak)
    );
    for phase in Phase::ALL {
        let t = times.get(phase).as_secs_f64();
        println!("    {:<36} {t:>8.3} s  {:>8.1} ns/person/strategy", phase.name(), t * 1e9 / per);
    }
    std::hint::black_box(bytes);
}

/// Replications per second of the 5,000-person scenario on `threads` threads.
fn throughput(threads: usize, replications: u64) {
    let s = scenario(5_000);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
    let config = RunConfig { replications, seed: 1 };
    let start = Instant::now();
    let result = pool.install(|| parallel::run(&s, config, &|| {}));
    let wall = start.elapsed().as_secs_f64();
    println!(
        "throughput   5000 people  3 strategies  -j {threads}  {replications} replications in {wall:.2} s  {:.1} replications/s  (duplicates, first strategy: {:.1})",
        replications as f64 / wall,
        result.strategies[0].summary(MetricId::DUPLICATE_PEOPLE).mean
    );
}

/// Horizon of the sync section's scenario, in days.
const SYNC_HORIZON_DAYS: f64 = 30.0;
/// Day its strategy switches SCIM on (the first sync).
const SYNC_ENABLE_DAY: f64 = 1.0;
/// Events from this day on are timed: the first sync (day 1) and its settling are over.
const SYNC_TIMED_FROM_DAY: f64 = 2.0;
/// Joiners, and leavers, per day of the churning case: a few pushes a day.
const SYNC_CHURN_PER_DAY: f64 = 2.0;
/// Runs of each case; each figure is the median of their means.
const SYNC_RUNS: usize = 3;

/// An Entra ID organisation (40-minute syncs) of `people` people, all in the IdP and all in two
/// synced groups of about `people` members, with no drift and `churn` joiners and `churn`
/// leavers per day; one strategy claims the domain on day 0 and switches SCIM on on day 1, with no
/// migration and no cutover (nobody signs in). `group_updates` is `patch` or `replace` (R22).
fn sync_scenario(people: u64, group_updates: &str, churn: f64) -> Scenario {
    let v = serde_json::json!({
        "name": "bench-sync", "seed": 1, "replications": 1, "horizon_days": SYNC_HORIZON_DAYS, "products": ["jira", "confluence"],
        "domains": [{"name": "acme.com"}],
        "groups": [
            {"name": "jira-users", "grants": ["jira"], "synced_from_idp": true, "members_share": 1.0},
            {"name": "confluence-users", "grants": ["confluence"], "synced_from_idp": true, "members_share": 1.0}
        ],
        "population": {"synthetic": {"people": people, "idp_only_share": 1.0}},
        "idp": {"profile": "entra_id", "group_updates": group_updates},
        "churn": {"joiners_per_day": churn, "leavers_per_day": churn},
        "strategies": [
            {"name": "scim-only", "group_conflicts": "accept", "timeline": [
                {"day": 0, "do": "verify_domain", "domain": "acme.com"},
                {"day": 0, "do": "create_account", "email": "admin@acme.com"},
                {"day": 0, "do": "claim_accounts", "auto": true},
                {"day": SYNC_ENABLE_DAY, "do": "enable_scim"}]}
        ]
    });
    scenario_from_value(&v).unwrap_or_else(|p| panic!("{p:?}"))
}

/// Wall time of the events after [`SYNC_TIMED_FROM_DAY`] in one run: sync ticks after which no
/// other event had happened since the previous tick (nothing to push), sync ticks that had
/// something to push, and the other events (joiners and leavers).
#[derive(Default)]
struct EventTimes {
    quiet_ticks: (u32, Duration),
    pushing_ticks: (u32, Duration),
    others: (u32, Duration),
    /// Each quiet tick's time, in nanoseconds (its median is robust to the pauses another
    /// process's time slices put into a few ticks on a shared machine).
    quiet_each: Vec<f64>,
}

impl EventTimes {
    fn all(&self) -> (u32, Duration) {
        let parts = [self.quiet_ticks, self.pushing_ticks, self.others];
        (parts.iter().map(|p| p.0).sum(), parts.iter().map(|p| p.1).sum())
    }
}

/// Mean nanoseconds of `(count, total)`.
fn mean_ns((count, total): (u32, Duration)) -> f64 {
    total.as_secs_f64() * 1e9 / f64::from(count.max(1))
}

/// The median of `xs` (not empty).
fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// Times every event from day `timed_from_day` of one run of `s`'s first strategy, which
/// switches SCIM on on day `enable_day`, through the `simulate_with` callback: an event's time is
/// from the previous callback to its own, so it includes the loop around the dispatch (taking the
/// event off the queue, a daily sample on a new day) and one `Instant::now` (see
/// [`instant_now_ns`]). An event is a sync tick when it falls a whole number of sync intervals
/// after `enable_scim` (churn events fall on random seconds).
fn time_events(s: &Scenario, realised: &Realised<'_>, enable_day: f64, timed_from_day: f64) -> EventTimes {
    let enabled = SimTime::from_days(enable_day).0;
    let interval = s.idp.sync_interval;
    let timed_from = SimTime::from_days(timed_from_day);
    let mut times = EventTimes::default();
    let mut previous = Instant::now();
    let mut changed_since_tick = false;
    scimsim::sim::simulate_with(s, 0, realised.input(), |world| {
        let now = Instant::now();
        let elapsed = now - previous;
        previous = now;
        let at = world.now();
        let tick = at.0 > enabled && (at.0 - enabled) % interval == 0;
        let slot = match (tick, changed_since_tick) {
            (false, _) => &mut times.others,
            (true, false) => &mut times.quiet_ticks,
            (true, true) => &mut times.pushing_ticks,
        };
        let quiet = tick && !changed_since_tick;
        changed_since_tick = !tick;
        if at >= timed_from {
            slot.0 += 1;
            slot.1 += elapsed;
            if quiet {
                times.quiet_each.push(elapsed.as_secs_f64() * 1e9);
            }
        }
    });
    times
}

/// The cost of the `Instant::now` each timed event includes, in nanoseconds.
fn instant_now_ns() -> f64 {
    const CALLS: u32 = 1_000_000;
    let start = Instant::now();
    for _ in 0..CALLS {
        std::hint::black_box(Instant::now());
    }
    start.elapsed().as_secs_f64() * 1e9 / f64::from(CALLS)
}

/// Nanoseconds as `ns` or `µs`.
fn ns(x: f64) -> String {
    if x < 10_000.0 { format!("{x:.0} ns") } else { format!("{:.1} µs", x / 1000.0) }
}

/// Per-event cost of the syncs after the first one, quiet and with a small churn
/// ([`SYNC_CHURN_PER_DAY`]), at `people` people under `group_updates`: the median over
/// [`SYNC_RUNS`] runs of the mean per event. A quiet tick should cost the same at any size.
fn sync_costs(people: u64, group_updates: &str) {
    let medians = |churn: f64| {
        let s = sync_scenario(people, group_updates, churn);
        let realised = realise(&s, Streams::new(1, 0));
        let runs: Vec<EventTimes> = (0..SYNC_RUNS)
            .map(|_| time_events(&s, &realised, SYNC_ENABLE_DAY, SYNC_TIMED_FROM_DAY))
            .collect();
        let of =
            |f: &dyn Fn(&EventTimes) -> (u32, Duration)| median(runs.iter().map(|t| mean_ns(f(t))).collect());
        let pushes_per_day = f64::from(runs[0].pushing_ticks.0) / (SYNC_HORIZON_DAYS - SYNC_TIMED_FROM_DAY);
        let quiet = (of(&|t| t.quiet_ticks), runs[0].quiet_ticks.0);
        (quiet, of(&|t| t.all()), of(&|t| t.pushing_ticks), of(&|t| t.others), pushes_per_day)
    };
    let ((quiet, ticks), ..) = medians(0.0);
    let ((quiet_in_churn, _), all, pushing, others, pushes_per_day) = medians(SYNC_CHURN_PER_DAY);
    println!(
        "sync  {people:>7} people  {group_updates:<7}  quiet: {:>7}/tick ({ticks} ticks)  with churn: {:>7}/event ({pushes_per_day:.1} pushing ticks/day at {}, quiet ticks {}, joiners/leavers {})",
        ns(quiet),
        ns(all),
        ns(pushing),
        ns(quiet_in_churn),
        ns(others)
    );
}

/// The sync section: [`sync_costs`] at 10,000 and 100,000 people under both `group_updates`.
fn sync_section() {
    println!(
        "sync  (per event after day {SYNC_TIMED_FROM_DAY}, median of {SYNC_RUNS} runs; includes one Instant::now of {:.0} ns)",
        instant_now_ns()
    );
    for people in [10_000, 100_000] {
        for group_updates in ["patch", "replace"] {
            sync_costs(people, group_updates);
        }
    }
}

/// Horizon of the quiet-years case, in days (3 years).
const QUIET_HORIZON_DAYS: f64 = 1095.0;
/// Events from this day on are timed: the cutover's sign-ins (day 31, spread over 10 days) and
/// the syncs that follow them are over, and nothing changes any more.
const QUIET_TIMED_FROM_DAY: f64 = 60.0;

/// The benchmark's organisation of `people` people with no drift and no churn, over 3 years,
/// under its first strategy only: claim, SCIM on day 2, migrate on day 30, cut over on day 31.
/// After the cutover nothing changes: every later event is a quiet 40-minute sync.
fn quiet_years_scenario(people: u64) -> Scenario {
    let mut v = scenario_value(people);
    let object = v.as_object_mut().expect("an object");
    object.remove("drift");
    object.remove("churn");
    object.insert("name".into(), "bench-quiet-years".into());
    object.insert("horizon_days".into(), QUIET_HORIZON_DAYS.into());
    if let Some(strategies) = object.get_mut("strategies").and_then(|s| s.as_array_mut()) {
        strategies.truncate(1);
    }
    scenario_from_value(&v).unwrap_or_else(|p| panic!("{p:?}"))
}

/// The quiet-years case: the cost of a quiet sync tick from day [`QUIET_TIMED_FROM_DAY`] to the
/// end of 3 years, at each of `sizes` people (median of [`SYNC_RUNS`] runs' means). It should
/// not grow with people.
fn quiet_years_section(sizes: &[u64]) {
    println!(
        "quiet years  ({QUIET_HORIZON_DAYS} days, one strategy, nothing changes after the cutover; per event from day {QUIET_TIMED_FROM_DAY}, median of {SYNC_RUNS} runs; includes one Instant::now)"
    );
    for &people in sizes {
        let s = quiet_years_scenario(people);
        let realised = realise(&s, Streams::new(1, 0));
        let runs: Vec<EventTimes> =
            (0..SYNC_RUNS).map(|_| time_events(&s, &realised, 2.0, QUIET_TIMED_FROM_DAY)).collect();
        let quiet = median(runs.iter().map(|t| mean_ns(t.quiet_ticks)).collect());
        let each = median(runs.iter().flat_map(|t| t.quiet_each.iter().copied()).collect());
        let (others, _) = runs[0].others;
        let (pushing, _) = runs[0].pushing_ticks;
        println!(
            "quiet years  {people:>9} people  quiet tick {:>7} (median tick {:>7})  ({} quiet ticks, {pushing} pushing ticks, {others} other events)",
            ns(quiet),
            ns(each),
            runs[0].quiet_ticks.0
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(n) = args.iter().position(|a| a == "--people").and_then(|i| args.get(i + 1)) {
        // One size only (for profiling).
        one_replication(n.parse().expect("--people takes a number"));
        return;
    }
    if args.iter().any(|a| a == "--sync") {
        sync_section();
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    if args.iter().any(|a| a == "--quiet-years") {
        quiet_years_section(if quick { &[10_000, 100_000] } else { &[10_000, 100_000, 1_000_000] });
        return;
    }
    println!(
        "scimsim benchmarks ({} logical CPUs)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    one_replication(10_000);
    one_replication(100_000);
    if !quick {
        one_replication(1_000_000);
    }
    throughput(1, 40);
    throughput(2, 40);
    sync_section();
    quiet_years_section(if quick { &[10_000, 100_000] } else { &[10_000, 100_000, 1_000_000] });
}
