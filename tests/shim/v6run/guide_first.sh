#!/bin/sh
# guide_first.sh BUILD_DIR SOURCE_DIR [--update]
#
# Regenerates the output blocks of docs/porting-guide.md's chapter "Finding
# what to port first" by running their commands (v6run --doctor,
# --ipv6-only with and without the shim, report mode, v6scan) on the legacy
# echo server, and diffs them with the guide; --update writes them in.
# A block is the text between "<!-- guide-first:NAME -->" + a ``` line and
# the closing ```. The commands run in a scratch directory where
# build/default is BUILD_DIR and samples/ is the source's, so they read as
# typed from the source root after `cmake --preset default`. The one
# varying number, the client's ephemeral port, is written as 40176; a
# sanitizer build's runtimes (libasan, libubsan, libtsan) are left out of
# the doctor's "needed:" line, so the page shows the default build.
set -u
B=$(cd "$1" && pwd) SRC=$(cd "$2" && pwd) UPDATE=${3:-}
GUIDE=$SRC/docs/porting-guide.md
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/run/build" && ln -s "$B" "$tmp/run/build/default" && ln -s "$SRC/samples" "$tmp/run/samples"
PATH=$B/shim:$B/scanner:$PATH
export PATH

# run NAME COMMAND-TEXT: append "$ COMMAND" and its output (stdout+stderr)
# to block NAME; the text is run by sh in the scratch directory.
run() {
  printf '$ %s\n' "$2" >> "$tmp/$1"
  (cd "$tmp/run" && sh -c "$2" 2>&1) | sed -E 's/(client [0-9.]+ port )[0-9]+/\140176/; /^needed:/s/ lib[a-z]*san\.so\.[0-9]+//g' >> "$tmp/$1"
}

run doctor 'v6run --doctor build/default/samples/legacy_echo_server; echo "exit $?"'

serve='v6run --ipv6-only OPTS -- sh -c '"'"'
    rm -f server.log; build/default/samples/legacy_echo_server -p 7000 -n 1 > server.log &
    until grep -qs listening server.log; do sleep 0.1; done
    build/default/samples/ported_echo_client ::1 7000 hello 2>&1; echo
    kill $! 2>/dev/null; wait; cat server.log'"'"
run noshim "$(printf '%s\n' "$serve" | sed 's/OPTS/--no-shim/')"
run shim "$(printf '%s\n' "$serve" | sed 's/OPTS/--report calls.jsonl/')"
run shim "grep '\"kind\":\"site\"' calls.jsonl | grep -o '\"check\":\"[^\"]*\",\"call\":\"[^\"]*\"' | sort | uniq -c"
run scan "v6scan samples/legacy/echo_server.c 2>/dev/null | sed -nE 's/^([^ ]+:[0-9]+):[0-9]+: (warning|error): .* \\[(v6-[a-z0-9-]+)\\]\$/\\1 \\3/p'"
run runtime "v6scan --runtime calls.jsonl samples/legacy/echo_server.c 2>&1 | grep -E 'ran: |^v6scan: --runtime' | sed -E 's/^([^ ]+:[0-9]+):[0-9]+: (warning|error): .* \\[(v6-[a-z0-9-]+)\\]/\\1 \\3/'"

status=0
cp "$GUIDE" "$tmp/guide"
for name in doctor noshim shim scan runtime; do
  # the guide with block NAME replaced by the fresh output
  awk -v name="$name" -v file="$tmp/$name" '
    $0 == "<!-- guide-first:" name " -->" { print; mark = 1; next }
    mark == 1 && /^```/ { print; while ((getline l < file) > 0) print l; mark = 2; next }
    mark == 2 && /^```/ { print; mark = 0; found = 1; next }
    mark == 2 { next }
    { print }
    END { if (!found) exit 3 }' "$tmp/guide" > "$tmp/guide.new"
  rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "FAIL $name: no block <!-- guide-first:$name --> in $GUIDE"; status=1; continue
  fi
  if cmp -s "$tmp/guide" "$tmp/guide.new"; then
    echo "ok   $name"
  else
    echo "FAIL $name: the guide's block differs from what the commands print:"
    diff -u "$tmp/guide" "$tmp/guide.new" | sed -n '3,$p'
    status=1
  fi
  mv "$tmp/guide.new" "$tmp/guide"
done
if [ "$UPDATE" = --update ]; then
  cp "$tmp/guide" "$GUIDE" && echo "updated $GUIDE"
  exit 0
fi
exit $status
