#!/bin/bash
# completion.sh V6SCAN V6RUN COMPLETIONS_DIR — the bash completions, run in
# bash against the built tools: every option of `--help` completes, each
# offered value is one the tool accepts (and a bogus one is refused, so the
# check is live), option arguments are skipped before v6run's command.
set -u
v6scan=$1 v6run=$2 dir=$3
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }
cd "$tmp" || exit 1
printf 'int x;\n' > clean.c

# complete WORD...: COMPREPLY for the command line WORD... (last = being completed)
complete_() {
  local fn=$1
  shift
  COMP_WORDS=("$@")
  COMP_CWORD=$(($# - 1))
  COMP_LINE="$*"
  COMPREPLY=()
  "$fn"
  printf '%s\n' "${COMPREPLY[@]}"
}
help_opts() {
  "$1" --help | grep -E '^[[:space:]]+-' | sed -E 's/^[[:space:]]+//; s/  .*$//' | tr ', ' '\n\n' |
    grep -E '^--?[A-Za-z0-9]' | sed -E 's/[=[].*$//' | sort -u
}

# shellcheck source=/dev/null
. "$dir/v6scan" && . "$dir/v6run" || { echo "FAIL: sourcing the completions"; exit 1; }

for t in v6scan v6run; do
  bin=$v6scan fn=_v6scan
  [ $t = v6run ] && bin=$v6run fn=_v6run
  help_opts "$bin" > want
  complete_ $fn "$bin" - | sed 's/=$//' | sort -u > got
  missing=$(comm -23 want got)
  [ -z "$missing" ] && ok "$t: every --help option completes ($(wc -l < want))" || fail "$t: not completed: $missing"
done

# values v6scan offers are accepted, a bogus one is refused
vals() { complete_ "$@" | tr '\n' ' '; }
for opt in --format --fail-on --min-confidence; do
  v=$(vals _v6scan "$v6scan" $opt "")
  [ -n "$v" ] || fail "v6scan $opt: no values"
  for x in $v; do
    "$v6scan" $opt "$x" --fail-on none clean.c > /dev/null 2>&1 ||
      { [ $opt = --fail-on ] && "$v6scan" $opt "$x" clean.c > /dev/null 2>&1; } ||
      fail "v6scan $opt $x refused"
  done
  "$v6scan" $opt bogus clean.c > /dev/null 2>&1
  [ $? -eq 2 ] && ok "v6scan $opt: $v" || fail "v6scan $opt bogus accepted"
done
[ "$(vals _v6scan "$v6scan" --format h)" = "html " ] && ok "v6scan --format h -> html" || fail "--format h: $(vals _v6scan "$v6scan" --format h)"
ids=$("$v6scan" --list-checks --checks='*' | awk '{print $1}' | sort | tr '\n' ' ')
[ "$(complete_ _v6scan "$v6scan" --explain "" | sort | tr '\n' ' ')" = "$ids" ] && ok "v6scan --explain: every check id" ||
  fail "--explain values differ from --list-checks"
[ "$(vals _v6scan "$v6scan" --checks=-*,v6-gethostbyn)" = "-*,v6-gethostbyname " ] && ok "v6scan --checks=-*,v6-gethostbyn" ||
  fail "--checks list completion: $(vals _v6scan "$v6scan" --checks=-*,v6-gethostbyn)"
[ "$(vals _v6scan "$v6scan" --checks = -*,v6-gethostbyn)" = "-*,v6-gethostbyname " ] && ok "v6scan --checks = -*,v6-gethostbyn (readline's split)" ||
  fail "--checks = list completion: $(vals _v6scan "$v6scan" --checks = -*,v6-gethostbyn)"
complete_ _v6scan "$v6scan" cle | grep -qx clean.c && ok "v6scan: files" || fail "v6scan: no file completion"
# --config-file (clang-tidy's name) and --config take a file; --dump-config
# is an option of its own
printf 'fail-on = note\n' > ci.v6scan
for opt in --config-file --config; do
  [ "$(complete_ _v6scan "$v6scan" $opt ci.v)" = ci.v6scan ] && ok "v6scan $opt FILE" || fail "v6scan $opt: $(complete_ _v6scan "$v6scan" $opt ci.v)"
  "$v6scan" $opt ci.v6scan --dump-config 2> /dev/null | grep -qx 'fail-on = note' || fail "v6scan $opt ci.v6scan not read"
done
[ "$(complete_ _v6scan "$v6scan" --dump-c)" = --dump-config ] && ok "v6scan --dump-c -> --dump-config" ||
  fail "--dump-c: $(complete_ _v6scan "$v6scan" --dump-c)"

# v6run: values accepted (--check-config validates them), bogus refused
for opt in --policy --log --log-target --listen-dualstack; do
  v=$(vals _v6run "$v6run" $opt "")
  [ -n "$v" ] || fail "v6run $opt: no values"
  for x in $v; do
    extra=
    [ "$x" = file ] && extra="--log-file $tmp/log"
    # shellcheck disable=SC2086
    env -u LD_PRELOAD "$v6run" $opt "$x" $extra --check-config > /dev/null 2>&1 || fail "v6run $opt $x refused"
  done
  env -u LD_PRELOAD "$v6run" $opt bogus --check-config > /dev/null 2>&1
  [ $? -eq 2 ] && ok "v6run $opt: $v" || fail "v6run $opt bogus accepted"
done
# every option that takes an argument (per --help) is skipped with it:
# after `--opt ARG`, options still complete, not commands
"$v6run" --help | grep -E '^[[:space:]]+--[a-z-]+ [A-Za-z|]' | awk '{print $1}' > argopts
[ -s argopts ] || fail "v6run: no option with an argument in --help"
while read -r opt; do
  complete_ _v6run "$v6run" "$opt" X -- | grep -qx -- --help || fail "v6run: after '$opt X', options do not complete"
done < argopts
ok "v6run: $(wc -l < argopts) options with an argument are skipped"
complete_ _v6run "$v6run" --log debug ls | grep -qx ls && ok "v6run: the command completes as a command" || fail "v6run: command"
complete_ _v6run "$v6run" -- ls cle | grep -qx clean.c && ok "v6run: the command's arguments complete as files" || fail "v6run: args"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0
