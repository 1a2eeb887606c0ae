#!/bin/sh
# deb.sh BUILD_DIR VERSION — `cpack -G DEB` from BUILD_DIR makes the three
# component packages with the Depends: their binaries really need; unpacked
# into a private root (dpkg -x), v6run finds its own libv6shim.so there,
# v6scan runs and explains a check, and the man pages format.
set -u
build=$1 version=$2
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }

if ! (cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out") > "$tmp/cpack.log" 2>&1; then
  cat "$tmp/cpack.log"
  echo "FAIL: cpack -G DEB"
  exit 1
fi
arch=$(dpkg --print-architecture)
shim=$tmp/out/v6kit-shim_${version}_$arch.deb
scanner=$tmp/out/v6kit-scanner_${version}_$arch.deb
docs=$tmp/out/v6kit-docs_${version}_all.deb
for d in "$shim" "$scanner" "$docs"; do
  [ -f "$d" ] && ok "built $(basename "$d")" || fail "no $(basename "$d") (got: $(ls "$tmp/out"))"
done
[ "$fails" -eq 0 ] || exit 1

# field PACKAGE FIELD
field() { dpkg-deb -f "$1" "$2"; }
# Depends: from the ELF files (dpkg-shlibdeps), not a hand-kept list
sd=$(field "$shim" Depends)
case "$sd" in *libc6*) ok "shim Depends libc6: $sd" ;; *) fail "shim Depends lacks libc6: '$sd'" ;; esac
case "$sd" in *libclang*|*jansson*) fail "shim depends on the scanner's libraries: '$sd'" ;; esac
cd_=$(field "$scanner" Depends)
for want in 'libclang1-[0-9]+' 'libclang-common-[0-9]+-dev' 'libjansson4' 'libc6'; do
  printf '%s\n' "$cd_" | grep -Eq "(^|, )$want( |,|$)" && ok "scanner Depends $want" ||
    fail "scanner Depends lacks $want: '$cd_'"
done
# the libclang the package asks for is the one v6scan loads
need=$(objdump -p "$build/scanner/v6scan" | awk '$1 == "NEEDED" && $2 ~ /^libclang/ {print $2}')
pkg=$(dpkg -S "$(realpath "$(ldd "$build/scanner/v6scan" | awk -v n="$need" '$1 == n {print $3; exit}')")" 2>/dev/null | sed 's/:.*//' | head -n 1)
[ -n "$pkg" ] && printf '%s\n' "$cd_" | grep -q "$pkg" && ok "scanner Depends $pkg (holds $need)" ||
  fail "scanner Depends does not name the package of $need ($pkg): '$cd_'"
[ "$(field "$docs" Architecture)" = all ] && ok "docs is Architecture: all" || fail "docs Architecture $(field "$docs" Architecture)"

# contents: the shim off the linker's path, no sample executables anywhere
for d in "$shim" "$scanner" "$docs"; do dpkg-deb -c "$d"; done | awk '{print $6}' > "$tmp/files"
grep -qx './usr/lib/v6kit/libv6shim.so' "$tmp/files" && ok "libv6shim.so in /usr/lib/v6kit" || fail "libv6shim.so not in /usr/lib/v6kit"
grep -E 'libv6shim\.so$' "$tmp/files" | grep -vqx './usr/lib/v6kit/libv6shim.so' && fail "a second libv6shim.so: $(grep libv6shim "$tmp/files")"
grep -Eq '(legacy|ported)_[a-z_]+$' "$tmp/files" && fail "sample executables packaged: $(grep -E '(legacy|ported)_' "$tmp/files")"
for f in ./usr/bin/v6run ./usr/bin/v6scan ./usr/share/man/man1/v6run.1 ./usr/share/man/man1/v6scan.1 \
         ./usr/share/man/man5/v6shim.conf.5 ./usr/share/doc/v6kit/checks/v6-gethostbyname.md \
         ./usr/share/doc/v6kit/porting-guide.md ./usr/share/bash-completion/completions/v6run \
         ./usr/share/bash-completion/completions/v6scan; do
  grep -qx "$f" "$tmp/files" && ok "packaged $f" || fail "not packaged: $f"
done
dpkg-deb -c "$shim" | awk '{print $6}' | grep -q 'v6scan\|checks/' && fail "the shim package carries scanner files"

# unpacked anywhere, the tools work from it
root=$tmp/root
for d in "$shim" "$scanner" "$docs"; do dpkg -x "$d" "$root"; done
out=$(env -u LD_PRELOAD -u V6SHIM_LIBRARY "$root/usr/bin/v6run" --version 2>&1)
[ "$out" = "v6run (v6kit) $version" ] && ok "v6run --version" || fail "v6run --version: $out"
out=$(env -u LD_PRELOAD -u V6SHIM_LIBRARY "$root/usr/bin/v6run" sh -c 'echo "$LD_PRELOAD"' 2>&1)
printf '%s\n' "$out" | grep -Eq "^(/[^:]*lib[at]san[^:]*:)?$root/usr/lib/v6kit/libv6shim\.so\$" &&
  ok "unpacked v6run preloads the unpacked shim" || fail "unpacked v6run preloads: $out"
out=$("$root/usr/bin/v6scan" --version 2>&1)
[ "$out" = "v6scan $version" ] && ok "v6scan --version" || fail "v6scan --version: $out"
"$root/usr/bin/v6scan" --explain v6-gethostbyname > "$tmp/explain" 2>&1 &&
  cmp -s "$tmp/explain" "$root/usr/share/doc/v6kit/checks/v6-gethostbyname.md" &&
  ok "v6scan --explain reads the packaged page" || fail "v6scan --explain: $(head -n 3 "$tmp/explain")"
printf '#include <netdb.h>\nvoid f(void) { gethostbyname("x"); }\n' > "$tmp/g.c"
(cd "$tmp" && "$root/usr/bin/v6scan" g.c) > "$tmp/scan" 2>&1
[ $? -eq 1 ] && grep -q '^g\.c:2:.*\[v6-gethostbyname\]$' "$tmp/scan" && ok "unpacked v6scan finds gethostbyname" ||
  fail "unpacked v6scan: $(cat "$tmp/scan")"
for page in man1/v6run.1 man1/v6scan.1 man5/v6shim.conf.5; do
  name=$(basename "$page" | sed 's/\.[0-9]$//')
  MANPAGER=cat MANWIDTH=80 man -l "$root/usr/share/man/$page" > "$tmp/man" 2>&1
  grep -Eq "^ +$name — " "$tmp/man" && ok "man -l $page" || fail "man -l $page: $(head -n 5 "$tmp/man")"
done

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0
