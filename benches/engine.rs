//! Benchmarks (DESIGN §8): engine events per second; wall time and peak memory of one
//! replication at 10,000, 100,000 and 1,000,000 people; replications per second at -j 1 and
//! -j 2. Run with `cargo bench --bench engine` (add `-- --quick` to skip the 1,000,000-person
//! case, or `-- --people N` for one replication of N people only, e.g. under a profiler). Peak memory is measured by a counting allocator, so it is exact and repeatable.
//! Figures go in README.md; timings are never asserted (machines are shared and noisy).

use scimsim::app::parallel;
use scimsim::input::scenario::Scenario;
use scimsim::input::validate::scenario_from_value;
use scimsim::metrics::MetricId;
use scimsim::results::RunConfig;
use scimsim::rng::Streams;
use scimsim::sim::population::realise;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

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

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(n) = args.iter().position(|a| a == "--people").and_then(|i| args.get(i + 1)) {
        // One size only (for profiling).
        one_replication(n.parse().expect("--people takes a number"));
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
}
