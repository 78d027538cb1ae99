//! Chart files exist, parse and decode at the stated size, carry their titles, and are
//! byte-identical when drawn twice.

use super::*;
use crate::input::scenario::ActionKind;
use crate::input::sweep_plan::{Axis, coords_of};
use crate::input::validate::parse_scenario;
use crate::results::sweep::PointResult;
use crate::results::{RunConfig, aggregate};
use crate::sim::run_replication;
use serde_json::{Value, json};
use std::path::Path;

fn load(relative: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_scenario(&text).unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
}

fn run_with(scenario: &Scenario, replications: u64) -> RunResult {
    // In order on this thread: charts are tested on results, not on how they were computed.
    let outcomes = (0..replications).map(|r| run_replication(scenario, scenario.seed, r)).collect();
    aggregate(scenario, RunConfig { replications, seed: scenario.seed }, outcomes)
}

/// Sets the coverage of every `fix_emails` action.
fn set_coverage(scenario: &mut Scenario, coverage: f64) {
    for strategy in &mut scenario.strategies {
        for action in &mut strategy.actions {
            if let ActionKind::FixEmails { coverage: c } = &mut action.kind {
                *c = coverage;
            }
        }
    }
}

/// Seconds between syncs of an IdP profile named on a sweep axis.
fn sync_interval(profile: &Value) -> i64 {
    match profile.as_str() {
        Some("okta") => 60,
        Some("google") => 4 * 3600,
        _ => 40 * 60,
    }
}

/// A sweep of quickstart over `axes` (coverage of `fix_emails` and/or the IdP profile; other
/// paths are labels only), run like `sweep` would: every grid point, first axis slowest.
fn quickstart_sweep(axes: Vec<Axis>, replications: u64) -> SweepResult {
    let base = load("scenarios/quickstart.json");
    let sizes: Vec<usize> = axes.iter().map(|a| a.values.len()).collect();
    let n: usize = sizes.iter().product();
    let points = (0..n)
        .map(|index| {
            let coords = coords_of(index, &axes);
            let mut scenario = base.clone();
            for (axis, &i) in axes.iter().zip(&coords) {
                let value = &axis.values[i];
                match axis.path.as_str() {
                    "idp.profile" => scenario.idp.sync_interval = sync_interval(value),
                    path if path.ends_with(".coverage") => {
                        set_coverage(&mut scenario, value.as_f64().unwrap_or(1.0))
                    }
                    _ => {} // a label only
                }
            }
            let result = run_with(&scenario, replications);
            PointResult {
                index,
                coords,
                summaries: result.strategies.iter().map(|s| s.summaries.clone()).collect(),
                paired: result.paired,
            }
        })
        .collect();
    SweepResult {
        name: "quickstart-coverage".to_string(),
        description: String::new(),
        scenario: base.name.clone(),
        replications,
        axes,
        strategies: base.strategies.iter().map(|s| s.name.clone()).collect(),
        points,
    }
}

fn coverage_axis() -> Axis {
    Axis {
        path: "strategies.2.timeline.4.coverage".to_string(),
        values: vec![json!(0), json!(0.25), json!(0.5), json!(0.75), json!(1)],
        label: None,
    }
}

fn profile_axis() -> Axis {
    Axis {
        path: "idp.profile".to_string(),
        values: vec![json!("entra_id"), json!("okta"), json!("google")],
        label: Some("IdP profile".to_string()),
    }
}

/// Every file of `stems` is there as SVG and PNG, in that order; each SVG is XML with a
/// `<text>` holding its title, each PNG decodes at the default size as 8-bit RGB.
fn check(files: &[ChartFile], stems: &[(String, String)]) {
    check_at(files, stems, ChartSize::DEFAULT);
}

