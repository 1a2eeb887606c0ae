#!/bin/sh
# A set-uid program ignores V6SHIM_* and V6SHIM_CONF (secure_getenv); the
# same program without the set-uid bit honours them. Needs root (to make a
# set-uid-root copy and run it as nobody); skipped otherwise.
#   secure_mode.sh CONFIG_DUMP
set -u
. "$(dirname "$0")/expect.sh"
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root"; exit 77; }
command -v setpriv >/dev/null || { echo "skip: no setpriv"; exit 77; }
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
cp "$1" "$tmp/plain" && cp "$1" "$tmp/suid"
chmod 755 "$tmp/plain" && chmod 4755 "$tmp/suid"
# nobody may not be able to read the source tree (a clone under /root): drop
# the TSan suppressions file, which only concerns nss_wrapper, not used here.
if [ -n "${TSAN_OPTIONS:-}" ]; then
  TSAN_OPTIONS=$(printf '%s' "$TSAN_OPTIONS" | sed 's/:*suppressions=[^:]*//')
  export TSAN_OPTIONS
fi
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --"
expect plain-honours-env 0 '^enabled=1 pool_size=5 error=~$' -- $nobody env V6SHIM_POOL_SIZE=5 "$tmp/plain"
expect plain-reads-conf-var 0 '^v6shim\[[0-9]+\] plain: error: /nonexistent/v6shim\.conf:0: cannot open: No such file or directory; running unshimmed~enabled=0 pool_size=1024 error=/nonexistent/v6shim\.conf:0: cannot open' -- $nobody env V6SHIM_CONF=/nonexistent/v6shim.conf "$tmp/plain"
expect suid-ignores-env 0 '^enabled=1 pool_size=1024 error=~$' -- $nobody env V6SHIM_POOL_SIZE=5 "$tmp/suid"
expect suid-ignores-conf-var 0 '^enabled=1 pool_size=1024 error=~$' -- $nobody env V6SHIM_CONF=/nonexistent/v6shim.conf "$tmp/suid"
finish
