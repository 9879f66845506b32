#!/bin/sh
# input_test.sh - inputs are read once and exactly, in time linear in
# their size, and numbers come out exact:
#  - a scenario given as a FIFO or /dev/stdin is read once; the manifest's
#    hash is the FNV-1a 64 of the bytes read (computed here by a second,
#    independent implementation in awk);
#  - NUL bytes, bare carriage returns and a second BOM are refused at their
#    own FILE:LINE, in the scenario and (NUL) in the replay CSV;
#  - an error caused by a --set names that --set;
#  - the replay CSV's hash is in the manifest, and a CSV changed during the
#    run is detected (exit 1);
#  - 100,000 [burst.*] sections reach their error within 10 s;
#  - sweep values above 10^9 print in full, and whole-number axes above
#    2^53 (where a double loses integers) are refused.
#
# Usage: sh tests/input_test.sh [BUILD]
BUILD=${1:-build}
LAGSIM=$BUILD/lagsim
. tests/tap.sh
tap_init input

FAST="--mode cloud --set traffic.scale=0.001"
cp configs/default.ini "$TMP/s.ini"

# FNV-1a 64 of a file's bytes, in awk with exact 64-bit arithmetic done on
# 16-bit limbs (awk's numbers are doubles), from od's byte listing.
fnv() {
  od -An -v -tu1 "$1" | awk '
    BEGIN { h[0] = 8997; h[1] = 33826; h[2] = 40164; h[3] = 52210 } # cbf29ce484222325, low limb first
    {
      for (f = 1; f <= NF; f++) {
        h[0] = xor16(h[0], $f)
        # h *= 0x100000001b3 = 2^40 + 0x1b3 (limbs of 2^40: limb 2, value 2^8)
        for (i = 0; i < 4; i++) { a[i] = h[i] * 435; r[i] = 0 }
        for (i = 0; i < 4; i++) r[i] += a[i]
        for (i = 0; i + 2 < 4; i++) r[i + 2] += h[i] * 256
        c = 0
        for (i = 0; i < 4; i++) { v = r[i] + c; h[i] = v % 65536; c = int(v / 65536) }
      }
    }
    function xor16(x, y,   res, bit) {
      res = 0
      for (bit = 1; bit < 65536; bit *= 2) {
        if ((int(x / bit) % 2) != (int(y / bit) % 2)) res += bit
      }
      return res
    }
    END { printf "%04x%04x%04x%04x\n", h[3], h[2], h[1], h[0] }'
}

# ---- read once ------------------------------------------------------------------

want=$(fnv "$TMP/s.ini")
run run "$TMP/s.ini" $FAST --format csv
got=$(sed -n 's/^# scenario_fnv1a64: //p' "$TMP/out")
[ $rc -eq 0 ] && [ "$got" = "$want" ]
check $? "the manifest hash of a regular file is its FNV-1a 64 ($got, independent: $want)"

"$LAGSIM" run /dev/stdin $FAST --format csv <"$TMP/s.ini" >"$TMP/out" 2>"$TMP/err"; rc=$?
got=$(sed -n 's/^# scenario_fnv1a64: //p' "$TMP/out")
[ $rc -eq 0 ] && [ "$got" = "$want" ]
check $? "a scenario on /dev/stdin runs and its hash is that of the bytes read"

mkfifo "$TMP/fifo.ini"
(cat "$TMP/s.ini" >"$TMP/fifo.ini" &)
timeout 60 "$LAGSIM" run "$TMP/fifo.ini" $FAST --format csv >"$TMP/out" 2>"$TMP/err"; rc=$?
got=$(sed -n 's/^# scenario_fnv1a64: //p' "$TMP/out")
[ $rc -eq 0 ] && [ "$got" = "$want" ]
check $? "a scenario in a FIFO is read once (no hang) and hashed as read"

printf '[scenario]\nhorizon = 1m\n' | timeout 60 "$LAGSIM" check /dev/stdin >"$TMP/out" 2>&1
[ $? -eq 0 ] && grep -q '^horizon = 1m$' "$TMP/out"
check $? "check reads a scenario from a pipe"

# ---- bytes refused at their line ----------------------------------------------

