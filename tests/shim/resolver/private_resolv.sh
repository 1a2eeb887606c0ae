#!/bin/sh
# private_resolv.sh COMMAND [ARGS...]
# Runs COMMAND in a private mount namespace whose /etc/resolv.conf names
# only 127.0.0.1 (one attempt, one second), so libc's own DNS queries go to
# a test's fake server on loopback and nowhere else. Meant to run inside
# netns-run.sh (a private network namespace). The preload list is kept for
# COMMAND only. Exit 77 (skip) without the right to make the namespace.
set -u
pre=${LD_PRELOAD:-}
unset LD_PRELOAD
V6_PRE=$pre
export V6_PRE
conf=$(mktemp)
trap 'rm -f "$conf"' EXIT
printf 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n' > "$conf"
unshare -m true 2>/dev/null || { echo "private_resolv: cannot make a mount namespace: skipping"; exit 77; }
unshare -m -- sh -c '
  mount --bind "$1" /etc/resolv.conf || exit 77
  shift
  [ -n "$V6_PRE" ] && { LD_PRELOAD=$V6_PRE; export LD_PRELOAD; }
  unset V6_PRE
  exec "$@"' private_resolv "$conf" "$@"
