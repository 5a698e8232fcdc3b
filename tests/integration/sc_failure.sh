#!/usr/bin/env bash
# sc failure, qfailure, failureflag, qfailureflag and start= delayed-auto
# against the real scmd: sc.exe's syntax and output, the values stored in
# the service's file, and a malformed actions= list or reset period that
# prints the usage and changes nothing.
. "$(dirname "$0")/lib.sh"

scmd
SIMPLE=$TEST_PLUGINS/simple.so
install Rec g1 "$SIMPLE"
FILE=$ROOT/config/services/Rec.ini

# Nothing set: the reset period and two empty lines, no FAILURE_ACTIONS.
sc_ok qfailure Rec
want=$(printf '%s\n' "[SC] QueryServiceConfig2 SUCCESS" "" "SERVICE_NAME: Rec" \
    "        RESET_PERIOD (in seconds)    : 0" \
    "        REBOOT_MESSAGE               : " \
    "        COMMAND_LINE                 : ")
[ "$OUT" = "$want" ] || fail "qfailure of a bare service: $OUT"
sc_ok qfailureflag Rec
want=$(printf '%s\n' "[SC] QueryServiceConfig2 SUCCESS" "" "SERVICE_NAME: Rec" \
    "        FAILURE_ACTIONS_ON_NONCRASH_FAILURES: FALSE")
[ "$OUT" = "$want" ] || fail "qfailureflag of a bare service: $OUT"
pass "qfailure and qfailureflag of a service without actions"

sc_ok failure Rec reset= 86400 actions= restart/60000/run/1000/reboot/0/""/5 \
    command= "/bin/echo failed %1%" reboot= "Rec failed"
[ "$OUT" = "[SC] ChangeServiceConfig2 SUCCESS" ] || fail "sc failure printed: $OUT"
sc_ok qfailure Rec
want=$(printf '%s\n' "[SC] QueryServiceConfig2 SUCCESS" "" "SERVICE_NAME: Rec" \
    "        RESET_PERIOD (in seconds)    : 86400" \
    "        REBOOT_MESSAGE               : Rec failed" \
    "        COMMAND_LINE                 : /bin/echo failed %1%" \
    "        FAILURE_ACTIONS              : RESTART -- Delay = 60000 milliseconds." \
    "                                       RUN PROCESS -- Delay = 1000 milliseconds." \
    "                                       REBOOT -- Delay = 0 milliseconds." \
    "                                       NONE -- Delay = 5 milliseconds.")
[ "$OUT" = "$want" ] || fail "qfailure after sc failure: $OUT"
grep -qx "FailureResetPeriod = 86400" "$FILE" || fail "reset period not stored: $(cat "$FILE")"
grep -qx "FailureActions = restart/60000/run/1000/reboot/0/none/5" "$FILE" ||
    fail "actions not stored: $(cat "$FILE")"
grep -qx "FailureCommand = /bin/echo failed %1%" "$FILE" || fail "command not stored"
grep -qx "RebootMessage = Rec failed" "$FILE" || fail "reboot message not stored"
pass "sc failure sets actions, reset period, command and reboot message, stored in the file"

# Malformed: the usage, exit 1, and nothing changes.  The same command
# with a good list goes through, so the check would see a change.
before=$(cat "$FILE")
for bad in "actions= restart" "actions= restart/1m" "actions= explode/0" \
           "actions= restart/60000/" "actions= restart/0/restart/0/restart/0/restart/0/restart/0/restart/0/restart/0/restart/0/restart/0"; do
    # shellcheck disable=SC2086
    sc failure Rec reset= 10 $bad
    [ "$SC_RC" -eq 1 ] || fail "sc failure Rec reset= 10 $bad exited $SC_RC"
    echo "$OUT" | contains "sc <server> failure \[service name\]" || fail "no usage for $bad: $OUT"
    [ "$(cat "$FILE")" = "$before" ] || fail "$bad changed the file"
done
for bad in "reset= soon" "reset= -1" "reset= 4294967296"; do
    # shellcheck disable=SC2086
    sc failure Rec $bad actions= run/0
    [ "$SC_RC" -eq 1 ] || fail "sc failure Rec $bad exited $SC_RC"
    echo "$OUT" | contains "OPTIONS:" || fail "no usage for $bad: $OUT"
    [ "$(cat "$FILE")" = "$before" ] || fail "$bad changed the file"
