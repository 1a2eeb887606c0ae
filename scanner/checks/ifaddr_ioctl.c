/* v6-ifaddr-ioctl — ioctl() requests that read or set an interface's IPv4
 * addresses: SIOCGIFADDR, SIOCSIFADDR, SIOCGIFNETMASK, SIOCSIFNETMASK,
 * SIOCGIFBRDADDR, SIOCSIFBRDADDR, SIOCGIFDSTADDR, SIOCSIFDSTADDR and
 * SIOCGIFCONF, the request written as the macro (also through a project
 * #define). Reported at the call. Silent in a function that handles IPv6
 * and in a file that names IPv6 (util_addrtext.h): the ioctl is then the
 * IPv4 fallback beside a getifaddrs() path. */
#include "checks.h"

#include <string.h>

#include "../ast.h"
#include "../walk.h"
#include "util_addrtext.h"
#include "util_macro.h"

static const char *const ioctl_fn[] = { "ioctl" };
static const char *const requests[] = { "SIOCGIFADDR",    "SIOCGIFBRDADDR", "SIOCGIFCONF",
					"SIOCGIFDSTADDR", "SIOCGIFNETMASK", "SIOCSIFADDR",
					"SIOCSIFBRDADDR", "SIOCSIFDSTADDR", "SIOCSIFNETMASK" };

void check_ifaddr_ioctl_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	char req[64];

	if (!walk_system_callee(ctx, cur, ioctl_fn, 1) || clang_Cursor_getNumArguments(cur) < 2)
		return;
	const char *m = walk_macro_of(ctx, clang_Cursor_getArgument(cur, 1), req, sizeof(req));
	if (!m || !util_name_in(m, requests, sizeof(requests) / sizeof(requests[0])))
		return;
	if (walk_in_dual_stack(ctx, cur) || util_file_handles_v6(walk_tu_of(ctx), cur))
		return;
	walk_report(ctx, self, cur, m, "ioctl(%s) reports IPv4 interface addresses only", m);
}

V6SCAN_CHECK_PARTS(ifaddr_ioctl,
		   "The SIOC[GS]IF*ADDR and SIOCGIFCONF requests carry a struct sockaddr in struct ifreq, which "
		   "Linux and the BSDs fill with IPv4 addresses only: an interface's IPv6 addresses are "
		   "invisible.",
		   "use getifaddrs() and walk every entry, dispatching on ifa_addr->sa_family (or rtnetlink "
		   "RTM_GETADDR with AF_UNSPEC)",
		   CXCursor_CallExpr);
