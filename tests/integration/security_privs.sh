#!/usr/bin/env bash
# sc privs, qprivs, sidtype and qsidtype against the real scmd: sc.exe's
# output, the values stored in the service's file and kept across an scmd
# restart, an unknown privilege or SID type refused (87) with nothing
# changed, and the events 7200 and 7201 of a change.
. "$(dirname "$0")/lib.sh"

scmd
install Sec g1 "$TEST_PLUGINS/simple.so"
FILE=$ROOT/config/services/Sec.ini

# Nothing set: an empty PRIVILEGES line and SID type NONE.
sc_ok qprivs Sec
want=$(printf '%s\n' "[SC] QueryServiceConfig2 SUCCESS" "" "SERVICE_NAME: Sec" \
    "        PRIVILEGES         : ")
[ "$OUT" = "$want" ] || fail "qprivs of a bare service: $OUT"
sc_ok qsidtype Sec
want=$(printf '%s\n' "[SC] QueryServiceConfig2 SUCCESS" "" "SERVICE_NAME: Sec" \
    "SERVICE_SID_TYPE:  NONE")
[ "$OUT" = "$want" ] || fail "qsidtype of a bare service: $OUT"
pass "qprivs and qsidtype of a service without either"

# Names in any case come back in the table's spelling, in order.
sc_ok privs Sec sebackupprivilege/SeRestorePrivilege/SvchostBindServicePrivilege
[ "$OUT" = "[SC] ChangeServiceConfig2 SUCCESS" ] || fail "sc privs printed: $OUT"
sc_ok sidtype Sec unrestricted
[ "$OUT" = "[SC] ChangeServiceConfig2 SUCCESS" ] || fail "sc sidtype printed: $OUT"
privs_want=$(printf '%s\n' "[SC] QueryServiceConfig2 SUCCESS" "" "SERVICE_NAME: Sec" \
    "        PRIVILEGES         : SeBackupPrivilege" \
    "                           : SeRestorePrivilege" \
    "                           : SvchostBindServicePrivilege")
sc_ok qprivs Sec
[ "$OUT" = "$privs_want" ] || fail "qprivs after sc privs: $OUT"
sc_ok qsidtype Sec
echo "$OUT" | contains -x "SERVICE_SID_TYPE:  UNRESTRICTED" || fail "qsidtype after sidtype: $OUT"
# (a long list goes on over indented continuation lines)
sed -e ':a;N;$!ba;s/,\n */, /g' "$FILE" |
    grep -qx "RequiredPrivileges = SeBackupPrivilege, SeRestorePrivilege, SvchostBindServicePrivilege" ||
    fail "privileges not stored: $(cat "$FILE")"
grep -qx "ServiceSidType = 1" "$FILE" || fail "SID type not stored: $(cat "$FILE")"
pass "sc privs and sc sidtype set them, stored in the service's file"

# A buffer too small: 122 and the size needed.
sc qprivs Sec 9
[ "$SC_RC" -eq 122 ] || fail "qprivs with 9 bytes exited $SC_RC: $OUT"
echo "$OUT" | contains "FAILED 122:" || fail "qprivs with 9 bytes: $OUT"
echo "$OUT" | contains "\[SC\] GetServiceConfig2 needs [0-9]* bytes" || fail "no size: $OUT"
need=$(echo "$OUT" | sed -n 's/.*needs \([0-9]*\) bytes.*/\1/p')
sc_ok qprivs Sec "$need"
[ "$OUT" = "$privs_want" ] || fail "qprivs with the size it asked for: $OUT"
pass "qprivs with a small buffer fails with 122 and the size, which then suffices"

# Refused with 87, nothing changes; the same command with known names
# goes through, so the check would see a change.
before=$(cat "$FILE")
sc_fails 87 privs Sec SeBackupPrivilege/SeNoSuchPrivilege
[ "$SC_RC" -eq 87 ] || fail "unknown privilege exited $SC_RC"
[ "$(cat "$FILE")" = "$before" ] || fail "an unknown privilege changed the file"
sc_ok qprivs Sec
[ "$OUT" = "$privs_want" ] || fail "an unknown privilege changed the list: $OUT"
sc sidtype Sec sometimes
[ "$SC_RC" -eq 1 ] || fail "sc sidtype Sec sometimes exited $SC_RC"
echo "$OUT" | contains "sc <server> sidtype" || fail "no usage for a bad SID type: $OUT"
[ "$(cat "$FILE")" = "$before" ] || fail "a bad SID type changed the file"
sc_ok privs Sec SeBackupPrivilege/SeShutdownPrivilege
[ "$(cat "$FILE")" != "$before" ] || fail "a good list did not change the file"
pass "an unknown privilege is refused with 87 and changes nothing"

