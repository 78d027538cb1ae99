//! Messages for hostile or careless input (issue #13, class 7): each kind of bad file gets its
//! own message, every problem at once, with no follow-on message that repeats or contradicts
//! an earlier one, and no text from the file reaching the terminal raw.

use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Stdio};

/// The quickstart scenario, parsed.
fn quickstart() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("quickstart")).expect("json")
}

/// Runs `scimsim ARGS` in a fresh folder holding `files`; returns (exit code, stdout, stderr)
/// with the folder's path replaced by `TMP`.
fn scimsim_in(files: &[(&str, &[u8])], args: &[&str]) -> (i32, String, String) {
    let tmp = tempfile::tempdir().expect("temp dir");
    for (name, bytes) in files {
        std::fs::write(tmp.path().join(name), bytes).expect("write input");
    }
    let o = Command::new(env!("CARGO_BIN_EXE_scimsim"))
        .args(args)
        .current_dir(tmp.path())
        .stdin(Stdio::null())
        .output()
        .expect("scimsim starts");
    let root = tmp.path().to_string_lossy().to_string();
    let text = |b: &[u8]| String::from_utf8_lossy(b).replace(&root, "TMP");
    (o.status.code().expect("not killed by a signal"), text(&o.stdout), text(&o.stderr))
}

/// `scimsim validate FILE` of `files`' first file: (exit code, stderr).
fn validate(files: &[(&str, &[u8])]) -> (i32, String) {
    let (code, _, stderr) = scimsim_in(files, &["validate", files[0].0]);
    (code, stderr)
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(v).expect("json")
}

/// The message lines of an `Error: FILE: N problems` (each problem without its indent).
fn lines(stderr: &str) -> Vec<&str> {
    stderr.lines().skip(1).map(str::trim).collect()
}

// 1. A sweep's `scenario`: missing, misspelt or of the wrong type, each with its own message.

#[test]
fn a_sweep_without_a_base_scenario_name_says_what_is_wrong_with_it() {
    let base = bytes(&quickstart());
    let axes = json!([{"path": "seed", "values": [1, 2]}]);
    let cases = [
        (json!({"name": "g", "axes": axes}), "$: missing required field `scenario`"),
        (
            json!({"name": "g", "scenaro": "base.json", "axes": axes}),
            "$: missing required field `scenario` (hint: the object has `scenaro`: did you mean `scenario`?)",
        ),
        (json!({"name": "g", "scenario": 5, "axes": axes}), "$.scenario: expected a string, found a number"),
    ];
    for (sweep, wanted) in cases {
        let (code, stderr) = validate(&[("g.sweep.json", &bytes(&sweep)), ("base.json", &base)]);
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(lines(&stderr), [wanted], "{stderr}");
    }
}

// 2. A base scenario with problems does not hide the sweep's own: both, at once, at the command
// line (validate and sweep), the base's naming the base file.

#[test]
fn a_broken_base_scenario_and_a_broken_sweep_are_reported_together() {
    let mut base = quickstart();
    base["horizon_days"] = json!("ninety");
    let sweep = json!({"name": "g", "scenario": "base.json", "axes": [{"path": "seed", "values": []}]});
    let files: [(&str, &[u8]); 2] = [("g.sweep.json", &bytes(&sweep)), ("base.json", &bytes(&base))];
    for command in ["validate", "sweep"] {
        let (code, _, stderr) = scimsim_in(&files, &[command, "g.sweep.json"]);
        assert_eq!(code, 2, "{command}: {stderr}");
        assert_eq!(
            lines(&stderr),
            [
                "$.axes[0].values: the axis has no values",
                "scenario $.horizon_days: expected a number, found a string \
                 (hint: fix the base scenario, base.json (`scimsim validate` it))",
            ],
            "{command}: {stderr}"
        );
    }
}

#[test]
fn a_misspelt_required_field_is_one_problem() {
    let mut s = quickstart();
    let horizon = s.as_object_mut().and_then(|m| m.remove("horizon_days")).expect("horizon");
    s["horizn_days"] = horizon;
    let (code, stderr) = validate(&[("s.json", &bytes(&s))]);
    assert_eq!(code, 2);
    assert_eq!(
        lines(&stderr),
        [
            "$: missing required field `horizon_days` (hint: the object has `horizn_days`: did you mean `horizon_days`?)"
        ]
    );
}

