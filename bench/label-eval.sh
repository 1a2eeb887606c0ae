#!/bin/sh
# label-eval.sh — v6scan's line-level recall and precision on hand-labelled
# real programs (docs/scanner-review.md).
#
#   bench/label-eval.sh [-b BUILD_DIR] [-w WORK_DIR] [-k] [LABELS ...]
#
# For each bench/labels/<program>.labels (default: all of them):
#   1. fetch the pinned Debian source package named in its "# package:" line
#      with apt-get source --download-only (deb-src must be configured), check
#      the upstream tarball against the .dsc's SHA-256 and unpack it into
#      WORK_DIR (default /tmp/v6scan-label-eval). The labels are written
#      against the upstream (.orig) tree, without the Debian patches: that is
#      the code a porter starts from, and it is what the archive still serves
#      for every package here. A package that cannot be fetched, or whose
#      tarball does not match, is an error (exit 2), not a skip;
#   2. run the "# build:" command under bear to get compile_commands.json;
#   3. run v6scan -p on that database (every check, default configuration)
#      and compare: a labelled line counts as found (TP) when at least one
#      finding is on it; a finding's line that is not labelled is a false
#      positive (FP, counted once per line); a labelled line with no finding
#      is a miss (FN).
# Prints one row per program, the total, and with -k every FP and FN line.
# Not a test: nothing is asserted.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build="$here/build/default"
work=/tmp/v6scan-label-eval
list=0
while getopts b:w:k o; do
  case $o in
  b) build=$OPTARG ;;
  w) work=$OPTARG ;;
  k) list=1 ;;
  *) echo "usage: $0 [-b BUILD_DIR] [-w WORK_DIR] [-k] [LABELS ...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
v6scan="$build/scanner/v6scan"
[ -x "$v6scan" ] || { echo "label-eval: build v6scan first ($v6scan)" >&2; exit 2; }
for tool in apt-get bear python3 sha256sum; do
  command -v $tool >/dev/null || { echo "label-eval: $tool is missing" >&2; exit 2; }
done
[ $# -gt 0 ] || set -- "$here"/bench/labels/*.labels
mkdir -p "$work"

header() { sed -n "s/^# $1: *//p" "$2" | head -1; }

results=$work/results.txt
: >"$results"
for labels in "$@"; do
  prog=$(basename "$labels" .labels)
  pkg=$(header package "$labels" | cut -d' ' -f1)
  ver=$(header package "$labels" | cut -d' ' -f2)
  dir=$(header dir "$labels")
  cmd=$(header build "$labels")
  [ -n "$pkg" ] && [ -n "$ver" ] && [ -n "$dir" ] && [ -n "$cmd" ] ||
    { echo "label-eval: $labels lacks a package, dir or build header" >&2; exit 2; }
  pw=$work/$prog
  mkdir -p "$pw"
  upver=${ver%-*}
  upver=${upver#*:}
  dsc=$pw/${pkg}_${ver#*:}.dsc
  if [ ! -d "$pw/$dir" ]; then
    # The Debian part of some of these packages is no longer on every
    # mirror; the upstream tarball is what is needed, so a failed download
    # of the rest is not fatal as long as the .dsc and the tarball arrive.
    (cd "$pw" && apt-get source --download-only "$pkg=$ver" >"$pw/apt.log" 2>&1) || true
    orig=$(ls "$pw/${pkg}_${upver}.orig.tar."* 2>/dev/null | head -1 || true)
    if [ ! -f "$dsc" ] || [ -z "$orig" ]; then
      echo "label-eval: cannot fetch $pkg $ver (see $pw/apt.log; deb-src for bookworm configured?)" >&2
      exit 2
    fi
    want=$(awk '/^Checksums-Sha256:/{s=1;next} /^[^ ]/{s=0} s&&$3==f{print $1}' \
      f="$(basename "$orig")" "$dsc")
    have=$(sha256sum "$orig" | cut -d' ' -f1)
    [ -n "$want" ] && [ "$want" = "$have" ] ||
      { echo "label-eval: $orig does not match the SHA-256 in $dsc" >&2; exit 2; }
    tar -C "$pw" -xf "$orig"
    [ -d "$pw/$dir" ] || { echo "label-eval: $orig has no $dir/" >&2; exit 2; }
  fi
  src=$pw/$dir
  if [ ! -s "$src/compile_commands.json" ]; then
    (cd "$src" && sh -c "$cmd") >"$pw/build.log" 2>&1 || true
    [ -s "$src/compile_commands.json" ] ||
      { echo "label-eval: no compile database for $prog (see $pw/build.log)" >&2; exit 2; }
  fi
  # v6scan exits 1 when it reports findings; 3 when a file could not be
  # analysed fully (the report still holds what was found).
  rc=0
  "$v6scan" -q -p "$src" --root "$src" --format json -o "$pw/report.json" || rc=$?
  [ $rc -le 1 ] || [ $rc -eq 3 ] || { echo "label-eval: v6scan failed on $prog (exit $rc)" >&2; exit 2; }
  python3 - "$labels" "$pw/report.json" "$src" "$prog" "$list" >>"$results" <<'EOF'
import json, sys
labels, report, src, prog, show = sys.argv[1:6]
want = {}
for raw in open(labels):
    line = raw.split('#', 1)[0].strip()
    if not line:
        continue
    loc, _, why = line.partition(' ')
    want[loc] = why.strip()
rep = json.load(open(report))
got = {}
for f in rep["findings"]:
    got.setdefault("%s:%d" % (f["path"], f["line"]), []).append(f["check"])
import subprocess
files = subprocess.run(["sh", "-c", "find . -name '*.[ch]' | xargs cat | wc -l"],
                       cwd=src, capture_output=True, text=True).stdout.strip()
tp = sorted(k for k in want if k in got)
fn = sorted(k for k in want if k not in got)
fp = sorted(k for k in got if k not in want)
rec = len(tp) / len(want) if want else 1.0
pre = len(tp) / (len(tp) + len(fp)) if (tp or fp) else 1.0
s = rep["summary"]
print("%-14s lines %6s TUs %2d/%-2d labelled %3d flagged %3d TP %3d FP %3d FN %3d recall %.3f precision %.3f"
      % (prog, files, s["filesParsed"], s["filesTotal"], len(want), len(got),
         len(tp), len(fp), len(fn), rec, pre))
if show == "1":
    for k in fp:
        print("  FP %s %s" % (k, ",".join(got[k])))
    for k in fn:
        print("  FN %s (%s)" % (k, want[k]))
EOF
done
cat "$results"
awk '/^[^ ]/ { l += $7; f += $9; tp += $11; fp += $13; fn += $15 }
     END { printf "%-14s labelled %3d flagged %3d TP %3d FP %3d FN %3d recall %.3f precision %.3f\n",
           "total", l, f, tp, fp, fn, tp / (tp + fn), tp / (tp + fp) }' "$results"
