#!/usr/bin/env bash
# tasklist /svc as tasklist.exe lays it out (Microsoft's documented
# example: "Image Name" in 25 columns, PID right-aligned in 8, Services in
# 44, wrapped at commas under its column, N/A for none), /fo list and csv,
# /nh, the /fi filters on SERVICES, PID and IMAGENAME with their
# operators, and tasklist's errors and exit codes.
. "$(dirname "$0")/lib.sh"

# tl ARGS...: output in $ROOT/tl.out, errors in $ROOT/tl.err, status in TL_RC.
tl() {
    TL_RC=0
    "$BIN/tasklist" "$@" >"$ROOT/tl.out" 2>"$ROOT/tl.err" </dev/null || TL_RC=$?
}
tl_ok() {
    tl "$@"
    [ "$TL_RC" -eq 0 ] || fail "tasklist $* exited $TL_RC: $(cat "$ROOT/tl.err")"
}

scmd
shared=(ServiceNumberOne ServiceNumberTwo ServiceNumberThree ServiceNumberFour ServiceNumberFive)
for s in "${shared[@]}"; do
    install "$s" big "$TEST_PLUGINS/simple.so"
done
install Echo small "$TEST_PLUGINS/simple.so"
sc_ok create Own binPath= "$BIN/ownservice" type= own
for s in "${shared[@]}" Echo Own; do
    sc_ok start "$s"
done
for s in "${shared[@]}" Echo Own; do
    wait_state "$s" RUNNING
done
big=$(host_pid ServiceNumberOne)
small=$(host_pid Echo)
own=$(host_pid Own)