// 3. Names: at most 255 bytes and no control characters, refused at validation with their
//    path; any text of the file echoed in a message is escaped.

#[test]
fn names_too_long_for_a_file_name_are_refused_at_validation() {
    let long = "x".repeat(300);
    let mut s = quickstart();
    s["name"] = json!(long);
    let (code, stderr) = validate(&[("s.json", &bytes(&s))]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        lines(&stderr),
        [
            "$.name: scenario name `xxxxxxxxxxxxxxxxxxxxxxxx…` is 300 bytes long, more than the 255 allowed (hint: names become file names, chart labels and table cells: shorten it)"
        ]
    );
    let mut s = quickstart();
    s["strategies"][0]["name"] = json!(long);
    s["expect"] = json!([]);
    let (code, stderr) = validate(&[("s.json", &bytes(&s))]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(lines(&stderr).len(), 1, "{stderr}");
    assert!(
        lines(&stderr)[0]
            .starts_with("$.strategies[0].name: strategy name `xxxxxxxxxxxxxxxxxxxxxxxx…` is 300 bytes long"),
        "{stderr}"
    );
    let sweep = json!({"name": long, "scenario": "base.json", "axes": [{"path": "seed", "values": [1]}]});
    let (code, stderr) = validate(&[("g.sweep.json", &bytes(&sweep)), ("base.json", &bytes(&quickstart()))]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        lines(&stderr)
            == [
                "$.name: sweep name `xxxxxxxxxxxxxxxxxxxxxxxx…` is 300 bytes long, more than the 255 allowed (hint: names become file names, chart labels and table cells: shorten it)"
            ],
        "{stderr}"
    );
}

#[test]
fn control_characters_in_names_are_refused_and_never_reach_the_terminal_raw() {
    let mut s = quickstart();
    let mut strategy = s["strategies"][1].clone();
    strategy["name"] = json!("scim-later\u{1b}[31m");
    s["strategies"].as_array_mut().expect("strategies").push(strategy);
    s["population"]["people"][1]["id"] = json!("ben\u{7}");
    s["groups"].as_array_mut().expect("groups").push(json!({"name": "a|b\nc"}));
    s["colour\u{1b}[2J"] = json!(1);
    s["population"]["people"][0]["idp_emial\u{202e}"] = json!("x@acme.com");
    let (code, stderr) = validate(&[("s.json", &bytes(&s))]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!stderr.contains(['\u{1b}', '\u{7}', '\u{202e}']), "raw control characters: {stderr:?}");
    let found = lines(&stderr);
    for wanted in [
        "$.colour\\u001b[2J: unknown field `colour\\u001b[2J`",
        "$.population.people[0].idp_emial\\u202e: unknown field `idp_emial\\u202e` (hint: did you mean `idp_email`?)",
        "$.population.people[1].id: person id `ben\\u0007` holds the control character U+0007 (hint: names appear in the terminal, the charts and the tables: use printable characters only)",
        "$.groups[3].name: group name `a|b\\nc` holds the control character U+000A (hint: names appear in the terminal, the charts and the tables: use printable characters only)",
    ] {
        assert!(found.contains(&wanted), "missing {wanted:?} in {found:#?}");
    }
    assert!(
        found.contains(&"$.strategies[3].name: strategy name `scim-later\\u001b[31m` holds the control character U+001B (hint: names appear in the terminal, the charts and the tables: use printable characters only)"),
        "{found:#?}"
    );
    assert_eq!(found.len(), 5, "{found:#?}");
    // A name refused for its text still names its entry: no "unknown person `ben…`" follows.
    assert!(!found.iter().any(|l| l.contains("unknown person") || l.contains("unknown group")), "{found:#?}");
}

#[test]
fn a_sweeps_axis_labels_and_paths_are_names_too() {
    let sweep = json!({"name": "g", "scenario": "base.json", "axes": [
        {"path": "seed", "values": [1], "label": "a\u{1b}[31mb"},
        {"path": "horizon_days", "values": [30], "label": "y".repeat(256)}
    ]});
    let (code, stderr) = validate(&[("g.sweep.json", &bytes(&sweep)), ("base.json", &bytes(&quickstart()))]);
    assert_eq!(code, 2, "{stderr}");
    let found = lines(&stderr);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0]
            .starts_with("$.axes[0].label: axis label `a\\u001b[31mb` holds the control character U+001B")
    );
    assert!(
        found[1].starts_with("$.axes[1].label: axis label `yyyyyyyyyyyyyyyyyyyyyyyy…` is 256 bytes long")
    );
}