# bad NAME PATTERN: `check` on $TMP/b.ini exits 2 with the pattern.
bad() {
  run check "$TMP/b.ini"
  [ $rc -eq 2 ] && grep -Eq -- "$2" "$TMP/err"
  check $? "$1"
}
printf '\000' >"$TMP/b.ini"
bad "a file of one NUL byte is refused at line 1" "b.ini:1: a NUL byte at column 1"
printf '[traffic]\nusers = 5\000\nbase_rate = 1/s\n' >"$TMP/b.ini"
bad "a NUL after a value is refused at its line (not 'line too long')" "b.ini:2: a NUL byte at column 10"
printf '[traffic]\nusers = 5\nbase_rate = 1/s\000' >"$TMP/b.ini"
bad "a NUL on the last line (no line end) is refused, not cut silently" "b.ini:3: a NUL byte at column 16"
printf '[traffic]\n; a comment \000 with a NUL\n' >"$TMP/b.ini"
bad "a NUL inside a comment is refused too" "b.ini:2: a NUL byte"
head -c 100000 /dev/zero >"$TMP/b.ini"
bad "a file of zeros is refused at line 1" "b.ini:1: a NUL byte at column 1"
timeout 10 "$LAGSIM" check /dev/zero >"$TMP/out" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "/dev/zero:1: a NUL byte" "$TMP/out"
check $? "/dev/zero as a scenario is refused at once (rc $rc)"
printf '[traffic]\rusers = 5\rbase_rate = 1/s\r' >"$TMP/b.ini"
bad "bare CR line ends are refused (keys are not ignored silently)" "b.ini:1: a carriage return not followed by a line feed"
printf '[traffic]\nusers = 5\rbase_rate = 1/s\n' >"$TMP/b.ini"
bad "one bare CR inside a line is refused" "b.ini:2: a carriage return .* at column 10"
printf '[traffic]\r\nusers = 5\r\n' >"$TMP/b.ini"
run check "$TMP/b.ini"
[ $rc -eq 0 ] && grep -q '^users = 5$' "$TMP/out"
check $? "CR LF line ends are accepted"
printf '\357\273\277[traffic]\nusers = 5\n' >"$TMP/b.ini"
run check "$TMP/b.ini"
[ $rc -eq 0 ] && grep -q '^users = 5$' "$TMP/out"
check $? "a BOM at the start is accepted"
printf '\357\273\277[traffic]\nusers = 5\n\357\273\277[scenario]\nhorizon = 1m\n' >"$TMP/b.ini"
bad "a second BOM (files joined with cat) is named" "b.ini:3: a second byte-order mark"
printf '[traffic]\nusers = 5 \357\273\277\n' >"$TMP/b.ini"
bad "a BOM inside a value is named" "b.ini:2: a second byte-order mark .* at column 11"
printf '\357\273\277\357\273\277[traffic]\n' >"$TMP/b.ini"
bad "two BOMs at the start are named" "b.ini:1: a second byte-order mark"
printf '\377\376[\000t\000]\000\n\000' >"$TMP/b.ini"
bad "a UTF-16 file is named as such" "b.ini:1: the file is UTF-16"

# ---- --set errors name the --set ----------------------------------------------

run check "$TMP/s.ini" --set traffic.users=abc
[ $rc -eq 2 ] && grep -q "^--set traffic.users=abc: key 'users' in \[traffic\]" "$TMP/err"
check $? "a bad --set value names the --set"
run check "$TMP/s.ini" --set scenario.warmup=100h
[ $rc -eq 2 ] && grep -q "^--set scenario.warmup=100h: \[scenario\] warmup" "$TMP/err"
check $? "a --set breaking a relation (warm-up past the horizon) names the --set, not the file"
run check "$TMP/s.ini" --set traffic.users=7 --set burst.launch.start=100h
[ $rc -eq 2 ] && grep -q "^--set burst.launch.start=100h: \[burst.launch\]" "$TMP/err"
check $? "of several --set, the one that breaks the scenario is named"
run check "$TMP/s.ini" --set event.page_view.share=0.9
[ $rc -eq 2 ] && grep -q "^--set event.page_view.share=0.9: the shares" "$TMP/err"
check $? "a --set making shares not add up names the --set"
printf '[event.a]\nshare = 0.5\n' >"$TMP/b.ini"
run check "$TMP/b.ini" --set traffic.users=7
[ $rc -eq 2 ] && grep -q "b.ini: the shares" "$TMP/err"
check $? "a file wrong by itself keeps the blame even with a --set"

# ---- the replay CSV --------------------------------------------------------------

