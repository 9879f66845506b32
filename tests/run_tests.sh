#!/bin/sh
# Runs every test program in BUILD/tests (cmocka unit tests) and every
# tests/*_test.sh script (black-box CLI tests), each in its own process
# with a timeout, and ends with one line counting the tests.
BUILD=${1:-build}
passed=0; failed=0; failures=""
for t in "$BUILD"/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  out=$(timeout 600 "$t" 2>&1); rc=$?
  n=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' | awk '{s+=$1} END {print s+0}')
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:/\1/p' | awk '{s+=$1} END {print s+0}')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + n)); failed=$((failed + f))
  if [ "$f" -ne 0 ]; then failures="$failures $name"; printf '%s\n' "$out"; fi
  printf '%-28s %4d passed, %d failed\n' "$name" "$n" "$f"
done
for s in tests/*_test.sh; do
  [ -f "$s" ] || continue
  name=$(basename "$s" .sh)
  out=$(timeout 600 sh "$s" "$BUILD" 2>&1); rc=$?
  n=$(printf '%s\n' "$out" | grep -c '^ok ')
  f=$(printf '%s\n' "$out" | grep -c '^not ok ')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed + n)); failed=$((failed + f))
  if [ "$f" -ne 0 ]; then failures="$failures $name"; printf '%s\n' "$out" | grep -v '^ok '; fi
  printf '%-28s %4d passed, %d failed\n' "$name" "$n" "$f"
done
[ -n "$failures" ] && echo "failing:$failures"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
