#!/bin/sh
# equivalence_test.sh - the statistics of make equivalence (BUILD/equivalence,
# benchmarks/equivalence.c) on hand-made inputs, no simulation:
#   - Welch p-values against closed forms computed here with awk: with 2
#     replications a side and equal half-widths the Welch degrees of freedom
#     are exactly 2, where the t distribution's two-sided tail is
#     1 - t / sqrt(2 + t^2), and t(0.975, 1) = tan(0.475 pi); with no spread
#     on one side they are that of the other (1: Cauchy, tail
#     1 - 2 atan(t) / pi; 2: t(0.975, 2) = 0.95 sqrt(2 / 0.0975));
#   - the Welch-Satterthwaite degrees of freedom for unequal sides, from
#     printed-table quantiles t(0.975, 4) = 2.776445, t(0.975, 9) = 2.262157;
#   - Holm's step-down on two families built so that Holm, Bonferroni and
#     an uncorrected test (or one that does not stop) disagree;
#   - rows outside the base's CI, with no spread (identical, or not),
#     undefined on one or both sides; exit statuses and bad input;
#   - what benchmarks/equivalence.sh takes from a JSON report's "ci95".
# Usage: sh tests/equivalence_test.sh [BUILD]
BUILD=${1:-build}
EQ=$BUILD/equivalence
. tests/tap.sh
tap_init equivalence

if [ ! -x "$EQ" ]; then
  echo "not ok 1 - $EQ is built (make tests-build)"
  exit 1
fi

# field TSV CONFIG COLUMN: column COLUMN (1-based) of the --tsv line of CONFIG.
field() { awk -F '\t' -v c="$2" -v k="$3" '$1 == c { print $k }' "$1"; }
# close A B TOL: |A - B| <= TOL * max(|B|, 1e-300) (relative).
close() {
  awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN {
    d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; if (m < 1e-300) m = 1e-300
    exit !(a != "" && d <= t * m) }'
}

# ---- Closed-form references (awk, not the program) -------------------------
# p2 D: the Welch p of a difference D with n = 2 and half-width 1 on each
# side (se = 1 / t(0.975,1), t = D / (se sqrt 2), df 2).
p2() {
  awk -v d="$1" 'BEGIN { pi = atan2(0, -1); t1 = sin(0.475 * pi) / cos(0.475 * pi)
    t = d * t1 / sqrt(2); if (t < 0) t = -t; printf "%.12g\n", 1 - t / sqrt(2 + t * t) }'
}
P_A=$(p2 1.2); P_B=$(p2 0.63); P_C=$(p2 0.54)
# The families below rely on: P_A <= 0.05/3; 0.05/2 < P_B <= 0.05;
# P_C <= 0.05 (rejected on its own, but Holm stops before it in a family of 3).
awk -v a="$P_A" -v b="$P_B" -v c="$P_C" 'BEGIN {
  exit !(a <= 0.05 / 3 && b > 0.05 / 2 && b <= 0.05 && c > b && c <= 0.05) }'
check $? "hand-made family: p = $P_A, $P_B, $P_C fall where the Holm checks need them"

# Family 1 (m = 3): Holm rejects A only (B > 0.05/2 stops it, although
# C <= 0.05/1). The others rows are not tested (no Welch p).
cat >"$TMP/f1" <<'EOF'
# config mode figure base_mean base_hw base_n new_mean new_hw new_n
A cloud p50 10 1 2 11.2 1 2
B cloud p90 10 1 2 10.63 1 2
C cloud p99 10 1 2 9.46 1 2
same cloud p99.9 10 0 20 10 0 20
moved device p50 10 0 20 10.05 0 20
undef device p90 - - 20 null null 20
half device p99 10 0.5 20 - - 0
few device p99.9 5 - 1 5 - 1
EOF
"$EQ" --tsv "$TMP/f1" >"$TMP/t1" 2>"$TMP/err"; rc=$?
[ "$rc" -eq 1 ]
check $? "exceptions (a Holm rejection, a difference with no spread, a figure of one build) exit 1 (got $rc)"
close "$(field "$TMP/t1" A 8)" "$P_A" 1e-6 && close "$(field "$TMP/t1" B 8)" "$P_B" 1e-6 &&
  close "$(field "$TMP/t1" C 8)" "$P_C" 1e-6
