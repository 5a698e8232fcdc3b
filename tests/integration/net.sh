#!/usr/bin/env bash
# net start|stop|pause|continue with net.exe's messages, layout and exit
# codes (0 success, 2 a failed command, 1 a syntax error): the list of
# started services by display name, names or display names, the errors
# (NET HELPMSG 2182, 2185, 2191, 3521, "System error N has occurred."),
# dependents stopped first with /YES, unknown switches refused.
. "$(dirname "$0")/lib.sh"

# net ARGS...: output in $OUT (stdout) and $ERR (stderr), status in $NET_RC.
net() {
    NET_RC=0
    "$BIN/net" "$@" >"$ROOT/net.out" 2>"$ROOT/net.err" </dev/null || NET_RC=$?
    OUT=$(cat "$ROOT/net.out")
    ERR=$(cat "$ROOT/net.err")
}
expect_rc() {
    [ "$NET_RC" -eq "$1" ] || fail "net ${*:2}: exit $NET_RC, not $1 (out: $OUT; err: $ERR)"
}
# same FILE TEXT: the output file is exactly TEXT (a trailing blank line included).
same() {
    diff -u <(printf '%s' "$2") "$1" >"$ROOT/diff.out" || fail "layout differs: $(cat "$ROOT/diff.out")"
}

scmd
install Zulu grp "$TEST_PLUGINS/simple.so"
install Alpha grp "$TEST_PLUGINS/simple.so"
install Once grp "$TEST_PLUGINS/stopfail.so" StopAfterMs=60000
install Broken grp2 "$TEST_PLUGINS/notloadable.so"
sc_ok config Zulu DisplayName= "Zulu Display"
sc_ok config Alpha DisplayName= "alpha display"
sc_ok config Once DisplayName= "Once Display" depend= Alpha

# net.exe: "The X service is starting" and a dot per wait, then success,
# a blank line.
net start Zulu
expect_rc 0 start Zulu
grep -qxE 'The Zulu Display service is starting\.+' "$ROOT/net.out" || fail "no 'is starting.': $OUT"
sed -n 2,3p "$ROOT/net.out" >"$ROOT/tail.out"
same "$ROOT/tail.out" $'The Zulu Display service was started successfully.\n\n'
[ "$(state Zulu)" = RUNNING ] || fail "Zulu is $(state Zulu)"
net start "alpha display"       # by display name
expect_rc 0 start by display name
grep -q 'The alpha display service was started successfully.' "$ROOT/net.out" || fail "by display name: $OUT"
[ "$(state Alpha)" = RUNNING ] || fail "Alpha is $(state Alpha)"
pass "net start NAME and net start DISPLAY NAME, with net.exe's lines"

# "net start" alone: the started services by display name, in
# alphabetical order whatever the case, indented three spaces.
net start
expect_rc 0 start
same "$ROOT/net.out" $'These Windows services are started:\n\n   alpha display\n   Zulu Display\n\nThe command completed successfully.\n\n'
[ -z "$ERR" ] || fail "net start wrote to stderr: $ERR"
pass "net start lists the started services as net.exe does"

net start Zulu
expect_rc 2 start Zulu again
same "$ROOT/net.err" $'The requested service has already been started.\n\nMore help is available by typing NET HELPMSG 2182.\n\n'
net start NoSuchService
expect_rc 2 start NoSuchService
same "$ROOT/net.err" $'The service name is invalid.\n\nMore help is available by typing NET HELPMSG 2185.\n\n'
net stop NoSuchService
expect_rc 2 stop NoSuchService
grep -q 'HELPMSG 2185' "$ROOT/net.err" || fail "net stop of no service: $ERR"
pass "already started (2182) and an unknown name (2185), exit 2"

# A start that fails: the service's Win32 exit code as a system error.
net start Broken
expect_rc 2 start Broken
code=$(field Broken WIN32_EXIT_CODE)
[ -n "$code" ] && [ "$code" != 0 ] || fail "Broken has no exit code"
grep -q 'The Broken service could not be started.' "$ROOT/net.err" || fail "no 'could not be started': $ERR"
grep -q 'A system error has occurred.' "$ROOT/net.err" || fail "no 'A system error has occurred.': $ERR"
grep -qx "System error $code has occurred." "$ROOT/net.err" || fail "not system error $code: $ERR"
pass "a failed start: could not be started, System error $code, exit 2"