# The events: each change once, with the old and the new value; no event
# for a command that changed nothing.
sc_ok sidtype Sec restricted
n7200=$(events 7200 Sec | wc -l)
n7201=$(events 7201 Sec | wc -l)
[ "$n7200" -eq 2 ] || fail "7200 logged $n7200 times: $(events 7200 Sec)"
[ "$n7201" -eq 2 ] || fail "7201 logged $n7201 times: $(events 7201 Sec)"
events 7200 Sec | sed -n 1p | contains -xF "The required privileges of the Sec service were changed from (not set) to SeBackupPrivilege, SeRestorePrivilege, SvchostBindServicePrivilege." ||
    fail "first 7200: $(events 7200 Sec)"
events 7200 Sec | sed -n 2p | contains -xF "The required privileges of the Sec service were changed from SeBackupPrivilege, SeRestorePrivilege, SvchostBindServicePrivilege to SeBackupPrivilege, SeShutdownPrivilege." ||
    fail "second 7200: $(events 7200 Sec)"
events 7201 Sec | sed -n 2p | contains -xF "The service SID type of the Sec service was changed from unrestricted to restricted." ||
    fail "7201: $(events 7201 Sec)"
sc_ok sidtype Sec restricted
sc_ok privs Sec SEBACKUPPRIVILEGE/SeShutdownPrivilege
[ "$(events 7201 Sec | wc -l)" -eq 2 ] || fail "an unchanged SID type logged 7201"
[ "$(events 7200 Sec | wc -l)" -eq 2 ] || fail "an unchanged list logged 7200"
pass "each change logs 7200 or 7201 with both values, an unchanged setting logs nothing"

# Other changes keep both: sc config and sc description rewrite the file.
sc_ok config Sec start= auto
sc_ok description Sec "privileged"
sc_ok qprivs Sec
echo "$OUT" | contains "PRIVILEGES         : SeBackupPrivilege" || fail "sc config lost the list: $OUT"
sc_ok qsidtype Sec
echo "$OUT" | contains -x "SERVICE_SID_TYPE:  RESTRICTED" || fail "sc config lost the SID type: $OUT"
pass "sc config and sc description keep the privileges and the SID type"

# Survives a restart of scmd.
stop_scmd
scmd
sc_ok qprivs Sec
want=$(printf '%s\n' "[SC] QueryServiceConfig2 SUCCESS" "" "SERVICE_NAME: Sec" \
    "        PRIVILEGES         : SeBackupPrivilege" \
    "                           : SeShutdownPrivilege")
[ "$OUT" = "$want" ] || fail "qprivs after an scmd restart: $OUT"
sc_ok qsidtype Sec
echo "$OUT" | contains -x "SERVICE_SID_TYPE:  RESTRICTED" || fail "qsidtype after a restart: $OUT"
pass "both survive an scmd restart"

# "" removes the list; none clears the SID type (no key in the file).
sc_ok privs Sec ""
sc_ok sidtype Sec none
sc_ok qprivs Sec
[ "$(echo "$OUT" | tail -1)" = "        PRIVILEGES         : " ] || fail "privs \"\" kept: $OUT"
sc_ok qsidtype Sec
echo "$OUT" | contains -x "SERVICE_SID_TYPE:  NONE" || fail "sidtype none: $OUT"
! grep -q "RequiredPrivileges\|ServiceSidType" "$FILE" || fail "removed keys stay: $(cat "$FILE")"
events 7200 Sec | tail -1 | contains -xF "The required privileges of the Sec service were changed from SeBackupPrivilege, SeShutdownPrivilege to (not set)." ||
    fail "removal 7200: $(events 7200 Sec)"
pass "privs \"\" removes the list and sidtype none clears the type"
