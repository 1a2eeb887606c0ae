/* v6-udp-payload-assume — an IPv4-sized UDP payload limit: the length
 * argument of sendto() or send() (or the size of recvfrom()'s, recv()'s
 * buffer argument) is a constant 548, 576, 1472 or 1480 (the classic
 * IPv4 limits: 576-byte reassembly minimum less 28 header bytes, and a
 * 1500-byte Ethernet MTU less 20 + 8), written as a literal, a macro or an
 * expression such as 1500 - 28, or the sizeof of an array of that size;
 * and a char array of that size passed as the buffer of one of those
 * calls, at its declaration. Silent in dual-stack scopes. A note, off by
 * default: the number is a heuristic. */
#include "checks.h"

#include "../ast.h"
#include "../walk.h"
#include "util_tree.h"

static const char *const senders[] = { "sendto", "send", "recvfrom", "recv" };

static int ipv4_limit(long long v)
{
	return v == 548 || v == 576 || v == 1472 || v == 1480;
}

/* The constant value of expr, when it has one. */
static int constant_of(CXCursor expr, long long *v)
{
	CXEvalResult ev = clang_Cursor_Evaluate(expr);
	int ok = 0;

	if (ev && clang_EvalResult_getKind(ev) == CXEval_Int) {
		*v = clang_EvalResult_getAsLongLong(ev);
		ok = 1;
	}
	if (ev)
		clang_EvalResult_dispose(ev);
	return ok;
}

void check_udp_payload_assume_match(struct walk_ctx *ctx, const struct v6scan_check *self, CXCursor cur)
{
	const char *fn = walk_system_callee(ctx, cur, senders, sizeof(senders) / sizeof(senders[0]));
	long long v;

	if (!fn || clang_Cursor_getNumArguments(cur) < 3 || walk_in_dual_stack(ctx, cur))
		return;
	CXCursor len = clang_Cursor_getArgument(cur, 2);
	if (constant_of(ast_strip(len), &v) && ipv4_limit(v))
		walk_report(ctx, self, len, "udp-payload", "%s() with a %lld-byte payload limit sized for IPv4", fn, v);
	CXCursor buf = util_named_object(clang_Cursor_getArgument(cur, 1));
	if (clang_Cursor_isNull(buf))
		return;
	CXType t = clang_getCanonicalType(clang_getCursorType(buf));
	if (t.kind != CXType_ConstantArray || !ipv4_limit(clang_getArraySize(t)))
		return;
	walk_report(ctx, self, buf, "udp-payload", "a %lld-byte %s() buffer sized for an IPv4 path",
		    clang_getArraySize(t), fn);
}

V6SCAN_CHECK_PARTS(udp_payload_assume,
		   "548, 576, 1472 and 1480 are IPv4 numbers: 576 bytes is IPv4's minimum reassembly size, 1500 - 28 "
		   "the payload of one Ethernet frame after a 20-byte IPv4 and an 8-byte UDP header. IPv6's header is "
		   "40 bytes, routers do not fragment, and every IPv6 link carries 1280 bytes.",
		   "derive the limit from the socket's family and path MTU (IPV6_MTU, IP_MTU), or use 1232 bytes "
		   "(1280 - 40 - 8), which fits every IPv6 path",
		   CXCursor_CallExpr);
