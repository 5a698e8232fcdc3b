#!/usr/bin/env bash
# svcconsole in a real headless Chromium (console.mjs): scmd on a fresh
# state directory with test services, svcconsole on a free port, and the
# page driven as a user would (start, pause, continue, Properties, a
# restart failure action and a killed host, the CPU of a burning plugin in
# Hosts, events, scmd restarting), plus the bad requests over plain HTTP.
# SHOTS=DIR also takes the screenshots of docs/console.md into DIR
# (scripts/console-screenshots).
. "$(dirname "$0")/../integration/lib.sh"

BROWSER_DIR=$SOURCE_DIR/tests/browser
[ -x /usr/bin/chromium ] || fail "no /usr/bin/chromium (scripts/bootstrap installs it)"
[ -d "$BROWSER_DIR/node_modules/playwright-core" ] ||
    fail "no playwright-core in tests/browser/node_modules (scripts/bootstrap runs npm ci there)"

# Alpha: the service the page drives (Beta depends on it, for the
# Dependencies tab); Burner: burns CPU on a thread of its own, in its own
# host; Other: a running neighbour in a shared host.
scmd
install Alpha web "$TEST_PLUGINS/simple.so"
install Beta web "$TEST_PLUGINS/simple.so"
install Other shared "$TEST_PLUGINS/simple.so"
install Burner cpu "$TEST_PLUGINS/burn.so"
sc_ok config Alpha DisplayName= "Alpha web front end"
sc_ok description Alpha "Answers the front door; restarted by its failure actions."
sc_ok config Beta depend= Alpha DisplayName= "Beta report builder"
sc_ok description Beta "Builds the nightly reports from Alpha's logs."
sc_ok description Other "A neighbour that keeps its host busy."
sc_ok description Burner "Burns CPU on a worker thread while it runs."
sc_ok start Other
wait_state Other RUNNING

"$BIN/svcconsole" --root "$ROOT" --port 0 --interval 200 >"$ROOT/console.out" 2>"$ROOT/console.err" &
CONSOLE=$!
PIDS+=("$CONSOLE")
deadline=$((SECONDS + TIMEOUT))
until URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*/?token=[0-9a-f]*' "$ROOT/console.out"); do
    [ $SECONDS -le $deadline ] || fail "svcconsole printed no URL"
    kill -0 "$CONSOLE" 2>/dev/null || fail "svcconsole exited"
    sleep 0.05
done

# A fresh profile each run, under ROOT (removed with it).
export CONSOLE_URL=$URL BIN ROOT SCMD SHOTS="${SHOTS:-}"
export CHROMIUM_PROFILE=$ROOT/chromium-profile
cd "$BROWSER_DIR"
node console.mjs
kill -0 "$CONSOLE" || fail "svcconsole died during the test"
pass "svcconsole in Chromium"