/// [`check`] at `size`: also the SVG's width and height.
fn check_at(files: &[ChartFile], stems: &[(String, String)], size: ChartSize) {
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let expected: Vec<String> =
        stems.iter().flat_map(|(s, _)| [format!("{s}.svg"), format!("{s}.png")]).collect();
    assert_eq!(names, expected);
    for (pair, (stem, title)) in files.chunks(2).zip(stems) {
        let svg = std::str::from_utf8(&pair[0].bytes).expect("SVG is UTF-8");
        let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{stem}.svg: {e}"));
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .map(str::trim)
            .collect();
        assert!(texts.contains(&title.as_str()), "{stem}.svg has no title {title:?}: {texts:?}");
        let root = doc.root_element();
        let (w, h) = (size.width.to_string(), size.height.to_string());
        assert_eq!(
            (root.attribute("width"), root.attribute("height")),
            (Some(w.as_str()), Some(h.as_str())),
            "{stem}.svg"
        );

        let decoder = png::Decoder::new(std::io::Cursor::new(&pair[1].bytes));
        let mut reader = decoder.read_info().unwrap_or_else(|e| panic!("{stem}.png: {e}"));
        let info = reader.info();
        assert_eq!((info.width, info.height), (size.width, size.height), "{stem}.png");
        assert_eq!((info.color_type, info.bit_depth), (png::ColorType::Rgb, png::BitDepth::Eight));
        let mut pixels = vec![0; reader.output_buffer_size().expect("size fits")];
        reader.next_frame(&mut pixels).unwrap_or_else(|e| panic!("{stem}.png: {e}"));
        assert!(pixels.iter().any(|&b| b < 128), "{stem}.png is blank");
    }
}

#[test]
fn run_charts_of_quickstart() {
    let scenario = load("scenarios/quickstart.json");
    let result = run_with(&scenario, 3);
    let files = run_charts(&scenario, &result, ChartSize::DEFAULT).unwrap();
    check(
        &files,
        &[
            (
                "strategies".to_string(),
                "quickstart: strategies compared (mean and 95% interval over 3 replications)".to_string(),
            ),
            (
                "timeline".to_string(),
                "quickstart: timeline (mean and 95% interval over 3 replications)".to_string(),
            ),
        ],
    );
    assert_eq!(
        run_charts(&scenario, &result, ChartSize::DEFAULT).unwrap(),
        files,
        "drawing twice gives the same bytes"
    );
}

#[test]
fn run_charts_of_one_replication_and_one_strategy() {
    let mut scenario = load("scenarios/quickstart.json");
    scenario.strategies.truncate(1);
    let result = run_with(&scenario, 1);
    let files = run_charts(&scenario, &result, ChartSize::DEFAULT).unwrap();
    assert_eq!(files.len(), 4);
}

/// The texts of an SVG, trimmed, in document order.
fn svg_texts(file: &ChartFile) -> Vec<String> {
    let svg = std::str::from_utf8(&file.bytes).expect("SVG is UTF-8");
    let doc = roxmltree::Document::parse(svg).expect("SVG parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_string())
        .collect()
}

/// The chart file called `name`.
fn file<'a>(files: &'a [ChartFile], name: &str) -> &'a ChartFile {
    files.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no {name}"))
}

/// Sets `metric` to zero (mean, interval and all) for every strategy.
fn zero(result: &mut RunResult, metric: crate::metrics::MetricId) {
    for s in &mut result.strategies {
        s.summaries[metric.0] = crate::stats::Summary {
            mean: 0.0,
            std: 0.0,
            ci95: [0.0, 0.0],
            min: 0.0,
            p50: 0.0,
            p90: 0.0,
            max: 0.0,
        };
    }
}

