#!/bin/sh
# Real Debian binaries that connect non-blocking to a name, under v6run, to
# dual.v6kit.test (::1 first, 127.0.0.1 second) where only an IPv4-only
# server listens (legacy_server without the shim, 0.0.0.0):
#   socat TCP4:NAME:PORT,connect-timeout=5 (non-blocking connect, then its
#     own wait) ends connected to 127.0.0.1 through the pool address, and
#     says "Connection refused" when nothing serves;
#   curl -4 (libcurl: non-blocking connect, poll) reports "Connected to NAME
#     (198.18.0.1)", never a refused attempt of its own.
#   debian_nbconnect.sh LEGACY_SERVER V6RUN NSS V6PEER
# Exit 77 (skip) when socat or curl is not installed.
set -u
# Leaks of the Debian binaries themselves are not the shim's (asan preset).
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
server=$1
v6run=$2
nss=$3
v6peer=$4
SOCAT=$(command -v socat) || { echo "socat not installed: skipping"; exit 77; }
CURL=$(command -v curl) || { echo "curl not installed: skipping"; exit 77; }
dir=$(mktemp -d)
spid=
trap 'kill $spid 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; for f in "$dir"/*; do echo "--- $f"; cat "$f"; done; exit 1; }

# An IPv4-only server for one client; sets $port, $spid, $out.
serve() {
  out=$dir/server.$1 # a fresh file: never an earlier server's port line
  "$server" 1 > "$out" 2> "$dir/server.err" &
  spid=$!
  i=0
  while ! grep -q '^port ' "$out" 2>/dev/null; do
    i=$((i + 1)); [ $i -gt 200 ] && fail "server did not start"; sleep 0.05
  done
  port=$(sed -n 's/^port //p' "$out")
}

serve socat
echo hi | LD_PRELOAD="$nss" timeout 30 "$v6run" --log info -- "$SOCAT" -d -d - \
  "TCP4:dual.v6kit.test:$port,connect-timeout=5" > "$dir/socat.out" 2> "$dir/socat.err" \
  || fail "socat exited $?"
wait $spid || fail "server exited with an error"
[ "$(cat "$dir/socat.out")" = "hello 127.0.0.1" ] || fail "socat did not get the server's greeting"
[ "$(sed -n 2p "$out")" = "peer 127.0.0.1" ] || fail "the server's peer"
grep -q 'opening connection to AF=2 198\.1[89]\.[0-9.]*:' "$dir/socat.err" || fail "socat did not connect to a pool address"
grep -q 'candidate 0 failed (Connection refused), candidate 1 (IPv4) started' "$dir/socat.err" \
  || fail "no fail-over in the shim's log"

port=$("$v6peer" freeport) || fail "no free port"
LD_PRELOAD="$nss" timeout 30 "$v6run" -- "$SOCAT" - "TCP4:dual.v6kit.test:$port,connect-timeout=5" \
  < /dev/null > /dev/null 2> "$dir/refused.err" && fail "socat connected to nothing"
grep -q 'Connection refused' "$dir/refused.err" || fail "socat failed otherwise when nothing serves"

# Under a sanitizer runtime curl hangs before its first line (its threaded
# resolver with the runtime and nss_wrapper preloaded): socat above stands
# for the real-binary case in the asan and tsan presets.
if [ -n "${V6_SANITIZE:-}" ]; then
  echo "ok: socat connects non-blocking through the pool (curl not run under a sanitizer)"
  exit 0
fi
serve curl
LD_PRELOAD="$nss" timeout 30 "$v6run" -- "$CURL" -4 -v -s --http0.9 "http://dual.v6kit.test:$port/" \
  > "$dir/curl.out" 2> "$dir/curl.err" # (the server closes on curl's request: exit 56)
i=0 # the server ends once it served curl (a guard, not a measurement)
while kill -0 $spid 2>/dev/null; do
  i=$((i + 1)); [ $i -gt 200 ] && fail "curl never reached the server"; sleep 0.05
done
wait $spid || fail "server exited with an error"
[ "$(cat "$dir/curl.out")" = "hello 127.0.0.1" ] || fail "curl did not get the server's greeting"
grep -q '^\* Connected to dual.v6kit.test (198\.1[89]\.[0-9.]*) port' "$dir/curl.err" || fail "curl's connect"
grep -q 'Connection refused' "$dir/curl.err" && fail "curl saw the refused ::1 attempt"
echo "ok: socat and curl connect non-blocking through the pool to the IPv4 server"
exit 0
