#!/bin/sh
# install_test.sh - `make install PREFIX=...` puts the headers, the
# library and lagsim.pc in place, and an embedding program
# (examples/embed.c) builds against them with pkg-config alone and runs.
BUILD=${1:-build}
if [ -n "${LAGSIM_SANITIZED:-}" ]; then
  echo "ok 1 - # SKIP install is checked in the plain build (sanitized objects need the sanitizer runtime)"
  exit 0
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lagsim_install.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT HUP INT TERM
n=0
check() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

make --no-print-directory -s install BUILD="$BUILD" PREFIX="$TMP/prefix" >"$TMP/log" 2>&1
check $? "make install PREFIX=... succeeds"
[ -f "$TMP/prefix/include/lagsim/lagsim.h" ] && [ -f "$TMP/prefix/lib/liblagsim.a" ] &&
  [ -f "$TMP/prefix/lib/pkgconfig/lagsim.pc" ] && [ -x "$TMP/prefix/bin/lagsim" ]
check $? "headers, library, lagsim.pc and the binary are installed"
grep -q "^Version: $(sed -n 's/.*LAGSIM_VERSION_STRING "\(.*\)"/\1/p' include/lagsim/version.h)$" \
  "$TMP/prefix/lib/pkgconfig/lagsim.pc"
check $? "lagsim.pc carries the library's version"
# Every installed header compiles on its own.
ok=0
for h in "$TMP"/prefix/include/lagsim/*.h; do
  printf '#include <lagsim/%s>\n' "$(basename "$h")" > "$TMP/h.c"
  ${CC:-cc} -std=c11 -Wall -Wextra -Werror -I"$TMP/prefix/include" $(pkg-config --cflags gsl) \
    -c "$TMP/h.c" -o "$TMP/h.o" 2>>"$TMP/log" || ok=1
done
check $ok "every installed header compiles on its own"
PKG_CONFIG_PATH="$TMP/prefix/lib/pkgconfig" ${CC:-cc} -std=c11 examples/embed.c \
  $(PKG_CONFIG_PATH="$TMP/prefix/lib/pkgconfig" pkg-config --cflags --libs --static lagsim) \
  -o "$TMP/embed" 2>>"$TMP/log"
check $? "examples/embed.c builds with pkg-config lagsim"
"$TMP/embed" configs/steady-state.ini >"$TMP/out" 2>>"$TMP/log" && grep -q "p99 to visible" "$TMP/out"
check $? "the embedding program runs a scenario"
[ -n "$(grep -v '^ok' "$TMP/log" | head -1)" ] && sed 's/^/# /' "$TMP/log" | head -20
exit 0