printf 'time,event\n1,e\n2,e\n' >"$TMP/r.csv"
printf '[event.e]\nshare = 1\n[replay]\nfile = r.csv\n' >"$TMP/rp.ini"
want=$(fnv "$TMP/r.csv")
run run "$TMP/rp.ini" $FAST --format json
[ $rc -eq 0 ] && grep -q "\"replay_fnv1a64\": \"$want\"" "$TMP/out"
check $? "the replay CSV's FNV-1a 64 is in the JSON manifest ($want)"
run run "$TMP/rp.ini" $FAST --format csv
[ $rc -eq 0 ] && grep -q "^# replay_fnv1a64: $want$" "$TMP/out"
check $? "... and in the CSV manifest"
run run "$TMP/s.ini" $FAST --format json
[ $rc -eq 0 ] && ! grep -q "replay_fnv1a64" "$TMP/out"
check $? "a scenario without a replay has no replay hash"
printf '\000time\n1\n' >"$TMP/r.csv"
run check "$TMP/rp.ini"
[ $rc -eq 2 ] && grep -q "r.csv:1: a NUL byte at column 1" "$TMP/err"
check $? "a NUL at the start of the replay CSV is refused at line 1"
printf 'time\n1\n2\000\n3\n' >"$TMP/r.csv"
run check "$TMP/rp.ini"
[ $rc -eq 2 ] && grep -q "r.csv:3: a NUL byte at column 2" "$TMP/err"
check $? "a NUL mid-CSV is refused at its line (not 'line too long')"
printf 'time\n1\n2\0003' >"$TMP/r.csv"
run check "$TMP/rp.ini"
[ $rc -eq 2 ] && grep -q "r.csv:3: a NUL byte at column 2" "$TMP/err"
check $? "a NUL on the CSV's last line (no line end) is refused, not cut silently"

printf 'time\r1\r2\r' >"$TMP/r.csv"
run check "$TMP/rp.ini"
[ $rc -eq 2 ] && grep -q "r.csv:1: a carriage return not followed by a line feed" "$TMP/err"
check $? "a CSV with bare CR line ends is refused, naming the CR"
printf 'time\r\n1\r\n2\r\n' >"$TMP/r.csv"
run check "$TMP/rp.ini"
[ $rc -eq 0 ]
check $? "a CSV with CR LF line ends is accepted"
printf '\357\273\277time\n1\n\357\273\277time\n2\n' >"$TMP/r.csv"
run check "$TMP/rp.ini"
[ $rc -eq 2 ] && grep -q "r.csv:3: a second byte-order mark" "$TMP/err"
check $? "a second BOM in the CSV (files joined with cat) is named"

# A CSV that changes while the run streams it: many rows, a run of a few
# seconds; the CSV is appended to once the run has begun (its output's
# temporary file exists only after the scan).
awk 'BEGIN { print "time"; for (i = 0; i < 400000; i++) printf "%.3f\n", i * 0.009 }' >"$TMP/r.csv"
printf '[scenario]\nhorizon = 1h\n[traffic]\nbase_rate = 0\n[replay]\nfile = r.csv\n' >"$TMP/rp.ini"
"$LAGSIM" run "$TMP/rp.ini" --mode all --reps 2 --threads 1 --out "$TMP/rp.out" \
  >"$TMP/out" 2>"$TMP/err" &
pid=$!
i=0
while [ $i -lt 200 ] && [ -z "$(find "$TMP" -name 'rp.out.tmp.*')" ]; do sleep 0.05; i=$((i + 1)); done
echo 9999 >>"$TMP/r.csv"
wait $pid; rc=$?
[ $rc -eq 1 ] && grep -q "changed during the run" "$TMP/err" && [ ! -e "$TMP/rp.out" ] &&
  [ -z "$(find "$TMP" -name 'rp.out.tmp.*')" ]
check $? "a replay CSV changed during the run is detected (exit 1, no report; rc $rc)"
run run "$TMP/rp.ini" --mode cloud --set traffic.scale=1 --out "$TMP/rp.out"
[ $rc -eq 0 ] && [ -s "$TMP/rp.out" ]
check $? "... and an unchanged one passes"

# ---- linear in the size of the input ----------------------------------------------

awk 'BEGIN { for (i = 0; i < 100000; i++)
  printf "[burst.b%d]\nstart = 1m\nduration = 1m\nmultiplier = 2\n", i }' >"$TMP/big.ini"
