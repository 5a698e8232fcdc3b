#!/usr/bin/env bash
# Service names as Windows allows them: up to 256 characters, anything but
# '/' and '\', blanks and commas included.  Each is created, started,
# queried, stopped and deleted; its file is services/NAME.ini (a name too
# long for one file name is cut into directories), names stay unique
# case-insensitively, and svchost.ini lists a shared one %XX-encoded.
. "$(dirname "$0")/lib.sh"

scmd
name="My Service, v2"
install "$name" names "$TEST_PLUGINS/simple.so"
[ -f "$ROOT/config/services/$name.ini" ] || fail "no services/$name.ini: $(ls "$ROOT/config/services")"
grep -q '^Services = My%20Service%2C%20v2$' "$ROOT/config/svchost.ini" ||
    fail "svchost.ini: $(cat "$ROOT/config/svchost.ini")"
sc_fails 1073 create "my service, V2" binPath= "svchost -k names" type= share
sc_ok start "$name"
wait_state "$name" RUNNING
sc_ok query "$name"
echo "$OUT" | contains "^SERVICE_NAME: $name$" || fail "query: $OUT"
sc_ok queryex "my SERVICE, v2"
echo "$OUT" | contains 'STATE              : 4  RUNNING' || fail "queryex: $OUT"
pid=$(field "$name" PID)
thread_names "$pid" | contains -x "My Service, v2" || fail "threads of $pid: $(thread_names "$pid")"
sc_ok stop "$name"
wait_state "$name" STOPPED
sc_ok delete "$name"
sc_fails 1060 query "$name"
[ ! -e "$ROOT/config/services/$name.ini" ] || fail "the file stayed"
if grep -q 'My%20Service' "$ROOT/config/svchost.ini" 2>/dev/null; then
    fail "svchost.ini still lists it: $(cat "$ROOT/config/svchost.ini")"
fi
pass "\"$name\": create, start, query, stop, delete"

# 256 characters, with a blank and a '%': an own-process service.
long="$(printf 'L%.0s' $(seq 1 120)) 100% $(printf 'x%.0s' $(seq 1 130))"
[ ${#long} -eq 256 ] || fail "the test's name has ${#long} characters"
sc_ok create "$long" binPath= "$BIN/ownservice" type= own
sc_ok start "$long"
wait_state "$long" RUNNING
sc_ok query "$long"
echo "$OUT" | contains -F "SERVICE_NAME: $long" || fail "query: $OUT"
wait_for "$ROOT/scmd.err" "^ownservice: running as ${long//%/.}$"
f=$(cd "$ROOT/config/services" && find . -name '*.ini' | sed 's|^\./||')
[ "$(echo "$f" | tr -d '/')" = "${long//%/%25}.ini" ] || fail "its file: $f"
awk 'length($0) > 198 { bad = 1 } END { exit bad }' "$ROOT/config/services/$f" ||
    fail "a line longer than 198 characters in $f"
sc_fails 1073 create "${long^^}" binPath= "$BIN/ownservice" type= own
sc_ok stop "$long"
wait_state "$long" STOPPED
# The database survives a restart of scmd: the name comes from the file.
stop_scmd
scmd
sc_ok qc "$long"
echo "$OUT" | contains -F "DISPLAY_NAME       : $long" || fail "qc after a restart: $OUT"
sc_ok delete "$long"
sc_fails 1060 query "$long"
[ -z "$(ls -A "$ROOT/config/services")" ] || fail "left in services/: $(ls -AR "$ROOT/config/services")"
pass "a 256-character name: create, start, query, stop, restart, delete"

# One character more, and the two that may not appear, are refused.
sc_fails 123 create "${long}y" binPath= "$BIN/ownservice" type= own
sc_fails 123 create 'a/b' binPath= "$BIN/ownservice" type= own
sc_fails 123 create 'a\b' binPath= "$BIN/ownservice" type= own
pass "257 characters, '/' and '\\' refused with 123"
