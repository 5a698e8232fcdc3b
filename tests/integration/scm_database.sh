#!/usr/bin/env bash
# The service database at scale, through its public faces: service files
# laid down in any order are listed in name order (case-insensitive, as
# Windows); svchost.ini is repaired at start to what the service files
# say; names and display names stay unique across services, and a new
# display name is followed; svchost.ini edited by hand while scmd runs is
# kept by the next CreateService, and a malformed one refuses it until it
# is fixed; a restarted scmd shows a stopped service's exit code and a
# never-started one's 1077.
. "$(dirname "$0")/lib.sh"

DLL=$TEST_PLUGINS/simple.so

# 300 services, their files written in a shuffled order, names of mixed
# case; svchost.ini lists 99 of the first 100, and Svc005 in a wrong group:
# 201 repairs.
names=()
for i in $(shuf -i 0-299); do
    n=$(printf '%s%03d' "$([ $((i % 2)) = 0 ] && echo Svc || echo sVC)" "$i")
    names+=("$n")
    service "$n" bulk "$DLL"
done
{
    printf '[bulk]\nServices ='
    printf '%s\n' "${names[@]}" | sort -f | sed -n '1,100p' | grep -vix 'svc005' | sed 's/^/  /; $!s/$/,/'
    printf '\n'
} >"$ROOT/config/svchost.ini"
group wrong Svc005
# Three malformed files among them (scmd reads this many files with one
# thread per CPU): each named with its line in the log, in name order, and
# not loaded; the others are.
for b in Bad1 Bad2 Bad3; do
    printf '[Service]\nImagePath = svchost -k bulk\nStart = sometimes\n' >"$ROOT/config/services/$b.ini"
done
scmd
got=$(grep -o 'services/Bad[123].ini:3:' "$ROOT/scmd.err" | tr '\n' ' ')
[ "$got" = "services/Bad1.ini:3: services/Bad2.ini:3: services/Bad3.ini:3: " ] ||
    fail "malformed files among 303: logged as '$got': $(grep -i bad "$ROOT/scmd.err" | head -5)"
sc_fails 1060 query Bad2
pass "malformed files among 303 are named with their line, in name order, and not loaded"
sc_ok query type= service state= all
got=$(echo "$OUT" | awk '/^SERVICE_NAME: /{ print $2 }')
want=$(printf '%s\n' "${names[@]}" | sort -f)
[ "$(echo "$got" | wc -l)" = 300 ] || fail "sc query listed $(echo "$got" | wc -l) services, not 300"
[ "$got" = "$want" ] || fail "not in name order: $(diff <(echo "$want") <(echo "$got") | head -5)"
pass "300 service files in any order: listed in case-insensitive name order"

members=$(awk '/^\[bulk\]/{ on = 1; next } /^\[/{ on = 0 } on' "$ROOT/config/svchost.ini" |
          tr ',= ' '\n\n\n' | grep -c '^[sS][vV][cC][0-9]')
[ "$members" = 300 ] || fail "svchost.ini's bulk lists $members services: $(cat "$ROOT/config/svchost.ini")"
if grep -q '^\[wrong\]' "$ROOT/config/svchost.ini"; then
    fail "the group emptied by the repair stayed: $(cat "$ROOT/config/svchost.ini")"
fi
grep -c 'put in group bulk, as its service file says' "$ROOT/scmd.err" | grep -qx 201 ||
    fail "repairs logged: $(grep -c 'as its service file says' "$ROOT/scmd.err")"
sc_ok start Svc250
wait_state Svc250 RUNNING
sc_ok stop Svc250
wait_state Svc250 STOPPED
pass "svchost.ini repaired at start to what the service files say, in one write; a repaired member starts"

