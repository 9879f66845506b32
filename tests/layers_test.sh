#!/bin/sh
# layers_test.sh - the library's dependencies point one way:
#
#   config, report -> experiment, analysis -> model -> stats -> des
#
# (config and report may use every layer below them, experiment and
# analysis the model and what it uses, and so on; siblings do not use each
# other). Checked twice, independently:
#   - by symbol: every function or object a layer's object file takes from
#     another file of the library (nm -u) is defined (nm --defined-only) in
#     its own layer or one it may use;
#   - by include: every "lagsim/H.h" public header and "LAYER/..." private
#     header a file of lib/ or include/lagsim/ includes belongs to its own
#     layer or one it may use (lagsim.h, the umbrella, is for programs).
#
# Usage: sh tests/layers_test.sh [BUILD]   (needs BUILD/pic, made by make)
BUILD=${1:-build}
. tests/tap.sh
tap_init layers

# may LAYER USED: whether files of LAYER may use layer USED.
may() {
  [ "$1" = "$2" ] && return 0
  case "$1:$2" in
    stats:des) return 0 ;;
    model:stats|model:des) return 0 ;;
    experiment:model|experiment:stats|experiment:des) return 0 ;;
    analysis:model|analysis:stats|analysis:des) return 0 ;;
    config:experiment|config:analysis|config:model|config:stats|config:des) return 0 ;;
    report:experiment|report:analysis|report:model|report:stats|report:des) return 0 ;;
  esac
  return 1
}
LAYERS="des stats model experiment analysis config report"

# The layer of a public header (lagsim/NAME.h); "any" for version.h.
header_layer() {
  case $1 in
    des|stats|model|experiment|analysis|config|report) echo "$1" ;;
    scenario|trace) echo model ;;
    version) echo any ;;
    *) echo program ;;
  esac
}

