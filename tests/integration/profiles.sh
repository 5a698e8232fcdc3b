#!/usr/bin/env bash
# Hardware profiles (docs/configuration.md): scm.ini's [Profile NAME]
# sections; scmd --profile NAME picks one, else the first whose conditions
# hold, else none.  A service with Profiles = ... is enabled only in those:
# elsewhere it is SERVICE_DISABLED for starting (autostart skips it, and
# StartService fails with 1058).
. "$(dirname "$0")/lib.sh"

# svc NAME [PROFILES]: an auto-start heartbeat service.
svc() {
    {
        printf '[Service]\nType = share\nStart = auto\nImagePath = svchost -k prof\n'
        [ -z "${2:-}" ] || printf 'Profiles = %s\n' "$2"
        printf '\n[Parameters]\nServiceDll = heartbeat.so\nIntervalMs = 100\nFile = %s\n' \
            "$ROOT/$1.beat"
    } >"$ROOT/config/services/$1.ini"
}

printf '[SCM]\n\n[Profile office]\nWhenPathExists = %s\n\n[Profile travel]\nWhenPathExists = %s\n' \
    "$ROOT/at-the-office" "$ROOT/on-the-road" >"$ROOT/config/scm.ini"
group prof Office Plain
svc Office office
svc Plain

# Its profile chosen by name: the service auto-starts and runs.
scmd --profile office
grep -q 'profile office$' "$ROOT/scmd.err" || fail "no 'profile office' log line: $(cat "$ROOT/scmd.err")"
wait_state Office RUNNING
wait_state Plain RUNNING
pass "--profile office: Office (Profiles = office) auto-starts"
# sc qc shows the profiles (and a service without the key shows none).
sc_ok qc Office
echo "$OUT" | contains -E '^ +PROFILES +: office$' || fail "sc qc does not show Office's profiles: $OUT"
sc_ok qc Plain
echo "$OUT" | contains 'PROFILES' && fail "sc qc shows profiles for Plain: $OUT"
pass "sc qc shows a service's profiles"
# A change through the API that does not name them keeps them.
sc_ok config Office start= demand
grep -q '^Profiles = office$' "$ROOT/config/services/Office.ini" ||
    fail "sc config lost Profiles: $(cat "$ROOT/config/services/Office.ini")"
sc_ok config Office start= auto
pass "sc config keeps Profiles"
stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exited $RC"

# The other profile, chosen by its condition: Office is disabled.  Plain
# shows that the auto-starts ran; Office, RUNNING above under the same
# checks, stays STOPPED.
touch "$ROOT/on-the-road"
: >"$ROOT/scmd.err"
scmd
grep -q 'profile travel$' "$ROOT/scmd.err" || fail "no 'profile travel' log line: $(cat "$ROOT/scmd.err")"
wait_state Plain RUNNING
wait_for "$ROOT/scmd.err" 'Office: not started: disabled in this profile'
[ "$(state Office)" = STOPPED ] || fail "Office is $(state Office) in profile travel"
sc_fails 1058 start Office
[ "$(state Office)" = STOPPED ] || fail "Office is $(state Office) after a refused start"
pass "profile travel (WhenPathExists): Office stays STOPPED, StartService fails with 1058"
stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exited $RC"

# No condition holds: no profile, and Office is disabled too.
rm "$ROOT/on-the-road"
: >"$ROOT/scmd.err"
scmd
grep -q 'no profile$' "$ROOT/scmd.err" || fail "no 'no profile' log line: $(cat "$ROOT/scmd.err")"
wait_state Plain RUNNING
sc_fails 1058 start Office
pass "no profile: Office cannot start (1058)"
stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exited $RC"

# A profile scm.ini does not define is refused.
RC=0
"$BIN/scmd" --root "$ROOT" --profile home >"$ROOT/scmd.out" 2>"$ROOT/scmd.err" || RC=$?
[ "$RC" -eq 1 ] || fail "scmd --profile home exited $RC"
grep -q 'no \[Profile home\] in scm.ini' "$ROOT/scmd.err" || fail "message: $(cat "$ROOT/scmd.err")"
pass "--profile of an undefined profile: scmd exits 1"
