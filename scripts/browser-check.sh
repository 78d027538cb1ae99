#!/usr/bin/env bash
# Browser check: opens scimsim's HTML reports in a real browser (headless Chromium) with the
# network cut off, and fails on any script error, console error, failed or attempted resource
# load, chart without a size, or missing section; saves a screenshot of each page.
#
#   scripts/browser-check.sh [FOLDER…]
#
# With no folder it builds the release binary, runs the quickstart scenario and a bundled sweep
# into a temporary folder and checks their report.html and sweep.html. Screenshots go to
# $SCREENSHOTS (default target/browser-check/). Installs Debian's chromium-headless-shell when
# no Chromium is found (as root, or with sudo). Exits 0 when every page passes, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

shots=${SCREENSHOTS:-target/browser-check}
mkdir -p "$shots"
work=$(mktemp -d "${TMPDIR:-/tmp}/browser-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The browser: an installed headless Chromium, or Debian's package.
find_browser() {
    local b
    for b in chromium-headless-shell chromium chromium-browser google-chrome; do
        if command -v "$b" >/dev/null 2>&1; then
            command -v "$b"
            return 0
        fi
    done
    return 1
}
if ! browser=$(find_browser); then
    echo "browser-check: installing chromium-headless-shell from the distribution's packages" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get -o DPkg::Lock::Timeout=600 update -q >"$work/apt.log" 2>&1 \
        && $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -q chromium-headless-shell >>"$work/apt.log" 2>&1 \
        || { cat "$work/apt.log" >&2; echo "browser-check: could not install Chromium" >&2; exit 1; }
    browser=$(find_browser) || { echo "browser-check: Chromium not found after installing" >&2; exit 1; }
fi
headless=()
case "$(basename "$browser")" in
    chromium-headless-shell) ;;
    *) headless=(--headless) ;;
esac
# No sandbox (CI runs as root), no GPU, and no network: every name resolves to nothing and
# every request would go to a closed local port.
flags=("${headless[@]}" --no-sandbox --disable-gpu --hide-scrollbars --no-first-run
    --disable-extensions --disable-background-networking --mute-audio
    --host-resolver-rules="MAP * ~NOTFOUND" --proxy-server=127.0.0.1:9
    --user-data-dir="$work/profile")

folders=("$@")
if [ ${#folders[@]} -eq 0 ]; then
    cargo build --release --locked -q
    bin=${CARGO_TARGET_DIR:-target}/release/scimsim
    "$bin" run scenarios/quickstart.json -o "$work/quickstart" -q
    "$bin" sweep scenarios/sweeps/remap-coverage.sweep.json -r 20 -o "$work/remap-coverage" -q
    folders=("$work/quickstart" "$work/remap-coverage")
fi

# A probe run inside a copy of each page: it records script errors, console errors, failed
# resources (the error event's capture phase sees them) and every resource the page asked for
# (a self-contained page asks for none), checks that each chart has a size and that the page
# has its sections, and writes what it found into the page for --dump-dom to show.
cat >"$work/probe.html" <<'PROBE'
<script>
(function () {
  var problems = [];
  window.addEventListener("error", function (e) {
    var t = e.target;
    if (t && t !== window && (t.src || t.href)) problems.push("failed resource: " + (t.src || t.href));
    else problems.push("script error: " + e.message);
  }, true);
  var error = console.error;
  console.error = function () {
    problems.push("console error: " + Array.prototype.join.call(arguments, " "));
    error.apply(console, arguments);
  };
  window.addEventListener("load", function () {
    performance.getEntriesByType("resource").forEach(function (r) {
      problems.push("resource requested: " + r.name);
    });
    var charts = document.querySelectorAll("figure svg");
    charts.forEach(function (s, i) {
      var b = s.getBoundingClientRect();
      if (b.width < 300 || b.height < 150) problems.push("chart " + (i + 1) + " is " + b.width + "x" + b.height);
    });
    var need = document.body.getAttribute("data-sections") || "";
    need.split(" ").filter(Boolean).forEach(function (id) {
      if (!document.getElementById(id)) problems.push("section missing: #" + id);
    });
    var out = document.createElement("pre");
    out.id = "browser-check";
    out.textContent = "charts " + charts.length + "\n" + problems.map(function (p) { return "PROBLEM " + p; }).join("\n");
    document.body.appendChild(out);
  });
})();
</script>
PROBE

failed=0
checked=0
for folder in "${folders[@]}"; do
    pages=()
    while IFS= read -r -d '' f; do pages+=("$f"); done < <(find "$folder" -maxdepth 1 -name '*.html' -print0 | sort -z)
    if [ ${#pages[@]} -eq 0 ]; then
        echo "FAIL $folder: no HTML report in it" >&2
        failed=1
        continue
    fi
    for page in "${pages[@]}"; do
        checked=$((checked + 1))
        name="$(basename "$folder")-$(basename "$page" .html)"
        copy="$work/$name.probe.html"
        # The probe goes first in <head>, so it sees every later error.
        sed "/^<head>/r $work/probe.html" "$page" >"$copy"
        if ! timeout 120 "$browser" "${flags[@]}" --virtual-time-budget=5000 --enable-logging=stderr --v=0 \
            --dump-dom "file://$(realpath "$copy")" >"$work/$name.dom" 2>"$work/$name.log"; then
            echo "FAIL $page: the browser did not finish" >&2
            tail -20 "$work/$name.log" >&2
            failed=1
            continue
        fi
        if ! grep -q '<pre id="browser-check">' "$work/$name.dom"; then
            echo "FAIL $page: the page did not finish loading (no probe result)" >&2
            failed=1
            continue
        fi
        problems=$(sed -n '/<pre id="browser-check">/,/<\/pre>/p' "$work/$name.dom" | grep '^PROBLEM' | sed 's|</pre>.*||' || true)
        # Console messages the browser itself logged at error level (e.g. blocked requests).
        console=$(grep -E 'CONSOLE|Uncaught|net::ERR_' "$work/$name.log" || true)
        charts=$(sed -n 's/.*<pre id="browser-check">charts \([0-9]*\).*/\1/p' "$work/$name.dom")
        if [ -n "$problems" ] || [ -n "$console" ]; then
            echo "FAIL $page" >&2
            [ -z "$problems" ] || printf '%s\n' "$problems" >&2
            [ -z "$console" ] || printf '%s\n' "$console" >&2
            failed=1
        else
            echo "ok   $page (${charts:-0} charts)"
        fi
        timeout 120 "$browser" "${flags[@]}" --window-size=1280,1600 \
            --screenshot="$(realpath "$shots")/$name.png" "file://$(realpath "$page")" >/dev/null 2>&1 \
            || { echo "FAIL $page: no screenshot" >&2; failed=1; }
    done
done
echo "browser-check: $checked page(s), screenshots in $shots/"
exit $failed
