#!/bin/sh
# golden_test.sh - pins lagsim's results between commits. tests/golden/
# holds, per case, NAME.args (the arguments of one fixed-seed run of a
# scenario in configs/, scaled to take seconds) and NAME.json (what that
# run printed when the golden files were last written). Each case is run
# again from the repository root and its JSON compared byte for byte; a
# mismatch prints a unified diff. Every scenario in configs/ must have a
# case named after it.
#
# Only the "lagsim_version" fields are normalised (to "(version)"): a
# release would otherwise change every file. Nothing else in the JSON
# depends on the machine or the build: the command line and the scenario
# path are those of the .args file, run from the repository root.
#
# With LAGSIM_FAIL_FAST set, it stops at the first case that differs.
#
# Usage: sh tests/golden_test.sh [BUILD]            compare
#        sh tests/golden_test.sh [BUILD] --update   rewrite NAME.json
#                                                   (make update-golden)

BUILD=${1:-build}
MODE=${2:-compare}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) LAGSIM=$BUILD/lagsim ;; *) LAGSIM=$(pwd)/$BUILD/lagsim ;; esac
GOLDEN=tests/golden

. "$ROOT/tests/tap.sh"
tap_init golden_test
cd "$ROOT" || exit 1

if [ ! -x "$LAGSIM" ]; then
  not_ok "$LAGSIM exists and is executable"
  exit 1
fi

normalise() { sed 's/^\( *"lagsim_version": \)"[^"]*"/\1"(version)"/' "$1"; }

for f in configs/*.ini; do
  name=$(basename "$f" .ini)
  [ -f "$GOLDEN/$name.args" ]
  check $? "configs/$name.ini has a golden case ($GOLDEN/$name.args)"
done

for a in "$GOLDEN"/*.args; do
  name=$(basename "$a" .args)
  # One line of arguments; words are split on blanks (no quoting).
  args=$(sed -e 's/#.*//' "$a" | tr '\n' ' ')
  # shellcheck disable=SC2086
  "$LAGSIM" $args --format json >"$TMP/raw.json" 2>"$TMP/err"
  rc=$?
  normalise "$TMP/raw.json" >"$TMP/out.json"
  if [ "$MODE" = --update ]; then
    [ $rc -eq 0 ] && cp "$TMP/out.json" "$GOLDEN/$name.json"
    check $? "$name: wrote $GOLDEN/$name.json"
    continue
  fi
  if [ $rc -ne 0 ]; then
    not_ok "$name: lagsim $args exited $rc"
    continue
  fi
  if [ ! -f "$GOLDEN/$name.json" ]; then
    not_ok "$name: $GOLDEN/$name.json is missing (make update-golden)"
    continue
  fi
  if cmp -s "$GOLDEN/$name.json" "$TMP/out.json"; then
    ok "$name: the same JSON as $GOLDEN/$name.json"
  else
    not_ok "$name: the JSON differs from $GOLDEN/$name.json"
    echo "#   lagsim $args --format json"
    diff -u "$GOLDEN/$name.json" "$TMP/out.json" | head -n 60 | sed 's/^/#   /'
    echo "#   (if the change is intended: make update-golden, and say why in the commit message)"
    [ -n "$LAGSIM_FAIL_FAST" ] && exit 0 # the runner stops here (make mutants)
  fi
done
exit 0
