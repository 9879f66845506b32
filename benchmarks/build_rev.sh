#!/bin/sh
# build_rev.sh - builds an older revision of this tree beside it, for
# make bench (the previous release) and make equivalence (the code before
# a change): `git archive REV` unpacked into DIR and built there with
# `make all` into DIR/build. Once: DIR/REF names the revision built, and
# a call for the same revision does nothing; another revision replaces
# DIR whole (anything kept in it goes too). The build's log is DIR.log.
#
#   sh benchmarks/build_rev.sh REV DIR LABEL
REV=$1; DIR=$2; LABEL=${3:-build_rev}
[ -n "$REV" ] && [ -n "$DIR" ] || { echo "usage: build_rev.sh REV DIR [LABEL]" >&2; exit 2; }
ref=$(git rev-parse --short "$REV") || exit 1
if [ -x "$DIR/build/lagsim" ] && [ -x "$DIR/build/pipeline" ] &&
   [ "$(cat "$DIR/REF" 2>/dev/null)" = "$ref" ]; then
  exit 0
fi
echo "$LABEL: building $ref into $DIR"
# BUILD=build: a BUILD given to this make must not move the old tree's build.
rm -rf "$DIR" && mkdir -p "$DIR" &&
  git archive "$ref" | tar -x -C "$DIR" &&
  make --no-print-directory -C "$DIR" BUILD=build all >"$DIR.log" 2>&1 &&
  echo "$ref" >"$DIR/REF" || { echo "$LABEL: building $ref failed (see $DIR.log)"; exit 1; }
