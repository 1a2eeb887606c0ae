#!/bin/bash
# check-format.sh — is every C file formatted as .clang-format says?
#
#   scripts/check-format.sh          list the files that differ, exit 1 if any
#   scripts/check-format.sh --fix    rewrite them in place
#
# The files are git's tracked *.c/*.h (or, outside a git checkout, every
# *.c/*.h under the tree but build/); directories that must keep their line
# numbers switch formatting off in their own .clang-format. Exit status: 0
# formatted, 1 some file is not, 2 usage, 77 no clang-format-14 (a skip,
# which V6_STRICT=1 turns into a failure).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
fix=0
case "${1-}" in
  '') ;;
  --fix) fix=1 ;;
  -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
  *) echo "check-format.sh: unknown option '$1'" >&2; exit 2 ;;
esac
cf=${CLANG_FORMAT:-clang-format-14}
if ! command -v "$cf" >/dev/null 2>&1; then
  echo "check-format.sh: $cf not found (apt-get install clang-format-14)" >&2
  exit 77
fi
cd "$here"
list=$(mktemp)
trap 'rm -f "$list"' EXIT
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z -- '*.c' '*.h' >"$list"
else
  find . -path ./build -prune -o -path ./.tools -prune -o \
    \( -name '*.c' -o -name '*.h' \) -type f -print0 >"$list"
fi
if [ "$fix" = 1 ]; then
  xargs -0 "$cf" -i <"$list"
  exit 0
fi
bad=0
# one process per file: its name is what we print when it differs
while IFS= read -r -d '' f; do
  if ! "$cf" --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (scripts/check-format.sh --fix)"
    bad=$((bad + 1))
  fi
done <"$list"
if [ "$bad" -gt 0 ]; then
  echo "check-format.sh: $bad file(s) differ from .clang-format" >&2
  exit 1
fi
exit 0
