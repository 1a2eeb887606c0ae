/*
 * compat.h — platform facts of the shim in one place.
 *
 * The shim targets glibc on Linux. Features are tested here (or by CMake
 * and passed as HAVE_*), never by OS name in module code.
 */
#ifndef V6SHIM_COMPAT_H
#define V6SHIM_COMPAT_H

/* Symbols visible outside libv6shim.so: only the hooks (see hooks.def). */
#define V6_EXPORT __attribute__((visibility("default")))

/* printf-style format checking for the log module. */
#define V6_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/* glibc's secure_getenv (2.17+); a set-uid program gets NULL for every name. */
#if defined(__GLIBC__)
#define HAVE_SECURE_GETENV 1
#endif

/* Longest host name getnameinfo/gethostbyname can return (NI_MAXHOST). */
#define V6_MAXHOST 1025

/*
 * ThreadSanitizer runs the real function of a blocking call (poll, select,
 * epoll_wait…) with its own interceptors ignored; for the shim's wait hooks
 * that real function is the hook itself, so a pthread_mutex_lock taken there
 * orders nothing in TSan's eyes. A lock taken on that path also tells TSan
 * directly (these calls are no interceptors). Nothing in other builds.
 */
#if defined(__SANITIZE_THREAD__)
#define V6_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define V6_TSAN 1
#endif
#endif
#ifdef V6_TSAN
#include <sanitizer/tsan_interface.h>
#define V6_TSAN_ACQUIRE(addr) __tsan_acquire(addr)
#define V6_TSAN_RELEASE(addr) __tsan_release(addr)
#else
#define V6_TSAN_ACQUIRE(addr) ((void)(addr))
#define V6_TSAN_RELEASE(addr) ((void)(addr))
#endif

#endif
