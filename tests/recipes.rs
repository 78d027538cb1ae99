//! The cluster recipes agree with the program: the Slurm array script and the Kubernetes
//! manifests are well-formed, split the grid as `--shard K/N` expects, and use only flags that
//! `scimsim sweep --help` and `scimsim merge --help` list. (The Slurm recipe also runs for real
//! in `scripts/slurm-test.sh`; the Kubernetes one is not run on a cluster.)

use serde_norway::Value;
use std::fs;
use std::process::Command;

fn read(path: &str) -> String {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    fs::read_to_string(&full).unwrap_or_else(|e| panic!("cannot read {full}: {e}"))
}

/// `scimsim SUBCOMMAND --help`.
fn help(subcommand: &str) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_scimsim")).args([subcommand, "--help"]).output().expect("runs");
    assert!(o.status.success());
    String::from_utf8(o.stdout).expect("UTF-8")
}

/// Every flag (`--name`, or `-x`) written after `scimsim sweep` or `scimsim merge` in `text`
/// (lines ending in `\` joined), with its subcommand.
fn scimsim_flags(text: &str) -> Vec<(String, String)> {
    let joined = text.replace("\\\n", " ");
    let mut flags = Vec::new();
    for line in joined.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        for (i, w) in words.iter().enumerate() {
            let program = w.trim_matches(|c| matches!(c, '"' | '[' | ',' | '`'));
            let is_scimsim = program == "scimsim" || program.ends_with("SCIMSIM:-scimsim}");
            let Some(sub) = words.get(i + 1).map(|s| s.trim_matches(|c| matches!(c, '"' | ',' | '`'))) else {
                continue;
            };
            if !is_scimsim || !matches!(sub, "sweep" | "merge") {
                continue;
            }
            for flag in &words[i + 2..] {
                let flag = flag.trim_matches(|c| matches!(c, '"' | ',' | ']' | '`'));
                if flag.starts_with('-') && flag.len() > 1 && !flag.starts_with("-%") {
                    flags.push((sub.to_string(), flag.split('=').next().unwrap_or(flag).to_string()));
                }
            }
        }
    }
    flags
}

fn assert_flags_exist(file: &str, at_least: usize) {
    let flags = scimsim_flags(&read(file));
    assert!(flags.len() >= at_least, "{file}: found only {flags:?}");
    let (sweep, merge) = (help("sweep"), help("merge"));
    for (sub, flag) in flags {
        let listed = if sub == "sweep" { &sweep } else { &merge };
        let spelled = if flag.starts_with("--") { format!("{flag} ") } else { format!("{flag}, ") };
        assert!(
            listed.contains(&spelled) || listed.contains(&format!("{flag}\n")),
            "{file}: `scimsim {sub} {flag}` is not a flag of `scimsim {sub} --help`"
        );
    }
}

#[test]
fn the_slurm_script_and_docs_use_only_flags_scimsim_has() {
    assert_flags_exist("docs/slurm/sweep-array.sbatch", 3);
    assert_flags_exist("docs/slurm.md", 3);
    assert_flags_exist("docs/kubernetes/sweep.yaml", 3);
    assert_flags_exist("docs/kubernetes.md", 0);
    let script = read("docs/slurm/sweep-array.sbatch");
    for needed in
        ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "--shard \"$k/$n\"", "--resume", "#SBATCH"]
    {
        assert!(script.contains(needed), "the array script lacks {needed}");
    }
    let doc = read("docs/slurm.md");
    for needed in ["--array=1-", "--dependency=afterok:", "MaxArraySize", "1001", "sweep-array.sbatch"] {
        assert!(doc.contains(needed), "docs/slurm.md lacks {needed}");
    }
    // The scheduler test submits the documented script.
    assert!(read("scripts/slurm-test.sh").contains("docs/slurm/sweep-array.sbatch"));
}

/// The YAML documents of a manifest file.
fn documents(file: &str) -> Vec<Value> {
    let text = read(file);
    serde_norway::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).unwrap_or_else(|e| panic!("{file} is not YAML: {e}")))
        .collect()
}

fn at<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(v, |v, key| &v[*key])
}

#[test]
fn the_kubernetes_manifests_are_an_indexed_job_of_shards_and_a_merge_job() {
    let sweep = documents("docs/kubernetes/sweep.yaml");
    let kinds: Vec<&str> = sweep.iter().filter_map(|d| d["kind"].as_str()).collect();
    assert_eq!(kinds, ["PersistentVolumeClaim", "Job"]);
    let claim = sweep[0]["metadata"]["name"].as_str().expect("a claim name");
    assert_eq!(at(&sweep[0], &["spec", "accessModes"])[0].as_str(), Some("ReadWriteMany"));
    let job = &sweep[1];
    assert_eq!(at(job, &["spec", "completionMode"]).as_str(), Some("Indexed"));
    let completions = at(job, &["spec", "completions"]).as_u64().expect("completions");
    let pod = at(job, &["spec", "template", "spec"]);
    let container = &pod["containers"][0];
    let env = container["env"].as_sequence().expect("env");
    let shards = env.iter().find(|e| e["name"].as_str() == Some("SHARDS")).expect("SHARDS");
    assert_eq!(shards["value"].as_str(), Some(completions.to_string().as_str()), "SHARDS is the completions");
    let script = container["args"][0].as_str().expect("a shell script");
    assert!(
        script.contains("JOB_COMPLETION_INDEX + 1") && script.contains("--shard \"$k/$SHARDS\""),
        "{script}"
    );
    let claims = |doc: &Value| -> Vec<String> {
        let volumes =
            at(doc, &["spec", "template", "spec", "volumes"]).as_sequence().cloned().unwrap_or_default();
        volumes
            .iter()
            .filter_map(|v| v["persistentVolumeClaim"]["claimName"].as_str().map(String::from))
            .collect()
    };
    assert_eq!(claims(job), [claim]);
    let merge = documents("docs/kubernetes/merge.yaml");
    assert_eq!(merge.len(), 1);
    assert_eq!(merge[0]["kind"].as_str(), Some("Job"));
    assert_eq!(claims(&merge[0]), [claim], "the merge reads the shards' volume");
    let command: Vec<&str> = at(&merge[0], &["spec", "template", "spec", "containers"])[0]["command"]
        .as_sequence()
        .expect("a command")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(command[..3], ["scimsim", "merge", "/data/shards"]);
    assert_flags_exist("docs/kubernetes/merge.yaml", 1);
}
