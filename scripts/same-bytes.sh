#!/usr/bin/env bash
# Same bytes: runs every bundled scenario and sweep under scenarios/ with the binaries built
# from two commits, at the seeds and replications the files declare, and compares every output
# file (reports, CSVs, summaries, SVG and PNG charts) byte for byte.
#
#   scripts/same-bytes.sh OLD [NEW]      # NEW defaults to the working tree
#
# OLD and NEW are commits, or paths of scimsim binaries already built (e.g. the branch point's,
# built once into a folder of its own), which are used as they are.
#
# Exits 0 when every file is identical, 1 when any differs (the differing files are listed).
# Scenarios are taken from NEW's tree (or the working tree) so both binaries read the same files.
set -euo pipefail

usage() { echo "usage: scripts/same-bytes.sh OLD_COMMIT|OLD_BINARY [NEW_COMMIT|NEW_BINARY]" >&2; exit 2; }
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

# True when $1 names a binary to use as it is rather than a commit to build.
is_binary() { [ -f "$1" ] && [ -x "$1" ]; }

if is_binary "$1"; then
    old_commit=$(realpath "$1")
    cp "$1" "$work/scimsim-old"
else
    old_commit=$(git -C "$repo" rev-parse --verify "$1^{commit}")
    echo "building $old_commit" >&2
    build "$old_commit" "$work/scimsim-old" >/dev/null
fi
new_commit=""
if [ $# -eq 2 ] && is_binary "$2"; then
    new_commit=$(realpath "$2")
    cp "$2" "$work/scimsim-new"
    scenarios_root=$repo/scenarios
else
    [ $# -eq 2 ] && new_commit=$(git -C "$repo" rev-parse --verify "$2^{commit}")
    echo "building ${new_commit:-the working tree}" >&2
    scenarios_root=$(build "$new_commit" "$work/scimsim-new")/scenarios
fi

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
