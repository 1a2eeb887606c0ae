#!/bin/sh
# The fd table owns its state (issue 12, structure item 2): struct
# fdtab_sock is defined in shim/fdtable.c only, its lock is never named
# outside that file, and no other file that deals in fdtab_sock reaches into
# one of its fields. The field names are read from the definition itself,
# so a field added later is covered too.
#   fdtable_private.sh SOURCE_DIR
set -u
root=$1
def=$root/shim/fdtable.c
[ -f "$def" ] || { echo "FAIL: $def not found"; exit 1; }
fields=$(sed -n '/^struct fdtab_sock {/,/^};/p' "$def" | sed '/^ *\*/d' |
         sed -n 's/^[^/]*[ *]\([a-z_][a-z_0-9]*\)\(\[[^]]*\]\)\{0,1\};.*/\1/p' | sort -u)
[ -n "$fields" ] || { echo "FAIL: no fields read from struct fdtab_sock in $def"; exit 1; }
n=$(printf '%s\n' "$fields" | wc -l)
[ "$n" -ge 10 ] || { echo "FAIL: only $n fields read from $def:" $fields; exit 1; }
alt=$(printf '%s\n' "$fields" | paste -sd'|' -)
status=0
files=$(find "$root/shim" "$root/tests" "$root/bench" "$root/samples" -name '*.[ch]' ! -path "$def" | sort)
for f in $files; do
    rel=${f#"$root"/}
    if grep -n 'struct fdtab_sock *{' "$f"; then
        echo "FAIL $rel defines struct fdtab_sock"
        status=1
    fi
    if grep -nE '\bfdtab_(lock|unlock|mu)\b' "$f"; then
        echo "FAIL $rel names the fd table's lock"
        status=1
    fi
    grep -q 'fdtab_sock' "$f" || continue
    # (a file that holds struct fdtab_sock pointers has no other pointer
    # with a field of these names: any `p->field` is taken for an entry's)
    if grep -nE "[A-Za-z_][A-Za-z_0-9]*->($alt)\b" "$f"; then
        echo "FAIL $rel touches a field of struct fdtab_sock"
        status=1
    fi
done
[ $status -eq 0 ] && echo "ok: struct fdtab_sock ($n fields) is private to shim/fdtable.c"
exit $status
