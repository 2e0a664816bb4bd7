/* SPDX-License-Identifier: EUPL-1.2 */
#include "mail/text.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "core/utf8.h"

/* The bytes where Windows-1250 and ISO-8859-2 put different Polish
 * letters: ą Ą ś Ś ź Ź. */
static const unsigned char cp1250_only[] = {0xB9, 0xA5, 0x9C, 0x8C, 0x9F, 0x8F};
static const unsigned char latin2_only[] = {0xB1, 0xA1, 0xB6, 0xA6, 0xBC, 0xAC};

const char *mail_guess_charset(const unsigned char *s, size_t n)
{
	size_t cp = 0, l2 = 0, c1 = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c < 0x80)
			continue;
		cp += memchr(cp1250_only, c, sizeof cp1250_only) != NULL;
		l2 += memchr(latin2_only, c, sizeof latin2_only) != NULL;
		/* Typographic quotes and dashes of Windows-1250; controls
		 * nobody writes in ISO-8859-2. */
		c1 += c >= 0x80 && c <= 0x9F;
	}
	if (cp > l2 || (cp == l2 && c1 > 0))
		return "windows-1250";
	return "iso-8859-2";
}

/* Declarations that say "UTF-8 or nothing in particular". */
static bool charset_is_default(const char *cs)
{
	static const char *const names[] = {"utf-8", "utf8", "us-ascii", "ascii", "unknown-8bit",
	                                    "x-unknown", "x-user-defined", "default", "ansi_x3.4-1968"};
	if (!cs || !cs[0])
		return true;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcasecmp(cs, names[i]))
			return true;
	return false;
}

/* Charsets of one byte per character, which any byte string "is". */
static bool charset_single_byte(const char *cs)
{
	static const char *const prefixes[] = {"iso-8859", "iso8859", "iso_8859", "latin",
	                                       "windows-12", "cp12", "x-cp12", "cp8", "ibm",
	                                       "koi8", "mac"};
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (!strncasecmp(cs, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/* Counts the valid multi-byte sequences and the bytes that are not part
 * of a valid sequence. */
static void utf8_census(const unsigned char *s, size_t n, size_t *multi, size_t *bad)
{
	*multi = *bad = 0;
	for (size_t i = 0; i < n;) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		unsigned cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 0) {
			(*bad)++;
			i++;
		} else {
			(*multi)++;
			i += k;
		}
	}
}

/* Strict conversion of s[0..n) from `cs` to UTF-8 into sb; false when
 * iconv does not know `cs` or the bytes break it. */
static bool convert(strbuf_t *sb, const char *cs, const unsigned char *s, size_t n)
{
	/* "x-cp1250" and the like: glibc knows them without the x-. */
	if (!strncasecmp(cs, "x-", 2) && charset_single_byte(cs + 2))
		cs += 2;
	iconv_t cd = iconv_open("UTF-8", cs);
	if (cd == (iconv_t)-1)
		return false;
	char *in = (char *)s;
	size_t inleft = n;
	bool ok = true;
	while (inleft > 0) {
		char chunk[16384], *out = chunk;
		size_t outleft = sizeof chunk;
		size_t r = iconv(cd, &in, &inleft, &out, &outleft);
		sb_append(sb, chunk, sizeof chunk - outleft);
		if (r == (size_t)-1 && errno != E2BIG) {
			ok = false;
			break;
		}
	}
	if (ok) {
		char chunk[64], *out = chunk;
		size_t outleft = sizeof chunk;
		ok = iconv(cd, NULL, NULL, &out, &outleft) != (size_t)-1;
		sb_append(sb, chunk, sizeof chunk - outleft);
	}
	iconv_close(cd);
	return ok;
}

char *mail_to_utf8(arena_t *a, const char *charset, const unsigned char *s, size_t n,
                   size_t *len)
{
	strbuf_t sb;
	sb_init(&sb, a);
	size_t multi, bad;
	utf8_census(s, n, &multi, &bad);
	bool deflt = charset_is_default(charset);
	/* UTF-8 as declared (or as nothing is declared), or UTF-8 under a
	 * single-byte label that cannot be meant (valid multi-byte
	 * sequences and nothing else 8-bit). */
	if ((deflt && bad == 0) || (!deflt && charset_single_byte(charset) && bad == 0 && multi > 0))
		return mail_clean(a, (const char *)s, n, false, len);
	if (!deflt && convert(&sb, charset, s, n))
		return mail_clean(a, sb.data ? sb.data : "", sb.len, false, len);
	/* Mostly UTF-8 with a few broken bytes: those become U+FFFD. */
	if (multi > bad)
		return mail_clean(a, (const char *)s, n, false, len);
	sb_reset(&sb);
	if (convert(&sb, mail_guess_charset(s, n), s, n))
		return mail_clean(a, sb.data ? sb.data : "", sb.len, false, len);
	sb_reset(&sb);
	if (convert(&sb, "iso-8859-2", s, n))
		return mail_clean(a, sb.data ? sb.data : "", sb.len, false, len);
	return mail_clean(a, (const char *)s, n, false, len);
}

void mail_put_cp(strbuf_t *sb, unsigned cp)
{
	char b[4];
	size_t k;
	if (cp < 0x80) {
		b[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		k = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		k = 3;
	} else {
		b[0] = (char)(0xF0 | (cp >> 18));
		b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		k = 4;
	}
	sb_append(sb, b, k);
}

char *mail_clean(arena_t *a, const char *str, size_t n, bool one_line, size_t *len)
{
	const unsigned char *s = (const unsigned char *)str;
	strbuf_t sb;
	sb_init(&sb, a);
	sb_append(&sb, "", 0);
	size_t i = 0;
	if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		i = 3;
	while (i < n) {
		unsigned cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		i += k ? k : 1;
		if (cp == '\r') {
			if (i < n && s[i] == '\n')
				continue;
			cp = '\n';
		}
		if (cp == 0xFEFF && !one_line)
			continue;
		if (one_line && (cp == '\n' || cp == '\t' || cp == 0xFEFF))
			cp = ' ';
		/* Direction overrides, which make "cod.exe" look like "exe.doc". */
		if (one_line && ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)))
			continue;
		if ((cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7F && cp <= 0x9F))
			continue;
		if (one_line && cp == ' ' && (sb.len == 0 || sb.data[sb.len - 1] == ' '))
			continue;
		mail_put_cp(&sb, cp);
	}
	if (one_line)
		while (sb.len > 0 && sb.data[sb.len - 1] == ' ')
			sb.data[--sb.len] = '\0';
	if (len)
		*len = sb.len;
	return sb.data;
}

bool mail_truncate(char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return false;
	size_t k = max;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	s[k] = '\0';
	return true;
}
