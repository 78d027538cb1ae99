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
