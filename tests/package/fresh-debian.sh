#!/bin/sh
# fresh-debian.sh BUILD_DIR — the .deb packages on a fresh Debian 12 (ctest
# package_fresh_debian, in the release-tests preset; label package).
#
# Makes the three component packages with cpack from BUILD_DIR, takes a
# minimal Debian 12 root (mmdebstrap, variant minbase: what a new container
# has), and inside it (chroot, in a private mount namespace):
#   1. apt-get install ./v6kit-shim_*.deb alone: installs, pulls no libclang,
#      v6run --version works, v6run preloads the installed shim, and a
#      legacy call through it (gethostbyname of a literal) answers;
#   2. apt-get install ./v6kit-scanner_*.deb ./v6kit-docs_*.deb: v6scan
#      finds gethostbyname in a file at the expected line with exit 1, and
#      explains a check from the installed page; the man pages are there.
# Needs root (chroot, mount) and Debian's mirror: V6_DEBIAN_MIRROR (default
# http://deb.debian.org/debian).
#
# The minbase root is cached as a tarball (V6_FRESH_CACHE, default
# /var/cache/v6kit; empty: no cache) and reused only when it is safe: the
# directory and the tarball belong to root and nobody else may write them,
# the tarball is younger than 7 days (the root stays that of a current
# Debian 12; apt-get update runs in it anyway) and matches the SHA-256
# recorded when this script made it. Each run unpacks it into a new
# directory; the tarball itself is never changed.
#
# Exit status: 0 all passed; 1 a check failed; 2 usage; 77 skipped: the
# mirror cannot be reached, or not root. With V6_STRICT=1 (as CI sets) a
# skip is a failure (exit 1).
set -u
build=${1:-}
if [ -z "$build" ] || [ ! -f "$build/CPackConfig.cmake" ]; then
  echo "usage: fresh-debian.sh BUILD_DIR (a configured and built tree)" >&2
  exit 2
