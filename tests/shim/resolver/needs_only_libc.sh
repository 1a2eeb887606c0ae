#!/bin/sh
# The preloaded library adds nothing to the processes it is loaded into but
# itself: its NEEDED entries are libc and the dynamic loader, and in a
# sanitizer build the sanitizer's own runtimes (cmake/V6Options.cmake).
# libbsd in particular belongs to v6run, v6scan and the samples only.
#   needs_only_libc.sh SHIM_LIBRARY [EXTRA_ALLOWED_REGEX...]
set -u
so=$1
shift
command -v readelf >/dev/null || { echo "skip: no readelf (binutils)"; exit 77; }
allowed='^(libc\.so\.6|ld-linux[-a-z0-9_.]*\.so\.[0-9]+)$'
for extra in "$@"; do
  allowed="$allowed|$extra"
done
needed=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p')
[ -n "$needed" ] || { echo "FAIL: no NEEDED entries read from $so"; exit 1; }
status=0
for lib in $needed; do
  if printf '%s\n' "$lib" | grep -Eq "$allowed"; then
    echo "ok   $lib"
  else
    echo "FAIL $(basename "$so") needs $lib"
    status=1
  fi
done
exit $status
