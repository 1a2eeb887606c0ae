/*
 * netns — `v6run --ipv6-only`: move the calling process into a world where
 * IPv4 loopback does not exist, so that a program's latent IPv4 assumptions
 * fail at once instead of in production on an IPv6-only host.
 *
 * netns_ipv6_only() leaves the caller (which then execs the command) in
 *   - a private network namespace whose only interface, lo, is up and has
 *     ::1 and no IPv4 address (the kernel's 127.0.0.1/8 is deleted, so a
 *     connect to 127.0.0.1 fails with ENETUNREACH);
 *   - a private mount namespace (propagation private: nothing leaks back)
 *     where /etc/hosts is a generated file mapping localhost, ip6-localhost,
 *     ip6-loopback and this host's name to ::1 only.
 * A bind mount over /etc/hosts was chosen over libnss-wrapper because it
 * reaches every resolver that reads the file (static and Go programs too),
 * needs no preload, and works with --no-shim; a program that already has
 * NSS_WRAPPER_HOSTS set keeps its own file.
 *
 * Privilege: as root (CAP_SYS_ADMIN) the two namespaces are made directly;
 * otherwise inside a new user namespace that maps the caller's uid and gid
 * to themselves, so the command runs as the same user (the capabilities of
 * that namespace are used before exec and are gone after it).
 *
 * Everything is done with system calls and rtnetlink (RTM_NEWLINK for lo
 * up, RTM_DELADDR for 127.0.0.1/8); no program is run.
 */
#ifndef V6SHIM_NETNS_H
#define V6SHIM_NETNS_H

#include <stddef.h>

/* The hosts file --ipv6-only puts in place, for HOSTNAME ("" or NULL: none). */
int netns_hosts_text(const char *hostname, char *out, size_t len);

/*
 * Enter the namespaces above. Returns 0, or -errno with ERR = one line
 * without the "v6run:" prefix naming the step that failed and, for a
 * refusal (-EPERM, -ENOSPC, -EINVAL from unshare), what is needed: "needs
 * root or unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone,
 * user.max_user_namespaces)". A failure after the namespaces exist leaves
 * the caller in them: it must not exec the command then.
 */
int netns_ipv6_only(char *err, size_t errlen);

#endif
