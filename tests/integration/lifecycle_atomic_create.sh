#!/usr/bin/env bash
# sc create with ServiceDll= and param= installs a service in one step:
# scmd killed with SIGKILL again and again while sc create and sc delete
# run in a loop never leaves a service without its [Parameters], a
# service file that does not parse, a svchost.ini that disagrees with the
# service files, or a temporary file (all checked after a last restart).
. "$(dirname "$0")/lib.sh"

KILLS=${LIFECYCLE_KILLS:-30}

# members: the names svchost.ini lists in group crash, one a line, sorted
# (a long list wraps onto indented continuation lines).
members() {
    [ -f "$ROOT/config/svchost.ini" ] || return 0
    awk '/^\[/ { grp = $0; on = 0; next }
         grp == "[crash]" && /^Services *=/ { sub(/^Services *= */, ""); on = 1; print; next }
         on && /^[ \t]/ { print; next }
         { on = 0 }' "$ROOT/config/svchost.ini" | tr ', ' '\n\n' | grep -v '^$' | sort || true
}

# files: the service names that have a file, one a line, sorted.
files() {
    local f
    for f in "$ROOT"/config/services/*.ini; do
        [ -e "$f" ] || continue
        f=${f##*/}
        echo "${f%.ini}"
    done | sort
}

temporaries() {
    find "$ROOT/config" "$ROOT/run" -name '*.tmp.*' 2>/dev/null || true
}

# check: what must hold whenever scmd has (re)started.
check() {
    local t name
    t=$(temporaries)
    [ -z "$t" ] || fail "$1: temporary files left: $t"
    [ "$(members)" = "$(files)" ] ||
        fail "$1: svchost.ini lists [$(members | tr '\n' ' ')], services/ holds [$(files | tr '\n' ' ')]"
    for name in $(files); do
        sc qc "$name"
        [ "$SC_RC" -eq 0 ] || fail "$1: $name.ini does not load: $OUT"
        grep -q '^ServiceDll = .*simple.so$' "$ROOT/config/services/$name.ini" &&
            grep -q '^Alpha = 1$' "$ROOT/config/services/$name.ini" &&
            grep -q '^Omega = 3$' "$ROOT/config/services/$name.ini" ||
            fail "$1: $name was installed without its [Parameters]: $(cat "$ROOT/config/services/$name.ini")"
    done
}

scmd

# First, that check sees each kind of damage a crash could leave, and that
# a restart repairs what is repairable: a temporary file, and a service
# file whose group svchost.ini does not show.
install Seen crash "$TEST_PLUGINS/simple.so" Alpha=1 Beta=2 Omega=3
check "one service"
kill -KILL "$SCMD"
wait "$SCMD" 2>/dev/null || true
: >"$ROOT/config/services/Seen.ini.tmp.AbC123"
: >"$ROOT/config/svchost.ini.tmp.XyZ789"
rm "$ROOT/config/svchost.ini"
[ -n "$(temporaries)" ] && [ "$(members)" != "$(files)" ] || fail "the damage is not visible"
scmd
check "after a restart over a crash's leftovers"
# The two left here, and perhaps one more: scmd's own write of run/names
# (20 ms after the install) may be what the kill interrupted.
grep -qE 'removed [23] temporary files' "$ROOT/scmd.err" || fail "no word of the temporaries: $(cat "$ROOT/scmd.err")"
grep -q 'Seen put in group crash' "$ROOT/scmd.err" || fail "no word of the repair: $(cat "$ROOT/scmd.err")"
pass "a restart removes temporaries and puts services in the groups their files name"

# Creates and deletes in a loop, whatever scmd's state.
(
    i=0
    while [ ! -e "$ROOT/stop" ]; do
        i=$((i + 1))
        "$BIN/sc" create "S$i" binPath= "svchost -k crash" type= share ServiceDll= "$TEST_PLUGINS/simple.so" \
            param= Alpha=1 param= Beta=2 param= Omega=3 >/dev/null 2>&1 || true
        if [ $((i % 3)) -eq 0 ]; then
            "$BIN/sc" delete "S$((i - 2))" >/dev/null 2>&1 || true
        fi
    done
) &
LOOP=$!
PIDS+=("$LOOP")

for k in $(seq 1 "$KILLS"); do
    # A few milliseconds to a few tens: the kill lands anywhere in a create.
    sleep "0.0$((RANDOM % 6))$((RANDOM % 10))"
    kill -KILL "$SCMD"
    wait "$SCMD" 2>/dev/null || true
    scmd
done
touch "$ROOT/stop"
wait "$LOOP" || true
kill -KILL "$SCMD"
wait "$SCMD" 2>/dev/null || true
scmd
check "after $KILLS kills"
n=$(files | wc -l)
[ "$n" -gt 1 ] || fail "the loop created nothing"
pass "$KILLS kills during sc create/delete: $n services, each whole and in its group, no temporary left"
