#!/bin/sh
# The shim component installs into any prefix, and the installed v6run finds
# the installed libv6shim.so there (../LIBDIR from itself).
#   install.sh BUILD_DIR
set -u
. "$(dirname "$0")/expect.sh"
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
cmake --install "$1" --component shim --prefix "$tmp/prefix" >/dev/null || exit 1
expect installed-files 0 '' -- test -x "$tmp/prefix/bin/v6run" -a -f "$(find "$tmp/prefix" -name libv6shim.so | head -n 1)"
lib=$(find "$tmp/prefix" -name libv6shim.so | head -n 1)
expect installed-v6run-finds-installed-shim 0 "^(/[^:]*lib[at]san[^:]*:)?$lib~\$" -- env -u LD_PRELOAD "$tmp/prefix/bin/v6run" sh -c 'echo "$LD_PRELOAD"'
expect installed-example-config 0 '' -- test -f "$tmp/prefix/share/doc/v6kit/v6shim.conf.example"
finish
