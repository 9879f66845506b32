#!/bin/sh
# help_test.sh - every subcommand accepts --help/-h and --version/-V (before
# or after its scenario, with nothing else needed), `lagsim help help`
# works, every help and usage text fits in 80 columns, and the top-level
# help and lagsim(1) list every exit status.
BUILD=${1:-build}
LAGSIM=$BUILD/lagsim
. tests/tap.sh
tap_init help
VERSION=$(sed -n 's/.*LAGSIM_VERSION_STRING "\(.*\)"/\1/p' include/lagsim/version.h)

for c in run compare sweep trace check; do
  ok=0
  for v in --version -V; do
    run "$c" "$v"; [ $rc -eq 0 ] && [ "$(cat "$TMP/out")" = "lagsim $VERSION" ] || ok=1
    run "$c" configs/default.ini --set scenario.horizon=1m "$v"
    [ $rc -eq 0 ] && [ "$(cat "$TMP/out")" = "lagsim $VERSION" ] || ok=1
  done
  check $ok "lagsim $c --version and -V print the version and exit 0 (also after a scenario)"
  ok=0
  for h in --help -h; do
    run "$c" "$h"; [ $rc -eq 0 ] && grep -q "^usage: lagsim $c" "$TMP/out" || ok=1
  done
  run help "$c"; cp "$TMP/out" "$TMP/help_$c"
  run "$c" --help; cmp -s "$TMP/out" "$TMP/help_$c" || ok=1
  check $ok "lagsim $c --help and -h show the same help as 'lagsim help $c'"
done
run help help
[ $rc -eq 0 ] && grep -q '^usage: lagsim help \[COMMAND\]' "$TMP/out"
check $? "lagsim help help explains help"
run help frobnicate
[ $rc -eq 2 ] && grep -q "unknown command 'frobnicate'" "$TMP/err"
check $? "lagsim help with an unknown command is a usage error"

# 80 columns: every help, and the usage printed with a usage error.
: >"$TMP/wide"
for c in "" run compare sweep trace check help; do
  "$LAGSIM" help $c 2>&1 | awk -v c="help $c" 'length > 80 {print c ": " length ": " $0}' >>"$TMP/wide"
done
"$LAGSIM" --help | awk 'length > 80 {print "--help: " $0}' >>"$TMP/wide"
for c in "" run compare sweep trace check; do
  "$LAGSIM" $c --no-such-option 2>&1 | awk -v c="$c" 'length > 80 {print c " usage: " $0}' >>"$TMP/wide"
done
[ ! -s "$TMP/wide" ]
check $? "every help and usage text fits in 80 columns"
[ -s "$TMP/wide" ] && sed 's/^/#   /' "$TMP/wide"

run --help
ok=0
for s in 0 1 2 3 4 129 130 143; do
  grep -q "^  $s  *[a-z]" "$TMP/out" || { echo "# the top-level help misses exit status $s"; ok=1; }
done
check $ok "the top-level help lists every exit status (0 1 2 3 4 129 130 143)"
ok=0
for s in 0 1 2 3 4 129 130 143; do
  grep -q "^\.B $s\$" man/lagsim.1 || { echo "# lagsim(1) misses exit status $s"; ok=1; }
done
check $ok "lagsim(1) lists every exit status"
exit 0
