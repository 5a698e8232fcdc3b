#!/usr/bin/env bash
# The database survives a restart of scmd; auto-start services start in
# dependency order when scmd starts, and stop dependents first on SIGTERM.
. "$(dirname "$0")/lib.sh"

scmd
log=$ROOT/order.txt
for s in Base Middle Top; do
    install "$s" chain "$TEST_PLUGINS/simple.so" "Out=$log"
done
sc_ok config Middle depend= Base start= auto
sc_ok config Top depend= Middle start= auto
sc_ok config Base start= auto
sc_ok description Top "the top of the chain"
stop_scmd

scmd
wait_state Top RUNNING
wait_state Middle RUNNING
wait_state Base RUNNING
sc_ok qdescription Top
echo "$OUT" | contains 'the top of the chain' || fail "description lost"
sc_ok qc Top
echo "$OUT" | contains 'DEPENDENCIES       : Middle' || fail "dependency lost: $OUT"
order=$(grep -E '^(Base|Middle|Top) started' "$log" | cut -d' ' -f1 | tr '\n' ' ')
[ "$order" = "Base Middle Top " ] || fail "start order: $order"
pass "database survives a restart; auto-start in dependency order"

sc_ok EnumDepend Base
echo "$OUT" | contains 'entriesRead = 2' || fail "EnumDepend: $OUT"
first=$(echo "$OUT" | awk '/SERVICE_NAME/ { print $2; exit }')
[ "$first" = Top ] || fail "EnumDepend order starts with $first"
pass "EnumDepend lists dependents, last to start first"

stop_scmd
[ "$RC" -eq 0 ] || fail "scmd exit $RC"
order=$(grep -E '^(Base|Middle|Top) stopped' "$log" | cut -d' ' -f1 | tr '\n' ' ')
[ "$order" = "Top Middle Base " ] || fail "stop order: $order"
pass "SIGTERM stops dependents first"
