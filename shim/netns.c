/*
 * netns — the --ipv6-only world (see netns.h): unshare(2), the uid/gid maps
 * of a user namespace (user_namespaces(7)), rtnetlink (rtnetlink(7)) for
 * the loopback link and its IPv4 address, and a bind mount over /etc/hosts.
 */
#define _GNU_SOURCE
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static const char netns_needs[] =
    "needs root or unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone, "
    "user.max_user_namespaces)";

int netns_hosts_text(const char *hostname, char *out, size_t len)
{
    bool own =
        hostname && *hostname && strcmp(hostname, "localhost") != 0 &&
        strspn(hostname, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") ==
            strlen(hostname);
    int n = snprintf(out, len,
                     "# v6run --ipv6-only: this namespace has no IPv4 loopback\n"
                     "::1\tlocalhost ip6-localhost ip6-loopback%s%s\n",
                     own ? " " : "", own ? hostname : "");
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Write TEXT to the /proc file PATH (uid_map, gid_map, setgroups). */
static int netns_write(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = write(fd, text, strlen(text));
    int rc = n == (ssize_t)strlen(text) ? 0 : n < 0 ? -errno : -EIO;
    close(fd);
    return rc;
}

/* Send the request H to the kernel on FD and read its acknowledgement.
 * Returns 0 or the request's -errno. */
static int netns_rtnl(int fd, struct nlmsghdr *h)
{
    static uint32_t seq;
    h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
    h->nlmsg_seq = ++seq;
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    if (sendto(fd, h, h->nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
        return -errno;
    union {
        char buf[4096];
        struct nlmsghdr align;
    } r;
    for (;;) {
        ssize_t n = recv(fd, r.buf, sizeof r.buf, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        for (struct nlmsghdr *m = &r.align; NLMSG_OK(m, (size_t)n); m = NLMSG_NEXT(m, n)) {
            if (m->nlmsg_seq != h->nlmsg_seq || m->nlmsg_type != NLMSG_ERROR)
                continue;
            if (m->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
                return -EPROTO;
            return ((struct nlmsgerr *)NLMSG_DATA(m))->error;
        }
    }
}

/* Append attribute TYPE with LEN bytes of DATA to H (inside CAP bytes). */
static void netns_attr(struct nlmsghdr *h, size_t cap, unsigned short type, const void *data,
                       size_t len)
{
    size_t at = NLMSG_ALIGN(h->nlmsg_len);
    if (at + RTA_SPACE(len) > cap)
        return; /* the callers' buffers are sized for their attributes */
    struct rtattr *a = (struct rtattr *)((char *)h + at);
    a->rta_type = type;
    a->rta_len = (unsigned short)RTA_LENGTH(len);
    memcpy(RTA_DATA(a), data, len);
    h->nlmsg_len = (uint32_t)(at + RTA_SPACE(len));
}

/* lo up, then its IPv4 address 127.0.0.1/8 deleted. */
static int netns_loopback(char *err, size_t errlen)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) {
        snprintf(err, errlen, "rtnetlink socket: %s", strerror(errno));
        return -errno;
    }
    unsigned idx = if_nametoindex("lo");
    int rc;
    if (!idx) {
        rc = -ENODEV;
        snprintf(err, errlen, "no loopback interface in the new namespace");
        goto out;
    }
    struct {
        struct nlmsghdr h;
        struct ifinfomsg ifi;
    } up = {
        .h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)), .nlmsg_type = RTM_NEWLINK},
        .ifi = {.ifi_family = AF_UNSPEC,
                .ifi_index = (int)idx,
                .ifi_flags = IFF_UP,
                .ifi_change = IFF_UP},
    };
    rc = netns_rtnl(fd, &up.h);
    if (rc < 0) {
        snprintf(err, errlen, "setting lo up: %s", strerror(-rc));
        goto out;
    }
    struct {
        struct nlmsghdr h;
        struct ifaddrmsg ifa;
        char attrs[64];
    } del = {
        .h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg)), .nlmsg_type = RTM_DELADDR},
        /* NOLINTNEXTLINE(v6-sin-family-inet): the IPv4 address being removed */
        .ifa = {.ifa_family = AF_INET, .ifa_prefixlen = 8, .ifa_index = idx},
    };
    static const unsigned char loop4[4] = {127, 0, 0, 1};
    netns_attr(&del.h, sizeof del, IFA_LOCAL, loop4, sizeof loop4);
    netns_attr(&del.h, sizeof del, IFA_ADDRESS, loop4, sizeof loop4);
    rc = netns_rtnl(fd, &del.h);
    if (rc < 0) {
        snprintf(err, errlen, "removing 127.0.0.1/8 from lo: %s", strerror(-rc));
        goto out;
    }
    /* ::1 must be there: a kernel with IPv6 disabled would leave no loopback at all */
    int s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in6 one = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    if (s < 0 || bind(s, (struct sockaddr *)&one, sizeof one) < 0) {
        rc = -errno;
        snprintf(err, errlen, "no ::1 on lo (IPv6 disabled?): %s", strerror(errno));
    }
    if (s >= 0)
        close(s);
