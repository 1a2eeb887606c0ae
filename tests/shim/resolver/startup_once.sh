#!/bin/sh
# One start-up path (docs/internals/startup.md): a preloaded process reads
# its v6shim.conf and the gai.conf that names once each, however many
# resolver calls it makes and whichever hook runs first. Counted with
# strace -f (every open(2)/openat(2) of the process and its threads).
#   startup_once.sh LEGACY_GETHOST SHIM_LIBRARY NSS_WRAPPER [SANITIZER_RUNTIME]
set -u
. "$(dirname "$0")/expect.sh"
LEGACY=$1 SHIM=$2 NSSW=$3 RT=${4:-}
command -v strace >/dev/null || { echo "skip: no strace"; exit 77; }
PRE="${RT:+$RT:}$SHIM:$NSSW"
# LeakSanitizer stops the world with ptrace, which strace already holds.
[ -n "${ASAN_OPTIONS:-}" ] && export ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0"
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
printf 'precedence ::ffff:0:0/96 100\n' > "$tmp/gai.conf"
printf 'gai_conf = %s\npool_size = 64\n' "$tmp/gai.conf" > "$tmp/v6shim.conf"

# count NAME FILE: how many open/openat calls of the trace named FILE
count() { grep -cE "open(at)?\(.*\"$2\"" "$tmp/$1.trace"; }

# dual.v6kit.test: both families, so the lookup sorts with the table
# (gai.conf's line puts IPv4 first); the legacy program prints 127.0.0.1.
expect dual-sorted-by-gai-conf 0 '^127\.0\.0\.1~$' -- \
  env V6SHIM_CONF="$tmp/v6shim.conf" LD_PRELOAD="$PRE" \
  strace -f -qq -e trace=open,openat -o "$tmp/dual.trace" "$LEGACY" dual.v6kit.test
expect gai-conf-opened-once 0 '^1~$' -- count dual "$tmp/gai.conf"
expect v6shim-conf-opened-once 0 '^1~$' -- count dual "$tmp/v6shim.conf"
# the same with V6SHIM_GAI_CONF instead of the file's line
expect env-gai-conf 0 '^127\.0\.0\.1~$' -- \
  env V6SHIM_CONF=/dev/null V6SHIM_GAI_CONF="$tmp/gai.conf" LD_PRELOAD="$PRE" \
  strace -f -qq -e trace=open,openat -o "$tmp/env.trace" "$LEGACY" dual.v6kit.test
expect env-gai-conf-opened-once 0 '^1~$' -- count env "$tmp/gai.conf"
finish
