#!/bin/sh
# docs_test.sh - the documentation is current. The generated scenario
# reference and lagsim-scenario(5) match the key table, and the SDK presets'
# page (docs/sdk-presets.md) the presets (make docs regenerates them); links
# between the documents resolve and none leaves the repository; every
# command the README and docs/ show with its output (fenced `console`
# blocks, the convention of docs/README.md) still prints what they show.
# `sh tests/docs_test.sh BUILD` (make test) runs the quick blocks;
# `sh tests/docs_test.sh BUILD --slow` (make docs-check) all of them.
# --run-block DIR ROOT BUILD: runs the commands of one extracted block, in
# order, in a scratch directory in which the checkout's directories appear
# as at its top (files the commands write stay there); for xargs below.
if [ "${1:-}" = --run-block ]; then
  d=$2
  run=$(mktemp -d "$d/run.XXXXXX") || exit 1
  ln -s "$4" "$run/build"
  for sub in configs examples docs include tests tools man; do
    [ -e "$3/$sub" ] && ln -s "$3/$sub" "$run/$sub"
  done
  k=1
  while [ -f "$d/cmd.$k" ]; do
    (cd "$run" && timeout 900 sh -c "$(cat "$d/cmd.$k")") >"$d/got.$k" 2>>"$d/err"
    echo $? >"$d/rc.$k"
    k=$((k + 1))
  done
  rm -rf "$run"
  exit 0
fi

BUILD=${1:-build}
SLOW=0
[ "${2:-}" = --slow ] && SLOW=1
LAGSIM=$BUILD/lagsim
. tests/tap.sh
tap_init docs
ROOT=$(pwd -P)
BUILD_ABS=$(cd "$BUILD" && pwd -P)

if [ "$have_python" -ne 1 ]; then
  echo "not ok 1 - python3 is needed to read the docs' shown commands"
  exit 1
fi

# ---- The generated reference ------------------------------------------------
"$BUILD/keyref" md >"$TMP/ref.md" 2>"$TMP/err"
check $? "keyref: every key of the key table has a doc row and every row a key"
cmp -s "$TMP/ref.md" docs/scenario-reference.md
check $? "docs/scenario-reference.md is what make docs writes from the key table"
"$BUILD/keyref" man >"$TMP/ref.5" 2>>"$TMP/err" && cmp -s "$TMP/ref.5" man/lagsim-scenario.5
check $? "man/lagsim-scenario.5 is what make docs writes from the key table"
"$BUILD/keyref" schema >"$TMP/sc.json" 2>>"$TMP/err" && cmp -s "$TMP/sc.json" docs/schema/scenario.schema.json
check $? "docs/schema/scenario.schema.json is what make docs writes from the key table"
"$BUILD/keyref" presets >"$TMP/presets.md" 2>>"$TMP/err" && cmp -s "$TMP/presets.md" docs/sdk-presets.md
check $? "docs/sdk-presets.md is what make docs writes from the presets (every preset has a source row)"
[ -s "$TMP/err" ] && sed 's/^/#   /' "$TMP/err"

# ---- The README stays short and shows the two commands ---------------------
[ "$(wc -l <README.md)" -le 300 ] && grep -qx 'make run' README.md && grep -qx 'make test' README.md
check $? "README.md is at most 300 lines and shows make run and make test"

# ---- Links --------------------------------------------------------------------
# Every relative link of README.md and docs/*.md names a file of the
# repository (reports.md and cluster.md come from other branches).
: >"$TMP/links"
for f in README.md docs/*.md; do
  dir=$(dirname "$f")
  grep -o '](\([^)#]*\)[^)]*)' "$f" | sed 's/^](\([^)#]*\).*/\1/' | while read -r target; do
    case $target in ''|http://*|https://*|mailto:*) continue ;; esac
    [ -e "$dir/$target" ] || case $target in reports.md|cluster.md) ;; *)
      echo "$f: $target" >>"$TMP/links" ;; esac
  done
done
[ ! -s "$TMP/links" ]
check $? "every link between the documents resolves"
[ -s "$TMP/links" ] && sed 's/^/#   /' "$TMP/links"
! grep -rn 'shared/' README.md docs lib include cli tools tests/*.c >"$TMP/shared" 2>/dev/null
check $? "no document or source points outside the repository (../shared/)"
[ -s "$TMP/shared" ] && sed 's/^/#   /' "$TMP/shared"

# ---- Shown commands -----------------------------------------------------------
if [ -n "${LAGSIM_SANITIZED:-}" ]; then
  # Another tier's job, not a skip: make test and make docs-check run them.
  echo "# shown commands: checked by the plain build, too slow under the sanitizers"
  exit 0
fi
python3 tests/docs_blocks.py extract "$TMP/blocks" README.md docs/*.md >"$TMP/count" 2>"$TMP/err"
check $? "every shown command is in a console block with a valid marker"
[ -s "$TMP/err" ] && sed 's/^/#   /' "$TMP/err"
# First the blocks to run, in order: a block of a single command that an
# earlier block also shows (the README's run and the tutorial's) is not
# run again, it takes that block's output (a single command runs in a
# fresh directory, so it prints the same).
: >"$TMP/torun"
for d in "$TMP"/blocks/*/; do
  [ -d "$d" ] || continue
  reason=$(sed -n 's/^skip=//p' "$d/flags")
  if [ -n "$reason" ]; then echo "skip $reason" >"$d/state"; continue; fi
  if grep -q '^slow=1' "$d/flags" && [ "$SLOW" -eq 0 ]; then
    echo "skip slow, checked by make docs-check" >"$d/state"
    continue
  fi
  if [ ! -f "$d/cmd.2" ]; then
    key=$(cksum <"$d/cmd.1" | tr ' ' _)
    if [ -f "$TMP/key.$key" ]; then echo "same $(cat "$TMP/key.$key")" >"$d/state"; continue; fi
    echo "$d" >"$TMP/key.$key"
  fi
  echo run >"$d/state"
  echo "$d" >>"$TMP/torun"
done
# Then run them, DOCS_JOBS (2) blocks at a time, and report in order.
xargs -P "${DOCS_JOBS:-2}" -I{} sh tests/docs_test.sh --run-block {} "$ROOT" "$BUILD_ABS" <"$TMP/torun"
for d in "$TMP"/blocks/*/; do
  [ -d "$d" ] || continue
  where=$(cat "$d/where")
  state=$(cat "$d/state")
  case $state in
    "skip slow"*) echo "# $where: slow, checked by make docs-check"; continue ;; # another tier's, not a skip
    skip*) skip "$where: ${state#skip }"; continue ;;
    same*) cp "${state#same }"/got.1 "${state#same }"/rc.1 "$d" ;;
  esac
  python3 tests/docs_blocks.py compare "$d" >"$d/diff"
  st=$?
  check $st "$where: the shown output is current"
  [ $st -ne 0 ] && head -n 12 "$d/diff"
  [ $st -ne 0 ] && echo "$d" >>"$TMP/stale"
done
# make docs-update (LAGSIM_DOCS_UPDATE=1): the stale blocks get what their
# commands print now, written into the documents (read the diff after).
if [ -n "${LAGSIM_DOCS_UPDATE:-}" ] && [ -s "$TMP/stale" ]; then
  # shellcheck disable=SC2046
  python3 tests/docs_blocks.py refresh $(cat "$TMP/stale") | sed 's/^/# /'
fi
# Run on its own (make docs-check), the exit status says whether all held.
[ "$tap_failures" -eq 0 ]
