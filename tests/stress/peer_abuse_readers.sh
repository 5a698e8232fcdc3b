#!/usr/bin/env bash
# An unprivileged user opens 20 connections that send requests and never
# read the replies.  Root's queries must all still be answered, scmd's
# memory must stay within what ClientQueueLimitKB allows, and scmd must
# disconnect such a client and log it naming the uid.
. "$(dirname "$0")/lib.sh"

READERS=20
QUEUE_KB=1024
QUERIES=100

scm_ini ClientQueueLimitKB=$QUEUE_KB
scmd
install Target stress "$TEST_PLUGINS/simple.so"
sc_ok start Target
wait_state Target RUNNING
root_query Target "before any abuse"
base_rss=$(proc_kib "$SCMD" VmRSS)
base_data=$(proc_kib "$SCMD" VmData)

log_mark
abuse --readers $READERS --silent 0
# The abuse is real once every one of the connections has had replies
# waiting that it did not read: scmd answered, the client did not take it.
wait_abuse readers_filled -ge $READERS
sent_before=$(abuse_field requests_sent)
pass "$READERS connections of uid $ABUSER_UID send requests and leave the replies unread ($(tail -n 1 "$ROOT/abuser.status"))"

for i in $(seq $QUERIES); do
    root_query Target "(query $i of $QUERIES, while $READERS connections of uid $ABUSER_UID do not read)"
    mem_sample
done
sent_after=$(abuse_field requests_sent)
kill -0 "$ABUSER_PID" || fail "the abuser exited during the queries"
[ "$sent_after" -gt "$sent_before" ] ||
    fail "the abuser sent nothing while root queried: the queries did not run under abuse"
pass "all $QUERIES of root's queries answered during the abuse ($((sent_after - sent_before)) requests sent meanwhile)"

# What scmd may hold for a client that does not read: its queue of
# replies, ClientQueueLimitKB, plus what the allocator and the queue's
# bookkeeping add to it (allowed: as much again), and a reply being built
# or read (64 KiB); 8 MiB for everything else (heap fragmentation,
# libuv).  Without a queue limit this grows with every request sent; with
# a limit that counts only the bytes of many small replies, not what
# each queued one costs, it passes the bound too.
per_reader=$((2 * QUEUE_KB + 64))
cap=$((base_rss + READERS * per_reader + 8192))
cap_data=$((base_data + READERS * per_reader + 8192))
[ "$MAX_RSS" -le "$cap" ] ||
    fail "scmd's VmRSS grew from $base_rss KiB to $MAX_RSS KiB, over the bound $cap KiB" \
         "(baseline + $READERS x (2 x $QUEUE_KB + 64) KiB + 8 MiB)"
[ "$MAX_DATA" -le "$cap_data" ] ||
    fail "scmd's VmData grew from $base_data KiB to $MAX_DATA KiB, over the bound $cap_data KiB" \
         "(baseline + $READERS x (2 x $QUEUE_KB + 64) KiB + 8 MiB)"
pass "scmd's memory stayed bounded: VmRSS $base_rss -> at most $MAX_RSS KiB (bound $cap)," \
     "VmData $base_data -> at most $MAX_DATA KiB (bound $cap_data)"

# A client whose unread replies pass ClientQueueLimitKB is disconnected.
wait_abuse readers_closed -ge 1
logged_uid "$ABUSER_UID" || fail "scmd disconnected non-reading clients but logged no line naming uid $ABUSER_UID"
pass "scmd disconnected the non-reading clients and logged it naming uid $ABUSER_UID"
stop_abuse

root_query Target "after the abuse"
stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
