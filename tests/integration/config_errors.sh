#!/usr/bin/env bash
# Malformed configuration stops svchost before anything runs, with a
# message naming the file and the line.
. "$(dirname "$0")/lib.sh"

run_host() {
    RC=0
    "$BIN/svchost" -k "$1" --console --root "$ROOT" </dev/null >"$ROOT/host.out" 2>"$ROOT/host.err" || RC=$?
}

# A bad value, on line 3 of the service file.
group g1 Bad
printf '[Service]\nImagePath = svchost -k g1\nStart = sometimes\n' >"$ROOT/config/services/Bad.ini"
run_host g1
[ "$RC" -eq 1 ] || fail "bad value: exit $RC"
grep -q 'services/Bad.ini:3:.*Start' "$ROOT/host.err" || fail "bad value not located: $(cat "$ROOT/host.err")"
pass "bad value named with file and line"

# A line longer than inih's limit is an error, not silently cut.
long=$(printf 'x%.0s' $(seq 300))
printf '[Service]\nImagePath = svchost -k g1\n[Parameters]\nServiceDll = simple.so\nNote = %s\n' "$long" \
    >"$ROOT/config/services/Bad.ini"
run_host g1
[ "$RC" -eq 1 ] || fail "long line: exit $RC"
grep -q 'services/Bad.ini:5:' "$ROOT/host.err" || fail "long line not located: $(cat "$ROOT/host.err")"
pass "overlong line reported"

# A group naming a service that has no file.
group g2 Ghost
run_host g2
[ "$RC" -eq 1 ] || fail "missing member: exit $RC"
grep -q 'Ghost' "$ROOT/host.err" && grep -q 'svchost.ini:' "$ROOT/host.err" ||
    fail "missing member not reported: $(cat "$ROOT/host.err")"
pass "group member without a file"

# A member whose ImagePath names another group.
group g3 Stray
service Stray other "$TEST_PLUGINS/simple.so"
run_host g3
[ "$RC" -eq 1 ] || fail "stray member: exit $RC"
grep -q 'Stray.ini:.*other' "$ROOT/host.err" || fail "foreign ImagePath not reported: $(cat "$ROOT/host.err")"
pass "member whose ImagePath names another group"

# A service listed twice.
group g4 Twice Twice
service Twice g4 "$TEST_PLUGINS/simple.so"
run_host g4
[ "$RC" -eq 1 ] || fail "duplicate: exit $RC"
grep -qi 'twice' "$ROOT/host.err" || fail "duplicate not reported"
pass "duplicate service"