# Names and display names: unique across services, case-insensitively.
sc_ok create Alpha binPath= "svchost -k names" type= share ServiceDll= "$DLL" DisplayName= "Alpha Svc"
sc_fails 1078 create Beta binPath= "svchost -k names" type= share ServiceDll= "$DLL" DisplayName= "ALPHA svc"
sc_fails 1078 create "alpha SVC" binPath= "svchost -k names" type= share ServiceDll= "$DLL"
sc_fails 1078 create Gamma binPath= "svchost -k names" type= share ServiceDll= "$DLL" DisplayName= alpha
sc_fails 1078 create Svc001x binPath= "svchost -k names" type= share ServiceDll= "$DLL" DisplayName= svc001
sc_ok getkeyname "alpha svc"
echo "$OUT" | contains "Name = Alpha$" || fail "getkeyname: $OUT"
sc_ok config Alpha DisplayName= "Alpha Two"
sc_ok config Alpha DisplayName= "alpha two"     # its own display name, another spelling
sc_ok create Beta binPath= "svchost -k names" type= share ServiceDll= "$DLL" DisplayName= "Alpha Svc"
sc_ok getkeyname "ALPHA SVC"
echo "$OUT" | contains "Name = Beta$" || fail "getkeyname after the change: $OUT"
sc_ok getkeyname "Alpha Two"
echo "$OUT" | contains "Name = Alpha$" || fail "getkeyname of the new display name: $OUT"
sc_fails 1078 config Beta DisplayName= "ALPHA TWO"
pass "names and display names unique across services; a new display name is followed (1078 otherwise)"

# svchost.ini edited by hand while scmd runs: the next change keeps the
# edit; a malformed file refuses a share service's CreateService until
# it is fixed.
printf '\n[other]\nSplit = always\n' >>"$ROOT/config/svchost.ini"
sc_ok create Delta binPath= "svchost -k names" type= share ServiceDll= "$DLL"
grep -q '^\[other\]$' "$ROOT/config/svchost.ini" && grep -q '^Split = always$' "$ROOT/config/svchost.ini" ||
    fail "the hand edit was lost: $(cat "$ROOT/config/svchost.ini")"
grep -A2 '^\[names\]' "$ROOT/config/svchost.ini" | contains 'Delta' ||
    fail "Delta not in names: $(cat "$ROOT/config/svchost.ini")"
cp "$ROOT/config/svchost.ini" "$ROOT/good.ini"
printf '\n[twice]\nServices = Alpha\n' >>"$ROOT/config/svchost.ini"
sc create Epsilon binPath= "svchost -k names" type= share ServiceDll= "$DLL"
[ "$SC_RC" -ne 0 ] || fail "CreateService succeeded over a malformed svchost.ini"
sc_fails 1060 query Epsilon
cp "$ROOT/good.ini" "$ROOT/config/svchost.ini.new" && mv "$ROOT/config/svchost.ini.new" "$ROOT/config/svchost.ini"
sc_ok create Epsilon binPath= "svchost -k names" type= share ServiceDll= "$DLL"
grep -A3 '^\[names\]' "$ROOT/config/svchost.ini" | contains 'Epsilon' ||
    fail "Epsilon not in names: $(cat "$ROOT/config/svchost.ini")"
pass "svchost.ini edited while scmd runs is kept; a malformed one refuses a share CreateService until fixed"

# A restart: the journal keeps what happened, and leaves out what never did.
sc_ok start Alpha
wait_state Alpha RUNNING
sc_ok stop Alpha
wait_state Alpha STOPPED
stop_scmd
scmd
# Rewritten at the start: what a service did is kept, a never-started
# service's initial status is not.
grep -q '^S Alpha ' "$ROOT/run/journal" || fail "the journal has no record of Alpha: $(cat "$ROOT/run/journal")"
if grep -q '^S Beta ' "$ROOT/run/journal"; then
    fail "the journal keeps Beta, never started: $(grep '^S Beta ' "$ROOT/run/journal")"
fi
[ "$(field Alpha WIN32_EXIT_CODE)" = 0 ] || fail "Alpha's exit code $(field Alpha WIN32_EXIT_CODE)"
[ "$(field Beta WIN32_EXIT_CODE)" = 1077 ] || fail "Beta's exit code $(field Beta WIN32_EXIT_CODE)"
[ "$(field Svc250 WIN32_EXIT_CODE)" = 0 ] || fail "Svc250's exit code $(field Svc250 WIN32_EXIT_CODE)"
pass "after a restart: stopped services keep their exit code, never-started ones show 1077"
