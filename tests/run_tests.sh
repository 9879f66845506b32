#!/bin/sh
# Runs the test programs in BUILD/tests (cmocka unit tests) and the
# tests/*_test.sh scripts (black-box CLI tests), each in its own process
# with a timeout, and ends with one line counting the tests:
#   tests: N passed, N failed, N skipped
# Usage: sh tests/run_tests.sh [BUILD] [all|quick]
#   all    every test (make test)
#   quick  all but the slow ones named in tests/slow.list (make check)
# A skipped test (cmocka skip(), TAP "# SKIP") is counted apart from the
# passes; with CI set, any skip fails the run, since CI has everything a
# test needs (make deps). With LAGSIM_FAIL_FAST set, the run stops at the
# first failing program or script (what the planted-bug suite uses).
# LAGSIM_TESTS="name ..." runs those programs and scripts only (make tsan).
# LAGSIM_TEST_TIMEOUT: seconds each program or script may take (600).
# LAGSIM_FIRST="name ...": run those first (same tests, another order).
# LAGSIM_TEST_JOBS: how many tests run at once (2; 1 with LAGSIM_FAIL_FAST).

# Runs one test (program or TAP script) with the timeout; its output and
# exit status go to $2.out and $2.rc.
run_one() {
  case $1 in
    *.sh) timeout "$tmo" sh "$1" "$BUILD" >"$2.out" 2>&1 ;;
    *) timeout "$tmo" "$1" >"$2.out" 2>&1 ;;
  esac
  echo $? >"$2.rc"
}
# "--one BUILD OUT PATH": run one test for the parallel runner below.
if [ "${1:-}" = --one ]; then
  BUILD=$2; tmo=${LAGSIM_TEST_TIMEOUT:-600}
  run_one "$4" "$3"
  exit 0
fi
BUILD=${1:-build}
TIER=${2:-all}
case $TIER in all|quick) ;; *) echo "run_tests.sh: unknown tier '$TIER' (all or quick)" >&2; exit 2 ;; esac
here=$(dirname "$0")
slow=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/slow.list" 2>/dev/null | awk '{print $1}')

tmo=${LAGSIM_TEST_TIMEOUT:-600}
passed=0; failed=0; skipped=0; failures=""; skips=""
is_slow() {
  for x in $slow; do [ "$x" = "$1" ] && return 0; done
  return 1
}
# Whether the tier (and LAGSIM_TESTS, when set) leaves test $1 out.
left_out() {
  if [ -n "$LAGSIM_TESTS" ]; then
    for x in $LAGSIM_TESTS; do [ "$x" = "$1" ] && return 1; done
    return 0
  fi
  [ "$TIER" = quick ] && is_slow "$1"
}
# Adds one program's counts to the totals and prints its line; returns 1
# when it failed and the run should stop.
tally() {
  passed=$((passed + $2)); failed=$((failed + $3)); skipped=$((skipped + $4))
  [ "$4" -ne 0 ] && skips="$skips $1"
  printf '%-28s %4d passed, %d failed, %d skipped\n' "$1" "$2" "$3" "$4"
  if [ "$3" -ne 0 ]; then
    failures="$failures $1"
    [ -n "$LAGSIM_FAIL_FAST" ] && return 1
  fi
  return 0
}
finish() {
  [ -n "$failures" ] && echo "failing:$failures"
  [ -n "$skips" ] && echo "skipping:$skips"
  echo "tests: $passed passed, $failed failed, $skipped skipped"
  if [ -n "$CI" ] && [ "$skipped" -ne 0 ]; then
    echo "tests: CI is set and $skipped test(s) skipped (run make deps)"
    exit 1
  fi
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
  exit
}
count() { printf '%s\n' "$1" | sed -n "s/$2/\1/p" | awk '{s+=$1} END {print s+0}'; }

