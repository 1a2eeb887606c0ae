#!/bin/sh
# report_own_dns.sh V6RUN — report mode names a program with its own DNS
# client: Debian's nc.traditional sending UDP to 127.0.0.1:53 (nothing
# listens: the datagram goes nowhere off loopback) never asks the C
# library's resolver, so its report line carries "notes":["own-dns-client"].
set -u
v6run=$1
command -v nc.traditional >/dev/null 2>&1 || { echo "skip: nc.traditional missing"; exit 77; }
rep=$(mktemp -u /tmp/v6-own-dns-XXXXXX)
trap 'rm -f "$rep"' EXIT
echo query | timeout 5 "$v6run" --report "$rep" -- nc.traditional -u -n -q 0 127.0.0.1 53 2>/dev/null
grep -q '"check":"v6-own-dns-client","call":"connect"' "$rep" || { echo "FAIL: no own-dns-client site"; cat "$rep"; exit 1; }
grep -q '"notes":\["own-dns-client"\]' "$rep" || { echo "FAIL: no own-dns-client note"; cat "$rep"; exit 1; }
# A program that also asks the resolver is not noted.
echo query | timeout 5 "$v6run" --report "$rep.2" -- nc.traditional -u -q 0 localhost 53 2>/dev/null
if grep -q '"notes":\["own-dns-client"\]' "$rep.2"; then echo "FAIL: noted though it resolved a name"; cat "$rep.2"; rm -f "$rep.2"; exit 1; fi
rm -f "$rep.2"
echo "ok: own DNS client noted, resolver user not"
