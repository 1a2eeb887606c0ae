# expect.sh — sourced by the resolver command tests.
#   expect NAME RC PATTERN -- COMMAND...
# runs COMMAND, and fails the test unless its exit status is RC and its
# stdout+stderr match the extended regular expression PATTERN (grep -E over
# the whole output; '' matches anything). Prints what differed.
failures=0
expect() {
  name=$1 rc=$2 pattern=$3
  shift 4
  out=$("$@" 2>&1)
  got=$?
  if [ "$got" -ne "$rc" ]; then
    echo "FAIL $name: exit $got, expected $rc; output:"; echo "$out"
    failures=$((failures + 1))
    return
  fi
  if [ -n "$pattern" ] && ! printf '%s\n' "$out" | tr '\n' '~' | grep -Eq -- "$pattern"; then
    echo "FAIL $name: output does not match /$pattern/ (newlines shown as ~):"
    printf '%s\n' "$out" | tr '\n' '~'; echo
    failures=$((failures + 1))
    return
  fi
  echo "ok   $name"
}
finish() {
  [ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
  exit 0
}
