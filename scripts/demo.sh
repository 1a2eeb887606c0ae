#!/bin/sh
# demo.sh — install what is missing, build, and show v6kit's main job:
#   1. v6scan finds the IPv4-only code in a legacy client and says what to
#      write instead;
#   2. the same legacy client, unchanged, fails to reach an IPv6-only server
#      by name, then reaches it under v6run.
# Step 2 runs in a private network namespace where loopback has ::1 only
# (127.0.0.1 removed), with names from tests/data/hosts through nss_wrapper:
# nothing leaves the machine.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
build=build/default

scripts/install-deps.sh
echo "==> building ($build)"
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc 2>/dev/null || echo 2)" >/dev/null

client=samples/legacy/echo_client.c
echo
echo "==> 1. v6scan $client"
echo
# Exit 1 means "findings at or above --fail-on": expected for a legacy file.
"$build/scanner/v6scan" "$client" || [ $? -eq 1 ]

nss=$(for d in /usr/lib/*-linux-gnu /usr/lib; do [ -e "$d/libnss_wrapper.so" ] && echo "$d/libnss_wrapper.so" && break; done)
echo
echo "==> 2. the legacy client against an IPv6-only server (private netns, ::1 only)"
tests/netns-run.sh sh -s "$build" "$nss" "$here/tests/data/hosts" <<'INNER'
set -u
build=$1 nss=$2 hosts=$3
ip addr del 127.0.0.1/8 dev lo            # this host now speaks IPv6 only
port=7007
"$build/samples/ported_echo_server" -p $port &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT
sleep 0.3
export NSS_WRAPPER_HOSTS=$hosts
echo
echo "\$ legacy_echo_client v6only.v6kit.test $port hello        # v6only.v6kit.test is ::1 only"
LD_PRELOAD=$nss "$build/samples/legacy_echo_client" v6only.v6kit.test $port hello
echo "(exit $?: gethostbyname finds no IPv4 address)"
echo
echo "\$ v6run --resolve v6only.v6kit.test"
LD_PRELOAD=$nss "$build/shim/v6run" --resolve v6only.v6kit.test
echo
echo "\$ v6run -- legacy_echo_client v6only.v6kit.test $port hello"
LD_PRELOAD=$nss "$build/shim/v6run" -- "$build/samples/legacy_echo_client" v6only.v6kit.test $port hello
rc=$?
sleep 0.2   # let the server print the peer it saw
echo
echo "(exit $rc: the legacy binary reached an IPv6-only server, unchanged)"
INNER
