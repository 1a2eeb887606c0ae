#!/bin/sh
# fresh-debian.sh BUILD_DIR — the .deb packages on a fresh Debian 12.
#
# Makes the three component packages with cpack from BUILD_DIR, builds a
# minimal Debian 12 root with mmdebstrap (variant minbase: what a new
# container has), and inside it (chroot):
#   1. apt-get install ./v6kit-shim_*.deb alone: installs, pulls no libclang,
#      v6run --version works, v6run preloads the installed shim, and a
#      legacy call through it (gethostbyname of a literal) answers;
#   2. apt-get install ./v6kit-scanner_*.deb ./v6kit-docs_*.deb: v6scan
#      finds gethostbyname in a file at the expected line with exit 1, and
#      explains a check from the installed page; the man pages are there.
# Not a ctest test: it needs root and Debian's mirror (deb.debian.org), and
# takes a few minutes. Run as root:
#   sh tests/package/fresh-debian.sh build/release-tests
# Exit status: 0 all passed, 1 a check failed, 2 cannot run here.
set -u
build=${1:-}
if [ -z "$build" ] || [ ! -f "$build/CPackConfig.cmake" ]; then
  echo "usage: fresh-debian.sh BUILD_DIR (a configured and built tree)" >&2
  exit 2
fi
build=$(cd "$build" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "fresh-debian: needs root (chroot, apt-get)" >&2; exit 2; }
command -v mmdebstrap > /dev/null || { echo "fresh-debian: apt-get install mmdebstrap" >&2; exit 2; }
tmp=$(mktemp -d /tmp/v6kit-fresh.XXXXXX) || exit 2
cleanup() {
  for m in proc dev/pts dev sys; do umount "$tmp/root/$m" 2> /dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }

(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out") > "$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log"; echo "FAIL: cpack"; exit 1; }
echo "==> mmdebstrap bookworm (minbase)"
mmdebstrap --quiet --variant=minbase bookworm "$tmp/root" http://deb.debian.org/debian > "$tmp/mmdebstrap.log" 2>&1 ||
  { tail -n 20 "$tmp/mmdebstrap.log"; echo "fresh-debian: mmdebstrap failed (mirror reachable?)" >&2; exit 2; }
mkdir -p "$tmp/root/debs"
cp "$tmp"/out/*.deb "$tmp/root/debs/"
cp /etc/resolv.conf "$tmp/root/etc/resolv.conf"
for m in proc sys dev dev/pts; do mount --bind "/$m" "$tmp/root/$m"; done
in_root() { chroot "$tmp/root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root "$@"; }

echo "==> the shim package alone"
in_root sh -c 'apt-get update -q && apt-get install -y -q ./debs/v6kit-shim_*.deb' > "$tmp/apt1.log" 2>&1 &&
  ok "apt-get install ./v6kit-shim_*.deb" || { tail -n 20 "$tmp/apt1.log"; fail "apt-get install shim"; }
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
in_root sh -c 'apt-get install -y -q ./debs/v6kit-scanner_*.deb ./debs/v6kit-docs_*.deb' > "$tmp/apt2.log" 2>&1 &&
  ok "apt-get install ./v6kit-scanner_*.deb ./v6kit-docs_*.deb" ||
  { tail -n 20 "$tmp/apt2.log"; fail "apt-get install scanner, docs"; }
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
