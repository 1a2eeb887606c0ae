#!/bin/sh
# v6run --doctor on real binaries: Debian's nc.traditional (IPv4-only,
# dynamic), the same with its section headers removed (the dynamic segment
# alone), a statically linked program, set-uid and file-capability copies,
# a ported sample (AF-independent), a program without network imports, a
# shared object, the Go mark, and what is not an ELF program.
#   v6run_doctor.sh V6RUN STATIC_BINARY|none PORTED_SAMPLE GO_MARKER SHIM
set -u
. "$(dirname "$0")/../resolver/expect.sh"
V6RUN=$1 STATIC=$2 PORTED=$3 GO=$4 SHIM=$5
NC=/usr/bin/nc.traditional
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

# same NAME RC EXPECTED_FILE -- COMMAND: exact stdout, exit status
same() {
  name=$1 rc=$2 want=$3
  shift 4
  "$@" > "$tmp/out" 2> "$tmp/err"
  got=$?
  if [ "$got" -ne "$rc" ] || ! diff -u "$want" "$tmp/out" > "$tmp/diff" || [ -s "$tmp/err" ]; then
    echo "FAIL $name: exit $got (expected $rc)"; cat "$tmp/diff" "$tmp/err"
    failures=$((failures + 1))
    return
  fi
  echo "ok   $name"
}

# nc's facts: its imports, what the shim does with each
nc_head() { # PATH PRIVILEGE-LINES...
  p=$1; shift
  printf 'file: %s\nelf: ELF64 little-endian x86-64, position-independent executable\n' "$p"
  printf 'interpreter: /lib64/ld-linux-x86-64.so.2\nneeded: libc.so.6\n'
  for l in "$@"; do printf '%s\n' "$l"; done
  cat <<'END'
ipv4-only: gethostbyaddr [v6-gethostbyaddr] translated: a pool address answers for its IPv6 peer
ipv4-only: gethostbyname [v6-gethostbyname] translated: IPv6 answers get pool addresses
ipv4-only: inet_aton [v6-inet-addr] translated: IPv6 literals get pool addresses
ipv4-only: inet_ntoa [v6-inet-ntoa] works: prints an IPv6 peer as its pool address
sockets: accept bind connect getsockname listen recvfrom socket
af-independent: none
END
}
[ -x "$NC" ] || { echo "netcat-traditional is not installed (scripts/install-deps.sh --for-tests)"; exit 1; }

{ nc_head "$NC" "privileges: none"; cat <<END
verdict: needs the shim: 4 IPv4-only imports: 3 translated, 1 working as they are, 0 not translated
advice: run it as: v6run -- $NC ARGS
advice: port its sources: v6scan reports each call under the check ids above
END
} > "$tmp/nc.want"
same nc-traditional 0 "$tmp/nc.want" -- "$V6RUN" --doctor "$NC"
# a bare name is searched in PATH as a command would be
same nc-by-name 0 "$tmp/nc.want" -- env PATH=/usr/bin "$V6RUN" --doctor nc.traditional

# Without section headers (e_shoff, e_shnum, e_shstrndx zeroed): the
# imports come from the dynamic segment and DT_GNU_HASH.
cp "$NC" "$tmp/nc-nosections"
printf '\0\0\0\0\0\0\0\0' | dd of="$tmp/nc-nosections" bs=1 seek=40 conv=notrunc 2>/dev/null
printf '\0\0\0\0\0\0' | dd of="$tmp/nc-nosections" bs=1 seek=58 conv=notrunc 2>/dev/null
sed "s|$NC|$tmp/nc-nosections|" "$tmp/nc.want" > "$tmp/nosec.want"
same nc-without-section-headers 0 "$tmp/nosec.want" -- "$V6RUN" --doctor "$tmp/nc-nosections"

