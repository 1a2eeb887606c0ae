/* deepstack — run a function on a thread with a large stack, and live
 * through that stack running out.
 *
 * libclang's parser and its clang_visitChildren recurse once per level of
 * the source's expression tree: a chain of n binary operators `1+1+…+1`
 * needs about 250 bytes of stack per term to parse, and about as much to
 * walk. libclang parses on a thread of its own with an 8 MiB stack unless
 * LIBCLANG_NOTHREADS is set (parse.c sets it, so the parse runs on the
 * caller's thread), and our walk runs on the caller's thread: each job's
 * parse and walk go through deepstack_run (workers.c).
 *
 * The stack is DEEPSTACK_SIZE bytes of address space (mmap'd with
 * MAP_NORESERVE: memory is committed only as deep as the recursion goes,
 * and returned when the job ends), with an inaccessible guard below it and
 * an alternate signal stack. A fault in the guard (the stack ran out) is
 * caught on that signal stack: inside clang_parseTranslationUnit2
 * (deepstack_mark_library) it is handed to libclang's own crash recovery,
 * which unwinds the parse and returns CXError_Crashed; anywhere else the
 * thread jumps back to deepstack_run, abandoning what fn was doing: what it
 * had allocated stays allocated. Every other fault goes to the handler that
 * was there before (libclang's, a sanitizer's, or the default: death).
 *
 * V6SCAN_STACK_SIZE (bytes, at least 1 MiB; a test hook) replaces
 * DEEPSTACK_SIZE.
 */
#ifndef V6SCAN_DEEPSTACK_H
#define V6SCAN_DEEPSTACK_H

#include <stddef.h>

#define DEEPSTACK_SIZE ((size_t)512 << 20)

/* Runs fn(arg) on a new thread with the stack above and waits for it.
 * Returns 0 with *ret set to fn's result; -EOVERFLOW when the stack ran out
 * outside the library parse (fn was abandoned; *ret untouched); -errno when
 * the thread could not be made (fn did not run). */
int deepstack_run(int (*fn)(void *), void *arg, int *ret);

/* Brackets a libclang call that runs under libclang's crash recovery
 * (clang_parseTranslationUnit2): on = 1 before, 0 after. No effect outside
 * deepstack_run. */
void deepstack_mark_library(int on);

/* 1 when the stack of the calling deepstack thread ran out since it began
 * (libclang recovered: the parse it returned from crashed for that). */
int deepstack_overflowed(void);

/* 1 on a thread deepstack_run made. */
int deepstack_active(void);

/* The stack size deepstack_run gives (DEEPSTACK_SIZE or the test hook). */
size_t deepstack_size(void);

#endif
