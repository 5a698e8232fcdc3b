#!/usr/bin/env bash
# svchost-bench end to end on short runs of every mode: the CSV has its
# exact header and one row per mode and N, the chart is a non-empty PNG,
# split and own mode really ran one process per service, the shared
# services started again as auto-start by a restarted scmd, --throughput,
# --installed and --versus wine print their tables, bad options exit 2,
# a missing Wine exits 1 naming the package, an interrupted run exits
# 130, and nothing is left running or on disk.  Columns and exit codes
# only: timings are never checked.
. "$(dirname "$0")/lib.sh"

command -v gnuplot >/dev/null || fail "gnuplot is not installed (Debian package gnuplot-nox)"

# Its state directories go under $ROOT, so cleanup() removes whatever a
# failed run leaves.
bench() {
    TMPDIR=$ROOT "$BIN/svchost-bench" "$@"
}

# nothing_left: no state directory and no process of a run under $ROOT.
nothing_left() {
    ls -d "$ROOT"/svchost-bench* >/dev/null 2>&1 && fail "$1: left behind: $(ls -d "$ROOT"/svchost-bench*)"
    pgrep -f -- "--root $ROOT/" >/dev/null && fail "$1: processes left: $(pgrep -a -f -- "--root $ROOT/")"
    pgrep -f -- "$ROOT/svchost-bench-wine" >/dev/null &&
        fail "$1: Wine processes left: $(pgrep -a -f -- "$ROOT/svchost-bench-wine")"
    return 0
}

# ---- the default run: all three modes ----------------------------------
RC=0
bench --n 1,3 --csv "$ROOT/b.csv" --plot "$ROOT/b.png" >"$ROOT/bench.out" 2>"$ROOT/bench.err" || RC=$?
[ "$RC" -eq 0 ] || fail "svchost-bench exited $RC"

header=mode,n,pss_kib,rss_kib,threads,fds,start_ms,stop_ms,query_p50_us,query_p99_us,interrogate_p50_us,interrogate_p99_us,floor1_p50_us,floor2_p50_us,query_vs_floor1,interrogate_vs_floor2,interrogate_vs_floor2_same_cpus
[ "$(head -n 1 "$ROOT/b.csv")" = "$header" ] || fail "CSV header: $(head -n 1 "$ROOT/b.csv")"
rows=$(tail -n +2 "$ROOT/b.csv" | cut -d, -f1,2 | tr '\n' ' ')
[ "$rows" = "shared,1 split,1 own,1 shared,3 split,3 own,3 " ] || fail "CSV rows: $rows"
# Every measurement is a positive number (threads and fds are never 0),
# the floors and the ratios included.
awk -F, 'NR > 1 { if (NF != 17) { print "row " NR ": " NF " columns"; bad = 1 }
                  for (i = 3; i <= NF; i++) if (!($i > 0)) { print "row " NR " column " i ": " $i; bad = 1 } }
         END { exit bad }' "$ROOT/b.csv" || fail "CSV has missing, empty or zero measurements"
# The ratios are the latencies over the floors of the same row.
awk -F, 'NR > 1 { q = $9 / $13; i = $11 / $14
                  if (q - $15 > 0.01 || $15 - q > 0.01 || i - $16 > 0.01 || $16 - i > 0.01) {
                      print "row " NR ": " $15 " " $16 " for " q " " i; bad = 1 } }
         END { exit bad }' "$ROOT/b.csv" || fail "the ratio columns are not latency / floor"
# One identical process per service in split and own mode: three
# services have three times the threads and descriptors of one (the
# benchmark also warns, checked below, when it counts other than N).
awk -F, 'NR > 1 && $1 != "shared" { t[$1 "," $2] = $5; f[$1 "," $2] = $6 }
         END { for (m in t) { split(m, k, ","); if (k[2] != 3) continue
                   one = k[1] ",1"
                   if (t[m] != 3 * t[one] || f[m] != 3 * f[one]) { print m ": " t[m] " threads, " f[m] " fds"; bad = 1 } }
               exit bad }' "$ROOT/b.csv" || fail "split or own mode did not run one process per service"
pass "CSV: header, 17 columns and 6 rows (shared, split, own)"