check $? "Welch p with n = 2 a side equals the closed form for 2 degrees of freedom"
close "$(field "$TMP/t1" A 7)" 2 1e-9 && close "$(field "$TMP/t1" C 7)" 2 1e-9
check $? "Welch degrees of freedom: 2 for two sides of 2 replications with equal spread"
[ "$(field "$TMP/t1" A 9)$(field "$TMP/t1" B 9)$(field "$TMP/t1" C 9)" = rejectkeepkeep ]
check $? "Holm (m = 3): the smallest p rejected, then it stops at the second"
[ "$(field "$TMP/t1" A 5)$(field "$TMP/t1" B 5)$(field "$TMP/t1" C 5)" = outsideinsideinside ]
check $? "inside the base CI: |new - base| <= base half-width (1.2 no; 0.63, 0.54 yes)"
[ "$(field "$TMP/t1" same 4) $(field "$TMP/t1" same 5) $(field "$TMP/t1" same 9)" = "identical inside keep" ]
check $? "zero width on both sides, equal means: identical, inside, not tested"
[ "$(field "$TMP/t1" moved 4) $(field "$TMP/t1" moved 5)" = "differs-no-spread outside" ]
check $? "zero width on both sides, different means: an exception, outside"
[ "$(field "$TMP/t1" undef 4) $(field "$TMP/t1" half 4) $(field "$TMP/t1" few 4)" = \
  "undefined defined-in-one identical" ]
check $? "undefined in both: n/a; in one build: an exception; n < 2 with equal means: identical"
[ "$(field "$TMP/t1" same 8)$(field "$TMP/t1" moved 8)$(field "$TMP/t1" undef 8)" = nannannan ]
check $? "no p-value where there is nothing to test (no division by zero)"

# Family 2 (m = 2): Holm rejects both (B <= 0.05/1 after A), where
# Bonferroni (0.05/2 for each) would keep B.
printf 'A x p50 10 1 2 11.2 1 2\nB x p90 10 1 2 10.63 1 2\n' >"$TMP/f2"
"$EQ" --tsv "$TMP/f2" >"$TMP/t2"; rc=$?
[ "$rc" -eq 1 ] && [ "$(field "$TMP/t2" A 9)$(field "$TMP/t2" B 9)" = rejectreject ]
check $? "Holm (m = 2): the second p is compared with alpha/1 once the first is rejected"
"$EQ" --tsv --alpha 0.01 "$TMP/f2" >"$TMP/t3"; rc=$?
[ "$rc" -eq 0 ] && [ "$(field "$TMP/t3" A 9)$(field "$TMP/t3" B 9)" = keepkeep ]
check $? "--alpha 0.01: neither is rejected (p = $P_A > 0.005), exit 0"

# No spread on one side: the degrees of freedom are the other side's.
P1=$(awk 'BEGIN { pi = atan2(0, -1); t1 = sin(0.475 * pi) / cos(0.475 * pi)
  t = 0.05 * t1; printf "%.12g\n", 1 - 2 * atan2(t, 1) / pi }')
P2=$(awk 'BEGIN { q = 0.95 * sqrt(2 / 0.0975); t = 0.3 * q / 1.5
  printf "%.12g\n", 1 - t / sqrt(2 + t * t) }')
DF=$(awk 'BEGIN { vb = (2 / 2.776445) ^ 2; vn = (1 / 2.262157) ^ 2
  printf "%.12g\n", (vb + vn) ^ 2 / (vb * vb / 4 + vn * vn / 9) }')
cat >"$TMP/f4" <<'EOF'
one cloud p50 10 0 20 10.05 1 2
two cloud p90 10 1.5 3 10.3 0 20
welch cloud p99 10 2 5 10.4 1 10
EOF
"$EQ" --tsv "$TMP/f4" >"$TMP/t4"; rc=$?
[ "$rc" -eq 0 ]
check $? "no exception: exit 0"
[ "$(field "$TMP/t4" one 4) $(field "$TMP/t4" one 5)" = "tested outside" ] &&
  close "$(field "$TMP/t4" one 7)" 1 1e-9 && close "$(field "$TMP/t4" one 8)" "$P1" 1e-6
check $? "base without spread, new n = 2: outside the zero-width CI, Welch on 1 df, p = $P1 (Cauchy)"
close "$(field "$TMP/t4" two 7)" 2 1e-9 && close "$(field "$TMP/t4" two 8)" "$P2" 1e-6
check $? "base n = 3, new without spread: 2 df, se from t(0.975, 2), p = $P2"
close "$(field "$TMP/t4" welch 7)" "$DF" 1e-5
check $? "Welch-Satterthwaite df for n = 5 and 10: $DF (table quantiles)"

