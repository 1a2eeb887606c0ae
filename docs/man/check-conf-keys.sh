#!/bin/sh
# check-conf-keys.sh V6RUN MANPAGE
#
# Compares the settings `v6run --check-config` prints (its `key = value`
# lines: every key the shim's configuration knows) with the settings
# v6shim.conf(5) documents (its `.It Cm key No = ...` entries), both ways,
# and checks that each documented key has its V6SHIM_<KEY> variable listed.
# Prints the differences; exits 1 when there are any, 0 otherwise.
set -u
if [ $# -ne 2 ]; then
  echo "usage: check-conf-keys.sh V6RUN MANPAGE" >&2
  exit 2
fi
v6run=$1 man=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# A private, empty configuration: only defaults (and no V6SHIM_* override).
if ! env -i PATH="${PATH:-/usr/bin:/bin}" V6SHIM_CONF=/dev/null "$v6run" --check-config \
    >"$tmp/config" 2>&1; then
  echo "check-conf-keys: '$v6run --check-config' failed:" >&2
  cat "$tmp/config" >&2
  exit 1
fi
sed -n 's/^\([a-z_][a-z0-9_]*\) = .*$/\1/p' "$tmp/config" | sort -u >"$tmp/from-tool"
sed -n 's/^\.It Cm \([a-z_][a-z0-9_]*\) No = .*$/\1/p' "$man" | sort -u >"$tmp/from-man"

status=0
if [ ! -s "$tmp/from-tool" ]; then
  echo "no key = value lines in '$v6run --check-config'"
  status=1
fi
missing=$(comm -23 "$tmp/from-tool" "$tmp/from-man")
if [ -n "$missing" ]; then
  echo "settings of the shim not documented in $man:"
  echo "$missing" | sed 's/^/  /'
  status=1
fi
extra=$(comm -13 "$tmp/from-tool" "$tmp/from-man")
if [ -n "$extra" ]; then
  echo "settings documented in $man that the shim does not know:"
  echo "$extra" | sed 's/^/  /'
  status=1
fi
while read -r key; do
  var=V6SHIM_$(echo "$key" | tr 'a-z' 'A-Z')
  grep -q "$var" "$man" || { echo "$man does not list $var"; status=1; }
done <"$tmp/from-man"
if [ "$status" -eq 0 ]; then
  echo "ok: $(wc -l <"$tmp/from-tool") settings documented in $(basename "$man")"
fi
exit $status
