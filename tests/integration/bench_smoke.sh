#!/usr/bin/env bash
# svchost-bench end to end on a short run: the CSV has its exact header and
# one row per mode and N, the chart is a non-empty PNG, split mode really
# ran one host per service, and nothing is left running or on disk.
. "$(dirname "$0")/lib.sh"

command -v gnuplot >/dev/null || fail "gnuplot is not installed (Debian package gnuplot-nox)"

# Its state directories go under $ROOT, so cleanup() removes whatever a
# failed run leaves.
RC=0
TMPDIR=$ROOT "$BIN/svchost-bench" --n 1,3 --csv "$ROOT/b.csv" --plot "$ROOT/b.png" \
    >"$ROOT/bench.out" 2>"$ROOT/bench.err" || RC=$?
[ "$RC" -eq 0 ] || fail "svchost-bench exited $RC"

header=mode,n,pss_kib,rss_kib,threads,fds,start_ms,stop_ms,query_p50_us,query_p99_us,interrogate_p50_us,interrogate_p99_us
[ "$(head -n 1 "$ROOT/b.csv")" = "$header" ] || fail "CSV header: $(head -n 1 "$ROOT/b.csv")"
[ "$(tail -n +2 "$ROOT/b.csv" | wc -l)" -eq 4 ] || fail "CSV has $(tail -n +2 "$ROOT/b.csv" | wc -l) data rows, not 4"
[ "$(tail -n +2 "$ROOT/b.csv" | cut -d, -f1,2 | tr '\n' ' ')" = "shared,1 split,1 shared,3 split,3 " ] ||
    fail "CSV rows: $(tail -n +2 "$ROOT/b.csv" | cut -d, -f1,2 | tr '\n' ' ')"
# Every measurement is a positive number (threads and fds are never 0).
awk -F, 'NR > 1 { for (i = 3; i <= NF; i++) if (!($i > 0)) { print "row " NR " column " i ": " $i; bad = 1 } }
         END { exit bad }' "$ROOT/b.csv" || fail "CSV has empty or zero measurements"
pass "CSV: header and 4 rows"

[ -s "$ROOT/b.png" ] || fail "no PNG, or an empty one"
[ "$(head -c 4 "$ROOT/b.png" | tail -c 3)" = PNG ] || fail "b.png is not a PNG"
pass "PNG written"

grep -q "warning" "$ROOT/bench.err" && fail "svchost-bench warned: $(grep warning "$ROOT/bench.err")"
grep -qE '^shared +3 ' "$ROOT/bench.out" || fail "no table on stdout"
grep -q "split/shared" "$ROOT/bench.out" || fail "no ratios on stdout"
pass "table, ratios, and one host per service when split"

ls -d "$ROOT"/svchost-bench.* >/dev/null 2>&1 && fail "state directories left: $(ls -d "$ROOT"/svchost-bench.*)"
pgrep -f -- "--root $ROOT/" >/dev/null && fail "processes left: $(pgrep -a -f -- "--root $ROOT/")"
pass "nothing left behind"
