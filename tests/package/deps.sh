#!/bin/sh
# deps.sh SRCDIR — scripts/install-deps.sh installs Node.js/npm only when
# asked (--with-npm), the demo never asks, and an unreachable npm registry
# is exit 3 with a message naming the test that will be skipped. Runs the
# real script against stub apt-get/dpkg-query/npm first on PATH: nothing is
# installed, nothing leaves the machine.
set -u
src=$1
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }

mkdir "$tmp/bin"
# dpkg-query: every package is installed except nodejs, npm and those
# named in V6_STUB_MISSING
cat > "$tmp/bin/dpkg-query" <<'STUB'
#!/bin/sh
for a; do p=$a; done
case $p in nodejs|npm) exit 1 ;; esac
case " ${V6_STUB_MISSING:-} " in *" $p "*) exit 1 ;; esac
printf 'install ok installed'
STUB
cat > "$tmp/bin/apt-get" <<'STUB'
#!/bin/sh
echo "apt-get $*" >> "$V6_STUB_LOG"
STUB
# npm: records the call; V6_STUB_NPM=fail is an unreachable registry
cat > "$tmp/bin/npm" <<'STUB'
#!/bin/sh
echo "npm $*" >> "$V6_STUB_LOG"
if [ "${V6_STUB_NPM:-}" = fail ]; then echo "npm ERR! network request failed" >&2; exit 1; fi
for a; do case $a in --prefix) next=1 ;; *) [ "${next:-}" = 1 ] && prefix=$a; next= ;; esac; done
mkdir -p "$prefix/node_modules/.bin" && printf '#!/bin/sh\n' > "$prefix/node_modules/.bin/sarif-multitool"
chmod +x "$prefix/node_modules/.bin/sarif-multitool"
STUB
chmod +x "$tmp/bin/"*
export V6_STUB_LOG=$tmp/log V6_TOOLS_DIR=$tmp/tools
# run NAME WANT_RC ARGS...: install-deps.sh with the stubs; output in $tmp/out
run() {
  name=$1 want=$2
  shift 2
  : > "$V6_STUB_LOG"
  PATH=$tmp/bin:$PATH sh "$src/scripts/install-deps.sh" "$@" > "$tmp/out" 2>&1
  rc=$?
  [ "$rc" -eq "$want" ] && ok "$name: exit $rc" || { fail "$name: exit $rc, wanted $want"; cat "$tmp/out"; }
}

run default 0
grep -q npm "$V6_STUB_LOG" && fail "default: npm was run: $(cat "$V6_STUB_LOG")"
grep -Eq 'nodejs|npm' "$tmp/out" && fail "default: mentions npm: $(cat "$tmp/out")"
grep -qx 'install-deps.sh: all dependencies present' "$tmp/out" && ok "default: all present, no npm"

run with-npm 0 --with-npm
grep -q '^npm install .*@microsoft/sarif-multitool' "$V6_STUB_LOG" && ok "with-npm: npm install ran" ||
  fail "with-npm: npm not run: $(cat "$V6_STUB_LOG")"
run with-npm-again 0 --with-npm
grep -q npm "$V6_STUB_LOG" && fail "with-npm-again: npm ran though the validator is there"

rm -rf "$V6_TOOLS_DIR"
V6_STUB_NPM=fail run npm-registry-unreachable 3 --with-npm
grep -q 'npm could not install @microsoft/sarif-multitool (see above); the SARIF validation test (scan_cli_sarif-validate) will be skipped' "$tmp/out" &&
  ok "unreachable registry: says what will be skipped" || fail "unreachable registry message: $(cat "$tmp/out")"

run bad-option 2 --frobnicate
grep -qx "install-deps.sh: unknown option '--frobnicate'" "$tmp/out" || fail "bad option message: $(cat "$tmp/out")"

# --for-tests brings mmdebstrap (the fresh Debian 12 root of fresh-debian.sh);
# the default does not
V6_STUB_MISSING=mmdebstrap run for-tests 0 --for-tests
grep -q '^apt-get .*install .* mmdebstrap' "$V6_STUB_LOG" && ok "for-tests: installs mmdebstrap" ||
  fail "for-tests: mmdebstrap not installed: $(cat "$V6_STUB_LOG")"
V6_STUB_MISSING=mmdebstrap run default-no-mmdebstrap 0
grep -q mmdebstrap "$V6_STUB_LOG" && fail "default: installs mmdebstrap: $(cat "$V6_STUB_LOG")"

# the demo installs without npm; the tests ask for it
calls=$(grep -E '(^|[ /])install-deps\.sh' "$src/scripts/demo.sh" | grep -v '^#')
[ -n "$calls" ] && ok "demo.sh runs install-deps.sh" || fail "demo.sh does not run install-deps.sh"
printf '%s\n' "$calls" | grep -q -- '--with-npm' && fail "demo.sh asks for npm: $calls"
grep -nE '^[^#]*\b(npm|npx|node)\b' "$src/scripts/demo.sh" && fail "demo.sh runs npm/node itself"
grep -Eq '^[^#]*install-deps\.sh .*--with-npm' "$src/scripts/test.sh" && ok "test.sh asks for the validator" ||
  fail "test.sh does not ask for --with-npm"

# the SARIF validation test skips (77) with a message when the tool is absent
sh "$src/tests/scanner/cli-tests.sh" sarif-validate /bin/false "$src/tests/scanner" "" > "$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 77 ] && grep -q '^SKIP: SARIF output not validated: Microsoft SARIF Multitool not found' "$tmp/out" &&
  ok "sarif-validate skips with 77 and says why" || fail "sarif-validate without the tool: exit $rc: $(cat "$tmp/out")"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0
