//! Benchmarks (DESIGN §8): engine events per second; wall time and peak memory of one
//! replication at 10,000, 100,000 and 1,000,000 people; replications per second at -j 1 and
//! -j 2; the cost of one 40-minute sync, quiet or with a little churn, at 10,000 and 100,000
//! people. Run with `cargo bench --bench engine` (add `-- --quick` to skip the 1,000,000-person
//! case, or `-- --people N` for one replication of N people only, e.g. under a profiler; `-- --sync`
//! runs only the per-sync section, which shows that a sync costs O(changes), not O(people)). Peak
//! memory is measured by a counting allocator, so it is exact and repeatable.
//! Figures go in README.md; timings are never asserted (machines are shared and noisy).

use scimsim::app::parallel;
use scimsim::input::scenario::Scenario;
use scimsim::input::validate::scenario_from_value;
use scimsim::metrics::MetricId;
use scimsim::results::RunConfig;
use scimsim::rng::Streams;
use scimsim::sim::SimTime;
use scimsim::sim::population::{Realised, realise};
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
    let per_day = people as f64 * 0.0003;
    let v = serde_json::json!({
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
    });
    scenario_from_value(&v).unwrap_or_else(|p| panic!("{p:?}"))
}

fn mib(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// One replication of every strategy: wall time, events, peak memory.
fn one_replication(people: u64) {
    let s = scenario(people);
    let base = IN_USE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let start = Instant::now();
    let realised = realise(&s, Streams::new(1, 0));
    let generated = start.elapsed();
    let outcomes: Vec<_> =
        (0..s.strategies.len()).map(|k| scimsim::sim::simulate(&s, k, realised.input())).collect();
    let wall = start.elapsed();
    drop(realised);
    let events: f64 = outcomes.iter().map(|o| o.get(MetricId::EVENTS_PROCESSED)).sum();
    let peak = PEAK.load(Ordering::Relaxed) - base;
    println!(
        "replication  {people:>9} people  3 strategies  {:>8.3} s (generation {:>6.3} s)  {:>10.0} events  {:>6.2} M events/s  peak {:>7.1} MiB",
        wall.as_secs_f64(),
        generated.as_secs_f64(),
        events,
        events / wall.as_secs_f64() / 1e6,
        mib(peak)
    );
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

/// Times every event of one run of `s` through the `simulate_with` callback: an event's time is
/// from the previous callback to its own, so it includes the loop around the dispatch (taking the
/// event off the queue, a daily sample on a new day) and one `Instant::now` (see
/// [`instant_now_ns`]). An event is a sync tick when it falls a whole number of sync intervals
/// after `enable_scim` (churn events fall on random seconds).
fn time_events(s: &Scenario, realised: &Realised<'_>) -> EventTimes {
    let enabled = SimTime::from_days(SYNC_ENABLE_DAY).0;
    let interval = s.idp.sync_interval;
    let timed_from = SimTime::from_days(SYNC_TIMED_FROM_DAY);
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
        changed_since_tick = !tick;
        if at >= timed_from {
            slot.0 += 1;
            slot.1 += elapsed;
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
        let runs: Vec<EventTimes> = (0..SYNC_RUNS).map(|_| time_events(&s, &realised)).collect();
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
}
