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

# One cmocka program: runs it and adds its counts.
run_program() {
  out=$(timeout "$tmo" "$1" 2>&1); rc=$?
  n=$(count "$out" '^\[  PASSED  \] \([0-9]*\) test(s)\.')
  f=$(count "$out" '^\[  FAILED  \] \([0-9]*\) test(s), listed below:')
  k=$(count "$out" '^\[  SKIPPED \] \([0-9]*\) test(s), listed below:')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$f" -ne 0 ]; then printf '%s\n' "$out"; fi
  [ "$k" -ne 0 ] && printf '%s\n' "$out" | grep '^\[  SKIPPED \] [^0-9]'
  tally "$(basename "$1")" "$n" "$f" "$k" || finish
}
# One TAP script: runs it and adds its counts ("# SKIP" lines apart).
run_script() {
  out=$(timeout "$tmo" sh "$1" "$BUILD" 2>&1); rc=$?
  k=$(printf '%s\n' "$out" | grep -c '^ok [^#]*# *SKIP')
  n=$(printf '%s\n' "$out" | grep -c '^ok ')
  n=$((n - k))
  f=$(printf '%s\n' "$out" | grep -c '^not ok ')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$f" -ne 0 ]; then printf '%s\n' "$out" | grep -v '^ok '; fi
  [ "$k" -ne 0 ] && printf '%s\n' "$out" | grep '^ok [^#]*# *SKIP'
  tally "$(basename "$1" .sh)" "$n" "$f" "$k" || finish
}
run_named() {
  if [ -x "$BUILD/tests/$1" ]; then run_program "$BUILD/tests/$1"
  elif [ -f "$here/$1.sh" ]; then run_script "$here/$1.sh"
  else tally "$1" 0 1 0 || finish; echo "run_tests.sh: no test named $1"
  fi
}

# LAGSIM_FIRST="name ..." runs those first (the planted-bug suite puts the
# golden outputs first: they catch most model bugs soonest); then the
# programs, then the scripts, in name order.
for name in $LAGSIM_FIRST; do
  left_out "$name" || run_named "$name"
done
is_first() {
  for x in $LAGSIM_FIRST; do [ "$x" = "$1" ] && return 0; done
  return 1
}
for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  left_out "$name" || is_first "$name" || run_program "$t"
done
for s in "$here"/*_test.sh; do
  [ -f "$s" ] || continue
  name=$(basename "$s" .sh)
  left_out "$name" || is_first "$name" || run_script "$s"
done
finish
