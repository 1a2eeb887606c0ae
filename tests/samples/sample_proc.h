/*
 * sample_proc — run a sample program as a child process and capture what it
 * prints, for the sample tests.
 *
 * Children inherit the test's environment (LD_PRELOAD of nss_wrapper,
 * NSS_WRAPPER_HOSTS), stdin is /dev/null, stdout and stderr are pipes. Every
 * wait is bounded by a generous limit so a hung sample fails its test
 * instead of hanging CTest; no test asserts on how long anything took.
 */
#ifndef SAMPLE_PROC_H
#define SAMPLE_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SAMPLE_PROC_BUF 16384
#define SAMPLE_PROC_WAIT_MS 20000 /* upper bound for any single wait */

struct sample_proc {
    pid_t pid;                 /* 0 once reaped */
    int out_fd, err_fd;        /* read ends, -1 once at EOF */
    char out[SAMPLE_PROC_BUF]; /* stdout so far, NUL-terminated */
    size_t out_len, out_taken; /* bytes held; bytes handed out as lines */
    char err[SAMPLE_PROC_BUF]; /* stderr so far, NUL-terminated */
    size_t err_len;
};

/* Full path of the sample executable NAME (e.g. "ported_echo_server"). */
const char *sample_path(const char *name);

/*
 * Start ARGV: argv[0] is a sample name (resolved with sample_path) or a path
 * containing '/', used as given. 0 or -errno.
 */
int sample_start(struct sample_proc *p, const char *const argv[]);

/*
 * Next whole line of the child's stdout, without its '\n', into LINE.
 * Returns its length, -EPIPE when stdout ended first, -ETIMEDOUT.
 */
int sample_read_line(struct sample_proc *p, char *line, size_t size);

/*
 * Read both pipes to EOF and reap the child. Returns its exit status
 * (0..255), 128 + signal number when it was killed, or -ETIMEDOUT (the child
 * is then killed and reaped). p->out / p->err hold everything printed
 * (stdout including lines already read).
 */
int sample_finish(struct sample_proc *p);

/* Kill (SIGTERM) and reap the child if still running; closes the pipes. */
void sample_stop(struct sample_proc *p);

/* sample_start + sample_finish. Returns the exit status or -errno. */
int sample_run(struct sample_proc *p, const char *const argv[]);

/*
 * A TCP/UDP port (SOCKTYPE) that is free on both 0.0.0.0 and [::] right now.
 * Tests run in their own network namespace, so nobody else takes it.
 * Returns the port, or 0 on failure.
 */
uint16_t sample_free_port(int socktype);

/*
 * Call first in main(): makes the test its own process group and, at exit,
 * ends every process still in it (servers forked by v6test_server_start or
 * started here that a failed test could not stop). Samples started here also
 * die with the test through PR_SET_PDEATHSIG.
 */
void sample_cleanup_at_exit(void);

/* "%u" of PORT into a static buffer per call slot (0..3). */
const char *sample_port_str(uint16_t port, int slot);

#endif
