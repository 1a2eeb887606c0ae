/* v6-proc-net-ipv4-only — a path to one of the kernel's IPv4 socket tables
 * (/proc/net/tcp, udp, raw, udplite; also /proc/self/net/..., /proc/%d/net/...)
 * as the whole of a string literal, in a file that never names the IPv6
 * table beside it (tcp6, udp6, raw6, udplite6): an ident daemon, a netstat
 * or a socket-to-process mapper that reads it sees no IPv6 socket.
 * Reported at the string. A message that merely mentions the path (more
 * text in the literal) and dual-stack functions are left alone. */
#include "checks.h"

#include <stdio.h>
#include <string.h>

#include "../ast.h"
#include "../walk.h"
#include "util_tree.h"

static const char *const tables[] = { "tcp", "udp", "raw", "udplite" };

/* The table a /proc path names ("tcp" for "/proc/net/tcp"), or NULL. */
static const char *table_of(const char *path)
{
	static const char net[] = "/net/";

	if (strncmp(path, "/proc/", 6) != 0 || strpbrk(path, " \t\n:"))
		return NULL;
	const char *slash = strrchr(path, '/');
	if (!slash || slash - path < 4 || strncmp(slash - 4, net, 5) != 0)
		return NULL;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (strcmp(slash + 1, tables[i]) == 0)
			return tables[i];
	return NULL;
}

void check_proc_net_ipv4_only_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	char path[64], twin[16];
	const char *table;

	if (!util_string_of(cur, path, sizeof(path)) || !(table = table_of(path)))
		return;
	snprintf(twin, sizeof(twin), "%s6", table);
	if (util_file_names(walk_tu_of(ctx), cur, twin) || walk_in_dual_stack(ctx, cur))
		return;
	walk_report(ctx, self, cur, table, "/proc/net/%s lists IPv4 sockets only; the IPv6 ones are in /proc/net/%s",
		    table, twin);
}

V6SCAN_CHECK_PARTS(proc_net_ipv4_only,
		   "The kernel lists IPv4 and IPv6 sockets in separate tables: a program that reads only "
		   "/proc/net/tcp (or udp, raw, udplite) never sees a connection made over IPv6, so an ident "
		   "lookup fails and a socket listing is incomplete.",
		   "read the IPv6 table too (/proc/net/tcp6, whose addresses are 32 hex digits), or ask the "
		   "kernel with a NETLINK_SOCK_DIAG (inet_diag) request for AF_UNSPEC",
		   CXCursor_StringLiteral);
