#!/usr/bin/env bash
# svcconsole installed and moved elsewhere still finds its page
# (share/svchost/console beside bin/); its usage errors exit 2, a page it
# cannot find or a port it cannot have exit 1, each saying what is wrong.
. "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || fail "curl is needed"

install_moved
[ -f "$PREFIX/share/svchost/console/index.html" ] || fail "the page is not installed"
scmd

"$BIN/svcconsole" --root "$ROOT" --port 0 >"$ROOT/console.out" 2>"$ROOT/console.err" &
CONSOLE=$!
PIDS+=("$CONSOLE")
deadline=$((SECONDS + TIMEOUT))
until URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*/?token=[0-9a-f]*' "$ROOT/console.out"); do
    [ $SECONDS -le $deadline ] || fail "svcconsole printed no URL: $(cat "$ROOT/console.err")"
    kill -0 "$CONSOLE" 2>/dev/null || fail "svcconsole exited: $(cat "$ROOT/console.err")"
    sleep 0.05
done
BASE=${URL%%/?token=*}
PORT=${BASE##*:}
cookie=$(curl -s -o /dev/null -D - "$URL" | sed -n 's/^Set-Cookie: \([^;]*\);.*/\1/p')
[ -n "$cookie" ] || fail "no cookie for the token"
page=$(curl -s -H "Cookie: $cookie" "$BASE/")
grep -q '<script type="module" src="app.js">' <<<"$page" || fail "GET / is not the page: $page"
for f in app.js api.js chart.js style.css favicon.svg; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$BASE/$f")
    [ "$code" = 200 ] || fail "GET /$f: $code"
done
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$BASE/..%2Fbin%2Fsc")
[ "$code" = 404 ] || fail "a path out of the page's directory answered $code"
pass "the installed, moved svcconsole serves its page from share/svchost/console"

# run ARGS...: svcconsole's exit status in RC, its stderr in $ERR.
run() {
    RC=0
    ERR=$("$BIN/svcconsole" --root "$ROOT" "$@" 2>&1 >/dev/null) || RC=$?
}
run --port 70000
[ "$RC" -eq 2 ] && grep -q -- '--port needs a number in range' <<<"$ERR" || fail "--port 70000: $RC $ERR"
run --machine
[ "$RC" -eq 2 ] && grep -q -- '--machine needs a value' <<<"$ERR" || fail "--machine: $RC $ERR"
run --machine web1 --machine '\\WEB1'
[ "$RC" -eq 2 ] && grep -q -- '--machine WEB1 given twice' <<<"$ERR" || fail "twice: $RC $ERR"
run --interval 10
[ "$RC" -eq 2 ] && grep -q -- 'at least 50 milliseconds' <<<"$ERR" || fail "--interval 10: $RC $ERR"
run --web "$ROOT/nowhere"
[ "$RC" -eq 1 ] && grep -q "no page in $ROOT/nowhere" <<<"$ERR" || fail "--web nowhere: $RC $ERR"
run --port "$PORT"
[ "$RC" -eq 1 ] && grep -q "cannot listen on 127.0.0.1:$PORT" <<<"$ERR" || fail "a port in use: $RC $ERR"
pass "usage errors exit 2, no page or a port in use exit 1, each named"

kill -TERM "$CONSOLE"
wait_exit "$CONSOLE"
[ "$RC" -eq 0 ] || fail "svcconsole exited $RC on SIGTERM"
pass "SIGTERM ends it with 0"