[ -s "$ROOT/b.png" ] || fail "no PNG, or an empty one"
[ "$(head -c 4 "$ROOT/b.png" | tail -c 3)" = PNG ] || fail "b.png is not a PNG"
pass "PNG written"

grep -q "warning" "$ROOT/bench.err" && fail "svchost-bench warned: $(grep warning "$ROOT/bench.err")"
grep -qE '^own +3 ' "$ROOT/bench.out" || fail "no own row in the table on stdout"
grep -q "split/shared" "$ROOT/bench.out" || fail "no split/shared ratios on stdout"
grep -q "own/shared" "$ROOT/bench.out" || fail "no own/shared ratios on stdout"
grep -q "INTERROGATE median / 2-hop floor, same CPUs" "$ROOT/bench.out" || fail "no floor ratio among the targets"
# Both paths pinned alike: a row per mode and N, each placement's two
# medians and their ratio.
placed=$(awk '/both paths pinned alike/ { on = 1; next } on && NF == 0 { on = 0 } on && /^(shared|split|own) / { n++ } END { print n + 0 }' "$ROOT/bench.out")
[ "$placed" -eq 6 ] || fail "pinned comparison: $placed rows: $(cat "$ROOT/bench.out")"
grep -q "QueryServiceStatusEx median / 1-hop floor" "$ROOT/bench.out" || fail "no query floor target"
pass "table, both ratios and the floor targets on stdout"
# The shared services, auto-start, run again after scmd restarts: a row
# per N with its two times, the ready one before the RUNNING one.
awk '/^shared services set to start automatically/ { on = 1; next }
     on && $1 ~ /^[0-9]+$/ { rows = rows $1 " "; if (!($2 > 0 && $3 >= $2)) bad = 1 }
     on && /^$/ { on = 0 }
     END { if (rows != "1 3 " || bad) { print "auto-start rows: " rows; exit 1 } }' "$ROOT/bench.out" ||
    fail "no auto-start section for n 1 and 3: $(grep -A4 'start automatically' "$ROOT/bench.out")"
pass "the auto-start section: scmd restarted starts every shared service"
nothing_left "the default run"
pass "nothing left behind"

# ---- --throughput ----------------------------------------------------------
RC=0
bench --throughput --threads 3 --seconds 1 >"$ROOT/tp.out" 2>"$ROOT/tp.err" || RC=$?
[ "$RC" -eq 0 ] || fail "--throughput exited $RC"
for what in "scmd: QueryServiceConfigA" "floor: 1 hop" "floor, clients blocking"; do
    line=$(grep -F "$what" "$ROOT/tp.out") || fail "--throughput: no line '$what'"
    # requests/s, per thread, vs floor: positive numbers.
    echo "$line" | awk '{ n = NF; if (!($(n-2) > 0 && $(n-1) > 0 && $n + 0 > 0)) exit 1 }' ||
        fail "--throughput: '$line'"
done
grep -q "3 client threads" "$ROOT/tp.out" || fail "--throughput does not say it ran 3 threads"
nothing_left "--throughput"
pass "--throughput: scmd and floor rates for 3 threads"

# ---- --installed -----------------------------------------------------------
RC=0
bench --installed 20 --via both >"$ROOT/inst.out" 2>"$ROOT/inst.err" || RC=$?
[ "$RC" -eq 0 ] || fail "--installed exited $RC"
grep -q "installed: 20 share services" "$ROOT/inst.out" || fail "--installed: no title"
for what in "scmd start to ready" "EnumServicesStatusEx of all" "one CreateService, share process" \
            "one CreateService, own process" "scmd stop, nothing running" \
            "scmd VmRSS / installed service"; do
    line=$(grep -F "$what" "$ROOT/inst.out") || fail "--installed: no line '$what'"
    # The files and api columns hold numbers.
    echo "$line" | contains -E '[0-9]+\.[0-9] +(met|MISSED)? *[0-9]+\.[0-9]' ||
        fail "--installed: '$line'"
done
grep -qE "api: 20 creates in" "$ROOT/inst.out" || fail "--installed: no api summary"
nothing_left "--installed"
pass "--installed 20 --via both: every figure for files and api"

