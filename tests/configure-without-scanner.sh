#!/bin/sh
# configure-without-scanner.sh CMAKE SOURCE_DIR
# Configures SOURCE_DIR with -DV6_BUILD_SCANNER=OFF and libclang made
# unfindable (CMAKE_DISABLE_FIND_PACKAGE_LibClang): it must succeed, and the
# same with the scanner on must stop with the Debian package to install.
set -u
cmake=$1 src=$2
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
if ! "$cmake" -S "$src" -B "$tmp/off" -DV6_BUILD_SCANNER=OFF -DBUILD_TESTING=OFF \
    -DCMAKE_DISABLE_FIND_PACKAGE_LibClang=ON >"$tmp/off.log" 2>&1; then
  echo "FAIL: configure without the scanner looked for libclang:"; cat "$tmp/off.log"; exit 1
fi
grep -q '^LibClang_' "$tmp/off/CMakeCache.txt" && { echo "FAIL: LibClang in the cache of a build without the scanner"; exit 1; }
echo "ok   configures without the scanner and without libclang"
if "$cmake" -S "$src" -B "$tmp/on" -DBUILD_TESTING=OFF \
    -DCMAKE_DISABLE_FIND_PACKAGE_LibClang=ON >"$tmp/on.log" 2>&1; then
  echo "FAIL: configure with the scanner succeeded without libclang"; exit 1
fi
grep -q 'libclang not found: apt-get install libclang-dev' "$tmp/on.log" ||
  { echo "FAIL: no 'libclang not found' message:"; cat "$tmp/on.log"; exit 1; }
echo "ok   with the scanner, a missing libclang names its package"
