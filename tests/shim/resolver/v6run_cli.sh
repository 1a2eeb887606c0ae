#!/bin/sh
# v6run's command line: help, version, exit codes, messages.
#   v6run_cli.sh V6RUN STATIC_BINARY|none EXAMPLE_CONF [SANITIZER_RUNTIME]
set -u
. "$(dirname "$0")/expect.sh"
V6RUN=$1 STATIC=$2 EXAMPLE=$3 RT=${4:-}
# a sanitizer build's v6run puts its runtime first: "RUNTIME:" as a regex
RTRE=
[ -n "$RT" ] && RTRE="$(printf '%s' "$RT" | sed 's/[.]/\\./g'):"
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT

expect help 0 '^usage: v6run \[options\] \[--\] command \[args\.\.\.\]~.*--resolve NAME.*127 command not found' -- "$V6RUN" --help
expect version 0 '^v6run \(v6kit\) [0-9]+\.[0-9]+\.[0-9]+~$' -- "$V6RUN" --version
expect no-command 2 '^v6run: no command given; try .v6run --help.~$' -- "$V6RUN"
# one "v6run:" prefix, never the path v6run was started by
expect unknown-option 2 "^v6run: unrecognized option '--frob'~v6run: try 'v6run --help'~\$" -- "$V6RUN" --frob
expect missing-argument 2 "^v6run: option '--pool-size' requires an argument~v6run: try 'v6run --help'~\$" -- "$V6RUN" --pool-size
expect missing-command 127 '^v6run: no-such-command-v6kit: command not found~$' -- "$V6RUN" no-such-command-v6kit
# "command not found" for a name searched in PATH; a path says why
expect missing-path 127 '^v6run: /nonexistent/prog: No such file or directory~$' -- "$V6RUN" /nonexistent/prog
expect missing-path-after-dashes 127 '^v6run: /nonexistent: No such file or directory~$' -- "$V6RUN" -- /nonexistent
printf 'not a program\n' > "$tmp/data" && chmod 644 "$tmp/data"
expect not-executable 126 "^v6run: cannot execute $tmp/data: Permission denied~\$" -- "$V6RUN" "$tmp/data"
expect runs-command 0 '^hello~$' -- "$V6RUN" -- echo hello
expect options-after-command-are-its-own 0 '^--version~$' -- "$V6RUN" sh -c 'echo "$1"' sh --version
printf '#!/bin/sh\necho "script $*"\n' > "$tmp/script" && chmod 755 "$tmp/script"
expect runs-script 0 '^script a b~$' -- "$V6RUN" "$tmp/script" a b
# a text file without "#!" runs under /bin/sh, as execvp (and env) do
printf 'echo "no shebang"\n' > "$tmp/plain-script" && chmod 755 "$tmp/plain-script"
expect script-without-shebang 0 '^no shebang~$' -- "$V6RUN" "$tmp/plain-script"
head -c 20 /bin/true > "$tmp/truncated-elf" && chmod 755 "$tmp/truncated-elf"
expect truncated-elf 126 "^v6run: $tmp/truncated-elf: Exec format error~\$" -- "$V6RUN" "$tmp/truncated-elf"
expect passes-exit-status 3 '' -- "$V6RUN" sh -c 'exit 3'
# the shim goes first (after a sanitizer runtime), what was there stays after it
expect preload-first 0 "^$RTRE/[^:]*/libv6shim\\.so:libm\\.so\\.6~\$" -- env LD_PRELOAD=libm.so.6 "$V6RUN" sh -c 'echo "$LD_PRELOAD"'
expect preload-dedup 0 "^$RTRE/[^:]*/libv6shim\\.so:libm\\.so\\.6:libdl\\.so\\.2~\$" -- env LD_PRELOAD="libm.so.6 $(dirname "$V6RUN")/libv6shim.so:libdl.so.2" "$V6RUN" sh -c 'echo "$LD_PRELOAD"'
if [ -n "$RT" ]; then
  expect preload-runtime-moved-first 0 "^$RTRE/[^:]*/libv6shim\\.so:libm\\.so\\.6~\$" -- env LD_PRELOAD="libm.so.6:$RT" "$V6RUN" sh -c 'echo "$LD_PRELOAD"'
fi
expect preload-alone 0 "^$RTRE/[^:]*/libv6shim\\.so~\$" -- env -u LD_PRELOAD "$V6RUN" sh -c 'echo "$LD_PRELOAD"'
cp "$(dirname "$V6RUN")/libv6shim.so" "$tmp/other-shim.so"
expect library-override 0 "^$RTRE$tmp/other-shim\\.so~\$" -- env -u LD_PRELOAD V6SHIM_LIBRARY="$tmp/other-shim.so" "$V6RUN" sh -c 'echo "$LD_PRELOAD"'
expect library-override-missing 2 '^v6run: V6SHIM_LIBRARY=/nonexistent/libv6shim\.so: No such file or directory~$' -- env V6SHIM_LIBRARY=/nonexistent/libv6shim.so "$V6RUN" true