net pause Zulu
expect_rc 0 pause Zulu
grep -q 'The Zulu Display service was paused successfully.' "$ROOT/net.out" || fail "pause: $OUT"
[ "$(state Zulu)" = PAUSED ] || fail "Zulu is $(state Zulu) after net pause"
net start
grep -qx '   Zulu Display' "$ROOT/net.out" || fail "a paused service is not listed as started: $OUT"
net continue "Zulu Display"
expect_rc 0 continue Zulu
grep -q 'The Zulu Display service was continued successfully.' "$ROOT/net.out" || fail "continue: $OUT"
[ "$(state Zulu)" = RUNNING ] || fail "Zulu is $(state Zulu) after net continue"
net start Once
expect_rc 0 start Once
net pause Once
expect_rc 2 pause Once
same "$ROOT/net.err" $'The requested pause, continue, or stop is not valid for this service.\n\nMore help is available by typing NET HELPMSG 2191.\n\n'
[ "$(state Once)" = RUNNING ] || fail "Once is $(state Once) after a refused pause"
pass "net pause and net continue; a service that does not accept PAUSE: 2191"

# Stopping a service that others depend on: net.exe names them, asks, and
# with /YES stops them first.  Without an answer it stops nothing.
net stop Alpha
expect_rc 2 stop Alpha without an answer
grep -q 'The following services are dependent on the alpha display service.' "$ROOT/net.out" ||
    fail "no list of dependents: $OUT"
grep -qx '   Once Display' "$ROOT/net.out" || fail "the dependent is not listed: $OUT"
[ "$(state Alpha)" = RUNNING ] && [ "$(state Once)" = RUNNING ] || fail "net stop without /y stopped something"
net stop Alpha /y
expect_rc 0 stop Alpha /y
grep -q 'The Once Display service was stopped successfully.' "$ROOT/net.out" || fail "dependent not stopped: $OUT"
# "is stopping." only while it is STOP_PENDING: a service that stops at
# once within ControlService goes straight to "was stopped".
if grep -q 'The alpha display service is stopping' "$ROOT/net.out"; then
    grep -qE '^The alpha display service is stopping\.+$' "$ROOT/net.out" || fail "a bad 'is stopping.' line: $OUT"
fi
grep -q 'The alpha display service was stopped successfully.' "$ROOT/net.out" || fail "not stopped: $OUT"
[ "$(state Alpha)" = STOPPED ] && [ "$(state Once)" = STOPPED ] || fail "Alpha $(state Alpha), Once $(state Once)"
net stop Alpha
expect_rc 2 stop Alpha again
same "$ROOT/net.err" $'The alpha display service is not started.\n\nMore help is available by typing NET HELPMSG 3521.\n\n'
pass "net stop: dependents named and, with /YES, stopped first; not started: 3521"

# Syntax: net.exe prints it and exits 1; an unknown switch is named.
net start Zulu /foo
expect_rc 1 start /foo
same "$ROOT/net.out" $'The option /FOO is unknown.\n\nThe syntax of this command is:\n\nNET START\n[service]\n\nMore help is available by typing NET HELPMSG 3506.\n\n'
[ "$(state Zulu)" = RUNNING ] || fail "net start /foo did something"
net stop
expect_rc 1 stop without a name
grep -q 'The syntax of this command is:' "$ROOT/net.out" || fail "no syntax: $OUT"
net frobnicate
expect_rc 1 frobnicate
grep -q 'The syntax of this command is:' "$ROOT/net.out" || fail "no syntax: $OUT"
net helpmsg 2182
expect_rc 0 helpmsg
same "$ROOT/net.out" $'\nThe requested service has already been started.\n\n'
net helpmsg 1060
grep -q 'The specified service does not exist as an installed service.' "$ROOT/net.out" || fail "helpmsg 1060: $OUT"
pass "syntax errors exit 1, unknown switches named (3506), NET HELPMSG"

# Case-insensitive command words, as net.exe.
net STOP zulu
expect_rc 0 STOP zulu
[ "$(state Zulu)" = STOPPED ] || fail "NET STOP zulu: Zulu is $(state Zulu)"
pass "command words and names are case-insensitive"

# No SCM: the RPC error, as net.exe's "System error 1722 has occurred."
stop_scmd
net start
expect_rc 2 start without scmd
grep -qx 'System error 1722 has occurred.' "$ROOT/net.err" || fail "without scmd: $ERR"
pass "without an SCM: System error 1722, exit 2"

# The Linux options, and the man page documents every one of --help.
net --version
expect_rc 0 --version
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$BUILD_DIR/CMakeCache.txt")
[ "$OUT" = "net (svchost) $version" ] || fail "--version: $OUT"
net --help
expect_rc 0 --help
grep -q usage "$ROOT/net.out" || fail "--help: $OUT"
for opt in $(grep -oE -- '--[a-z][a-z-]*' "$ROOT/net.out" | sort -u); do
    grep -qF -- "*$opt*" "$SOURCE_DIR/man/net.1.scd" || fail "net.1.scd does not document $opt"
done
net --bogus
expect_rc 2 --bogus
grep -q usage "$ROOT/net.err" || fail "--bogus: no usage on stderr"
pass "--version, --help (each option in net(1)), an unknown --option exits 2"