# ---- The Markdown table and verdict -----------------------------------------
"$EQ" --base old --new new --resolution 0.0078125 "$TMP/f1" >"$TMP/out" 2>"$TMP/err"
grep -q '^| A | cloud | p50 | 10 ± 1 | 11.2 ± 1 | 2/2 | \*\*no\*\* | 0\.0[0-9]* | \*\*reject\*\* |$' "$TMP/out"
check $? "Markdown: a row outside the CI shows no, its p and Holm's rejection"
grep -q '^| same | cloud | p99.9 | 10 ± 0 | 10 ± 0 | 20/20 | identical | n/a | - |$' "$TMP/out"
check $? "Markdown: a zero-width row with equal means reads identical, n/a"
grep -q '^| moved | device | p50 | .* | \*\*no\*\* (no spread; within resolution) | n/a | \*\*differs\*\* (+0.50%) |$' "$TMP/out"
check $? "Markdown: a zero-width difference of 0.5% is flagged, within 1/128 resolution"
grep -q '^8 rows: 2 with the new mean outside the old 95% CI (1 of the 3 tested;' "$TMP/out" &&
  grep -q 'over 3 tests: 1 rejected; 1 differ with no spread on either side; 1 defined in one build only; 1 not tested' "$TMP/out" &&
  grep -q '^Verdict: \*\*3 exceptions\*\*' "$TMP/out"
check $? "verdict: counts of rows outside, tested, rejected, without spread, and 3 exceptions"
printf 'x cloud p50 10 1 20 10.2 1 20\n' | "$EQ" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ "$rc" -eq 0 ] && grep -q '^Verdict: \*\*no evidence that the model moved\*\*' "$TMP/out"
check $? "one row inside the CI, not rejected: no evidence that the model moved, exit 0"

# ---- Bad input ----------------------------------------------------------------
printf '# c\nx cloud p50 10 1 20 10.2 1\n' >"$TMP/bad1"
"$EQ" "$TMP/bad1" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ "$rc" -eq 2 ] && [ ! -s "$TMP/out" ] && grep -q "^$TMP/bad1:2: want 9 fields" "$TMP/err"
check $? "a line of 8 fields: FILE:LINE: message, exit 2, nothing on stdout"
printf 'x cloud p50 10 -1 20 10.2 1 20\n' | "$EQ" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "^stdin:1: BASE_HW is '-1'" "$TMP/err"
check $? "a negative half-width is refused (stdin:LINE)"
printf 'x cloud p50 10 1 2x 10.2 1 20\n' | "$EQ" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "^stdin:1: BASE_N is '2x'" "$TMP/err"
check $? "a count that is not a whole number is refused"

# ---- What the driver takes from a JSON report --------------------------------
# The layout of lagsim's JSON writer (report_json.c), cut down.
cat >"$TMP/r.json" <<'EOF'
{
  "modes": {
    "cloud": {
      "latency_visible_s": {
        "p50": 33.9,
        "p99": 97.7
      },
      "ci95": {
        "visible_share": {"mean": 0.86, "half_width": 0.0077, "n": 3},
        "p50_visible_s": {"mean": 34.056875, "half_width": 1.900888, "n": 3},
        "p90_visible_s": {"mean": 47.491755, "half_width": 0, "n": 3},
        "p99_visible_s": {"mean": 97.604949, "half_width": 5.422339, "n": 3},
        "p999_visible_s": {"mean": 106.16832, "half_width": 1.302404, "n": 3},
        "max_visible_s": {"mean": 109.376939, "half_width": 1.15677, "n": 3},
        "p99_delivered_s": {"mean": 62.08, "half_width": 0.37, "n": 3}
      }
    },
    "hybrid": {
      "ci95": {
        "p50_visible_s": {"mean": null, "half_width": null, "n": 0},
        "p90_visible_s": {"mean": 5, "half_width": null, "n": 1},
        "p99_visible_s": {"mean": 6, "half_width": 0.5, "n": 2},
        "p999_visible_s": {"mean": 7, "half_width": 0.5, "n": 2}
      }
    }
  }
}
EOF
sh benchmarks/equivalence.sh --ci95 "$TMP/r.json" >"$TMP/out" 2>"$TMP/err"
cat >"$TMP/want" <<'EOF'
cloud p50 34.056875 1.900888 3
cloud p90 47.491755 0 3
cloud p99 97.604949 5.422339 3
cloud p99.9 106.16832 1.302404 3
hybrid p50 null null 0
hybrid p90 5 null 1
hybrid p99 6 0.5 2
hybrid p99.9 7 0.5 2
EOF
cmp -s "$TMP/out" "$TMP/want"
check $? "driver: each mode's p50, p90, p99, p99.9 mean, half-width and n from ci95, nothing else"

echo "1..$n"
[ "$tap_failures" -eq 0 ]
