#!/usr/bin/env bash
# An unprivileged user opens 400 connections that each send a frame
# header announcing a 1 MiB payload, one byte of it, and then nothing.
#
# 1. With limits that let the abuse through (MaxConnectionsPerUser 500,
#    FrameTimeoutMs long enough that no connection is timed out), scmd
#    holds all 400, root's queries are answered, and scmd's memory stays
#    far below what the headers announce (400 MiB): a frame's buffer grows
#    with the bytes received, not with the length a header claims.
# 2. With the default per-user cap (64), the same user's extra
#    connections are refused (and logged naming the uid) while root's
#    queries are still answered.
. "$(dirname "$0")/lib.sh"

SILENT=400
READERS=20
QUERIES=50
PER_USER_DEFAULT=64

# ---- 1. the abuse admitted: memory bounded -----------------------------------
scm_ini MaxConnectionsPerUser=500 MaxConnections=1024 FrameTimeoutMs=600000
scmd
install Target stress "$TEST_PLUGINS/simple.so"
sc_ok start Target
wait_state Target RUNNING
root_query Target "before any abuse"
base_rss=$(proc_kib "$SCMD" VmRSS)
base_data=$(proc_kib "$SCMD" VmData)
base_fds=$(fd_count "$SCMD")

abuse --readers 0 --silent $SILENT --silent-bytes 1
wait_abuse silent_open -ge $SILENT
# scmd really holds them: one descriptor each.
deadline=$((SECONDS + TIMEOUT))
while [ $(($(fd_count "$SCMD") - base_fds)) -lt $SILENT ]; do
    [ $SECONDS -le $deadline ] ||
        fail "scmd holds only $(($(fd_count "$SCMD") - base_fds)) more descriptors, not the $SILENT connections"
    sleep 0.05
done
pass "scmd holds $SILENT silent connections of uid $ABUSER_UID, each mid-frame (fds $base_fds -> $(fd_count "$SCMD"))"

# Root's queries take scmd through its loop many times: by their end it
# has read every silent connection's header and byte.
for i in $(seq $QUERIES); do
    root_query Target "(query $i of $QUERIES, while $SILENT connections of uid $ABUSER_UID are silent mid-frame)"
    mem_sample
done
for i in $(seq 10); do
    sleep 0.1
    mem_sample
done
[ "$(abuse_field silent_open)" -ge $SILENT ] ||
    fail "silent connections were closed during the queries: $(tail -n 1 "$ROOT/abuser.status")"
pass "all $QUERIES of root's queries answered during the abuse"

# Per silent connection: the client's state, its libuv handle and the
# bytes received so far (17) need a few KiB at most; 32 KiB each, and
# 16 MiB for everything else, is generous.  A buffer of the announced
# length would be 1 MiB each: 400 MiB of VmData, even though untouched
# pages do not show in VmRSS.
cap=$((base_rss + SILENT * 32 + 16384))
cap_data=$((base_data + SILENT * 32 + 16384))
[ "$MAX_RSS" -le "$cap" ] ||
    fail "scmd's VmRSS grew from $base_rss KiB to $MAX_RSS KiB, over the bound $cap KiB" \
         "(baseline + $SILENT x 32 KiB + 16 MiB)"
[ "$MAX_DATA" -le "$cap_data" ] ||
    fail "scmd's VmData grew from $base_data KiB to $MAX_DATA KiB, over the bound $cap_data KiB" \
         "(baseline + $SILENT x 32 KiB + 16 MiB): it reserves what the headers announce"
pass "scmd's memory stayed bounded: VmRSS $base_rss -> at most $MAX_RSS KiB (bound $cap)," \
     "VmData $base_data -> at most $MAX_DATA KiB (bound $cap_data)"
stop_abuse
stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"

# ---- 2. the default per-user cap ---------------------------------------------
# The same measurement saw all 400 connections above; here it must see at
# most the cap.
rm -f "$ROOT/config/scm.ini"
scmd
sc_ok start Target
wait_state Target RUNNING
base_fds=$(fd_count "$SCMD")

log_mark
abuse --readers $READERS --silent $SILENT --silent-bytes 1
# Every slot has tried at least once.
deadline=$((SECONDS + TIMEOUT))
while [ $(($(abuse_field connects) + $(abuse_field connect_fail))) -lt $((READERS + SILENT)) ]; do
    kill -0 "$ABUSER_PID" 2>/dev/null || fail "the abuser exited: $(cat "$ROOT/abuser.err")"
    [ $SECONDS -le $deadline ] ||
        fail "the abuser did not try all $((READERS + SILENT)) connections: $(tail -n 1 "$ROOT/abuser.status")"
    sleep 0.05
done
max_fds=0
for i in $(seq 20); do
    root_query Target "(query $i, while uid $ABUSER_UID tries $((READERS + SILENT)) connections)"
    n=$(($(fd_count "$SCMD") - base_fds))
    [ "$n" -gt "$max_fds" ] && max_fds=$n
    sleep 0.1
done
# Root's own query and a connection being refused may be open too.
[ "$max_fds" -le $((PER_USER_DEFAULT + 8)) ] ||
    fail "scmd held $max_fds connections while uid $ABUSER_UID tried $((READERS + SILENT));" \
         "the default MaxConnectionsPerUser is $PER_USER_DEFAULT"
logged_uid "$ABUSER_UID" || fail "scmd refused connections but logged no line naming uid $ABUSER_UID"
pass "with the default cap scmd held at most $max_fds connections of the $((READERS + SILENT)) uid" \
     "$ABUSER_UID tried, logged it, and root's queries were answered ($(tail -n 1 "$ROOT/abuser.status"))"
stop_abuse
stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
