# fresh-cache.sh — sourced by fresh-debian.sh: when its cached minbase root
# may be used. Tested offline by fresh-cache-test.sh.
#
# cache_ok TAR: true when TAR, TAR.sha256 and $cache (the directory that
# holds them) are no symbolic links, belong to root and are writable by no
# group and no other user, TAR is younger than 7 days, and its SHA-256 is
# the one recorded in TAR.sha256 when fresh-debian.sh wrote it.
cache_ok() {
  [ -f "$1" ] && [ -f "$1.sha256" ] || return 1
  for f in "$cache" "$1" "$1.sha256"; do
    [ ! -L "$f" ] && [ "$(stat -c %u "$f")" = 0 ] || return 1
    case $(stat -c %A "$f") in ?????w????|????????w?) return 1 ;; esac
  done
  [ -n "$(find "$1" -mtime -7)" ] || return 1
  [ "$(sha256sum < "$1" | cut -d' ' -f1)" = "$(cat "$1.sha256")" ]
}
