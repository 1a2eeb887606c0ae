#!/bin/sh
# runtime-join.sh V6RUN V6SCAN CLIENT SERVER SRCDIR — v6scan --runtime on a
# real report: the legacy echo client (built with -g -O0 from
# samples/legacy/echo_client.c) runs under `v6run --report` against the
# legacy echo server, named v4only.v6kit.test (tests/data/hosts through
# nss_wrapper, in a private network namespace: netns-run.sh); then its
# findings say which lines ran, in text, JSON and SARIF.
set -u
v6run=$1 v6scan=$2 client=$3 server=$4 src=$5
tmp=$(mktemp -d) && trap 'kill "$spid" 2> /dev/null; rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }

"$server" -p 7411 -n 1 > "$tmp/server.log" 2>&1 &
spid=$!
for _ in $(seq 100); do grep -qs listening "$tmp/server.log" && break; sleep 0.05; done
"$v6run" --report "$tmp/report.json" -- "$client" v4only.v6kit.test 7411 hello > "$tmp/client.out" 2>&1 ||
  fail "client under v6run: $(cat "$tmp/client.out")"
wait "$spid"
[ -s "$tmp/report.json" ] || { echo "FAIL: no report written"; exit 1; }
c=samples/legacy/echo_client.c
unset LD_PRELOAD

# text: the three calls that ran say so, the other checks say nothing
(cd "$src" && "$v6scan" --runtime "$tmp/report.json" "$c") > "$tmp/text" 2> "$tmp/err"
[ $? -eq 1 ] && ok "text exit 1" || fail "text exit status"
grep -F '(ran: ' "$tmp/text" | sed 's/: .*\[/ [/' > "$tmp/ran"
printf '%s\n' "$c:38:10 [v6-gethostbyname] (ran: 1 call)" "$c:48:9 [v6-socket-af-inet] (ran: 1 call)" \
  "$c:57:50 [v6-inet-ntoa] (ran: 1 call)" > "$tmp/want"
cmp -s "$tmp/ran" "$tmp/want" && ok "text marks lines 38, 48, 57 as ran" || fail "text ran lines: $(cat "$tmp/ran")"
grep -q 'v6-sockaddr-in-decl\].*(' "$tmp/text" && fail "a declaration got a runtime mark"
grep -q "^v6scan: --runtime $tmp/report.json: 3 call sites in 1 process (0 without an exit line), 3 placed by line, 0 by function only, 0 not placed; 3 active findings ran, 0 sites matched no finding\$" "$tmp/err" &&
  ok "summary line" || fail "summary: $(cat "$tmp/err")"

# JSON and SARIF carry the same facts
(cd "$src" && "$v6scan" --runtime "$tmp/report.json" --format json "$c") > "$tmp/j.json" 2> /dev/null
(cd "$src" && "$v6scan" --runtime "$tmp/report.json" --format sarif "$c") > "$tmp/s.sarif" 2> /dev/null
out=$(python3 - "$tmp/j.json" "$tmp/s.sarif" << 'PY'
import json, sys
j = json.load(open(sys.argv[1]))
ran = sorted((f["line"], f["check"], f["hits"]) for f in j["findings"] if f.get("executed"))
seen = sorted(f["check"] for f in j["findings"] if "executed" in f)
s = json.load(open(sys.argv[2]))
sr = sorted((r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"], r["properties"]["v6kit/hits"])
            for r in s["runs"][0]["results"] if r["properties"].get("v6kit/executed"))
print(ran == sr, ran, seen)
PY
)
case "$out" in
  "True [(38, 'v6-gethostbyname', 1), (48, 'v6-socket-af-inet', 1), (57, 'v6-inet-ntoa', 1)] ['v6-gethostbyname', 'v6-inet-ntoa', 'v6-socket-af-inet']")
    ok "JSON executed/hits and SARIF v6kit/executed, v6kit/hits agree" ;;
  *) fail "JSON/SARIF: $out" ;;
esac

# unhappy paths: a missing report, a file that holds no report line
(cd "$src" && "$v6scan" --runtime /nonexistent/report.json "$c") > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -qx 'v6scan: --runtime /nonexistent/report.json: No such file or directory' "$tmp/err" &&
  ok "missing report: exit 2, named" || fail "missing report: exit $rc: $(cat "$tmp/err")"
echo '{"not": "a report"}' > "$tmp/other.json"
(cd "$src" && "$v6scan" --runtime "$tmp/other.json" "$c") > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -qx "v6scan: --runtime $tmp/other.json: no report line (format 2) among its 1 line(s)" "$tmp/err" &&
  ok "not a report: exit 2, named" || fail "not a report: exit $rc: $(cat "$tmp/err")"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0