#[test]
fn metrics_zero_for_every_strategy_are_left_out_and_listed() {
    let scenario = load("scenarios/quickstart.json");
    let mut result = run_with(&scenario, 3);
    let duplicates = crate::metrics::MetricId::all().find(|m| m.name() == "duplicate_people").unwrap();
    assert!(result.strategies.iter().any(|s| s.summary(duplicates).mean > 0.0), "quickstart has duplicates");
    zero(&mut result, duplicates);
    let chart = strategies::StrategiesChart::new(&scenario, &result);
    let (drawn, left_out) = chart.split_metrics();
    assert!(left_out.contains(&duplicates) && !drawn.contains(&duplicates));
    assert!(!drawn.is_empty() && drawn.len() + left_out.len() == strategies::panel_metrics().len());

    let files = run_charts(&scenario, &result, ChartSize::DEFAULT).unwrap();
    let texts = svg_texts(file(&files, "strategies.svg"));
    let all = texts.join(" ");
    assert!(all.contains("Always zero here, so not drawn: "), "{texts:?}");
    for m in &left_out {
        let label = labels::metric_label(*m);
        assert!(!texts.contains(&label), "{label} has a panel though it is always zero");
        assert!(all.contains(&label), "{label} is not listed as always zero: {all}");
    }
    for m in &drawn {
        let label = labels::metric_label(*m);
        assert!(texts.contains(&label), "{label} has no panel: {texts:?}");
    }

    // Only one metric left: one panel, drawn; none left: one message instead of panels.
    for &m in &drawn[1..] {
        zero(&mut result, m);
    }
    let texts =
        svg_texts(file(&run_charts(&scenario, &result, ChartSize::DEFAULT).unwrap(), "strategies.svg"));
    let panels: Vec<_> = strategies::panel_metrics()
        .into_iter()
        .filter(|m| texts.contains(&labels::metric_label(*m)))
        .collect();
    assert_eq!(panels, [drawn[0]]);
    zero(&mut result, drawn[0]);
    let files = run_charts(&scenario, &result, ChartSize::DEFAULT).unwrap();
    check(&files, &run_stems(&scenario.name, 3));
    let texts = svg_texts(file(&files, "strategies.svg"));
    assert!(
        texts.iter().any(|t| t == "Every metric is zero for every strategy: nothing to compare."),
        "{texts:?}"
    );
    assert!(strategies::panel_metrics().iter().all(|m| !texts.contains(&labels::metric_label(*m))));
}

fn run_stems(name: &str, replications: u64) -> Vec<(String, String)> {
    vec![
        (
            "strategies".to_string(),
            format!("{name}: strategies compared (mean and 95% interval over {replications} replications)"),
        ),
        (
            "timeline".to_string(),
            format!("{name}: timeline (mean and 95% interval over {replications} replications)"),
        ),
    ]
}

#[test]
fn charts_are_drawn_at_the_chosen_size() {
    let scenario = load("scenarios/quickstart.json");
    let result = run_with(&scenario, 2);
    for size in
        [ChartSize { width: 1920, height: 1080 }, ChartSize::MIN, ChartSize { width: 1000, height: 1600 }]
    {
        let files = run_charts(&scenario, &result, size).unwrap();
        check_at(&files, &run_stems(&scenario.name, 2), size);
    }
    let sweep = repeated_sweep(vec![axis("x", [json!(1), json!(2)]), axis("a", [json!(0), json!(1)])]);
    let size = ChartSize { width: 1920, height: 1080 };
    let files = sweep_charts(&sweep, size).unwrap();
    check_at(&files, &sweep_stems(&sweep), size);
}

#[test]
fn chart_sizes_parse_within_bounds() {
    assert_eq!("1920x1080".parse(), Ok(ChartSize { width: 1920, height: 1080 }));
    assert_eq!("640X360".parse(), Ok(ChartSize::MIN));
    assert_eq!("3840×2160".parse(), Ok(ChartSize::MAX));
    assert_eq!(ChartSize::DEFAULT.to_string().parse(), Ok(ChartSize::DEFAULT));
    for bad in ["1920", "1920x", "x1080", "1920x1080x2", "-1920x1080", "+1920x1080", "19.2x10", "wide", ""] {
        let e = bad.parse::<ChartSize>().unwrap_err();
        assert!(e.contains("is not WIDTHxHEIGHT"), "{bad}: {e}");
    }
    for out in ["639x360", "640x359", "3841x2160", "3840x2161", "99999999999x1000"] {
        let e = out.parse::<ChartSize>().unwrap_err();
        assert!(e.contains("out of range") || e.contains("is not WIDTHxHEIGHT"), "{out}: {e}");
    }
    assert!("3841x2160".parse::<ChartSize>().unwrap_err().contains("640–3840"));
    assert_eq!(ChartSize::DEFAULT.zoom(), 1.0);
    assert_eq!(ChartSize { width: 3200, height: 2000 }.zoom(), 2.0);
}

