#!/bin/sh
# gitlab-ci.sh V6SCAN YML — docs/ci/gitlab-ci.yml's `script:` commands, run
# as written (with the v6scan under test first in PATH) in a small make
# project: a baseline holds the old finding, a new gethostbyname() call is
# added, and the job must fail (exit 1) with a code quality report that
# GitLab reads: a JSON array holding exactly the new finding.
set -u
v6scan=$1 yml=$2
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
command -v bear > /dev/null || { echo "bear not installed (scripts/install-deps.sh --for-tests): skipping"; exit 77; }
mkdir -p "$tmp/bin" "$tmp/p/.git" && ln -s "$v6scan" "$tmp/bin/v6scan"
PATH=$tmp/bin:$PATH
export PATH
cd "$tmp/p" || exit 2
printf '#include <arpa/inet.h>\nchar *show(struct in_addr a) { return inet_ntoa(a); }\n' > old.c
printf 'all: old.o\n%%.o: %%.c\n\tcc -c $< -o $@\n' > Makefile
bear -- make -s > /dev/null 2>&1 || { echo "FAIL: bear -- make"; exit 1; }
v6scan -p . --write-baseline v6-baseline.json 2> /dev/null
printf '#include <netdb.h>\nvoid *find(const char *h) { return gethostbyname(h); }\n' > new.c
printf 'all: old.o new.o\n%%.o: %%.c\n\tcc -c $< -o $@\n' > Makefile
# the job's script, line by line (the lines after "script:" that start "- ")
awk '/^  script:/ { s = 1; next } s && /^  [a-z]/ { s = 0 } s && /^    - / { sub(/^    - /, ""); print }' "$yml" > script
[ "$(grep -c . script)" -ge 2 ] || { echo "FAIL: no script in $yml"; exit 1; }
rc=0
while read -r cmd; do
  echo "\$ $cmd"
  sh -c "$cmd" || { rc=$?; break; }
done < script
[ "$rc" -eq 1 ] || { echo "FAIL: the job ended with $rc, not 1 (a new finding)"; exit 1; }
python3 - gl-code-quality-report.json << 'PY' || exit 1
import json, sys
issues = json.load(open(sys.argv[1]))
assert isinstance(issues, list) and len(issues) == 1, issues
i = issues[0]
for k, t in (("description", str), ("check_name", str), ("fingerprint", str), ("severity", str), ("location", dict)):
    assert isinstance(i.get(k), t), (k, i)
assert i["check_name"] == "v6-gethostbyname" and i["severity"] == "critical", i
assert i["location"] == {"path": "new.c", "lines": {"begin": 2}}, i
print("ok   the report holds the one new finding:", i["check_name"], i["location"])
PY
