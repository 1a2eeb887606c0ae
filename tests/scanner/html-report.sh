#!/bin/sh
# html-report.sh V6SCAN CHROMIUM — `v6scan --format html -o report.html`:
# one self-contained page (nothing referenced outside it), rendered in
# headless Chromium; the rendered page holds the totals per check and per
# directory, each finding with its source lines and its replacement, and
# every hostile byte of paths and sources as text (nothing becomes markup).
# Runs inside a private network namespace (NETNS): Chromium cannot reach
# anything but loopback. CHROMIUM empty: skipped (exit 77).
set -u
v6scan=$1 chromium=${2:-}
if [ -z "$chromium" ] || [ ! -x "$chromium" ]; then
  echo "SKIP: chromium not found (apt-get install chromium, or scripts/install-deps.sh --for-tests)"
  exit 77
fi
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok   $*"; }

mkdir -p "$tmp/p/net/client" "$tmp/p/util"
# a file name and source lines that are markup if not escaped
cat > "$tmp/p/net/client/a&b<i>.c" <<'SRC'
#include <netdb.h>
/* </pre><script>document.title="pwned"</script> */
struct hostent *lookup(const char *name)
{
	return gethostbyname(name); /* <b>bold</b> & "quoted" */
}
SRC
cat > "$tmp/p/util/addr.c" <<'SRC'
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

int open_v4(void)
{
	return socket(AF_INET, SOCK_STREAM, 0);
}

in_addr_t parse(const char *s)
{
	return inet_addr(s);
}
SRC
printf 'int clean(void) { return 0; }\n' > "$tmp/p/util/clean.c"

cd "$tmp/p" || exit 1
"$v6scan" --format html -o "$tmp/report.html" net util 2> "$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && ok "exit 1 (findings)" || fail "exit $rc: $(cat "$tmp/err")"
"$v6scan" --format json -o "$tmp/report.json" net util 2> /dev/null

# self-contained: no URL, no load of anything else, no script
for pat in 'https?:' 'src=' 'href=' '<link' '@import' 'url\(' '<script' '<iframe' '<img' '<object'; do
  grep -Eiq "$pat" "$tmp/report.html" && fail "the page contains $pat: $(grep -Eio ".{0,40}$pat.{0,40}" "$tmp/report.html" | head -n 2)"
done
ok "nothing referenced outside the page"

"$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$tmp/profile" --dump-dom "file://$tmp/report.html" \
  > "$tmp/dom.html" 2> "$tmp/chromium.err"
[ -s "$tmp/dom.html" ] || { fail "chromium rendered nothing: $(tail -n 5 "$tmp/chromium.err")"; exit 1; }
ok "rendered by $("$chromium" --version 2>/dev/null | head -n 1)"

# The rendered DOM, checked against the JSON report of the same scan: every
# active finding is on the page with its source line and the fix.
python3 - "$tmp/dom.html" "$tmp/report.json" "$tmp/p" <<'PY' || fails=$((fails + 1))
import html.parser, json, os, sys

class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.tags = [], []
        self.rows, self.row, self.cell = [], None, None
        self.sections, self.title = [], ""
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "tr": self.row = []
        elif tag in ("td", "th") and self.row is not None: self.cell = ""
        elif tag == "section": self.sections.append({"h3": "", "text": "", "hits": []})
        if tag not in ("meta", "br"): self.stack.append((tag, a))
    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row.append(self.cell.strip()); self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row); self.row = None
        while self.stack and self.stack[-1][0] != tag: self.stack.pop()
        if self.stack: self.stack.pop()
    def handle_data(self, d):
        names = [t for t, _ in self.stack]
        if self.cell is not None: self.cell += d
        if names and names[-1] == "title": self.title += d
        if "section" in names:
            s = self.sections[-1]
            if "h3" in names: s["h3"] += d
            s["text"] += d
            if any(t == "span" and a.get("class") == "hit" for t, a in self.stack):
                s["hits"].append(d)