/// The polylines of an SVG stroked in `colour` (`#RRGGBB`).
fn strokes(file: &ChartFile, colour: &str) -> usize {
    let svg = std::str::from_utf8(&file.bytes).unwrap();
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants().filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some(colour)).count()
}

#[test]
fn the_timeline_marks_the_scenarios_events() {
    let scenario = load("scenarios/quickstart.json");
    // Quickstart's events: email changes on days 20 and 40, a leaver on 45, a joiner on 50.
    let days: Vec<i64> = scenario.events.iter().map(|e| e.at.0 / 86_400).collect();
    assert_eq!(days, [20, 40, 45, 50]);
    let result = run_with(&scenario, 2);
    let files = run_charts(&scenario, &result, ChartSize::DEFAULT).unwrap();
    let timeline = file(&files, "timeline.svg");
    let texts = svg_texts(timeline);
    let all = texts.join(" | ");
    for expected in ["Events", "scenario event", "Events and actions"] {
        assert!(texts.iter().any(|t| t == expected), "no {expected:?}: {all}");
    }
    for label in ["email change", "leaver", "joiner"] {
        assert!(all.contains(label), "event {label:?} is not labelled: {all}");
    }
    let grey = format!("#{:06X}", 0x6B6B6B);
    let marks = strokes(timeline, &grey);
    assert!(marks >= 4 * 3, "a dotted line per event in each of the three panels, found {marks} pieces");

    // Without events: no event row, no legend entry, no grey lines.
    let mut quiet = scenario.clone();
    quiet.events.clear();
    let files = run_charts(&quiet, &result, ChartSize::DEFAULT).unwrap();
    let timeline = file(&files, "timeline.svg");
    let texts = svg_texts(timeline);
    assert!(!texts.iter().any(|t| t == "Events" || t == "scenario event"), "{texts:?}");
    assert!(texts.iter().any(|t| t == "Actions"));
    assert_eq!(strokes(timeline, &grey), 0);

    // An event after the horizon never happens in the run and is not marked.
    let mut late = quiet.clone();
    let mut event = scenario.events[0].clone();
    event.at = crate::ids::SimTime(i64::from(scenario.horizon_days + 1) * 86_400);
    late.events.push(event);
    let texts = svg_texts(file(&run_charts(&late, &result, ChartSize::DEFAULT).unwrap(), "timeline.svg"));
    assert!(!texts.iter().any(|t| t == "Events"), "{texts:?}");
}

fn sweep_stems(sweep: &SweepResult) -> Vec<(String, String)> {
    sweep::charted_metrics()
        .into_iter()
        .map(|m| {
            (m.name().replace('.', "_"), format!("{} by {}", labels::metric_label(m), sweep.axes[0].name()))
        })
        .collect()
}

#[test]
fn sweep_charts_with_one_axis() {
    let sweep = quickstart_sweep(vec![coverage_axis()], 2);
    let files = sweep_charts(&sweep, ChartSize::DEFAULT).unwrap();
    let stems = sweep_stems(&sweep);
    assert_eq!(stems.len(), 29);
    assert!(stems.iter().any(|(s, _)| s == "lost_access_by_cause_group_deleted"));
    assert!(stems.iter().any(|(s, _)| s == "surplus_accounts_by_origin_self_signup"));
    check(&files, &stems);
    assert_eq!(
        sweep_charts(&sweep, ChartSize::DEFAULT).unwrap(),
        files,
        "drawing twice gives the same bytes"
    );
}

