#!/usr/bin/env bash
# Every program answers --version and --help as Linux programs do, and an
# unknown option is a usage error (exit 2, usage on stderr).  sc keeps
# sc.exe's answer for command words.
. "$(dirname "$0")/lib.sh"

export SVCHOST_ROOT=$ROOT
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$BUILD_DIR/CMakeCache.txt")
[ -n "$version" ] || fail "no project version in CMakeCache.txt"

# run PROGRAM ARGS...: exit status in RC, output in $ROOT/out and $ROOT/err.
run() {
    RC=0
    "$@" >"$ROOT/out" 2>"$ROOT/err" </dev/null || RC=$?
}

for prog in scmd svchost sc svchost-bench ownservice net tasklist svc-remote svcconsole; do
    run "$BIN/$prog" --version
    [ "$RC" -eq 0 ] || fail "$prog --version exited $RC"
    [ "$(cat "$ROOT/out")" = "$prog (svchost) $version" ] ||
        fail "$prog --version printed '$(cat "$ROOT/out")'"
    [ ! -s "$ROOT/err" ] || fail "$prog --version wrote to stderr: $(cat "$ROOT/err")"

    run "$BIN/$prog" --help
    [ "$RC" -eq 0 ] || fail "$prog --help exited $RC"
    grep -qi "usage" "$ROOT/out" || fail "$prog --help printed no usage: $(cat "$ROOT/out")"
    [ ! -s "$ROOT/err" ] || fail "$prog --help wrote to stderr: $(cat "$ROOT/err")"

    run "$BIN/$prog" --no-such-option
    [ "$RC" -eq 2 ] || fail "$prog --no-such-option exited $RC, not 2"
    grep -qi "usage" "$ROOT/err" || fail "$prog --no-such-option: no usage on stderr"
    [ ! -s "$ROOT/out" ] || fail "$prog --no-such-option wrote to stdout: $(cat "$ROOT/out")"
done
pass "--version, --help and an unknown option on every program"

# The option of a daemon wins over running it: --version does not start
# scmd on the state directory.
run "$BIN/scmd" --root "$ROOT/state" --version
[ "$RC" -eq 0 ] && [ ! -e "$ROOT/state" ] || fail "scmd --root DIR --version touched DIR"
pass "scmd --version does not start the SCM"

# sc: its own options before the command, sc.exe's rules after it.
run "$BIN/sc" --help
grep -q "create" "$ROOT/out" || fail "sc --help does not list the commands"
run "$BIN/sc" nosuchcommand
[ "$RC" -eq 1 ] || fail "sc nosuchcommand exited $RC; sc.exe's usage error is 1"
run "$BIN/sc" query --version
[ "$RC" -ne 0 ] && ! grep -q "(svchost)" "$ROOT/out" ||
    fail "sc query --version took --version as sc's option"
pass "sc keeps sc.exe's behaviour after the command word"
