#!/bin/sh
# fresh-cache-test.sh — the cached root of fresh-debian.sh is used only when
# it is safe (fresh-cache.sh): each unsafe case is refused, and the safe one,
# before and after, is used (so the check is live). Offline; needs root
# (the files must belong to root), else skipped (77).
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "SKIP: fresh-cache-test: needs root (root-owned files)"; exit 77; }
. "$here/fresh-cache.sh"
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }
cache=$tmp/cache
t=$cache/root.tar
mkdir -m 0700 "$cache"
printf 'a minbase root\n' > "$t"
sha256sum < "$t" | cut -d' ' -f1 > "$t.sha256"
chmod 0600 "$t" "$t.sha256"
# want used|refused CASE
want() { if cache_ok "$t"; then got=used; else got=refused; fi
  [ "$got" = "$1" ] && ok "$2: $got" || fail "$2: $got, wanted $1"; }

want used "root's, 0600, fresh, checksum matches"
chmod g+w "$t"; want refused "group-writable tarball"; chmod g-w "$t"
chmod o+w "$t.sha256"; want refused "checksum file writable by others"; chmod o-w "$t.sha256"
chmod o+w "$cache"; want refused "cache directory writable by others"; chmod o-w "$cache"
chown 65534 "$t"; want refused "tarball not root's"; chown 0 "$t"
printf 'more\n' >> "$t"; want refused "tarball changed after its checksum"
sha256sum < "$t" | cut -d' ' -f1 > "$t.sha256"
touch -d '8 days ago' "$t"; want refused "tarball 8 days old"; touch "$t"
mv "$t" "$t.real" && ln -s "$t.real" "$t"; want refused "tarball a symbolic link"; rm "$t" && mv "$t.real" "$t"
rm "$t.sha256"; want refused "no checksum file"
sha256sum < "$t" | cut -d' ' -f1 > "$t.sha256"; chmod 0600 "$t.sha256"
want used "safe again"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0
