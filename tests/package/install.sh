#!/bin/sh
# install.sh BUILD_DIR — `cmake --install` lays v6kit out as a Debian tool:
# v6run and v6scan in bin, libv6shim.so in LIBDIR/v6kit only (never on the
# linker's path), man pages in man1/man5, check pages in the doc dir, no
# sample executables (they need -DV6_INSTALL_SAMPLES=ON); the installed
# v6run preloads the installed shim.
set -u
build=$1
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }

p=$tmp/prefix
cmake --install "$build" --prefix "$p" > "$tmp/log" 2>&1 || { cat "$tmp/log"; echo "FAIL: cmake --install"; exit 1; }
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:[A-Z]*=//p' "$build/CMakeCache.txt")
[ -n "$libdir" ] || libdir=lib
(cd "$p" && find . -type f | sed 's|^\./||' | sort) > "$tmp/files"
for f in bin/v6run bin/v6scan "$libdir/v6kit/libv6shim.so" share/man/man1/v6run.1 share/man/man1/v6scan.1 \
         share/man/man5/v6shim.conf.5 share/doc/v6kit/checks/v6-inet-addr.md share/doc/v6kit/porting-guide.md \
         share/doc/v6kit/v6shim.conf.example share/v6kit/samples/legacy/echo_client.c \
         share/bash-completion/completions/v6run share/bash-completion/completions/v6scan; do
  grep -qx "$f" "$tmp/files" && ok "installed $f" || fail "not installed: $f"
done
n=$(grep -c 'libv6shim\.so$' "$tmp/files")
[ "$n" -eq 1 ] && ok "one libv6shim.so" || fail "$n copies of libv6shim.so: $(grep libv6shim "$tmp/files")"
grep -Eq '(legacy|ported)_[a-z_]+$' "$tmp/files" && fail "sample executables installed by default: $(grep -E '(legacy|ported)_' "$tmp/files" | head -n 3)"
out=$(env -u LD_PRELOAD -u V6SHIM_LIBRARY "$p/bin/v6run" sh -c 'echo "$LD_PRELOAD"' 2>&1)
printf '%s\n' "$out" | grep -Eq "^(/[^:]*lib[at]san[^:]*:)?$p/$libdir/v6kit/libv6shim\.so\$" &&
  ok "installed v6run preloads the installed shim" || fail "installed v6run preloads: $out"

# the samples component, asked for explicitly
if grep -q '^V6_INSTALL_SAMPLES:BOOL=ON' "$build/CMakeCache.txt"; then
  grep -q 'libexec/v6kit/samples/legacy_echo_client$' "$tmp/files" && ok "samples installed (V6_INSTALL_SAMPLES=ON)" ||
    fail "V6_INSTALL_SAMPLES=ON installed no sample"
fi
[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0