out:
    close(fd);
    return rc;
}

/* /etc/hosts replaced, in this mount namespace only, by netns_hosts_text.
 * The file is made in TMPDIR (or /tmp), bind-mounted and unlinked at once:
 * the mount keeps it alive, nothing is left behind. */
static int netns_hosts(char *err, size_t errlen)
{
    char host[256] = "", text[512];
    if (gethostname(host, sizeof host - 1) < 0)
        host[0] = '\0';
    if (netns_hosts_text(host, text, sizeof text) < 0)
        netns_hosts_text(NULL, text, sizeof text);
    const char *dir = getenv("TMPDIR");
    char tmp[PATH_MAX];
    if (!dir || !*dir || snprintf(tmp, sizeof tmp, "%s/v6run-hosts.XXXXXX", dir) >= (int)sizeof tmp)
        snprintf(tmp, sizeof tmp, "/tmp/v6run-hosts.XXXXXX");
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "hosts file %s: %s", tmp, strerror(errno));
        return -errno;
    }
    int rc = 0;
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len || fchmod(fd, 0644) < 0) {
        rc = -errno;
        snprintf(err, errlen, "hosts file %s: %s", tmp, strerror(errno));
    } else if (mount(tmp, "/etc/hosts", NULL, MS_BIND, NULL) < 0) {
        rc = -errno;
        snprintf(err, errlen, "bind-mounting the hosts file on /etc/hosts: %s", strerror(errno));
    }
    unlink(tmp);
    close(fd);
    return rc;
}

int netns_ipv6_only(char *err, size_t errlen)
{
    uid_t uid = getuid();
    gid_t gid = getgid();
    int rc = 0;
    if (geteuid() != 0 || unshare(CLONE_NEWNET | CLONE_NEWNS) < 0) {
        /* not root, or root without CAP_SYS_ADMIN (a container): a user namespace */
        if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS) < 0) {
            rc = -errno;
            snprintf(err, errlen, "cannot create a private network namespace: %s; %s",
                     strerror(errno), netns_needs);
            return rc;
        }
        char map[64];
        snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
        if ((rc = netns_write("/proc/self/uid_map", map)) < 0) {
            snprintf(err, errlen, "writing uid_map: %s", strerror(-rc));
            return rc;
        }
        rc = netns_write("/proc/self/setgroups", "deny");
        if (rc < 0 && rc != -ENOENT) {
            snprintf(err, errlen, "writing setgroups: %s", strerror(-rc));
            return rc;
        }
        snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
        if ((rc = netns_write("/proc/self/gid_map", map)) < 0) {
            snprintf(err, errlen, "writing gid_map: %s", strerror(-rc));
            return rc;
        }
    }
    /* nothing mounted here may reach the parent's namespace */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
        rc = -errno;
        snprintf(err, errlen, "making mounts private: %s", strerror(errno));
        return rc;
    }
    if ((rc = netns_loopback(err, errlen)) < 0)
        return rc;
    return netns_hosts(err, errlen);
}
