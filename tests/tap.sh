# tap.sh - sourced by the CLI test scripts: a scratch directory removed on
# exit, and TAP helpers (ok, not_ok, skip, check) around `run`, which
# runs lagsim with stdout in $TMP/out and stderr in $TMP/err and sets $rc.
# Usage: LAGSIM=...; . tests/tap.sh; tap_init NAME

tap_init() {
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/lagsim_$1.XXXXXX") || exit 1
  TMP=$(cd "$TMP" && pwd -P)
  trap 'rm -rf "$TMP"' EXIT HUP INT TERM
  n=0
  tap_failures=0
  have_python=0
  command -v python3 >/dev/null 2>&1 && have_python=1
  return 0
}

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
  n=$((n + 1)); tap_failures=$((tap_failures + 1)); echo "not ok $n - $1"
  # Show what the command printed, indented, to help whoever reads the log.
  for f in "$TMP/out" "$TMP/err"; do
    [ -s "$f" ] && sed -e 's/^/#   /' "$f" | head -n 20
  done
  return 0
}
skip() { n=$((n + 1)); echo "ok $n - # SKIP $1"; }
check() { if [ "$1" -eq 0 ]; then ok "$2"; else not_ok "$2"; fi; }
run() { "$LAGSIM" "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; }
