#!/bin/sh
# check-help-options.sh TOOL MANPAGE
#
# Compares the option names a tool prints for --help with the options its
# mdoc man page documents (the `.It Fl ...` entries of its option lists):
#   - every option in --help must be documented in the man page;
#   - every documented option must appear in --help, except -h/--help and
#     --version, which help texts often leave out.
# Prints the differences and exits 1 when there are any, 0 otherwise.
set -u
if [ $# -ne 2 ]; then
  echo "usage: check-help-options.sh TOOL MANPAGE" >&2
  exit 2
fi
tool=$1 man=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

if ! "$tool" --help >"$tmp/help" 2>&1; then
  echo "check-help-options: '$tool --help' failed:" >&2
  cat "$tmp/help" >&2
  exit 1
fi

# Help: an option line starts with blanks and '-'; its option column ends at
# the first run of two blanks. Options there look like -x, --long, --long=ARG.
grep -E '^[[:space:]]+-' "$tmp/help" |
  sed -E 's/^[[:space:]]+//; s/  .*$//' |
  tr ',' ' ' | tr ' ' '\n' |
  grep -E '^--?[A-Za-z0-9]' | sed -E 's/[=[].*$//' | sort -u >"$tmp/from-help"

# Man page: `.It Fl o , Fl -output Ar file` documents -o and --output.
grep -E '^\.It Fl ' "$man" |
  grep -oE 'Fl -?[A-Za-z0-9][A-Za-z0-9-]*' |
  sed -E 's/^Fl /-/' | sort -u >"$tmp/from-man"

printf '%s\n' -h --help --version | sort >"$tmp/may-be-missing"
status=0
missing=$(comm -23 "$tmp/from-help" "$tmp/from-man")
if [ -n "$missing" ]; then
  echo "options in '$tool --help' but not documented in $man:"
  echo "$missing" | sed 's/^/  /'
  status=1
fi
extra=$(comm -13 "$tmp/from-help" "$tmp/from-man" | comm -23 - "$tmp/may-be-missing")
if [ -n "$extra" ]; then
  echo "options documented in $man but not in '$tool --help':"
  echo "$extra" | sed 's/^/  /'
  status=1
fi
if [ "$status" -eq 0 ]; then
  echo "ok: $(wc -l <"$tmp/from-help") options of $(basename "$tool") documented in $(basename "$man")"
fi
exit $status