t0=$(date +%s)
timeout 10 "$LAGSIM" check "$TMP/big.ini" >"$TMP/out" 2>"$TMP/err"; rc=$?
dt=$(( $(date +%s) - t0 ))
[ $rc -eq 2 ] && grep -q "big.ini:257: too many \[burst.\*\] sections (at most 64)" "$TMP/err"
check $? "100,000 [burst.*] sections reach their error within 10 s (${dt} s, rc $rc)"
awk 'BEGIN { print "[traffic]"; for (i = 0; i < 200000; i++) printf "; comment %d\n", i;
  print "users = 5"; for (i = 0; i < 200000; i++) printf "key%d = 1\n", i }' >"$TMP/big.ini"
timeout 10 "$LAGSIM" check "$TMP/big.ini" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "big.ini:200003: key 'key0' in \[traffic\]: unknown key" "$TMP/err"
check $? "400,000 lines in one section reach their error within 10 s (rc $rc)"
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "[burst.b%d]\nstart = 1m\n", i % 60;
  }' >"$TMP/big.ini"
timeout 10 "$LAGSIM" check "$TMP/big.ini" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "big.ini:121: duplicate section \[burst.b0\] (first on line 1)" "$TMP/err"
check $? "100,000 repeated section headers reach the duplicate within 10 s (rc $rc)"

# ---- exact values ----------------------------------------------------------------------

SW="--mode cloud --set traffic.scale=0.0005 --set scenario.horizon=1m --set burst.launch.start=10s --set burst.launch.duration=1s"
run sweep "$TMP/s.ini" $SW --vary traffic.users=1000000001..1000000003:1 --format csv
vals=$(grep -v '^#' "$TMP/out" | sed -n '2,$p' | cut -d, -f1 | tr '\n' ' ')
[ $rc -eq 0 ] && [ "$vals" = "1000000001 1000000002 1000000003 " ]
check $? "sweep CSV prints 1000000001..1000000003 in full (got: $vals)"
run sweep "$TMP/s.ini" $SW --vary traffic.users=1000000001..1000000003:1 --format json
[ $rc -eq 0 ] && grep -q '"values": \[1000000002\]' "$TMP/out"
check $? "... and JSON"
run sweep "$TMP/s.ini" $SW --vary traffic.users=1000000001..1000000003:1
[ $rc -eq 0 ] && grep -q '^  1000000002 ' "$TMP/out"
check $? "... and text"
run sweep "$TMP/s.ini" $SW --vary scenario.seed=9007199254740990..9007199254740992:1 --format csv
vals=$(grep -v '^#' "$TMP/out" | sed -n '2,$p' | cut -d, -f1 | tr '\n' ' ')
[ $rc -eq 0 ] && [ "$vals" = "9007199254740990 9007199254740991 9007199254740992 " ]
check $? "seeds up to 2^53 are swept exactly, none repeated (got: $vals)"
run sweep "$TMP/s.ini" $SW --vary scenario.seed=9007199254740993..9007199254740995:1
[ $rc -eq 2 ] && grep -q "above 2^53" "$TMP/err"
check $? "seeds above 2^53 in --vary are refused, not rounded and repeated"
run sweep "$TMP/s.ini" $SW --vary scenario.seed=1..18446744073709551615:1
[ $rc -eq 2 ] && grep -q "TO: '18446744073709551615' is above 2^53" "$TMP/err"
check $? "a --vary bound of 2^64-1 is refused cleanly"
run sweep "$TMP/s.ini" $SW --vary scenario.seed=1..5:18446744073709551615
[ $rc -eq 2 ] && grep -q "STEP: '18446744073709551615' is above 2^53" "$TMP/err"
check $? "a --vary step of 2^64-1 is refused cleanly"
run sweep "$TMP/s.ini" $SW --vary mixpanel.max_request_bytes=1B..9007199254740993B
[ $rc -eq 2 ] && grep -q "above 2^53" "$TMP/err"
check $? "a size bound above 2^53 bytes is refused"
run sweep "$TMP/s.ini" $SW --vary mixpanel.ingest_limit=1234567/s..1234569/s:1/s
[ $rc -eq 0 ] && grep -q '^  1234568/s ' "$TMP/out"
check $? "a whole rate prints in full in the sweep table (1234568/s, not 1.23457e+06/s)"
run run "$TMP/s.ini" $FAST --seed 18446744073709551615 --format csv
[ $rc -eq 0 ] && grep -q '^# seed: 18446744073709551615$' "$TMP/out"
check $? "a seed of 2^64-1 prints exactly in the CSV manifest"
run run "$TMP/s.ini" $FAST --seed 9007199254740993 --format json
[ $rc -eq 0 ] && grep -q '"seed": 9007199254740993,' "$TMP/out"
check $? "a seed of 2^53+1 prints exactly in JSON"

exit 0