printf 'pool_size = 10\nbogus line\n' > "$tmp/bad.conf"
expect bad-config-line 2 "^v6run: $tmp/bad.conf:2: expected 'key = value'~\$" -- "$V6RUN" --config "$tmp/bad.conf" true
# a bad option value names the option; the same value from the environment
# names the variable
expect bad-option-value 2 "^v6run: --policy: bad value 'fastest' for policy \(expected rfc6724, rfc3484 or ula-update\)~\$" -- "$V6RUN" --policy fastest true
expect bad-option-pool-range 2 "^v6run: --pool-range: bad value '10\.0\.0\.1/8' for pool_range " -- "$V6RUN" --pool-range 10.0.0.1/8 true
expect bad-option-log 2 "^v6run: --log: bad value 'loud' for log_level " -- "$V6RUN" --log loud true
expect bad-option-log-target 2 "^v6run: --log-target: bad value 'tape' for log_target " -- "$V6RUN" --log-target tape true
# --log-target file needs a log file, whatever --log says; one from the
# environment or the configuration file counts
expect log-target-file-alone 2 '^v6run: --log-target file needs --log-file FILE~$' -- "$V6RUN" --log-target file true
expect log-target-file-log-off 2 '^v6run: --log-target file needs --log-file FILE~$' -- "$V6RUN" --log off --log-target file true
expect log-target-file-log-debug 2 '^v6run: --log-target file needs --log-file FILE~$' -- "$V6RUN" --log debug --log-target file true
expect log-target-file-with-file 0 '~log_target = file~' -- "$V6RUN" --log-target file --log-file "$tmp/log" --check-config
expect log-target-file-env-file 0 '~log_target = file~' -- env V6SHIM_LOG_FILE="$tmp/log" "$V6RUN" --log-target file --check-config
printf 'log_file = %s\n' "$tmp/log" > "$tmp/logfile.conf"
expect log-target-file-conf-file 0 '~log_target = file~' -- "$V6RUN" --config "$tmp/logfile.conf" --log-target file --check-config
expect bad-option-empty-report 2 "^v6run: --report: empty file name~\$" -- "$V6RUN" --report '' true
expect bad-option-empty-config 2 "^v6run: --config: empty file name~\$" -- "$V6RUN" --config '' true
expect bad-env-value 2 "^v6run: V6SHIM_POLICY: bad value 'fastest' for policy \(expected rfc6724, rfc3484 or ula-update\)~\$" -- env V6SHIM_POLICY=fastest "$V6RUN" true
expect missing-config 2 "^v6run: $tmp/none.conf:0: cannot open: No such file or directory~\$" -- "$V6RUN" --config "$tmp/none.conf" true
expect reserved-pool 2 '^v6run: pool_range 127.0.0.0/8 overlaps 127.0.0.0/8 \(loopback\)~$' -- "$V6RUN" --pool-range 127.0.0.0/8 true
# Not a regular file: refused at once, never read (a FIFO without a writer
# used to hang v6run; a pipe was read here, then the command ran with the
# defaults because the shim could not read it again).
mkfifo "$tmp/fifo"
expect config-fifo 2 "^v6run: $tmp/fifo:0: not a regular file \(a FIFO or pipe\)~\$" -- "$V6RUN" --config "$tmp/fifo" true
expect config-pipe 2 '^v6run: /dev/stdin:0: not a regular file \(a FIFO or pipe\)~$' -- sh -c "printf 'pool_size = 5\\n' | '$V6RUN' --config /dev/stdin --check-config"
expect config-directory 2 "^v6run: $tmp:0: not a regular file \(a directory\)~\$" -- "$V6RUN" --config "$tmp" true
# a report FIFO that nobody reads used to hang v6run in open(2)
expect report-fifo 2 "^v6run: $tmp/fifo: No such device or address~\$" -- "$V6RUN" --report "$tmp/fifo" true
expect gai-conf-fifo 2 "^v6run: $tmp/fifo: not a regular file \(a FIFO or pipe\)~\$" -- "$V6RUN" --gai-conf "$tmp/fifo" true
# a leading UTF-8 byte order mark is not part of the first key
printf '\357\273\277pool_size = 78\n' > "$tmp/bom.conf"
expect config-bom 0 '~pool_size = 78~' -- "$V6RUN" --config "$tmp/bom.conf" --check-config

