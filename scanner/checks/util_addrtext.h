/* util_addrtext — address text shapes for the text-form checks: dotted
 * quads, strings that are an IPv4 endpoint, IPv6 literals, and the file-level
 * "this file handles IPv6" test. Header-only, like util_tree.h.
 *
 * The file-level test: a file that names an IPv6 identifier (AF_INET6,
 * sockaddr_in6, in6_addr, an IN6_IS_ADDR_ test, INET6_ADDRSTRLEN, an
 * IPV6_* socket option, ...) or spells an IPv6 literal in a string ("::1",
 * "[2001:db8::1]:80") already handles IPv6 somewhere; the IPv4 text it
 * writes, parses or compares is taken to be the IPv4 half of dual-stack code (a "127.0.0.1" test beside
 * its "::1" twin, the IPv4 formatter of an inet_ntop). It reads the file's
 * text (owned by the translation unit, no copy) once per call: checks call
 * it only for candidates that passed every cheaper test.
 */
#ifndef V6SCAN_CHECKS_UTIL_ADDRTEXT_H
#define V6SCAN_CHECKS_UTIL_ADDRTEXT_H

#include <arpa/inet.h>
#include <clang-c/Index.h>
#include <ctype.h>
#include <string.h>

/* Length of the dotted quad at s (four decimal octets 0..255, one to three
 * digits each), or 0. The quad must not continue with a digit or ".digit"
 * (a fifth component: an OID or a version, not an address). */
static inline size_t util_quad_len(const char *s)
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;
		if (part > 0) {
			if (s[i] != '.')
				return 0;
			i++;
		}
		while (isdigit((unsigned char)s[i]) && digits < 4) {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return 0;
	}
	if (isdigit((unsigned char)s[i]) || (s[i] == '.' && isdigit((unsigned char)s[i + 1])))
		return 0;
	return i;
}

/* 1 when the whole string s is an IPv4 endpoint: an optional URL scheme
 * ("http://") and user part ("user@"), a dotted quad, then nothing, a port
 * (":8080"), a prefix length or a path ("/24", "/index.html"). X.500 and
 * SNMP object identifiers that happen to have four arcs (2.5.x.y, 1.3.6.x)
 * are not addresses, and the RFC 5737 documentation ranges (192.0.2.0/24,
 * 198.51.100.0/24, 203.0.113.0/24) are example data, not endpoints. The quad's offset is stored in *at. */
static inline int util_is_ipv4_endpoint(const char *s, size_t *at)
{
	const char *p = s, *q = strstr(s, "://");

	if (q) {
		for (const char *c = s; c < q; c++)
			if (!isalnum((unsigned char)*c) && *c != '+' && *c != '-' && *c != '.')
				return 0;
		p = q + 3;
		const char *a = strchr(p, '@');
		if (a && !memchr(p, '/', (size_t)(a - p)))
			p = a + 1;
	}
	size_t n = util_quad_len(p);
	if (!n || strncmp(p, "2.5.", 4) == 0 || strncmp(p, "1.3.6.", 6) == 0)
		return 0;
	/* RFC 5737 documentation ranges are example data by definition,
	 * never a deployment's endpoint */
	if (strncmp(p, "192.0.2.", 8) == 0 || strncmp(p, "198.51.100.", 11) == 0 || strncmp(p, "203.0.113.", 10) == 0)
		return 0;
	const char *r = p + n;
	if (*r == ':') {
		size_t d = 0;
		while (isdigit((unsigned char)r[1 + d]))
			d++;
		if (d == 0 || d > 5)
			return 0;
		r += 1 + d;
	}
	if (*r != '\0' && *r != '/')
		return 0;
	for (; *r; r++)
		if (isspace((unsigned char)*r))
			return 0;
	*at = (size_t)(p - s);
	return 1;
}

/* 1 when the text t[0..n) (the inside of a string literal) is an IPv6
 * address, optionally bracketed, with a port, prefix length or zone. */
static inline int util_is_ipv6_text(const char *t, size_t n)
{
	char buf[64];
	size_t i = 0, j = 0;

	if (n && t[0] == '[')
		i = 1;
	while (i < n && j < sizeof(buf) - 1 && t[i] != ']' && t[i] != '%' && t[i] != '/')
		buf[j++] = t[i++];
	buf[j] = '\0';
	if (!memchr(buf, ':', j))
		return 0;
	struct in6_addr a;
	return inet_pton(AF_INET6, buf, &a) == 1;
}

static const char *const util_v6_words[] = {
	"AF_INET6", "PF_INET6",  "sockaddr_in6",     "in6_addr",     "IN6_IS_ADDR_", "IN6_ARE_ADDR_EQUAL",
	"in6addr_", "IN6ADDR_",  "INET6_ADDRSTRLEN", "IPPROTO_IPV6", "IPV6_",        "sin6_",
	"s6_addr",  "ipv6_mreq",
};

static inline int util_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* 1 when the file text b[0..n) names an IPv6 identifier (as a whole word,
 * or as the start of one for the prefixes ending in '_') or holds a string
 * literal that is an IPv6 address. */
static inline int util_text_handles_v6(const char *b, size_t n)
{
	for (size_t w = 0; w < sizeof(util_v6_words) / sizeof(util_v6_words[0]); w++) {
		const char *word = util_v6_words[w];
		size_t wl = strlen(word);
		int prefix = word[wl - 1] == '_';
		for (const char *p = b; (p = memmem(p, n - (size_t)(p - b), word, wl)) != NULL; p++) {
			if (p > b && util_ident_char(p[-1]))
				continue;
			if (!prefix && (size_t)(p - b) + wl < n && util_ident_char(p[wl]))
				continue;
			return 1;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (b[i] != '"')
			continue;
		size_t j = i + 1;
		while (j < n && j - i < 64 && b[j] != '"' && b[j] != '\n')
			j++;
		if (j < n && b[j] == '"' && util_is_ipv6_text(b + i + 1, j - i - 1))
			return 1;
		i = j < n && b[j] == '"' ? j : i;
	}
	return 0;
}

/* The file-level test (see above) for the file of the expansion location
 * of loc. */
static inline int util_loc_handles_v6(CXTranslationUnit tu, CXSourceLocation loc)
{
	CXFile file;
	size_t size = 0;

	clang_getExpansionLocation(loc, &file, NULL, NULL, NULL);
	if (!file)
		return 0;
	const char *text = clang_getFileContents(tu, file, &size);
	return text && util_text_handles_v6(text, size);
}

/* The file-level test for the file where `cur` expands. */
static inline int util_file_handles_v6(CXTranslationUnit tu, CXCursor cur)
{
	return util_loc_handles_v6(tu, clang_getCursorLocation(cur));
}

#endif