# ---- bad input ---------------------------------------------------------------
for args in "--n 0" "--n 10000" "--mode shared,nope" "--cpu 100000" "--throughput --threads 0" \
            "--throughput --seconds 3601" "--installed 0" "--installed 100001" \
            "--installed 5 --via disk" "--versus mac" "--versus wine --n 1001" \
            "--throughput --installed 5" "--via api" "--abuse --csv x.csv" "stray"; do
    RC=0
    # shellcheck disable=SC2086 # the words are the options
    bench $args >"$ROOT/bad.out" 2>"$ROOT/bad.err" || RC=$?
    [ "$RC" -eq 2 ] || fail "svchost-bench $args exited $RC, not 2"
    [ -s "$ROOT/bad.err" ] || fail "svchost-bench $args: no message"
done
grep -q "stray" "$ROOT/bad.err" || fail "the usage error does not name the stray argument"
pass "options out of range or misplaced: usage error, exit 2"

# A missing Wine: exit 1, naming the package.
mkdir "$ROOT/nowine"
RC=0
PATH=$ROOT/nowine bench --versus wine --n 1 >"$ROOT/nowine.out" 2>"$ROOT/nowine.err" || RC=$?
[ "$RC" -eq 1 ] || fail "--versus wine without Wine exited $RC, not 1"
grep -q "wine64" "$ROOT/nowine.err" || fail "no package named: $(cat "$ROOT/nowine.err")"
pass "--versus wine without Wine: exit 1, names wine and wine64"

# ---- interrupted ----------------------------------------------------------------
# A long run, interrupted once its scmd is seen running: first seen, so
# that not seeing it afterwards means something.
TMPDIR=$ROOT "$BIN/svchost-bench" --n 300 --mode split >"$ROOT/int.out" 2>"$ROOT/int.err" &
bpid=$!
PIDS+=("$bpid")
for _ in $(seq 200); do
    pgrep -f -- "svchost -k bench.*--root $ROOT/" >/dev/null && break
    sleep 0.05
done
pgrep -f -- "svchost -k bench.*--root $ROOT/" >/dev/null || fail "no split host seen running"
kill -INT "$bpid"
RC=0
wait "$bpid" || RC=$?
[ "$RC" -eq 130 ] || fail "an interrupted run exited $RC, not 130"
nothing_left "an interrupted run"
pass "SIGINT: exit 130, scmd and its hosts gone, directory removed"

# ---- --versus wine -----------------------------------------------------------------
# The Windows parts, built with mingw-w64 here as tests/windows/ does, so
# that the Linux build never needs it.
missing=()
for tool in x86_64-w64-mingw32-gcc wine wineboot wineserver; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] ||
    fail "not installed: ${missing[*]} (scripts/bootstrap installs wine, wine64 and gcc-mingw-w64-x86-64)"
mkdir "$ROOT/wine"
x86_64-w64-mingw32-gcc -std=c11 -O2 -Wall -Wextra -Werror -shared -I"$SOURCE_DIR/include" \
    -o "$ROOT/wine/idle.dll" "$SOURCE_DIR/bench/plugins/idle.c" >"$ROOT/mingw.err" 2>&1 ||
    fail "bench/plugins/idle.c does not build for Windows: $(head -5 "$ROOT/mingw.err")"
x86_64-w64-mingw32-gcc -std=c11 -O2 -Wall -Wextra -Werror -o "$ROOT/wine/versus-driver.exe" \
    "$SOURCE_DIR/bench/wine/driver.c" -ladvapi32 >"$ROOT/mingw.err" 2>&1 ||
    fail "bench/wine/driver.c does not build: $(head -5 "$ROOT/mingw.err")"
RC=0
SVCHOST_BENCH_WINE_DIR=$ROOT/wine bench --versus wine --n 1 >"$ROOT/wine.out" 2>"$ROOT/wine.err" || RC=$?
[ "$RC" -eq 0 ] || fail "--versus wine exited $RC"
for what in "create all" "start all" "QueryServiceStatusEx p50" "INTERROGATE p50" "stop all" \
            "host processes" "host PSS"; do
    line=$(grep -F "$what" "$ROOT/wine.out") || fail "--versus wine: no line '$what'"
    # svchost, wine, and their ratio.
    echo "$line" | awk '{ n = NF; if (!($(n-2) > 0 && $(n-1) > 0 && $n + 0 > 0)) exit 1 }' ||
        fail "--versus wine: '$line'"
done
nothing_left "--versus wine"
pass "--versus wine --n 1: both sides and their ratios"
