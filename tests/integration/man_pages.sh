#!/usr/bin/env bash
# The man pages: scdoc accepts every man/*.scd, the pages it makes lint
# clean (mandoc -T lint, groff -ww, man --warnings), each program's page
# names every option its --help lists, and an install puts them where man
# finds them, svchost.ini(5) and scm.ini(5) leading to svchost-config(5).
. "$(dirname "$0")/lib.sh"

for tool in scdoc mandoc groff man; do
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/bootstrap installs it)"
done

pages=()
for src in "$SOURCE_DIR"/man/*.scd; do
    page=$(basename "$src" .scd)            # sc.1
    pages+=("$page")
    scdoc <"$src" >"$ROOT/$page" 2>"$ROOT/scdoc.err" || fail "scdoc refuses $page: $(cat "$ROOT/scdoc.err")"
    [ "$(head -1 "$src")" = "${page%.*}(${page##*.})" ] || fail "$page.scd does not start with ${page%.*}(${page##*.})"
    # (The date in .TH is the day each was made.)
    [ -f "$BUILD_DIR/man/$page" ] &&
        diff <(grep -v '^\.TH' "$ROOT/$page") <(grep -v '^\.TH' "$BUILD_DIR/man/$page") >/dev/null ||
        fail "the build did not make man/$page from its source"
    # scdoc puts a .PP after every heading and before every list item;
    # mandoc's style warning about that redundant macro is scdoc's, not
    # the page's.  Every other warning counts.
    mandoc -T lint -W warning "$ROOT/$page" 2>&1 |
        grep -v 'WARNING: skipping paragraph macro: PP \(empty\|after S[HS]\)' >"$ROOT/lint.out" || true
    [ ! -s "$ROOT/lint.out" ] || fail "mandoc -T lint $page: $(cat "$ROOT/lint.out")"
    groff -man -ww -z "$ROOT/$page" 2>"$ROOT/groff.err" || fail "groff fails on $page"
    [ ! -s "$ROOT/groff.err" ] || fail "groff -ww $page: $(cat "$ROOT/groff.err")"
    for width in 80 60; do
        MANWIDTH=$width man --warnings -E UTF-8 -l "$ROOT/$page" >/dev/null 2>"$ROOT/man.err" ||
            fail "man -l $page fails"
        [ ! -s "$ROOT/man.err" ] || fail "man --warnings $page at width $width: $(cat "$ROOT/man.err")"
    done
done
for want in sc.1 scmd.8 svchost.8 svchost-bench.1 svchost-config.5 net.1 tasklist.1 svc-remote.1 svcconsole.1; do
    printf '%s\n' "${pages[@]}" | contains -xF "$want" || fail "no man page $want"
done
pass "scdoc accepts every page and they lint clean"

for prog in sc scmd svchost svchost-bench net tasklist svc-remote svcconsole; do
    src=$(ls "$SOURCE_DIR"/man/"$prog".[0-9].scd)
    for opt in $("$BIN/$prog" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
        grep -qF -- "*$opt*" "$src" || fail "$(basename "$src") does not document $prog $opt"
    done
    grep -qF -- "*--version*" "$src" || fail "$(basename "$src") does not document --version"
done
pass "each program's page documents every option of its --help"

install_moved
man=$PREFIX/share/man
for p in man1/sc.1 man8/scmd.8 man8/svchost.8 man1/svchost-bench.1 man5/svchost-config.5 \
         man5/svchost.ini.5 man5/scm.ini.5; do
    [ -f "$man/$p" ] || fail "$p is not installed under share/man"
done
# (Read whole first: with pipefail, man | contains can fail on SIGPIPE.)
text=$(MANPATH=$man MANWIDTH=80 man 8 scmd 2>/dev/null || true)
grep -q "service control manager" <<<"$text" || fail "man 8 scmd does not find the installed page"
for alias in svchost.ini scm.ini; do
    text=$(MANPATH=$man MANWIDTH=80 man 5 "$alias" 2>/dev/null || true)
    grep -q "SplitThresholdKB" <<<"$text" || fail "man 5 $alias does not lead to svchost-config(5)"
done
pass "installed under share/man, where man finds them"