// 4. Whole numbers: `20.0` is 20 (JSON does not tell them apart); `20.5` is not a whole number.

#[test]
fn integral_floats_are_whole_numbers_and_fractions_say_so() {
    let mut s = quickstart();
    s["seed"] = json!(20.0);
    s["replications"] = json!(3.0);
    let (code, stderr) = validate(&[("s.json", &bytes(&s))]);
    assert_eq!(code, 0, "{stderr}");
    s["seed"] = json!(20.5);
    s["replications"] = json!(1e30);
    let (code, stderr) = validate(&[("s.json", &bytes(&s))]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        lines(&stderr),
        [
            "$.seed: expected a whole number, found 20.5 (hint: write a whole number such as 7)",
            "$.replications: 1e+30 is too large: the largest whole number allowed is 18446744073709551615",
        ]
    );
    // The same in a sweep: its replications, a range's steps, and an axis' values.
    let sweep = json!({"name": "g", "scenario": "base.json", "replications": 2.0, "axes": [
        {"path": "seed", "range": {"from": 0, "to": 3, "steps": 4.0}},
        {"path": "horizon_days", "values": [90.0, 120]}
    ]});
    let (code, stderr) = validate(&[("g.sweep.json", &bytes(&sweep)), ("base.json", &bytes(&quickstart()))]);
    assert_eq!(code, 0, "{stderr}");
}

// 5. No follow-on message that contradicts or repeats an earlier problem.

#[test]
fn unreadable_range_steps_are_not_also_reported_as_zero() {
    let sweep = json!({"name": "g", "scenario": "base.json", "axes": [
        {"path": "seed", "range": {"from": 0, "to": 3, "steps": "four"}}
    ]});
    let (code, stderr) = validate(&[("g.sweep.json", &bytes(&sweep)), ("base.json", &bytes(&quickstart()))]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(lines(&stderr), ["$.axes[0].range.steps: expected a whole number ≥ 0, found a string"]);
}

#[test]
fn a_list_that_could_not_be_read_brings_no_unknown_names_or_zero_counts() {
    let cases: [(&str, Value, &str); 6] = [
        ("population", json!({"people": 5}), "$.population.people: expected an array, found a number"),
        ("groups", json!(5), "$.groups: expected an array, found a number"),
        ("domains", json!(5), "$.domains: expected an array, found a number"),
        ("strategies", json!(5), "$.strategies: expected an array, found a number"),
        ("products", json!(["jira", 7]), "$.products[1]: expected a string, found a number"),
        (
            "population",
            json!({"synthetic": {"people": "many"}}),
            "$.population.synthetic.people: expected a whole number ≥ 0, found a string",
        ),
    ];
    for (key, value, wanted) in cases {
        let mut s = quickstart();
        s[key] = value;
        if key == "population" {
            s["events"] = json!([]);
        }
        let (code, stderr) = validate(&[("s.json", &bytes(&s))]);
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(lines(&stderr), [wanted], "{key}: {stderr}");
    }
    // A person whose id is of the wrong type: no "person name is empty" after it.
    let mut s = quickstart();
    s["population"]["people"][0]["id"] = json!(3);
    let (_, stderr) = validate(&[("s.json", &bytes(&s))]);
    assert_eq!(lines(&stderr), ["$.population.people[0].id: expected a string, found a number"]);
}

// 6. A UTF-8 byte-order mark is named, not "expected value".

#[test]
fn a_byte_order_mark_is_named() {
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), &bytes(&quickstart())].concat();
    let (code, stderr) = validate(&[("s.json", &with_bom)]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "Error: s.json:1:1: not valid JSON: the file starts with a UTF-8 byte-order mark (EF BB BF), which JSON does not allow; save it as UTF-8 without a byte-order mark"
    );
}
