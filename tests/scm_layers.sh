#!/usr/bin/env bash
# The layers of scm/ call downwards only: no file includes the header of
# a layer above its own, nor of another file on its own layer.  The order
# is the list in scm/README.md.  Run first on a copy with one upward
# include planted, to prove the check sees one.
set -euo pipefail
src=${SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}

# check DIR: prints each bad include, returns 1 if any.
check() {
    local dir=$1 bad=0 file base inc target
    declare -A rank=()
    local n=0 line w
    while IFS= read -r line; do
        for w in $line; do rank[$w]=$n; done
        n=$((n + 1))
    done < <(awk '/<!-- layers/ { on = 1; next } on && /^```$/ { if (started) exit; started = 1; next } on && started { print }' "$dir/README.md")
    [ "$n" -gt 3 ] || { echo "no layer list in $dir/README.md"; return 2; }
    for file in "$dir"/*.c "$dir"/*.h; do
        base=$(basename "$file"); base=${base%.*}
        [ -n "${rank[$base]+x}" ] || { echo "$file: not in the layer list"; bad=1; continue; }
        while read -r inc; do
            target=${inc%.h}
            [ -n "${rank[$target]+x}" ] || continue     # not an scm/ header
            [ "$target" = "$base" ] && continue
            if [ "${rank[$target]}" -le "${rank[$base]}" ]; then
                echo "$base (layer ${rank[$base]}) includes $inc (layer ${rank[$target]})"
                bad=1
            fi
        done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$file")
    done
    return $bad
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$src"/scm/*.c "$src"/scm/*.h "$src"/scm/README.md "$tmp"/
sed -i '0,/^#include "state.h"/s//#include "state.h"\n#include "client.h"/' "$tmp/state.c"
if check "$tmp" >/dev/null; then
    echo "FAIL: the check did not see state.c including client.h"
    exit 1
fi
echo "ok: the check sees a planted upward include"

if ! check "$src/scm"; then
    echo "FAIL: scm/ includes a header of a layer above"
    exit 1
fi
echo "ok: scm/ includes only downwards"
