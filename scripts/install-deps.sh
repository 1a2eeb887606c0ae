#!/bin/sh
# install-deps.sh — install what v6kit needs on Debian 12 (bookworm).
#
# Idempotent: asks apt only for packages that are missing. Runs apt-get as
# root, or through sudo. Node.js and npm are never installed unless asked:
#   --with-npm   also install the SARIF validator (Microsoft SARIF Multitool,
#                from npm into .tools/), which one scanner test uses; without
#                it that test is skipped (exit 77), and test.sh --strict fails
#   --no-npm     the default (kept for old command lines)
#   --for-tests  also what only some tests use: chromium (renders the HTML
#                report), dpkg-dev + man-db (the .deb tests), mmdebstrap (a
#                fresh Debian 12 root for the .deb test); the demo does
#                not need them
# Exit status: 0 all present; 1 a Debian package could not be installed (or
# no root/sudo); 2 usage; 3 everything but the SARIF validator (npm or its
# registry unavailable).
# V6_TOOLS_DIR overrides where the validator goes (default: <checkout>/.tools).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
tools=${V6_TOOLS_DIR:-$here/.tools}
want_npm=0
want_tests=0
for arg in "$@"; do
  case "$arg" in
    --with-npm) want_npm=1 ;;
    --no-npm) want_npm=0 ;;
    --for-tests) want_tests=1 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "install-deps.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" -eq 0 ]; then
  as_root=""
elif command -v sudo >/dev/null 2>&1; then
  as_root="sudo"
else
  as_root="__none__"
fi

# Build: compiler, CMake, pkg-config; libraries: libclang (the unversioned
# libclang-dev pulls Debian's default LLVM), jansson (v6scan's JSON reader),
# cmocka, libbsd; tests: nss_wrapper
# (test hosts files), netcat-traditional and ucspi-tcp (real legacy
# binaries: nc, tcpserver/tcpclient), socat and curl (real binaries that
# connect non-blocking), libevent-dev (an event-loop client), mandoc (man
# page lint), iproute2 + util-linux (private network namespaces), valgrind,
# clang (v6scan's benchmark baseline, and the fuzz preset with libclang-rt-dev:
# libFuzzer and clang's sanitizer runtimes), python3 (strict JSON validation
# of reports); with --for-tests, chromium, dpkg-dev, man-db, bear, autoconf
# and automake (compile databases of real packages for bench/label-eval.sh),
# mmdebstrap (the
# minbase root of tests/package/fresh-debian.sh; with curl, tar and
# util-linux's unshare from the list above), clang-format-14 (the format
# check, scripts/check-format.sh), 6tunnel (the relay bench/datapath-bench.sh
# compares the shim with); with --with-npm,
# npm for the SARIF validator.
pkgs="build-essential cmake pkg-config git libclang-dev libjansson-dev clang libclang-rt-dev libcmocka-dev libbsd-dev
libnss-wrapper netcat-traditional ucspi-tcp socat curl libevent-dev mandoc iproute2 util-linux valgrind file ca-certificates python3"
if [ "$want_tests" -eq 1 ]; then
  pkgs="$pkgs chromium dpkg-dev man-db bear autoconf automake mmdebstrap clang-format-14 6tunnel"
fi
if [ "$want_npm" -eq 1 ] && ! command -v npm >/dev/null 2>&1; then
  pkgs="$pkgs nodejs npm"
fi

missing=""
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing="$missing $p"
  fi
done
if [ -n "$missing" ]; then
  if [ "$as_root" = "__none__" ]; then
    echo "install-deps.sh: need root or sudo to install:$missing" >&2
    exit 1
  fi
  echo "install-deps.sh: installing:$missing"
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ "$want_npm" -eq 1 ] && [ ! -x "$tools/node_modules/.bin/sarif-multitool" ]; then
  echo "install-deps.sh: installing @microsoft/sarif-multitool into $tools"
  log=$(mktemp)
  if ! npm install --no-audit --no-fund --prefix "$tools" @microsoft/sarif-multitool >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    rm -f "$log"
    echo "install-deps.sh: npm could not install @microsoft/sarif-multitool (see above);" \
         "the SARIF validation test (scan_cli_sarif-validate) will be skipped" >&2
    exit 3
  fi
  rm -f "$log"
fi
echo "install-deps.sh: all dependencies present"