secure="the loader runs it in secure-execution mode, ignores an LD_PRELOAD library given by path, and the shim ignores V6SHIM_* (ld.so(8))"
privadvice="advice: run a copy without the privilege bits under v6run, granting what it needs another way (systemd AmbientCapabilities=), or put a relay in front of it (socat, 6tunnel)"
uid=$(id -u)
cp "$NC" "$tmp/nc-setuid" && chmod 4755 "$tmp/nc-setuid"
{ nc_head "$tmp/nc-setuid" "privileges: set-uid (owner uid $uid)"
  printf 'blocker: set-uid: for every user but uid %s %s\n' "$uid" "$secure"
  printf 'verdict: cannot be preloaded; 4 IPv4-only imports seen\n%s\n' "$privadvice"
} > "$tmp/setuid.want"
same set-uid-copy 4 "$tmp/setuid.want" -- "$V6RUN" --doctor "$tmp/nc-setuid"

gid=$(id -g)
cp "$NC" "$tmp/nc-setgid" && chmod 2755 "$tmp/nc-setgid"
{ nc_head "$tmp/nc-setgid" "privileges: set-gid (group gid $gid)"
  printf 'blocker: set-gid: for every user outside gid %s %s\n' "$gid" "$secure"
  printf 'verdict: cannot be preloaded; 4 IPv4-only imports seen\n%s\n' "$privadvice"
} > "$tmp/setgid.want"
same set-gid-copy 4 "$tmp/setgid.want" -- "$V6RUN" --doctor "$tmp/nc-setgid"

if command -v setcap > /dev/null && cp "$NC" "$tmp/nc-cap" && setcap cap_net_raw,cap_net_admin+ep "$tmp/nc-cap" 2>/dev/null; then
  # the same text getcap(8) prints
  caps=$(getcap "$tmp/nc-cap" | sed 's/^[^ ]* //')
  [ "$caps" = "cap_net_admin,cap_net_raw=ep" ] || echo "note: getcap says $caps"
  { nc_head "$tmp/nc-cap" "privileges: file capabilities ($caps)"
    printf 'blocker: file capabilities: for every user but root %s\n' "$secure"
    printf 'verdict: cannot be preloaded; 4 IPv4-only imports seen\n%s\n' "$privadvice"
  } > "$tmp/cap.want"
  same file-capabilities-copy 4 "$tmp/cap.want" -- "$V6RUN" --doctor "$tmp/nc-cap"
else
  echo "FAIL file-capabilities-copy: cannot setcap (needs root and libcap2-bin)"
  failures=$((failures + 1))
fi

if [ "$STATIC" != none ]; then
  cat > "$tmp/static.want" <<END
file: $STATIC
elf: ELF64 little-endian x86-64, executable
interpreter: none
needed: none
privileges: none
sockets: none
af-independent: none
blocker: statically linked (no PT_INTERP): no dynamic loader runs, so LD_PRELOAD is never read
verdict: cannot be preloaded; 0 IPv4-only imports seen
advice: rebuild it dynamically linked, port its sources (v6scan), or put a relay in front of it (socat, 6tunnel)
END
  same static-binary 4 "$tmp/static.want" -- "$V6RUN" --doctor "$STATIC"
else
  echo "skip static-binary: no static libc on this host"
fi

# NEEDED as readelf(1) lists it (sanitizer builds add their runtimes)
needed=$(readelf -d "$PORTED" | sed -n 's/.*(NEEDED).*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ' | sed 's/ $//')
case " $needed " in *" libbsd.so.0 "*"libc.so.6 "*) ;; *) echo "FAIL readelf: NEEDED of $PORTED is '$needed'"; failures=$((failures + 1));; esac
cat > "$tmp/ported.want" <<END
file: $PORTED
elf: ELF64 little-endian x86-64, position-independent executable
interpreter: /lib64/ld-linux-x86-64.so.2
needed: $needed
privileges: none
sockets: accept4 bind listen socket
af-independent: getaddrinfo getnameinfo
verdict: nothing for the shim to translate: no IPv4-only imports; already AF-independent where it resolves
advice: AF_INET sockets and sockaddr_in buffers do not show in imports: v6run --report at run time, or v6scan on its sources
END
same ported-sample 3 "$tmp/ported.want" -- "$V6RUN" --doctor "$PORTED"

