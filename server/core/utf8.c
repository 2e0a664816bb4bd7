#include "core/utf8.h"

/* Length of the sequence that starts with lead byte c, with the allowed range
 * of its second byte (RFC 3629 §4, "UTF8-2" .. "UTF8-4"): the narrowed ranges
 * after E0, ED, F0 and F4 are what exclude overlongs, surrogates and code
 * points above U+10FFFF. Returns 0 for a byte that cannot start a sequence. */
static int utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c == 0xE0)
		*lo = 0xA0;
	else if (c == 0xED)
		*hi = 0x9F;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c == 0xF0)
		*lo = 0x90;
	else if (c == 0xF4)
		*hi = 0x8F;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 0;
}

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		unsigned char lo, hi;
		int len = utf8_lead(p[i], &lo, &hi);
		if (len == 0 || n - i < (size_t)len)
			return false;
		if (p[i + 1] < lo || p[i + 1] > hi)
			return false;
		for (int k = 2; k < len; k++)
			if (p[i + k] < 0x80 || p[i + k] > 0xBF)
				return false;
		i += (size_t)len;
	}
	return true;
}