# ---- by symbol ----------------------------------------------------------------
: >"$TMP/defs"
missing=""
for L in $LAYERS; do
  for c in lib/$L/*.c; do
    o=$BUILD/pic/${c%.c}.o
    [ -f "$o" ] || { missing="$missing $o"; continue; }
    nm --defined-only -g "$o" | awk -v L="$L" 'NF == 3 {print $3, L}' >>"$TMP/defs"
  done
done
[ -z "$missing" ]
check $? "every library source has its object in $BUILD/pic (run make first)"
[ -n "$missing" ] && echo "#  missing:$missing"

: >"$TMP/uses"
for L in $LAYERS; do
  for c in lib/$L/*.c; do
    o=$BUILD/pic/${c%.c}.o
    [ -f "$o" ] || continue
    nm -u "$o" | awk -v c="$c" -v L="$L" '{print c, L, $NF}' >>"$TMP/uses"
  done
done
# Each use whose symbol the library defines: "FILE LAYER SYMBOL DEFINING-LAYER".
awk 'NR == FNR {def[$1] = $2; next} ($3 in def) {print $1, $2, $3, def[$3]}' \
  "$TMP/defs" "$TMP/uses" >"$TMP/edges"
: >"$TMP/bad"
while read -r c L sym D; do
  may "$L" "$D" || echo "$c ($L) uses $sym from $D" >>"$TMP/bad"
done <"$TMP/edges"
[ ! -s "$TMP/bad" ]
check $? "by symbol: no layer uses a function of a layer above it or beside it"
sed 's/^/#   /' "$TMP/bad"

# ---- by include ---------------------------------------------------------------
: >"$TMP/bad"
for L in $LAYERS; do
  for f in lib/$L/*.c lib/$L/*.h; do
    [ -f "$f" ] || continue
    sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f" | while read -r inc; do
      case $inc in
        lagsim/*.h) H=$(basename "$inc" .h); U=$(header_layer "$H") ;;
        */*) U=${inc%%/*} ;;
        *) continue ;; # a header beside the file
      esac
      [ "$U" = any ] && continue
      may "$L" "$U" || echo "$f ($L) includes $inc ($U)" >>"$TMP/bad"
    done
  done
done
for f in include/lagsim/*.h; do
  L=$(header_layer "$(basename "$f" .h)")
  [ "$L" = any ] || [ "$L" = program ] && continue
  sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f" | while read -r inc; do
    U=$(header_layer "$(basename "$inc" .h)")
    [ "$U" = any ] && continue
    may "$L" "$U" || echo "$f ($L) includes $inc ($U)" >>"$TMP/bad"
  done
done
[ ! -s "$TMP/bad" ]
check $? "by include: no file or public header includes a layer above it or beside it"
sed 's/^/#   /' "$TMP/bad"

# ---- the check itself can fail --------------------------------------------------
# A model file that called an experiment function would be refused: the
# rule table says so (checked here, so an edit that opened it up shows).
! may model experiment && ! may model analysis && ! may model config && ! may model report &&
  ! may experiment analysis && ! may analysis experiment && ! may des stats &&
  ! may stats model && ! may experiment config && ! may config report && ! may report config
check $? "the rules refuse upward and sideways uses (model->experiment, analysis<->experiment, ...)"

# ---- hops know no observer ------------------------------------------------------
# Inside the model, the hops (workload, client, segment, mixpanel) hand
# what happens to the ledger (lib/model/ledger.c), which alone counts and
# publishes to the observers (latencies, Event Delivery view, warm-up
# probe, trace). So a hop's object file takes no observer's symbol, and its
# source neither tests for tracing nor writes the result.
HOPS="workload client segment mixpanel"
OBSERVER_SYMS='^(lsi_trace_|lsi_dv_|lsi_latencies_|lsi_probe|lagsim_hist_record|lagsim_breakdown_record|lagsim_series_|lsi_[a-z_]*_observer$)'
# observer_uses OBJECT: the observer symbols it takes.
observer_uses() { nm -u "$1" | awk '{print $NF}' | grep -E "$OBSERVER_SYMS"; }
: >"$TMP/bad"
for h in $HOPS; do
  o=$BUILD/pic/lib/model/$h.o
  [ -f "$o" ] || { echo "$o missing" >>"$TMP/bad"; continue; }
  observer_uses "$o" | sed "s|^|$h.o uses |" >>"$TMP/bad"
  grep -n 'm->trace\|->out\b\|->out->\|lsi_trace_\|lsi_dv_' "lib/model/$h.c" | sed "s|^|$h.c:|" >>"$TMP/bad"
done
[ ! -s "$TMP/bad" ]
check $? "hops call no observer (no trace, series, histogram or probe symbol; no m->trace, no m->out)"
sed 's/^/#   /' "$TMP/bad"

# ---- hops hand requests onward, nothing else --------------------------------------
# A hop calls another hop only to hand it what travels onward (an event to
# its device's SDK, a request to Segment or to Mixpanel); answers come
# back through the handler the sender registered (m->on_response,
# m->on_segment_ok), so no receiver calls into its sender. The symbols
# each hop's object takes from another hop's are exactly these:
HANDOFFS='workload>client:lsi_client_accept workload>client:lsi_client_prefetch
client>segment:lsi_segment_send client>mixpanel:lsi_mixpanel_send
segment>mixpanel:lsi_mixpanel_send'
: >"$TMP/bad"
for h in $HOPS; do
  for g in $HOPS; do
    [ "$h" = "$g" ] && continue
    nm -u "$BUILD/pic/lib/model/$h.o" | awk '{print $NF}' | sort >"$TMP/u"
    nm --defined-only -g "$BUILD/pic/lib/model/$g.o" | awk '{print $NF}' | sort >"$TMP/d"
    for sym in $(comm -12 "$TMP/u" "$TMP/d"); do
      case " $(echo $HANDOFFS) " in *" $h>$g:$sym "*) ;; *) echo "$h.o calls $g.o's $sym" >>"$TMP/bad" ;; esac
    done
  done
done
[ ! -s "$TMP/bad" ]
check $? "hops call each other only to hand on an event or a request (answers go through registered handlers)"
sed 's/^/#   /' "$TMP/bad"
# The check can fail: the same intersection finds run.o's call of
# segment.o's lsi_segment_register (run.c builds the hops; a hop may not).
nm -u "$BUILD/pic/lib/model/run.o" | awk '{print $NF}' | sort >"$TMP/u"
nm --defined-only -g "$BUILD/pic/lib/model/segment.o" | awk '{print $NF}' | sort >"$TMP/d"
comm -12 "$TMP/u" "$TMP/d" | grep -qx lsi_segment_register
check $? "the hand-off check sees a call that is not a hand-off (run.o -> lsi_segment_register)"

# The check can fail: the ledger's own observers do take those symbols.
[ -n "$(observer_uses "$BUILD/pic/lib/model/latencies.o")" ] &&
  [ -n "$(observer_uses "$BUILD/pic/lib/model/ledger.o")" ]
check $? "the observer check sees the symbols latencies.o and ledger.o take"