done
sc failure Rec reset= 10
[ "$SC_RC" -eq 1 ] || fail "reset= without actions= was accepted"
sc failure Rec actions= run/0
[ "$SC_RC" -eq 1 ] || fail "actions= without reset= was accepted"
sc failure Rec
[ "$SC_RC" -eq 1 ] || fail "sc failure without options was accepted"
[ "$(cat "$FILE")" = "$before" ] || fail "a usage error changed the file"
sc_ok failure Rec reset= 10 actions= run/0
[ "$(cat "$FILE")" != "$before" ] || fail "a good list did not change the file"
pass "a malformed actions= list or reset period prints the usage and changes nothing"

# command= alone keeps the actions; "" deletes; actions= "" deletes them.
sc_ok failure Rec command= ""
sc_ok qfailure Rec
echo "$OUT" | contains -x "        COMMAND_LINE                 : " || fail "command not deleted: $OUT"
echo "$OUT" | contains "FAILURE_ACTIONS              : RUN PROCESS -- Delay = 0" ||
    fail "command= lost the actions: $OUT"
sc_ok failure Rec reset= INFINITE actions= restart/0
sc_ok qfailure Rec
echo "$OUT" | contains -x "        RESET_PERIOD (in seconds)    : INFINITE" || fail "INFINITE: $OUT"
sc_ok failure Rec reset= 0 actions= ""
sc_ok qfailure Rec
echo "$OUT" | contains "FAILURE_ACTIONS" && fail "actions= \"\" kept actions: $OUT"
grep -q "^FailureActions" "$FILE" && fail "actions= \"\" left the key: $(cat "$FILE")"
pass "NULL keeps, empty deletes"

sc_ok failureflag Rec 1
[ "$OUT" = "[SC] ChangeServiceConfig2 SUCCESS" ] || fail "failureflag printed: $OUT"
sc_ok qfailureflag Rec
echo "$OUT" | contains -x "        FAILURE_ACTIONS_ON_NONCRASH_FAILURES: TRUE" || fail "flag: $OUT"
grep -qx "FailureActionsOnNonCrashFailures = 1" "$FILE" || fail "flag not stored"
sc failureflag Rec 2
[ "$SC_RC" -eq 1 ] || fail "failureflag 2 was accepted"
sc failureflag Rec
[ "$SC_RC" -eq 1 ] || fail "failureflag without a flag was accepted"
sc_ok failureflag Rec 0
sc_ok qfailureflag Rec
echo "$OUT" | contains -x "        FAILURE_ACTIONS_ON_NONCRASH_FAILURES: FALSE" || fail "flag: $OUT"
pass "failureflag and qfailureflag"

sc_fails 1060 qfailure Nope
sc_fails 1060 failure Nope reset= 1 actions= run/0
pass "a service that does not exist: 1060"

# start= delayed-auto: AUTO_START plus the delayed flag; auto clears it.
sc_ok config Rec start= delayed-auto
sc_ok qc Rec
echo "$OUT" | contains -x "        START_TYPE         : 2   AUTO_START  (DELAYED)" ||
    fail "qc of a delayed-auto service: $OUT"
grep -qx "DelayedAutostart = 1" "$FILE" || fail "delayed not stored: $(cat "$FILE")"
sc_ok config Rec start= auto
sc_ok qc Rec
echo "$OUT" | contains -x "        START_TYPE         : 2   AUTO_START" || fail "qc after auto: $OUT"
grep -q "DelayedAutostart" "$FILE" && fail "start= auto kept the delayed flag"
sc_ok create Late binPath= "svchost -k g1" type= share start= delayed-auto ServiceDll= "$SIMPLE"
sc_ok qc Late
echo "$OUT" | contains -x "        START_TYPE         : 2   AUTO_START  (DELAYED)" ||
    fail "qc of a service created delayed-auto: $OUT"
pass "start= delayed-auto, shown by qc as AUTO_START  (DELAYED)"