printf 'label ::1/128 zero\n' > "$tmp/gai.conf"
expect bad-gai-conf 2 "^v6run: $tmp/gai.conf:1: " -- "$V6RUN" --gai-conf "$tmp/gai.conf" true

printf 'pool_size = 77\nlisten_dualstack = no\n' > "$tmp/good.conf"
expect check-config 0 "^# read from: $tmp/good.conf~enabled = yes~pool_range = 198.18.0.0/15~pool_size = 77~.*policy = rfc3484~.*listen_dualstack = no~" -- "$V6RUN" --config "$tmp/good.conf" --policy rfc3484 --check-config
# a removed setting says so (config.def's V6_CONF_REMOVED)
printf 'socket_model = eager\n' > "$tmp/removed.conf"
expect removed-key 2 "^v6run: $tmp/removed.conf:1: socket_model was removed: the shim makes the AF_INET6 socket at connect or bind only \(docs/internals/fdtable\.md\)~\$" -- "$V6RUN" --config "$tmp/removed.conf" true
expect removed-key-env 2 "^v6run: V6SHIM_SOCKET_MODEL: socket_model was removed: " -- env V6SHIM_SOCKET_MODEL=lazy "$V6RUN" true

# every numeric option goes through strtonum and its range from config.def
expect num-too-small 2 "^v6run: --pool-size: '0' is too small \(expected 1\.\.65536\)~\$" -- "$V6RUN" --pool-size 0 true
expect num-too-large 2 "^v6run: --pool-ttl: '86401' is too large \(expected seconds, 1\.\.86400\)~\$" -- "$V6RUN" --pool-ttl 86401 true
expect num-invalid 2 "^v6run: --he-budget: '5s' is invalid \(expected milliseconds, 100\.\.600000\)~\$" -- "$V6RUN" --he-budget 5s true
expect num-overflow 2 "^v6run: --he-attempt-delay: '99999999999999999999' is too large " -- "$V6RUN" --he-attempt-delay 99999999999999999999 true
# a number reaches the shim as plain decimal: leading zeros and blanks strtonum accepts
expect num-canonical 0 '~pool_size = 10~pool_ttl = 7~.*he_attempt_delay_ms = 100~he_budget_ms = 2000~listen_dualstack = no~' -- "$V6RUN" --pool-size 010 --pool-ttl ' 7' --he-attempt-delay 100 --he-budget 2000 --listen-dualstack no --check-config
expect num-canonical-env 0 '^7~$' -- "$V6RUN" --pool-ttl ' 7' sh -c 'echo "$V6SHIM_POOL_TTL"'
expect bad-option-bool 2 "^v6run: --listen-dualstack: bad value 'maybe' for listen_dualstack \(expected yes or no\)~\$" -- "$V6RUN" --listen-dualstack maybe true
expect bad-option-empty-gai-conf 2 "^v6run: --gai-conf: empty file name~\$" -- "$V6RUN" --gai-conf '' true

expect check-config-policy-table 0 '~# policy table in effect \(gai\.conf syntax\):~# label ::1/128 0~.*~# precedence ::1/128 50~# precedence ::ffff:0\.0\.0\.0/96 35~.*~# scopev4 ::ffff:169\.254\.0\.0/112 2~' -- "$V6RUN" --check-config
expect check-config-policy-rfc3484 0 '~# precedence ::ffff:0\.0\.0\.0/96 10~' -- "$V6RUN" --policy rfc3484 --check-config
printf 'precedence ::ffff:0:0/96 100\n' > "$tmp/prec.conf"
expect check-config-gai-conf-replaces-column 0 '~# precedence ::ffff:0\.0\.0\.0/96 100~# precedence ::/0 40~# scopev4' -- "$V6RUN" --gai-conf "$tmp/prec.conf" --check-config

# --check-config output is itself a valid configuration that says the same
"$V6RUN" --config "$tmp/good.conf" --policy rfc3484 --check-config > "$tmp/effective.conf"
expect check-config-round-trip 0 '' -- sh -c "env -u V6SHIM_POLICY '$V6RUN' --config '$tmp/effective.conf' --check-config | sed 1d > '$tmp/again' && sed 1d '$tmp/effective.conf' | cmp - '$tmp/again'"

# the shipped example is valid and says the defaults
expect example-config 0 '~enabled = yes~pool_range = 198\.18\.0\.0/15~pool_size = 1024~pool_ttl = 300~policy = rfc6724~' -- "$V6RUN" --config "$EXAMPLE" --check-config

if [ "$STATIC" != none ]; then
  expect static-binary 2 "^v6run: $STATIC is statically linked: no LD_PRELOAD library can reach it.*; see v6run --doctor\)~\$" -- "$V6RUN" "$STATIC"
else
  echo "skip static-binary: no static libc on this host"
fi
finish