#[test]
fn sweep_charts_with_two_axes() {
    let sweep = quickstart_sweep(vec![coverage_axis(), profile_axis()], 2);
    let files = sweep_charts(&sweep, ChartSize::DEFAULT).unwrap();
    check(&files, &sweep_stems(&sweep));
    let svg = String::from_utf8(files[0].bytes.clone()).unwrap();
    assert!(svg.contains("IdP profile = okta"), "one panel per value of the second axis");
}

#[test]
fn sweep_charts_with_a_categorical_first_axis_and_a_missing_point() {
    let mut sweep = quickstart_sweep(vec![profile_axis(), coverage_axis()], 1);
    sweep.points.remove(4);
    let files = sweep_charts(&sweep, ChartSize::DEFAULT).unwrap();
    check(&files, &sweep_stems(&sweep));
}

/// A sweep over `axes` whose every point repeats one quickstart run (for layouts only).
fn repeated_sweep(axes: Vec<Axis>) -> SweepResult {
    let base = load("scenarios/quickstart.json");
    let result = run_with(&base, 2);
    let sizes: Vec<usize> = axes.iter().map(|a| a.values.len()).collect();
    let n: usize = sizes.iter().product();
    let points = (0..n)
        .map(|index| {
            let coords = coords_of(index, &axes);
            let summaries = result.strategies.iter().map(|s| s.summaries.clone()).collect();
            PointResult { index, coords, summaries, paired: Vec::new() }
        })
        .collect();
    SweepResult {
        name: "layout".to_string(),
        description: String::new(),
        scenario: base.name.clone(),
        replications: 2,
        strategies: base.strategies.iter().map(|s| s.name.clone()).collect(),
        axes,
        points,
    }
}

fn axis(path: &str, values: impl IntoIterator<Item = Value>) -> Axis {
    Axis { path: path.to_string(), values: values.into_iter().collect(), label: None }
}

#[test]
fn sweep_charts_with_many_panels_and_dense_axes() {
    let names = (0..40).map(|i| json!(format!("profile-number-{i}")));
    let sweep = repeated_sweep(vec![
        axis("idp.profile", names),
        axis("a", (0..6).map(|i| json!(i))),
        axis("b", (0..6).map(|i| json!(i))),
    ]);
    check(&sweep_charts(&sweep, ChartSize::DEFAULT).unwrap(), &sweep_stems(&sweep));
    let sweep = repeated_sweep(vec![axis("x", (0..500).map(|i| json!(f64::from(i) / 7.0)))]);
    check(&sweep_charts(&sweep, ChartSize::DEFAULT).unwrap(), &sweep_stems(&sweep));
}

#[test]
fn too_many_panels_are_an_error() {
    let sweep = repeated_sweep(vec![axis("x", [json!(1), json!(2)]), axis("a", (0..37).map(|i| json!(i)))]);
    let error = sweep_charts(&sweep, ChartSize::DEFAULT).unwrap_err();
    assert!(error.to_string().contains("37 combinations"), "{error}");
}

#[test]
fn a_sweep_without_axes_is_an_error() {
    let mut sweep = quickstart_sweep(vec![profile_axis()], 1);
    sweep.axes.clear();
    let error = sweep_charts(&sweep, ChartSize::DEFAULT).unwrap_err();
    assert!(error.to_string().contains("no axis"), "{error}");
}

