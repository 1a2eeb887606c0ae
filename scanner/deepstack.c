/* deepstack — see deepstack.h. */
#include "deepstack.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define DEEPSTACK_GUARD ((size_t)1 << 20)      /* below the stack: no access */
#define DEEPSTACK_ALTSTACK ((size_t)256 << 10) /* for the handlers (a sanitizer's report too) */

/* One run: the caller's frame, shared with its thread. */
struct deepstack_run {
	int (*fn)(void *);
	void *arg;
	int ret;
	int err;        /* the thread could not run fn: -errno */
	int overflowed; /* the stack ran out */
	int jumped;     /* ... and fn was abandoned */
	char *guard;    /* the guard's lowest byte: [guard, guard + DEEPSTACK_GUARD) */
	char *altstack;
	sigjmp_buf back; /* set at the top of the thread */
};

/* The run of the calling thread (NULL outside deepstack_run), and whether
 * it is inside a libclang call that has crash recovery. */
static _Thread_local struct deepstack_run *deepstack_self;
static _Thread_local volatile sig_atomic_t deepstack_in_library;

/* The SIGSEGV and SIGBUS actions before ours; deepstack_mu guards them
 * while they are written (the handler only reads them). */
static struct sigaction deepstack_prev_segv, deepstack_prev_bus;
static pthread_mutex_t deepstack_mu = PTHREAD_MUTEX_INITIALIZER;

static void deepstack_forward(int sig, siginfo_t *info, void *uc)
{
	const struct sigaction *prev = sig == SIGBUS ? &deepstack_prev_bus : &deepstack_prev_segv;

	if (prev->sa_flags & SA_SIGINFO) {
		prev->sa_sigaction(sig, info, uc);
	} else if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
		prev->sa_handler(sig);
	} else {
		/* the default: returning faults again, now fatally */
		signal(sig, SIG_DFL);
	}
}

static void deepstack_handler(int sig, siginfo_t *info, void *uc)
{
	struct deepstack_run *r = deepstack_self;
	char *at = info ? (char *)info->si_addr : NULL;

	if (!r || !at || at < r->guard || at >= r->guard + DEEPSTACK_GUARD) {
		deepstack_forward(sig, info, uc);
		return;
	}
	r->overflowed = 1;
	/* libclang's crash recovery unwinds its parse (its handler jumps back
	 * to where the parse began; it runs on this signal stack) */
	if (deepstack_in_library &&
	    ((deepstack_prev_segv.sa_flags & SA_SIGINFO) ||
	     (deepstack_prev_segv.sa_handler != SIG_DFL && deepstack_prev_segv.sa_handler != SIG_IGN))) {
		deepstack_forward(SIGSEGV, info, uc);
		return;
	}
	siglongjmp(r->back, 1);
}

/* Installs the handler unless it is the one in place (a program may have
 * replaced it since: cmocka does around each test). */
static void deepstack_install(void)
{
	struct sigaction sa;

	pthread_mutex_lock(&deepstack_mu);
	if (sigaction(SIGSEGV, NULL, &sa) == 0 && (sa.sa_flags & SA_SIGINFO) && sa.sa_sigaction == deepstack_handler) {
		pthread_mutex_unlock(&deepstack_mu);
		return;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = deepstack_handler;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &deepstack_prev_segv);
	sigaction(SIGBUS, &sa, &deepstack_prev_bus);
	pthread_mutex_unlock(&deepstack_mu);
}

size_t deepstack_size(void)
{
	const char *e = getenv("V6SCAN_STACK_SIZE");
	char *end;

	if (e && *e) {
		unsigned long long v = strtoull(e, &end, 10);
		if (!*end && v >= ((size_t)1 << 20) && v <= ((size_t)1 << 40))
			return (size_t)v & ~(size_t)4095;
	}
	return DEEPSTACK_SIZE;
}

static void *deepstack_thread(void *p)
{
	struct deepstack_run *r = p;
	stack_t ss = { .ss_sp = r->altstack, .ss_size = DEEPSTACK_ALTSTACK };

	deepstack_self = r;
	deepstack_in_library = 0;
	if (sigaltstack(&ss, NULL) != 0) {
		r->err = -errno;
		return NULL;
	}
	if (sigsetjmp(r->back, 1) == 0)
		r->ret = r->fn(r->arg);
	else
		r->jumped = 1;
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	deepstack_self = NULL;
	return NULL;
}

int deepstack_run(int (*fn)(void *), void *arg, int *ret)
{
	size_t size = deepstack_size(), total = DEEPSTACK_GUARD + size;
	struct deepstack_run r = { .fn = fn, .arg = arg };
	pthread_attr_t attr;
	pthread_t t;
	int rc;

	deepstack_install();
	char *map = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
			 -1, 0);
	if (map == MAP_FAILED)
		return -errno;
	char *alt = mmap(NULL, DEEPSTACK_ALTSTACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (alt == MAP_FAILED) {
		rc = -errno;
		munmap(map, total);
		return rc;
	}
	r.guard = map;
	r.altstack = alt;
	if (mprotect(map, DEEPSTACK_GUARD, PROT_NONE) != 0) {
		rc = -errno;
		goto out;
	}
	if ((rc = pthread_attr_init(&attr)) != 0) {
		rc = -rc;
		goto out;
	}
	rc = pthread_attr_setstack(&attr, map + DEEPSTACK_GUARD, size);
	if (rc == 0)
		rc = pthread_create(&t, &attr, deepstack_thread, &r);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		rc = -rc;
		goto out;
	}
	pthread_join(t, NULL);
	if (r.err)
		rc = r.err;
	else if (r.jumped)
		rc = -EOVERFLOW;
	else
		*ret = r.ret;
out:
	munmap(alt, DEEPSTACK_ALTSTACK);
	munmap(map, total);
	return rc;
}

void deepstack_mark_library(int on)
{
	if (deepstack_self)
		deepstack_in_library = on;
}

int deepstack_overflowed(void)
{
	return deepstack_self && deepstack_self->overflowed;
}

int deepstack_active(void)
{
	return deepstack_self != NULL;
}
