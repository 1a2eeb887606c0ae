#!/bin/sh
# netns-run.sh COMMAND [ARGS...]
#
# Runs COMMAND in a private network namespace whose only interface is
# loopback (127.0.0.1 and ::1), so no lookup or packet a test makes can leave
# the machine. As root this is `unshare -n`; otherwise a user namespace
# (`unshare -rn`) is tried. Exit 77 (CTest: skipped) when neither is allowed.
#
# The preload list for COMMAND comes in V6_TEST_LD_PRELOAD (cmake/V6Testing.cmake)
# so that unshare and ip themselves run unpreloaded; it becomes LD_PRELOAD
# only for COMMAND.
set -u
unset LD_PRELOAD
if [ "$#" -eq 0 ]; then
  echo "usage: netns-run.sh COMMAND [ARGS...]" >&2
  exit 2
fi
if [ "$(id -u)" -eq 0 ]; then
  flags=-n
else
  flags=-rn
fi
if ! unshare $flags true 2>/dev/null; then
  echo "netns-run: cannot create a network namespace (unshare $flags refused): skipping" >&2
  exit 77
fi
exec unshare $flags -- sh -c '
  ip link set lo up || { echo "netns-run: cannot bring lo up" >&2; exit 1; }
  if [ -n "${V6_TEST_LD_PRELOAD:-}" ]; then
    LD_PRELOAD=$V6_TEST_LD_PRELOAD
    export LD_PRELOAD
  fi
  unset V6_TEST_LD_PRELOAD
  exec "$@"' netns-run "$@"
