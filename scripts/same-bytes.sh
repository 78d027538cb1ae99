#!/usr/bin/env bash
# Same bytes: runs every bundled scenario and sweep under scenarios/ with the binaries built
# from two commits, at the seeds and replications the files declare, and compares every output
# file (reports, CSVs, summaries, SVG and PNG charts) byte for byte.
#
#   scripts/same-bytes.sh OLD [NEW]      # NEW defaults to the working tree
#
# Exits 0 when every file is identical, 1 when any differs (the differing files are listed).
# Scenarios are taken from NEW's tree (or the working tree) so both binaries read the same files.
set -euo pipefail

usage() { echo "usage: scripts/same-bytes.sh OLD_COMMIT [NEW_COMMIT]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage

repo=$(git rev-parse --show-toplevel)
work=$(mktemp -d "${TMPDIR:-/tmp}/same-bytes.XXXXXX")
cleanup() {
    local t
    for t in "$work"/tree-*; do
        [ -d "$t" ] && git -C "$repo" worktree remove --force "$t" >/dev/null 2>&1
    done
    git -C "$repo" worktree prune
    rm -rf "$work"
}
trap cleanup EXIT

# Builds the binary of a commit (or of the working tree when the commit is empty) into $2.
build() {
    local commit=$1 dest=$2 src
    if [ -z "$commit" ]; then
        src=$repo
    else
        src=$work/tree-$(basename "$dest")
        git -C "$repo" worktree add --detach --quiet "$src" "$commit"
    fi
    # One target folder for both builds so the dependencies are compiled once.
    CARGO_TARGET_DIR="$repo/target/same-bytes" cargo build --release --locked --quiet \
        --manifest-path "$src/Cargo.toml" --bin scimsim
    cp "$repo/target/same-bytes/release/scimsim" "$dest"
    echo "$src"
}

old_commit=$(git -C "$repo" rev-parse --verify "$1^{commit}")
new_commit=""
[ $# -eq 2 ] && new_commit=$(git -C "$repo" rev-parse --verify "$2^{commit}")

echo "building $old_commit" >&2
build "$old_commit" "$work/scimsim-old" >/dev/null
echo "building ${new_commit:-the working tree}" >&2
scenarios_root=$(build "$new_commit" "$work/scimsim-new")/scenarios

# Runs one binary over every bundled scenario and sweep, one output folder each.
run_all() {
    local bin=$1 out=$2 f rel
    mkdir -p "$out"
    while IFS= read -r f; do
        rel=${f#"$scenarios_root"/}
        rel=${rel//\//__}
        case $f in
            *.sweep.json) "$bin" sweep "$f" -o "$out/$rel" --quiet -j 2 >/dev/null ;;
            *) "$bin" run "$f" -o "$out/$rel" --quiet -j 2 >/dev/null ;;
        esac
    done < <(find "$scenarios_root" -name '*.json' | LC_ALL=C sort)
}

echo "running the old binary" >&2
run_all "$work/scimsim-old" "$work/out-old"
echo "running the new binary" >&2
run_all "$work/scimsim-new" "$work/out-new"

n_files=$(find "$work/out-old" -type f | wc -l)
if diff -rq "$work/out-old" "$work/out-new"; then
    echo "same bytes: $n_files files identical ($old_commit vs ${new_commit:-working tree})"
else
    echo "DIFFERENT: the files above differ ($old_commit vs ${new_commit:-working tree})" >&2
    exit 1
fi
