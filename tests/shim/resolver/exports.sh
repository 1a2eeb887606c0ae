#!/bin/sh
# libv6shim.so exports exactly the hooked names of shim/hooks/*.def.
#   exports.sh LIBRARY HOOKS_DIR
set -u
lib=$1 dir=$2
want=$(cat "$dir"/resolver.def "$dir"/sockets.def "$dir"/report.def | sed -n 's/^V6_HOOK([^,]*, *\([A-Za-z0-9_]*\),.*/\1/p' | sort)
got=$(nm -D --defined-only "$lib" | awk '{print $3}' | sed 's/@.*//' | sort)
if [ -z "$want" ] || [ "$want" != "$got" ]; then
  echo "FAIL: exported symbols differ from the hook list"
  echo "--- hooks.def"; echo "$want"; echo "--- nm -D --defined-only"; echo "$got"
  exit 1
fi
echo "ok: $(echo "$got" | wc -l) symbols, all hooks"
