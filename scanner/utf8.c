/* utf8 — see utf8.h. The table is RFC 3629 section 4 (UTF8-2 .. UTF8-4). */
#include "utf8.h"

static int utf8_in(unsigned char c, unsigned char lo, unsigned char hi)
{
	return c >= lo && c <= hi;
}

size_t utf8_seq_len(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (utf8_in(s[0], 0xc2, 0xdf))
		n = 2;
	else if (utf8_in(s[0], 0xe0, 0xef))
		n = 3;
	else if (utf8_in(s[0], 0xf0, 0xf4))
		n = 4;
	else
		return 0; /* 0x80..0xc1 (continuation, overlong lead), 0xf5..0xff */
	/* the second byte's range excludes overlongs, surrogates, > U+10FFFF */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (!utf8_in(s[1], lo, hi))
		return 0;
	for (size_t i = 2; i < n; i++)
		if (!utf8_in(s[i], 0x80, 0xbf))
			return 0; /* also stops at the NUL */
	return n;
}

int utf8_valid(const char *s)
{
	while (*s) {
		size_t n = utf8_seq_len(s);
		if (n == 0)
			return 0;
		s += n;
	}
	return 1;
}
