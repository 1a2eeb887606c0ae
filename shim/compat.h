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

#endif
