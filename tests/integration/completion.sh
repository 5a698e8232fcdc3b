#!/usr/bin/env bash
# The installed bash completion for sc: commands, the "name= value"
# options of create and config with their values, and the names of the
# services of the running scmd, with '=' in COMP_WORDBREAKS (bash's
# default: "type=" arrives as "type" "=") and without it.
. "$(dirname "$0")/lib.sh"

install_moved
comp=$PREFIX/share/bash-completion/completions/sc
[ -f "$comp" ] || fail "the completion is not installed as share/bash-completion/completions/sc"
# shellcheck disable=SC1090
. "$comp"
complete -p sc | contains -- '-F _svchost_sc' || fail "sourcing it does not register a completion for sc"

scmd
install Echo demo echo.so
install Heartbeat demo heartbeat.so
sc_ok create Other binPath= "$BIN/ownservice" type= own

# completes WORD...: runs the completion with the last word being
# completed, as bash would; the candidates in $GOT, one line each.
completes() {
    COMP_WORDS=("$BIN/sc" "$@")
    COMP_CWORD=$#
    COMP_LINE="${COMP_WORDS[*]}"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    # bash reads COMPREPLY, not the status (compgen fails on no match).
    _svchost_sc || true
    GOT=$(printf '%s\n' "${COMPREPLY[@]}" | sort)
}
# expect WORDS... -- CANDIDATES...: exactly these candidates, in any order.
expect() {
    local words=()
    while [ "$1" != "--" ]; do words+=("$1"); shift; done
    shift
    completes "${words[@]}"
    local want
    want=$(printf '%s\n' "$@" | sort)
    [ "$GOT" = "$want" ] || fail "sc ${words[*]}<TAB>: got [$(echo $GOT)], want [$(echo $want)]"
}
# has WORDS... -- CANDIDATES...: at least these.
has() {
    local words=()
    while [ "$1" != "--" ]; do words+=("$1"); shift; done
    shift
    completes "${words[@]}"
    for c in "$@"; do
        grep -qxF -- "$c" <<<"$GOT" || fail "sc ${words[*]}<TAB>: no '$c' in [$(echo $GOT)]"
    done
}

has "" -- query queryex start stop pause continue create config delete qc hosts EnumDepend
has "" -- failure qfailure failureflag qfailureflag
has "" -- privs qprivs sidtype qsidtype
has "" -- sdshow sdset
expect sdshow sc -- scmanager
expect sdset "" -- Echo Heartbeat Other scmanager
expect st -- start stop
expect --v -- --version
expect ho -- hosts
pass "commands"

expect start "" -- Echo Heartbeat Other
expect stop H -- Heartbeat
expect qc O -- Other
expect config E -- Echo
expect --root "$ROOT" start E -- Echo
(unset SVCHOST_ROOT; expect --root "$ROOT" start E -- Echo) || exit 1
pass "service names from the running scmd"

has create New "" -- binPath= type= start= error= depend= DisplayName= ServiceDll= param=
expect create New Serv -- ServiceDll= ServiceMain=
has config Echo "" -- start= type= binPath= param=
has failure Echo "" -- reset= actions= command= reboot=
expect failureflag Echo "" -- 0 1
expect sidtype Echo "" -- none restricted unrestricted
expect sidtype E -- Echo
pass "the name= options of create and config"

expect create New type = s -- share
expect create New type= s -- share
expect config Echo start = "" -- boot system auto demand disabled delayed-auto
expect config Echo start= d -- demand disabled delayed-auto
expect config Echo error = "" -- normal severe critical ignore
expect config Echo depend = H -- Heartbeat
has query type = "" -- service driver all own share
expect query state= "" -- active inactive all
expect control Echo par -- paramchange
expect hosts "" -- /v
pass "option values, with and without '=' as a word break"

# No scmd: no names, and no error output from the completion.
stop_scmd
completes start "" 2>"$ROOT/comp.err"
[ -z "$GOT" ] && [ ! -s "$ROOT/comp.err" ] || fail "without scmd: [$GOT] $(cat "$ROOT/comp.err")"
pass "nothing (and no noise) when no scmd runs"