# Adds the counts of one finished cmocka program.
tally_program() {
  out=$(cat "$2.out"); rc=$(cat "$2.rc")
  n=$(count "$out" '^\[  PASSED  \] \([0-9]*\) test(s)\.')
  f=$(count "$out" '^\[  FAILED  \] \([0-9]*\) test(s), listed below:')
  k=$(count "$out" '^\[  SKIPPED \] \([0-9]*\) test(s), listed below:')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$f" -ne 0 ]; then printf '%s\n' "$out"; fi
  [ "$k" -ne 0 ] && printf '%s\n' "$out" | grep '^\[  SKIPPED \] [^0-9]'
  tally "$(basename "$1")" "$n" "$f" "$k" || finish
}
# Adds the counts of one finished TAP script ("# SKIP" lines apart).
tally_script() {
  out=$(cat "$2.out"); rc=$(cat "$2.rc")
  k=$(printf '%s\n' "$out" | grep -c '^ok [^#]*# *SKIP')
  n=$(printf '%s\n' "$out" | grep -c '^ok ')
  n=$((n - k))
  f=$(printf '%s\n' "$out" | grep -c '^not ok ')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$f" -ne 0 ]; then printf '%s\n' "$out" | grep -v '^ok '; fi
  [ "$k" -ne 0 ] && printf '%s\n' "$out" | grep '^ok [^#]*# *SKIP'
  tally "$(basename "$1" .sh)" "$n" "$f" "$k" || finish
}
tally_one() {
  case $1 in *.sh) tally_script "$1" "$2" ;; *) tally_program "$1" "$2" ;; esac
}
# The path of test $1 (a program in BUILD/tests or a script in tests/).
path_of() {
  if [ -x "$BUILD/tests/$1" ]; then echo "$BUILD/tests/$1"
  elif [ -f "$here/$1.sh" ]; then echo "$here/$1.sh"
  fi
}

# LAGSIM_FIRST="name ..." runs those first (the planted-bug suite puts the
# golden outputs first: they catch most model bugs soonest); then the
# programs, then the scripts, in name order.
is_first() {
  for x in $LAGSIM_FIRST; do [ "$x" = "$1" ] && return 0; done
  return 1
}
work=$(mktemp -d "${TMPDIR:-/tmp}/lagsim_run_tests.XXXXXX")
trap 'rm -rf "$work"' EXIT
list=$work/list
: >"$list"
for name in $LAGSIM_FIRST; do
  left_out "$name" && continue
  p=$(path_of "$name")
  if [ -z "$p" ]; then tally "$name" 0 1 0 || finish; echo "run_tests.sh: no test named $name"; continue; fi
  echo "$p" >>"$list"
done
for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  left_out "$name" || is_first "$name" || echo "$t" >>"$list"
done
for s in "$here"/*_test.sh; do
  [ -f "$s" ] || continue
  name=$(basename "$s" .sh)
  left_out "$name" || is_first "$name" || echo "$s" >>"$list"
done

# LAGSIM_TEST_JOBS tests run at once (2: this is a 2-core project; 1 with
# LAGSIM_FAIL_FAST, which stops at the first failure). Each writes its
# output to a file; the counts are added in list order, so the report reads
# the same whatever finished first.
jobs=${LAGSIM_TEST_JOBS:-2}
[ -n "$LAGSIM_FAIL_FAST" ] && jobs=1
if [ "$jobs" -le 1 ]; then
  i=0
  while read -r p; do
    i=$((i + 1)); run_one "$p" "$work/$i" </dev/null; tally_one "$p" "$work/$i"
  done <"$list"
  finish
fi
i=0
while read -r p; do i=$((i + 1)); echo "$work/$i $p"; done <"$list" |
  LAGSIM_TEST_TIMEOUT=$tmo xargs -P "$jobs" -L 1 sh "$0" --one "$BUILD"
i=0
while read -r p; do i=$((i + 1)); tally_one "$p" "$work/$i"; done <"$list"
finish
