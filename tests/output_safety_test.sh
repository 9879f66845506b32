#!/bin/sh
# output_safety_test.sh - outputs never destroy anything: every output path
# (--out, --hist, --series) is checked before the run (exit 2, a named
# reason, fast); FIFOs and character devices are written through, never
# replaced; a symbolic link keeps pointing where it did and its target gets
# the report; an existing file keeps its mode; no PATH.tmp.PID is left
# behind on any exit (success, refusal, SIGINT, SIGTERM, SIGHUP, abort).
#
# Usage: sh tests/output_safety_test.sh [BUILD]
BUILD=${1:-build}
LAGSIM=$BUILD/lagsim
. tests/tap.sh
tap_init output_safety

cp configs/default.ini "$TMP/s.ini"
S="$TMP/s.ini"
FAST="--mode cloud --set traffic.scale=0.001"
# A run long enough to be stopped by a signal (several seconds at full scale).
SLOW="--mode all --set traffic.scale=1"

no_temps() { [ -z "$(find "$TMP" -name '*.tmp.*' 2>/dev/null)" ]; }

# refused NAME PATTERN ARGS...: exit 2 within 5 s, the message matches,
# no temporary file is left and the scenario is untouched.
refused() {
  name=$1; pat=$2; shift 2
  cp "$S" "$TMP/s.before"
  t0=$(date +%s)
  # shellcheck disable=SC2086
  timeout 60 "$LAGSIM" run "$S" $FAST "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?
  dt=$(( $(date +%s) - t0 ))
  [ $rc -eq 2 ] && grep -Eq -- "$pat" "$TMP/err" && [ $dt -le 5 ] && no_temps &&
    cmp -s "$S" "$TMP/s.before" && ! grep -q "simulated events" "$TMP/err"
  check $? "$name"
}

# ---- refused before anything runs --------------------------------------------

refused "--out naming the scenario is refused" "--out .*is the scenario file" --out "$S"
refused "--hist naming the scenario is refused" "--hist .*is the scenario file" --hist "$S"
refused "--series naming the scenario is refused" "--series .*is the scenario file" \
  --series "$S"
(cd "$TMP" && ln -s s.ini link-to-scenario)
refused "--out through a symlink to the scenario is refused" "is the scenario file" \
  --out "$TMP/link-to-scenario"
ln "$S" "$TMP/hardlink.ini"
refused "--out naming a hard link of the scenario is refused" "is the scenario file" \
  --out "$TMP/hardlink.ini"
mkdir "$TMP/sub"
refused "--out naming the scenario by another spelling is refused" "is the scenario file" \
  --out "$TMP/sub/../s.ini"
refused "--out DIR is refused before the run" "--out .*is a directory" --out "$TMP/sub"
refused "--hist DIR is refused before the run" "--hist .*is a directory" --hist "$TMP/sub"
refused "--out X --hist X is refused naming both" "--hist .*names the same file as --out" \
  --out "$TMP/x.txt" --hist "$TMP/x.txt"
[ ! -e "$TMP/x.txt" ]
check $? "... and creates neither"
echo old >"$TMP/y.txt"
refused "--out Y --series ./Y (same existing file, other spelling) is refused" \
  "names the same file" --out "$TMP/y.txt" --series "$TMP/sub/../y.txt"
grep -qx old "$TMP/y.txt"
check $? "... and leaves it as it was"
refused "--out into a missing directory is refused" "cannot use directory" \
  --out "$TMP/no/such/r.txt"
ln -s "$TMP/missing-target" "$TMP/dangling"
refused "--out onto a dangling symlink is refused" "symbolic link to a missing file" \
  --out "$TMP/dangling"
[ -L "$TMP/dangling" ] && [ ! -e "$TMP/missing-target" ]
check $? "... and the link is left as it was"
refused "an empty --out is refused" "needs a file name|empty file name" --out ""
if [ "$(id -u)" -ne 0 ]; then
  mkdir "$TMP/ro"; chmod 555 "$TMP/ro"
  refused "--out into a read-only directory is refused" "not writable" --out "$TMP/ro/r.txt"
  chmod 755 "$TMP/ro"
elif command -v setpriv >/dev/null 2>&1; then
  # Root writes anywhere, so run this one check as nobody: a copy of the
  # binary and the scenario sit in a directory nobody can read.
  chmod 755 "$TMP"; mkdir "$TMP/ro" "$TMP/pub"; chmod 555 "$TMP/ro"
  cp "$LAGSIM" "$S" "$TMP/pub/"; chmod 755 "$TMP/pub"; chmod 644 "$TMP/pub/s.ini"
  # shellcheck disable=SC2086
  timeout 60 setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$TMP/pub/lagsim" run "$TMP/pub/s.ini" $FAST --out "$TMP/ro/r.txt" \
    >"$TMP/out" 2>"$TMP/err"; rc=$?
  [ $rc -eq 2 ] && grep -q "not writable" "$TMP/err" && [ ! -e "$TMP/ro/r.txt" ]
  check $? "--out into a read-only directory is refused (run as nobody)"
  chmod 700 "$TMP"
else
  skip "--out into a read-only directory: running as root without setpriv"
fi
if command -v python3 >/dev/null 2>&1; then
  python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' \
    "$TMP/sock" 2>/dev/null
  refused "--out onto a socket is refused" "not a regular file, FIFO or character device" \
    --out "$TMP/sock"
  [ -S "$TMP/sock" ]
  check $? "... and the socket is still there"
else
  skip "--out onto a socket: no python3"; skip "socket kept: no python3"
fi

# ---- replay CSV is an input too ------------------------------------------------

