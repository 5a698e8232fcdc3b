#!/usr/bin/env bash
# svcconsole showing two machines: this one over the local socket (".")
# and 127.0.0.1 through a real sshd, as the SSH login user.  Every
# resource names its machine; the remote one answers with that user's
# rights (a query yes, a stop 403 with error 5) while the local one, as
# the user who started svcconsole, may stop; the remote event log is 501
# (50), not this machine's by mistake.
. "$(dirname "$0")/lib.sh"

remote_setup
use_ssh user
command -v curl >/dev/null || fail "curl is needed"

"$BIN/svcconsole" --root "$ROOT" --port 0 --machine . --machine 127.0.0.1 \
    >"$ROOT/console.out" 2>"$ROOT/console.err" &
PIDS+=("$!")
deadline=$((SECONDS + TIMEOUT))
until URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*/?token=[0-9a-f]*' "$ROOT/console.out"); do
    [ $SECONDS -le $deadline ] || fail "svcconsole printed no URL: $(cat "$ROOT/console.err")"
    sleep 0.05
done
BASE=${URL%%/?token=*}
cookie=$(curl -s -o /dev/null -D - "$URL" | sed -n 's/^Set-Cookie: \([^;]*\);.*/\1/p')
[ -n "$cookie" ] || fail "no cookie for the token"

# get PATH / post PATH: the body in $BODY, the status in $STATUS.
request() {
    local out
    out=$(curl -s -w '\n%{http_code}' -H "Cookie: $cookie" -H 'X-Svcconsole: 1' "$@")
    STATUS=${out##*$'\n'}
    BODY=${out%$'\n'*}
}

request "$BASE/api/machines"
[ "$STATUS" = 200 ] || fail "machines: $STATUS $BODY"
[ "$BODY" = '[{"name":"localhost","connected":true,"error":0,"message":"The operation completed successfully."},{"name":"127.0.0.1","connected":true,"error":0,"message":"The operation completed successfully."}]' ] ||
    fail "machines: $BODY"
grep -q "Accepted publickey for $SSH_USER from 127.0.0.1" "$ROOT/sshd.err" ||
    fail "svcconsole did not log in through sshd"
pass "two machines, the second through sshd as $SSH_USER"

request "$BASE/api/services"
[ "$STATUS" = 200 ] || fail "services: $STATUS $BODY"
pid=$(host_pid Beat)
for m in localhost 127.0.0.1; do
    grep -q "{\"machine\":\"$m\",\"name\":\"Beat\",\"display_name\":\"Beat\",\"state\":\"RUNNING\",\"state_code\":4,\"pid\":$pid," <<<"$BODY" ||
        fail "no RUNNING Beat of $m in $BODY"
done
request "$BASE/api/machines/127.0.0.1/services/Beat"
[ "$STATUS" = 200 ] || fail "remote Beat: $STATUS $BODY"
grep -q '"binary_path":"svchost -k demo"' <<<"$BODY" || fail "remote Beat's config: $BODY"
request "$BASE/api/hosts?machine=127.0.0.1"
[ "$STATUS" = 200 ] || fail "remote hosts: $STATUS $BODY"
grep -q "{\"machine\":\"127.0.0.1\",\"pid\":$pid,\"group\":\"demo\",\"services\":\[\"Beat\"\]" <<<"$BODY" ||
    fail "remote hosts: $BODY"
pass "the services, one service and the hosts of each machine, each named by its machine"

request -X POST "$BASE/api/machines/127.0.0.1/services/Beat/stop"
[ "$STATUS" = 403 ] || fail "remote stop as $SSH_USER: $STATUS $BODY"
[ "$BODY" = '{"error":5,"message":"Access is denied."}' ] || fail "remote stop: $BODY"
[ "$(state Beat)" = RUNNING ] || fail "Beat stopped although the remote stop was refused"
request -X POST "$BASE/api/machines/localhost/services/Beat/pause"
[ "$STATUS" = 200 ] || fail "local pause: $STATUS $BODY"
wait_state Beat PAUSED
pass "the remote machine answers with the SSH user's rights (stop: 403, error 5), the local one with the console's"

request "$BASE/api/machines/127.0.0.1/events"
[ "$STATUS" = 501 ] || fail "remote events: $STATUS $BODY"
grep -q '"error":50' <<<"$BODY" || fail "remote events: $BODY"
request "$BASE/api/machines/localhost/events?service=Beat&id=7036"
[ "$STATUS" = 200 ] || fail "local events: $STATUS $BODY"
grep -q 'The Beat service entered the paused state.' <<<"$BODY" || fail "local events: $BODY"
pass "events: this machine's log, and 50 for the remote one"