expect no-network-imports 3 '~sockets: none~af-independent: none~verdict: nothing for the shim to translate: no socket or resolver imports~$' -- "$V6RUN" --doctor /bin/true
expect shared-object 3 '^file: [^~]*libv6shim\.so~elf: ELF64 little-endian x86-64, shared object~interpreter: none~needed: ([^~]* )?libc\.so\.6( ld-linux-x86-64\.so\.2)?~privileges: none~sockets: none~af-independent: inet_ntop inet_pton~verdict: nothing for the shim to translate: ' -- "$V6RUN" --doctor "$SHIM"
expect go-mark 4 '~blocker: a Go program: its runtime makes the socket system calls itself, not through the C library~verdict: cannot be preloaded; 0 IPv4-only imports seen~advice: Go.s net package serves both families: ' -- "$V6RUN" --doctor "$GO"

# what is not a judgeable ELF program: exit 2, one line on stderr
printf '#!/bin/sh\necho hi\n' > "$tmp/script" && chmod 755 "$tmp/script"
expect script 2 "^v6run: --doctor: $tmp/script is a script \(#!/bin/sh\): the loader preloads its interpreter; run v6run --doctor on that~\$" -- "$V6RUN" --doctor "$tmp/script"
printf 'plain text\n' > "$tmp/text"
expect not-elf 2 "^v6run: --doctor: $tmp/text: not an ELF file~\$" -- "$V6RUN" --doctor "$tmp/text"
head -c 40 "$NC" > "$tmp/truncated"
expect truncated-elf 2 "^v6run: --doctor: $tmp/truncated: Exec format error~\$" -- "$V6RUN" --doctor "$tmp/truncated"
expect missing-path 2 '^v6run: --doctor: /nonexistent/prog: No such file or directory~$' -- "$V6RUN" --doctor /nonexistent/prog
expect missing-name 2 '^v6run: --doctor: no-such-command-v6kit: command not found~$' -- "$V6RUN" --doctor no-such-command-v6kit
expect directory 2 "^v6run: --doctor: $tmp: Is a directory~\$" -- "$V6RUN" --doctor "$tmp"
mkfifo "$tmp/fifo"
expect fifo-not-opened 2 "^v6run: --doctor: $tmp/fifo: not a regular file~\$" -- "$V6RUN" --doctor "$tmp/fifo"
expect device 2 '^v6run: --doctor: /dev/null: not a regular file~$' -- "$V6RUN" --doctor /dev/null
# the Go magic as mere data in a C program with section headers is not Go
printf 'int main(void) { static const char s[] = "\\377 Go buildinf:"; return s[1] == 0; }\n' > "$tmp/magic.c"
if cc -o "$tmp/magic" "$tmp/magic.c" 2>/dev/null && grep -q "Go buildinf:" "$tmp/magic"; then
  expect go-magic-as-data 3 '~verdict: nothing for the shim to translate: no socket or resolver imports~$' -- "$V6RUN" --doctor "$tmp/magic"
  # ... but it is once the section headers are gone (sstrip-style)
  printf '\0\0\0\0\0\0\0\0' | dd of="$tmp/magic" bs=1 seek=40 conv=notrunc 2>/dev/null
  printf '\0\0\0\0\0\0' | dd of="$tmp/magic" bs=1 seek=58 conv=notrunc 2>/dev/null
  expect go-magic-without-sections 4 '~blocker: a Go program: ' -- "$V6RUN" --doctor "$tmp/magic"
else
  echo "FAIL go-magic-as-data: cannot build $tmp/magic"; failures=$((failures + 1))
fi
expect no-command-with-doctor 2 "^v6run: --doctor: reads FILE only, runs no command \('true'\)~\$" -- "$V6RUN" --doctor "$NC" true
finish