# The table: tasklist.exe's header, then a row per host in PID order.
tl_ok /svc
{
    echo
    echo "Image Name                     PID Services"
    echo "========================= ======== ============================================"
} >"$ROOT/want.head"
head -3 "$ROOT/tl.out" | diff -u "$ROOT/want.head" - >"$ROOT/diff.out" || fail "header: $(cat "$ROOT/diff.out")"
# Each row: the image in 25 columns, the PID ending in column 34, the
# services from column 36, continuation lines 35 spaces in, none past 79.
awk 'NR > 3' "$ROOT/tl.out" >"$ROOT/rows"
while IFS= read -r line; do
    [ ${#line} -le 79 ] || fail "a line is wider than tasklist's 79 columns: '$line'"
    [ "${line:34:1}" = " " ] || fail "column 35 is not the gap: '$line'"
done <"$ROOT/rows"
pids=$(grep -v '^ ' "$ROOT/rows" | cut -c27-34 | tr -d ' ' | tr '\n' ' ')
want=$(printf '%s\n' "$big" "$small" "$own" | sort -n | tr '\n' ' ')
[ "$pids" = "$want" ] || fail "PIDs in the PID column: '$pids', not '$want'"
row=$(grep -n "^svchost  *$big " "$ROOT/rows" | cut -d: -f1)
[ -n "$row" ] || fail "no svchost row for $big: $(cat "$ROOT/rows")"
[ "$(sed -n "${row}p" "$ROOT/rows" | cut -c1-25)" = "svchost                  " ] || fail "image column"
# The big host's services: wrapped at the commas, under the column.
services=$(sed -n "${row}p" "$ROOT/rows" | cut -c36-)
n=$((row + 1))
while sed -n "${n}p" "$ROOT/rows" | contains '^                                   [^ ]'; do
    services="$services $(sed -n "${n}p" "$ROOT/rows" | cut -c36-)"
    n=$((n + 1))
done
[ $n -gt $((row + 1)) ] || fail "five long names were not wrapped: $(cat "$ROOT/rows")"
want="ServiceNumberFive, ServiceNumberFour, ServiceNumberOne, ServiceNumberThree, ServiceNumberTwo"
got=$(tr ',' '\n' <<<"$services" | sed 's/^ *//' | sort | paste -sd, | sed 's/,/, /g')
[ "$got" = "$want" ] || fail "the big host's services: '$services'"
grep -qE "^ownservice +$own Own$" "$ROOT/rows" || fail "own-process row: $(cat "$ROOT/rows")"
pass "tasklist /svc: tasklist.exe's columns, PID order, services wrapped under their column"

# LIST: a blank line, then "Label:" padded to 14, one service a line.
tl_ok /svc /fo LIST /fi "PID eq $small"
printf '\nImage Name:   svchost\nPID:          %s\nServices:     Echo\n' "$small" |
    diff -u - "$ROOT/tl.out" >"$ROOT/diff.out" || fail "/fo list: $(cat "$ROOT/diff.out")"
tl_ok /svc /fo list /fi "pid eq $big"
[ "$(grep -c '^              ServiceNumber' "$ROOT/tl.out")" -eq 4 ] || fail "/fo list services: $(cat "$ROOT/tl.out")"
# CSV: quoted, the services joined by bare commas; /nh drops the header.
tl_ok /svc /fo csv /fi "imagename eq ownservice"
printf '"Image Name","PID","Services"\n"ownservice","%s","Own"\n' "$own" |
    diff -u - "$ROOT/tl.out" >"$ROOT/diff.out" || fail "/fo csv: $(cat "$ROOT/diff.out")"
tl_ok /svc /fo csv /nh /fi "PID eq $small"
[ "$(cat "$ROOT/tl.out")" = "\"svchost\",\"$small\",\"Echo\"" ] || fail "/fo csv /nh: $(cat "$ROOT/tl.out")"
tl_ok /svc /nh /fi "PID eq $small"
[ "$(cat "$ROOT/tl.out")" = "$(printf '\n%-25s %8s Echo' svchost "$small")" ] || fail "/nh table: $(cat "$ROOT/tl.out")"
# Without /svc: the session and memory columns.
tl_ok /fo csv /fi "PID eq $small"
head -1 "$ROOT/tl.out" | contains -x '"Image Name","PID","Session Name","Session#","Mem Usage"' ||
    fail "csv header without /svc: $(cat "$ROOT/tl.out")"
grep -qE "^\"svchost\",\"$small\",\"Services\",\"0\",\"[0-9,]+ K\"$" "$ROOT/tl.out" ||
    fail "csv row without /svc: $(cat "$ROOT/tl.out")"
pass "/fo list, /fo csv, /nh, and the columns without /svc"

# count ARGS...: how many processes tasklist /svc /fo csv /nh lists.
count() {
    tl_ok /svc /fo csv /nh "$@"
    if grep -q '^INFO: No tasks' "$ROOT/tl.out"; then echo 0; else wc -l <"$ROOT/tl.out"; fi
}
[ "$(count)" -eq 3 ] || fail "three hosts expected, $(count)"
[ "$(count /fi "SERVICES eq echo")" -eq 1 ] || fail "SERVICES eq echo"
grep -q "\"$small\"" "$ROOT/tl.out" || fail "SERVICES eq echo is not Echo's host: $(cat "$ROOT/tl.out")"
[ "$(count /fi "SERVICES eq ServiceNumberThree")" -eq 1 ] || fail "SERVICES eq one of five"
[ "$(count /fi "SERVICES ne Echo")" -eq 2 ] || fail "SERVICES ne Echo"
[ "$(count /fi "SERVICES eq ServiceNum*")" -eq 1 ] || fail "SERVICES wildcard"
[ "$(count /fi "IMAGENAME eq svchost")" -eq 2 ] || fail "IMAGENAME eq svchost"
[ "$(count /fi "imagename eq SVCHOST.EXE")" -eq 2 ] || fail "IMAGENAME eq svchost.exe"
[ "$(count /fi "IMAGENAME ne svchost")" -eq 1 ] || fail "IMAGENAME ne svchost"
[ "$(count /fi "PID eq $own")" -eq 1 ] || fail "PID eq"
[ "$(count /fi "PID ne $own")" -eq 2 ] || fail "PID ne"
lo=$(printf '%s\n' "$big" "$small" "$own" | sort -n | head -1)
hi=$(printf '%s\n' "$big" "$small" "$own" | sort -n | tail -1)
[ "$(count /fi "PID gt $lo")" -eq 2 ] || fail "PID gt"
[ "$(count /fi "PID ge $lo")" -eq 3 ] || fail "PID ge"
[ "$(count /fi "PID lt $hi")" -eq 2 ] || fail "PID lt"
[ "$(count /fi "PID le $hi")" -eq 3 ] || fail "PID le"
[ "$(count /fi "PID gt $lo" /fi "PID lt $hi")" -eq 1 ] || fail "two filters are not ANDed"
[ "$(count /fi "SERVICES eq NoSuchService")" -eq 0 ] || fail "a filter that matches nothing"
[ "$(cat "$ROOT/tl.out")" = "INFO: No tasks are running which match the specified criteria." ] ||
    fail "no match: $(cat "$ROOT/tl.out")"
pass "/fi on SERVICES, IMAGENAME and PID with eq ne gt lt ge le, ANDed; INFO when none match"

# Errors: tasklist.exe's messages, exit 1.
tl /svc /bogus
[ "$TL_RC" -eq 1 ] || fail "/bogus exited $TL_RC"
printf "ERROR: Invalid argument/option - '/bogus'.\nType \"TASKLIST /?\" for usage.\n" |
    diff -u - "$ROOT/tl.err" >"$ROOT/diff.out" || fail "/bogus: $(cat "$ROOT/diff.out")"
[ ! -s "$ROOT/tl.out" ] || fail "/bogus printed a list"
tl /fo xml
[ "$TL_RC" -eq 1 ] && grep -q "Invalid argument/option - 'xml'" "$ROOT/tl.err" || fail "/fo xml"
for bad in "NAME eq x" "PID eq notanumber" "SERVICES gt Echo" "IMAGENAME lt x" "PID" "PID eq"; do
    tl /svc /fi "$bad"
    [ "$TL_RC" -eq 1 ] || fail "/fi '$bad' exited $TL_RC"
    grep -qx 'ERROR: The search filter cannot be recognized.' "$ROOT/tl.err" || fail "/fi '$bad': $(cat "$ROOT/tl.err")"
done
tl /svc /fo list /nh
[ "$TL_RC" -eq 1 ] && grep -q '/NH option is valid only for "TABLE" and "CSV" formats' "$ROOT/tl.err" ||
    fail "/nh with list: $TL_RC $(cat "$ROOT/tl.err")"
pass "unknown switches, bad values and filters refused with tasklist's messages, exit 1"

# The Linux options; the man page documents each of --help's.
tl --version
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$BUILD_DIR/CMakeCache.txt")
[ "$TL_RC" -eq 0 ] && [ "$(cat "$ROOT/tl.out")" = "tasklist (svchost) $version" ] || fail "--version"
tl --help
[ "$TL_RC" -eq 0 ] && grep -q usage "$ROOT/tl.out" || fail "--help"
for opt in $(grep -oE -- '--[a-z][a-z-]*' "$ROOT/tl.out" | sort -u) /svc /fo /nh /fi; do
    grep -qF -- "*$opt*" "$SOURCE_DIR/man/tasklist.1.scd" || fail "tasklist.1.scd does not document $opt"
done
tl --bogus
[ "$TL_RC" -eq 2 ] && grep -q usage "$ROOT/tl.err" || fail "--bogus exited $TL_RC"
pass "--version, --help (each option in tasklist(1)), an unknown --option exits 2"