printf 'time\n1\n2\n' >"$TMP/r.csv"
printf '[replay]\nfile = r.csv\n' >"$TMP/rp.ini"
cp "$TMP/r.csv" "$TMP/r.before"
run run "$TMP/rp.ini" $FAST --out "$TMP/r.csv"
[ $rc -eq 2 ] && grep -q "is the replay CSV file" "$TMP/err" && cmp -s "$TMP/r.csv" "$TMP/r.before"
check $? "--out naming the replay CSV is refused"
run run "$TMP/rp.ini" $FAST --hist "$TMP/sub/../r.csv"
[ $rc -eq 2 ] && grep -q "is the replay CSV file" "$TMP/err" && cmp -s "$TMP/r.csv" "$TMP/r.before"
check $? "--hist naming the replay CSV by another spelling is refused"

# ---- written through, kept, followed -----------------------------------------

run run "$S" $FAST --out /dev/null
[ $rc -eq 0 ] && [ -c /dev/null ] && [ ! -s "$TMP/out" ]
check $? "--out /dev/null writes through: /dev/null is still a character device"
run run "$S" $FAST --out /dev/null --hist /dev/null --series /dev/null
[ $rc -eq 0 ] && [ -c /dev/null ]
check $? "several outputs may share one character device"
run run "$S" $FAST --out /dev/stdout --format csv
[ $rc -eq 0 ] && grep -q '^# scenario_fnv1a64: ' "$TMP/out"
check $? "--out /dev/stdout writes through to standard output"
if [ "$(id -u)" -eq 0 ] && mknod "$TMP/null2" c 1 3 2>/dev/null; then
  run run "$S" $FAST --out "$TMP/null2"
  [ $rc -eq 0 ] && [ -c "$TMP/null2" ]
  check $? "--out onto a device node made with mknod: still a device node"
else
  skip "--out onto a private device node: needs root and mknod"
fi

mkfifo "$TMP/fifo"
timeout 60 cat "$TMP/fifo" >"$TMP/fifo.got" &
reader=$!
run run "$S" $FAST --out "$TMP/fifo" --format csv
[ -p "$TMP/fifo" ] || kill $reader 2>/dev/null # replaced: the reader would wait forever
wait $reader
[ $rc -eq 0 ] && [ -p "$TMP/fifo" ] && grep -q '^# scenario_fnv1a64: ' "$TMP/fifo.got"
check $? "--out onto a FIFO writes through it; the FIFO stays a FIFO"

run run "$S" $FAST --format csv
cp "$TMP/out" "$TMP/want.csv"
echo old >"$TMP/target.csv"
(cd "$TMP" && ln -s target.csv link.csv)
run run "$S" $FAST --format csv --out "$TMP/link.csv"
[ $rc -eq 0 ] && [ -L "$TMP/link.csv" ] && [ "$(readlink "$TMP/link.csv")" = target.csv ] &&
  cmp -s "$TMP/target.csv" "$TMP/want.csv"
check $? "--out onto a symlink keeps the link and writes its target"

echo old >"$TMP/private.csv"
chmod 600 "$TMP/private.csv"
run run "$S" $FAST --format csv --out "$TMP/private.csv"
mode=$(stat -c %a "$TMP/private.csv")
[ $rc -eq 0 ] && [ "$mode" = 600 ] && cmp -s "$TMP/private.csv" "$TMP/want.csv"
check $? "an existing 0600 file keeps mode 0600 (got $mode)"
echo old >"$TMP/group.csv"
chmod 640 "$TMP/group.csv"
run run "$S" $FAST --format csv --hist "$TMP/group.csv"
mode=$(stat -c %a "$TMP/group.csv")
[ $rc -eq 0 ] && [ "$mode" = 640 ]
check $? "an existing 0640 --hist file keeps mode 0640 (got $mode)"
no_temps
check $? "no temporary file after successful runs"

# ---- no temporary file on any exit -------------------------------------------

# stopped SIG: a long run with all three outputs, stopped by SIG once its
# temporary files exist; expects the exit status and no temporary file.
stopped() {
  sig=$1; want=$2
  rm -f "$TMP"/o.txt "$TMP"/h.csv "$TMP"/se.csv
  # shellcheck disable=SC2086
  "$LAGSIM" run "$S" $SLOW --out "$TMP/o.txt" --hist "$TMP/h.csv" --series "$TMP/se.csv" \
    >"$TMP/out" 2>"$TMP/err" &
  pid=$!
  i=0
  while [ $i -lt 100 ] && [ -z "$(find "$TMP" -name 'o.txt.tmp.*')" ]; do
    sleep 0.1; i=$((i + 1))
  done
  sleep 0.3
  kill -s "$sig" $pid
  wait $pid; rc=$?
  [ $rc -eq "$want" ] && no_temps
  check $? "SIG$sig during a run: exit $want (got $rc), no temporary file left"
}
stopped INT 130
stopped TERM 143
stopped HUP 129
[ -s "$TMP/o.txt" ] && grep -q "stopped by SIGHUP" "$TMP/err"
check $? "SIGHUP stops cleanly: the partial report is written, marked"
stopped ABRT 134
stopped PIPE 141
stopped QUIT 131

# A reader that goes away: stdout into a pipe closed at once (SIGPIPE), with
# --hist to a file: the temporary --hist file must not stay behind.
rm -f "$TMP/h.csv"
# shellcheck disable=SC2086
"$LAGSIM" run "$S" $FAST --format csv --hist "$TMP/h.csv" 2>"$TMP/err" | head -c 1 >/dev/null
[ ! -e "$TMP/h.csv" ] || [ -s "$TMP/h.csv" ]
no_temps
check $? "SIGPIPE on standard output leaves no temporary --hist file"

exit 0
