#!/bin/sh
# make equivalence: whether this tree's lagsim gives the same headline
# latency quantiles as an older build, config by config and mode by mode,
# as one Markdown table on stdout (docs/equivalence.md).
#   sh benchmarks/equivalence.sh BUILD BASE_BUILD REPS THREADS LABEL CONFIG...
# runs `lagsim run CONFIG --reps REPS --threads THREADS --format json`
# with BASE_BUILD/lagsim and with BUILD/lagsim (each config in the modes
# its own `mode` key selects), takes each mode's mean, 95% half-width and
# replication count of p50, p90, p99 and p99.9 of the latency to visible
# (the "ci95" object of the JSON), and hands them to BUILD/equivalence,
# which writes the table and the verdict. LABEL names the base build in
# the table (make equivalence passes the short commit). One line per
# config on stderr gives the wall seconds of each build's run. The base's
# results are cached (below): only the first run pays for them.
# Exit status: that of BUILD/equivalence (0 no exception, 1 exceptions),
# 2 when a run fails (its stderr is shown).
set -u
# --ci95 FILE.json: print what ci95 below takes from FILE (for the tests).
if [ "${1:-}" = --ci95 ] && [ $# -eq 2 ]; then CI95_ONLY=$2; else CI95_ONLY=; fi
if [ -z "$CI95_ONLY" ] && [ $# -lt 6 ]; then
  echo "usage: sh benchmarks/equivalence.sh BUILD BASE_BUILD REPS THREADS LABEL CONFIG..." >&2
  exit 2
fi

# ci95 FILE.json: "MODE FIGURE MEAN HW N" for each mode's headline
# quantiles. The JSON writer puts each mode's key on a line of its own
# ("cloud": {) and each ci95 figure on one line
# ("p50_visible_s": {"mean": x, "half_width": x, "n": n}); null stays null.
# A figure seen before any mode's key is an error (the layout changed).
ci95() {
  awk '
    function val(key,   s) {
      if (!match($0, "\"" key "\": *[^,}]*")) return "-"
      s = substr($0, RSTART, RLENGTH); sub(/^[^:]*: */, "", s); return s
    }
    /^ *"(cloud|device|hybrid)": *\{ *$/ { mode = $1; gsub(/[":]/, "", mode); next }
    /"p(50|90|99|999)_visible_s": *\{ *"mean"/ {
      if (mode == "") { print "equivalence: a ci95 figure before any mode in " FILENAME > "/dev/stderr"; exit 2 }
      fig = $1; gsub(/[":]/, "", fig); sub(/_visible_s$/, "", fig)
      if (fig == "p999") fig = "p99.9"
      print mode, fig, val("mean"), val("half_width"), val("n")
    }' "$1"
}
if [ -n "$CI95_ONLY" ]; then ci95 "$CI95_ONLY"; exit; fi

BUILD=$1; BASE=$2; REPS=$3; THREADS=$4; LABEL=$5; shift 5
for b in "$BUILD/lagsim" "$BASE/lagsim" "$BUILD/equivalence"; do
  [ -x "$b" ] || { echo "equivalence: $b not built" >&2; exit 2; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lagsim-equiv.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP

# run WHICH DIR CONFIG: DIR/lagsim on CONFIG into $tmp/WHICH.json; prints
# the wall seconds it took.
run() {
  t0=$(date +%s)
  if ! "$2/lagsim" run "$3" --reps "$REPS" --threads "$THREADS" --format json \
       --out "$tmp/$1.json" 2>"$tmp/$1.err"; then
    echo "equivalence: $2/lagsim run $3 failed:" >&2
    cat "$tmp/$1.err" >&2
    exit 2
  fi
  echo $(( $(date +%s) - t0 ))
}

# The base build's results depend only on its binary, the config's bytes
# and REPS (not on THREADS), so they are kept in BASE/../results/ under
# the config's name, its checksum and REPS, and a rerun against another
# new tree pays only for this tree's runs. make equivalence removes that
# directory with the base build when EQUIV_BASE changes; EQUIV_FRESH=1
# ignores it.
cache=$(dirname "$BASE")/results
mkdir -p "$cache" 2>/dev/null || cache=
# run_base CONFIG: like run base BASE CONFIG, or "cached" from the cache.
run_base() {
  key=$(basename "$1" .ini)-$(cksum <"$1" | awk '{print $1 "-" $2}')-r$REPS.json
  if [ -n "$cache" ] && [ -z "${EQUIV_FRESH:-}" ] && [ -s "$cache/$key" ]; then
    cp "$cache/$key" "$tmp/base.json" && echo cached && return 0
  fi
  run base "$BASE" "$1" || exit 2
  [ -n "$cache" ] && cp "$tmp/base.json" "$cache/$key.part" && mv "$cache/$key.part" "$cache/$key"
  return 0
}

: >"$tmp/rows"
for cfg in "$@"; do
  sb=$(run_base "$cfg") || exit 2
  sn=$(run new "$BUILD" "$cfg") || exit 2
  case $sb in cached) sb="(cached)" ;; *) sb="$sb s" ;; esac
  echo "equivalence: $cfg: $LABEL $sb, this tree $sn s ($REPS replications)" >&2
  ci95 "$tmp/base.json" >"$tmp/base.ci" || exit 2
  ci95 "$tmp/new.json" >"$tmp/new.ci" || exit 2
  if [ ! -s "$tmp/base.ci" ] || [ ! -s "$tmp/new.ci" ]; then
    echo "equivalence: $cfg: no ci95 figures in the JSON output" >&2
    exit 2
  fi
  # Join on MODE FIGURE; a row that one build lacks gets '-' values there.
  awk -v cfg="$cfg" '
    NR == FNR { k = $1 " " $2; b[k] = $3 " " $4 " " $5; order[++nb] = k; next }
    { k = $1 " " $2; seen[k] = 1
      print cfg, k, (k in b ? b[k] : "- - 0"), $3, $4, $5 }
    END { for (i = 1; i <= nb; i++) if (!(order[i] in seen)) print cfg, order[i], b[order[i]], "- - 0" }
  ' "$tmp/base.ci" "$tmp/new.ci" >>"$tmp/rows"
done

here=$(git describe --always --dirty 2>/dev/null || echo "this tree")
echo "Headline quantiles of the latency to visible (seconds), $REPS replications per build,"
echo "$LABEL against this tree ($here); \`make equivalence\` (docs/equivalence.md)."
echo "Quantiles are midpoints of histogram buckets at most 1/128 of their value wide: \"within"
echo "resolution\" marks means less than 1/128 apart."
echo
"$BUILD/equivalence" --base "$LABEL" --new "new" --resolution 0.0078125 "$tmp/rows"