fi
build=$(cd "$build" && pwd)
mirror=${V6_DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${V6_FRESH_CACHE-/var/cache/v6kit}
skip() {
  echo "SKIP: fresh-debian: $*"
  case ${V6_STRICT:-0} in
    1|yes|true|on) echo "FAIL: strict mode (V6_STRICT=1): this skip is a failure"; exit 1 ;;
  esac
  exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root (chroot, mount)"
command -v mmdebstrap > /dev/null ||
  { echo "FAIL: fresh-debian: mmdebstrap is not installed (scripts/install-deps.sh --for-tests)"; exit 1; }
# the mounts below die with this process, whatever happens to it
if [ -z "${V6_FRESH_NS:-}" ]; then
  V6_FRESH_NS=1 exec unshare --mount --propagation private sh "$0" "$@"
fi

tmp=$(mktemp -d /tmp/v6kit-fresh.XXXXXX) || exit 1
cleanup() {
  for m in dev/pts dev sys proc; do umount "$tmp/root/$m" 2> /dev/null; done
  # never follow a mount that is still there into the host's /dev
  if grep -q " $tmp/root/" /proc/self/mounts; then
    echo "fresh-debian: $tmp/root still has mounts: left in place" >&2
  else
    rm -rf --one-file-system "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }

# is_net_error LOG: the log says the mirror could not be reached
is_net_error() {
  grep -Eq 'Could not resolve|Temporary failure resolving|Failed to fetch|Could not connect|Unable to connect|Network is unreachable|Connection (timed out|refused)' "$1"
}
# the mirror first: unreachable is the one reason to skip
curl -fsS --max-time 30 -o /dev/null "$mirror/dists/bookworm/InRelease" 2> "$tmp/probe.log" ||
  skip "cannot reach the Debian mirror $mirror: $(cat "$tmp/probe.log")"

(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out") > "$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log"; echo "FAIL: cpack"; exit 1; }

# cache_ok TAR: the cached tarball may be used (fresh-cache.sh)
. "$(dirname "$0")/fresh-cache.sh"
key=bookworm-minbase-$(dpkg --print-architecture)-$(printf '%s' "$mirror" | sha256sum | cut -c1-12).tar
tarball=$tmp/root.tar
if [ -n "$cache" ] && cache_ok "$cache/$key"; then
  echo "==> the minbase root from $cache/$key"
  tarball=$cache/$key
else
  echo "==> mmdebstrap bookworm (minbase) from $mirror"
  mmdebstrap --quiet --variant=minbase bookworm "$tmp/root.tar" "$mirror" > "$tmp/mmdebstrap.log" 2>&1 || {
    tail -n 20 "$tmp/mmdebstrap.log"
    is_net_error "$tmp/mmdebstrap.log" && skip "mmdebstrap cannot reach the Debian mirror $mirror"
    echo "FAIL: mmdebstrap"
    exit 1
  }
  if [ -n "$cache" ] && mkdir -p -m 0700 "$cache" 2> /dev/null; then
    # written whole under a temporary name, then renamed: a reader sees
    # the old tarball or the new one
    cp "$tmp/root.tar" "$cache/.$key.new" && sha256sum < "$cache/.$key.new" | cut -d' ' -f1 > "$cache/.$key.sha256.new" &&
      chmod 0600 "$cache/.$key.new" "$cache/.$key.sha256.new" &&
      mv -f "$cache/.$key.new" "$cache/$key" && mv -f "$cache/.$key.sha256.new" "$cache/$key.sha256" ||
      echo "fresh-debian: could not cache the root in $cache (going on)" >&2
  fi
fi
mkdir "$tmp/root" && tar -C "$tmp/root" --numeric-owner -xpf "$tarball" ||
  { echo "FAIL: unpacking the minbase root"; exit 1; }
mkdir -p "$tmp/root/debs"
cp "$tmp"/out/*.deb "$tmp/root/debs/"
cp /etc/resolv.conf "$tmp/root/etc/resolv.conf"
for m in proc sys dev dev/pts; do
  mkdir -p "$tmp/root/$m" && mount --bind "/$m" "$tmp/root/$m" || { echo "FAIL: mount --bind /$m"; exit 1; }
done
in_root() { chroot "$tmp/root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

echo "==> the shim package alone"
if in_root sh -c 'apt-get update -q && apt-get install -y -q ./debs/v6kit-shim_*.deb' > "$tmp/apt1.log" 2>&1; then
  ok "apt-get install ./v6kit-shim_*.deb"
else
  tail -n 20 "$tmp/apt1.log"
  is_net_error "$tmp/apt1.log" && skip "apt-get in the root cannot reach the Debian mirror"
  fail "apt-get install shim"
fi
in_root dpkg-query -W -f '${Package}\n' > "$tmp/pkgs" 2>&1
grep -q '^libclang' "$tmp/pkgs" && fail "the shim alone pulled in $(grep '^libclang' "$tmp/pkgs" | tr '\n' ' ')" ||
  ok "the shim alone pulls in no libclang"
out=$(in_root v6run --version 2>&1)
case "$out" in "v6run (v6kit) "*) ok "v6run --version: $out" ;; *) fail "v6run --version: $out" ;; esac
out=$(in_root v6run sh -c 'echo "$LD_PRELOAD"' 2>&1)
[ "$out" = /usr/lib/v6kit/libv6shim.so ] && ok "v6run preloads /usr/lib/v6kit/libv6shim.so" ||
  fail "v6run preloads: $out"
# a legacy resolver call through the installed shim (a literal: no lookup)
out=$(in_root v6run getent ahostsv4 127.0.0.1 2>&1 | head -n 1)
case "$out" in "127.0.0.1 "*) ok "getent under v6run: $out" ;; *) fail "getent under v6run: $out" ;; esac

echo "==> the scanner and docs"
if in_root sh -c 'apt-get install -y -q ./debs/v6kit-scanner_*.deb ./debs/v6kit-docs_*.deb' > "$tmp/apt2.log" 2>&1; then
  ok "apt-get install ./v6kit-scanner_*.deb ./v6kit-docs_*.deb"
else
  tail -n 20 "$tmp/apt2.log"
  is_net_error "$tmp/apt2.log" && skip "apt-get in the root cannot reach the Debian mirror"
  fail "apt-get install scanner, docs"
fi
mkdir -p "$tmp/root/work"
printf '#include <netdb.h>\n\nvoid f(void) { gethostbyname("x"); }\n' > "$tmp/root/work/g.c"
out=$(in_root sh -c 'cd /work && v6scan g.c' 2>&1)
rc=$?
[ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -q '^g\.c:3:16: .*\[v6-gethostbyname\]$' &&
  ok "v6scan finds gethostbyname at g.c:3:16 (exit 1)" || fail "v6scan (exit $rc): $out"
in_root v6scan --explain v6-gethostbyname 2>&1 | grep -q 'getaddrinfo' &&
  ok "v6scan --explain reads the installed page" || fail "v6scan --explain"
for page in man1/v6run.1 man1/v6scan.1 man5/v6shim.conf.5; do
  [ -s "$tmp/root/usr/share/man/$page.gz" ] || [ -s "$tmp/root/usr/share/man/$page" ] &&
    ok "installed /usr/share/man/$page" || fail "no /usr/share/man/$page"
done

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all passed"
exit 0
