#!/usr/bin/env bash
# One own-process executable installed under two names: each process's
# ServiceMain gets its installed name as argv[0] (Windows passes the
# service's name, whatever the dispatch table says), registers its handler
# under that name (Windows does not check the name of an own-process
# service) and runs at the same time as the other.
. "$(dirname "$0")/lib.sh"

scmd
sc_ok create Alpha binPath= "$BIN/ownservice" type= own start= demand
beta=Beta
sc_ok create "$beta" binPath= "$BIN/ownservice" type= own start= demand
sc_ok start Alpha
sc_ok start "$beta"
wait_state Alpha RUNNING
wait_state "$beta" RUNNING
pa=$(field Alpha PID)
pb=$(field "$beta" PID)
[ -n "$pa" ] && [ -n "$pb" ] && [ "$pa" -gt 0 ] && [ "$pb" -gt 0 ] && [ "$pa" != "$pb" ] ||
    fail "PIDs: Alpha $pa, $beta $pb"
kill -0 "$pa" && kill -0 "$pb" || fail "not both running"
pass "one executable under two names, both running (PIDs $pa, $pb)"

# The table's entry is "OwnService": a ServiceMain given that name would
# print it, so these lines show the installed names reached argv[0].
wait_for "$ROOT/scmd.err" "^ownservice: running as Alpha$"
wait_for "$ROOT/scmd.err" "^ownservice: running as $beta$"
if grep -q "^ownservice: running as OwnService$" "$ROOT/scmd.err"; then
    fail "a ServiceMain got the table's name"
fi
thread_names "$pa" | contains -x Alpha || fail "no thread named Alpha in $pa: $(thread_names "$pa")"
thread_names "$pb" | contains -x "${beta:0:15}" || fail "no thread named $beta in $pb: $(thread_names "$pb")"
pass "each ServiceMain sees its own name as argv[0]"

# Each handler, registered under the installed name, gets its own
# service's controls: ownservice's exit code counts the user controls.
sc_ok control Alpha 130
sc_ok control Alpha 131
sc_ok control "$beta" 140
sc_ok stop Alpha
sc_ok stop "$beta"
wait_state Alpha STOPPED
wait_state "$beta" STOPPED
[ "$(field Alpha SERVICE_EXIT_CODE)" = 2 ] || fail "Alpha counted $(field Alpha SERVICE_EXIT_CODE) controls"
[ "$(field "$beta" SERVICE_EXIT_CODE)" = 1 ] || fail "$beta counted $(field "$beta" SERVICE_EXIT_CODE) controls"
pass "controls reach the handler registered under each installed name"