dom, rep, root = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3]
p = Page(); p.feed(open(dom, encoding="utf-8").read())
bad = []
if p.title != "v6scan report": bad.append("title is %r (a script ran?)" % p.title)
if "script" in p.tags or "b" in p.tags or "i" in p.tags: bad.append("source text became markup: %s" % sorted(set(p.tags)))
act = [f for f in rep["findings"] if not f["suppressed"] and not f["baselined"]]
if len(act) < 3: bad.append("the scan found only %d findings" % len(act))
# per check
counts = {}
for f in act: counts[f["check"]] = counts.get(f["check"], 0) + 1
rows = {r[0]: r for r in p.rows if r and r[0].startswith("v6-")}
for c, n in counts.items():
    if c not in rows or rows[c][2] != str(n): bad.append("per-check row %s: %s, want %d" % (c, rows.get(c), n))
# per directory
dirs = {}
for f in act:
    d = os.path.dirname(f["path"]) or "."
    dirs.setdefault(d, set()).add(f["path"])
drows = {r[0]: r for r in p.rows if len(r) == 3 and not r[0].startswith("v6-")}
for d, files in dirs.items():
    want = sum(1 for f in act if (os.path.dirname(f["path"]) or ".") == d)
    if d not in drows or drows[d][1:] != [str(len(files)), str(want)]:
        bad.append("per-directory row %s: %s, want %d files %d findings" % (d, drows.get(d), len(files), want))
if "util" in drows and "clean.c" in str(drows): bad.append("a clean file is listed")
# per file: the finding, its source line (highlighted), the fix
secs = {s["h3"].rsplit(" (", 1)[0]: s for s in p.sections}
for f in act:
    s = secs.get(f["path"])
    if not s: bad.append("no section for %r (have %s)" % (f["path"], list(secs))); continue
    loc = "%s:%d:%d" % (f["path"], f["line"], f["column"])
    if loc not in s["text"] or f["message"] not in s["text"] or "[%s]" % f["check"] not in s["text"]:
        bad.append("finding %s %s not on the page" % (loc, f["check"]))
    src = open(os.path.join(root, f["path"]), encoding="utf-8").read().split("\n")
    line = src[f["line"] - 1]
    if not any(line in h for h in s["hits"]): bad.append("%s: source line %r not highlighted" % (loc, line))
    for ctx in src[max(0, f["line"] - 3):f["line"] + 2]:
        if ctx and ctx not in s["text"]: bad.append("%s: context line %r missing" % (loc, ctx))
if "Instead: " not in "".join(s["text"] for s in p.sections): bad.append("no replacement advice")
for b in bad: print("FAIL: " + b)
if not bad: print("ok   %d findings, %d checks, %d directories on the rendered page" % (len(act), len(counts), len(dirs)))
sys.exit(1 if bad else 0)
PY

# the fix text of a check, verbatim (escaped and un-escaped by the browser)
fix=$("$v6scan" --root . --format text util/addr.c 2>/dev/null | sed -n 's/^util\/addr\.c:7:[0-9]*: note: //p' | head -n 1)
[ -n "$fix" ] && grep -qF "$fix" "$tmp/dom.html" 2>/dev/null || python3 -c '
import html,sys; d=html.unescape(open(sys.argv[1]).read()); sys.exit(0 if sys.argv[2] and sys.argv[2] in d else 1)' "$tmp/dom.html" "$fix" &&
  ok "replacement advice of v6-socket-af-inet on the page" || fail "fix '$fix' not on the page"

# a source gone since the scan: the finding stays, its lines are "not available"
"$v6scan" --root . --format json -o "$tmp/r.json" util 2> /dev/null
rm util/addr.c
"$v6scan" merge --format html -o "$tmp/gone.html" "$tmp/r.json" 2> /dev/null
rc=$?
[ "$rc" -eq 1 ] && grep -q 'util/addr.c:7:' "$tmp/gone.html" && grep -q '(source line not available)' "$tmp/gone.html" &&
  ok "missing source: finding kept, lines not available" || fail "merge to html of a removed source: exit $rc"

# nothing found: still a page
"$v6scan" --root . --format html -o "$tmp/clean.html" util/clean.c 2> /dev/null
rc=$?
[ "$rc" -eq 0 ] && grep -q '<p>No findings.</p>' "$tmp/clean.html" && grep -q '</html>' "$tmp/clean.html" &&
  ok "clean scan: a page saying so" || fail "clean scan: exit $rc"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0