/// Renders sample charts for a look (not part of the suite):
/// `CHART_SAMPLES=/tmp/charts cargo test --release charts::tests::samples -- --ignored`.
#[test]
#[ignore]
fn samples() {
    let dir =
        std::path::PathBuf::from(std::env::var("CHART_SAMPLES").unwrap_or("/tmp/scimsim-charts".into()));
    let write = |sub: &str, files: Vec<ChartFile>| {
        let folder = dir.join(sub);
        std::fs::create_dir_all(&folder).unwrap();
        for f in files {
            std::fs::write(folder.join(&f.name), &f.bytes).unwrap();
        }
    };
    for (name, path, replications) in [
        ("quickstart", "scenarios/quickstart.json", 20),
        ("okta", "scenarios/synthetic/okta-rebrand.json", 20),
        ("google", "scenarios/synthetic/google-heavy-churn.json", 10),
    ] {
        let scenario = load(path);
        let result = run_with(&scenario, replications);
        let started = std::time::Instant::now();
        let files = run_charts(&scenario, &result, ChartSize::DEFAULT).unwrap();
        eprintln!("{name}: run charts in {:?}", started.elapsed());
        write(name, files);
    }
    let scenario = load("scenarios/quickstart.json");
    let result = run_with(&scenario, 20);
    for (w, h) in [(1920, 1080), (640, 360), (1000, 1600), (3840, 2160)] {
        write(
            &format!("quickstart-{w}x{h}"),
            run_charts(&scenario, &result, ChartSize { width: w, height: h }).unwrap(),
        );
    }
    let gallery = load("scenarios/gallery/11-group-removed-from-scope.json");
    write("gallery-11", run_charts(&gallery, &run_with(&gallery, 5), ChartSize::DEFAULT).unwrap());
    // Stress: nine strategies with long names, a long scenario name, crowded actions.
    let mut scenario = load("scenarios/quickstart.json");
    scenario.name = "a-very-long-scenario-name-for-a-customer-with-many-subsidiaries".to_string();
    let base = scenario.strategies.clone();
    scenario.strategies = (0..9)
        .map(|i| {
            let mut s = base[i % base.len()].clone();
            s.name = format!("{}-variant-number-{i}", s.name);
            s
        })
        .collect();
    let result = run_with(&scenario, 5);
    write("stress", run_charts(&scenario, &result, ChartSize::DEFAULT).unwrap());
    let mut sweep = quickstart_sweep(
        vec![
            profile_axis(),
            coverage_axis(),
            Axis {
                path: "assumptions.email_match".to_string(),
                values: vec![json!("exact"), json!("case_insensitive")],
                label: None,
            },
        ],
        2,
    );
    sweep.name = "three-axes".to_string();
    write("sweep3", sweep_charts(&sweep, ChartSize::DEFAULT).unwrap());
    write(
        "sweep-single",
        sweep_charts(
            &quickstart_sweep(vec![Axis { path: "x".into(), values: vec![json!(0.5)], label: None }], 3),
            ChartSize::DEFAULT,
        )
        .unwrap(),
    );
    let names = (0..40).map(|i| json!(format!("profile-number-{i}")));
    let many = vec![
        axis("idp.profile", names),
        axis("a", (0..6).map(|i| json!(i))),
        axis("b", (0..6).map(|i| json!(i))),
    ];
    write("sweep-many", sweep_charts(&repeated_sweep(many), ChartSize::DEFAULT).unwrap());
    write(
        "sweep-dense",
        sweep_charts(
            &repeated_sweep(vec![axis("x", (0..500).map(|i| json!(f64::from(i) / 7.0)))]),
            ChartSize::DEFAULT,
        )
        .unwrap(),
    );
    let sweep = quickstart_sweep(vec![coverage_axis()], 20);
    let started = std::time::Instant::now();
    let files = sweep_charts(&sweep, ChartSize::DEFAULT).unwrap();
    eprintln!("sweep1: {} sweep charts in {:?}", files.len() / 2, started.elapsed());
    write("sweep1", files);
    write(
        "sweep2",
        sweep_charts(&quickstart_sweep(vec![coverage_axis(), profile_axis()], 20), ChartSize::DEFAULT)
            .unwrap(),
    );
    write(
        "sweep-cat",
        sweep_charts(&quickstart_sweep(vec![profile_axis(), coverage_axis()], 10), ChartSize::DEFAULT)
            .unwrap(),
    );
}
