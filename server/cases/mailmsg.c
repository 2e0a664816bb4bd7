/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/mailmsg.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cases/mailref.h"
#include "core/clock.h"

/* RFC 2047 §2: an encoded-word is at most 75 characters. "=?UTF-8?B?" and
 * "?=" take 12; 42 bytes of text give 56 base64 characters, so a word is at
 * most 68 and "Subject: " plus one word still fits the 78 of RFC 5322 §2.1.1. */
#define WORD_BYTES 42
/* RFC 2045 §6.8: base64 lines of at most 76 characters. */
#define B64_LINE 76
/* RFC 5322 §2.1.1 allows 998; we copy plain ASCII up to this length and
 * encode longer text, which then folds into short lines. */
#define PLAIN_HEADER_MAX 900

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void mail_base64(strbuf_t *out, const unsigned char *data, size_t n, size_t line_len)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)data[i + 1] << 8;
		if (i + 2 < n)
			v |= data[i + 2];
		char q[4] = {b64_alphabet[(v >> 18) & 63], b64_alphabet[(v >> 12) & 63],
		             i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=',
		             i + 2 < n ? b64_alphabet[v & 63] : '='};
		if (line_len && col + 4 > line_len) {
			sb_append(out, "\r\n", 2);
			col = 0;
		}
		sb_append(out, q, 4);
		col += 4;
	}
	if (line_len && n)
		sb_append(out, "\r\n", 2);
}

/* Length of the UTF-8 character at s (at most `avail` bytes); a byte that
 * does not start a well-formed character counts as one, so we always move. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] <= 0xDF ? 2
	                       : s[0] >= 0xE0 && s[0] <= 0xEF   ? 3
	                       : s[0] >= 0xF0 && s[0] <= 0xF4   ? 4
	                                                        : 1;
	if (n > avail)
		return 1;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 1;
	return n;
}

static bool plain_ascii(const char *s, size_t n)
{
	if (n > PLAIN_HEADER_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch > 0x7E)
			return false;
		/* Text that looks like an encoded-word would be decoded by readers. */
		if (ch == '=' && i + 1 < n && s[i + 1] == '?')
			return false;
	}
	return true;
}

/* Encoded-words for s[0..n), separated by CRLF SP (RFC 2047 §2: whitespace
 * between adjacent encoded-words is not displayed). */
static void encode_words(strbuf_t *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	bool first = true;
	do {
		size_t take = 0;
		while (i + take < n) {
			size_t cl = utf8_len(u + i + take, n - i - take);
			if (take + cl > WORD_BYTES)
				break;
			take += cl;
		}
		if (!first)
			sb_append(out, "\r\n ", 3);
		sb_puts(out, "=?UTF-8?B?");
		mail_base64(out, u + i, take, 0);
		sb_puts(out, "?=");
		i += take;
		first = false;
	} while (i < n);
}

void mail_encode_header(strbuf_t *out, const char *utf8)
{
	size_t n = strlen(utf8);
	if (plain_ascii(utf8, n))
		sb_append(out, utf8, n);
	else
		encode_words(out, utf8, n);
}

/* RFC 5322 §3.2.3 specials, plus space and controls: not allowed raw in
 * the addresses we send to. */
static bool address_char_ok(unsigned char ch)
{
	return ch > 0x20 && ch < 0x7F && !strchr("<>()[],;:\\\"", ch);
}

bool mail_address_valid(const char *addr, char *err, size_t errlen)
{
	if (strpbrk(addr, "\r\n")) {
		snprintf(err, errlen, "contains CR or LF");
		return false;
	}
	size_t n = strlen(addr);
	const char *at = strchr(addr, '@');
	bool ok = n > 0 && n <= MAIL_ADDRESS_MAX && at && at != addr && at[1] &&
	          !strchr(at + 1, '@');
	for (size_t i = 0; ok && i < n; i++)
		ok = address_char_ok((unsigned char)addr[i]);
	/* The domain: labels separated by single dots, none empty. */
	for (const char *p = ok ? at + 1 : NULL; p && *p; p++)
		if (*p == '.' && (p == at + 1 || p[1] == '.' || p[1] == '\0'))
			ok = false;
	if (!ok) {
		snprintf(err, errlen, "is not an e-mail address");
		return false;
	}
	return true;
}

static bool copy_trimmed(char *dst, size_t dstlen, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= dstlen)
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

bool mail_split_from(const char *from, char *name, size_t namelen, char *addr, size_t addrlen)
{
	const char *lt = strrchr(from, '<');
	if (!lt) {
		if (strchr(from, '>') || namelen == 0)
			return false;
		name[0] = '\0';
		return copy_trimmed(addr, addrlen, from, strlen(from));
	}
	const char *gt = strchr(lt, '>');
	if (!gt || gt[1 + strspn(gt + 1, " \t")] != '\0')
		return false;
	if (!copy_trimmed(addr, addrlen, lt + 1, (size_t)(gt - lt - 1)))
		return false;
	if (!copy_trimmed(name, namelen, from, (size_t)(lt - from)))
		return false;
	/* "Quoted, Name": drop the quotes and their backslash escapes. */
	size_t len = strlen(name);
	if (len >= 2 && name[0] == '"' && name[len - 1] == '"') {
		size_t o = 0;
		for (size_t i = 1; i + 1 < len; i++) {
			if (name[i] == '\\' && i + 2 < len)
				i++;
			name[o++] = name[i];
		}
		name[o] = '\0';
	}
	return true;
}

/* A display name: a quoted-string when ASCII, encoded-words otherwise. */
static void put_display_name(strbuf_t *out, const char *name)
{
	size_t n = strlen(name);
	if (!plain_ascii(name, n)) {
		encode_words(out, name, n);
		return;
	}
	sb_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		if (name[i] == '"' || name[i] == '\\')
			sb_putc(out, '\\');
		sb_putc(out, name[i]);
	}
	sb_putc(out, '"');
}

void mail_put_date(strbuf_t *out, time_t now)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	gmtime_r(&now, &tm);
	sb_printf(out, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
	          tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	          tm.tm_sec);
}

static void random_hex(char *out, size_t bytes)
{
	unsigned char r[32];
	if (bytes > sizeof r)
		bytes = sizeof r;
	randombytes_buf(r, bytes);
	sodium_bin2hex(out, bytes * 2 + 1, r, bytes);
}

/* The subject with every CR and LF (and other control character) turned
 * into a space, so no input can start a header of its own. */
static void put_subject(strbuf_t *out, const char *subject)
{
	strbuf_t clean;
	sb_init(&clean, NULL);
	sb_puts(&clean, "");
	for (const char *p = subject; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '\r' || ch == '\n') {
			if (clean.len && clean.data[clean.len - 1] != ' ')
				sb_putc(&clean, ' ');
		} else {
			sb_putc(&clean, ch < 0x20 || ch == 0x7F ? ' ' : (char)ch);
		}
	}
	sb_puts(out, "Subject: ");
	mail_encode_header(out, clean.data);
	sb_puts(out, "\r\n");
	sb_free(&clean);
}

static void put_text_part(strbuf_t *out, const char *body)
{
	sb_puts(out, "Content-Type: text/plain; charset=utf-8\r\n"
	             "Content-Transfer-Encoding: base64\r\n\r\n");
	mail_base64(out, (const unsigned char *)body, strlen(body), B64_LINE);
}

/* RFC 2231 attribute-char: what may stand unescaped in filename*=. */
static bool attr_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       (ch && strchr("!#$&+-.^_`|~", ch));
}

/* Content-Type and Content-Disposition of the attachment. An ASCII name is
 * a quoted-string; another gets RFC 2231 filename* (in continuations of
 * short lines, never cutting a %XX) and, for older readers, an RFC 2047
 * name= on the Content-Type as most mail programs write it. */
static void put_attachment_headers(strbuf_t *out, const char *raw_name, const char *type)
{
	char name[256];
	size_t n = 0;
	const unsigned char *src =
	    (const unsigned char *)(raw_name && *raw_name ? raw_name : "dokument.pdf");
	size_t srclen = strlen((const char *)src);
	/* Whole UTF-8 characters only, so a long name is never cut inside one. */
	for (size_t j = 0, cl; j < srclen && n + (cl = utf8_len(src + j, srclen - j)) < sizeof name;
	     j += cl) {
		for (size_t i = 0; i < cl; i++) {
			unsigned char ch = src[j + i];
			bool bad = ch < 0x20 || ch == 0x7F || ch == '/' || ch == '\\';
			name[n++] = bad ? '_' : (char)ch;
		}
	}
	name[n] = '\0';
	if (plain_ascii(name, n)) {
		strbuf_t q;
		sb_init(&q, NULL);
		sb_putc(&q, '"');
		for (size_t i = 0; i < n; i++) {
			if (name[i] == '"' || name[i] == '\\')
				sb_putc(&q, '\\');
			sb_putc(&q, name[i]);
		}
		sb_putc(&q, '"');
		sb_printf(out, "Content-Type: %s; name=%s\r\n", type, q.data);
		sb_printf(out, "Content-Disposition: attachment; filename=%s\r\n", q.data);
		sb_free(&q);
		return;
	}
	sb_printf(out, "Content-Type: %s;\r\n name=\"", type);
	encode_words(out, name, n);
	sb_puts(out, "\"\r\nContent-Disposition: attachment");
	strbuf_t pct;
	sb_init(&pct, NULL);
	sb_puts(&pct, "");
	int part = 0;
	/* Continuations of at most ~45 characters keep the lines under 78;
	 * they break between whole UTF-8 characters, for the readers that decode
	 * each piece on its own. */
	for (size_t i = 0, cl;; i += cl) {
		if (i == n || pct.len >= 45) {
			sb_printf(out, ";\r\n filename*%d*=%s%s", part, part == 0 ? "UTF-8''" : "",
			          pct.data);
			sb_reset(&pct);
			sb_puts(&pct, "");
			part++;
			if (i == n)
				break;
		}
		cl = utf8_len((const unsigned char *)name + i, n - i);
		for (size_t k = i; k < i + cl; k++) {
			unsigned char ch = (unsigned char)name[k];
			if (attr_char(ch))
				sb_putc(&pct, (char)ch);
			else
				sb_printf(&pct, "%%%02X", ch);
		}
	}
	sb_free(&pct);
	sb_puts(out, "\r\n");
}

/* A media type we put in a header: a token "type/subtype" of our own table
 * (core/sniff.h), else bytes. */
static const char *part_type(const char *type)
{
	if (!type)
		return "application/pdf";
	for (const char *p = type; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("/.+-", *p)))
			return "application/octet-stream";
	return *type ? type : "application/octet-stream";
}

bool mail_build(strbuf_t *out, const char *from, const char *to, const char *subject,
                const char *body, const char *attachment_name, const unsigned char *att,
                size_t att_len, char *err, size_t errlen)
{
	struct mail_attachment one = {attachment_name, "application/pdf", att, att_len};
	return mail_build_thread(out, from, to, subject, body, NULL, att ? &one : NULL, att ? 1 : 0,
	                         err, errlen);
}

bool mail_build_parts(strbuf_t *out, const char *from, const char *to, const char *subject,
                      const char *body, const struct mail_attachment *att, size_t natt,
                      char *err, size_t errlen)
{
	return mail_build_thread(out, from, to, subject, body, NULL, att, natt, err, errlen);
}

/* Reply-To, In-Reply-To, References of the thread; anything unsafe is
 * left out (it came from outside, or from settings). */
static void put_thread(strbuf_t *out, const struct mail_thread *t)
{
	char why[64];
	if (t->reply_to && *t->reply_to && mail_address_valid(t->reply_to, why, sizeof why))
		sb_printf(out, "Reply-To: %s\r\n", t->reply_to);
	if (t->in_reply_to && mailref_id_safe(t->in_reply_to))
		sb_printf(out, "In-Reply-To: <%s>\r\n", t->in_reply_to);
	bool any = false;
	for (size_t i = 0; i < t->nrefs; i++) {
		if (!mailref_id_safe(t->refs[i]))
			continue;
		sb_printf(out, "%s<%s>", any ? "\r\n " : "References: ", t->refs[i]);
		any = true;
	}
	if (any)
		sb_puts(out, "\r\n");
}

bool mail_build_thread(strbuf_t *out, const char *from, const char *to, const char *subject,
                       const char *body, const struct mail_thread *thread,
                       const struct mail_attachment *att, size_t natt, char *err,
                       size_t errlen)
{
	char why[64], name[256], addr[MAIL_ADDRESS_MAX + 2];
	if (!mail_address_valid(to, why, sizeof why)) {
		snprintf(err, errlen, "invalid recipient address: %s", why);
		return false;
	}
	if (!mail_split_from(from, name, sizeof name, addr, sizeof addr)) {
		snprintf(err, errlen, "invalid sender: cannot read \"Name <address>\"");
		return false;
	}
	if (!mail_address_valid(addr, why, sizeof why)) {
		snprintf(err, errlen, "invalid sender address: %s", why);
		return false;
	}
	if (thread && thread->message_id && *thread->message_id &&
	    !mailref_id_safe(thread->message_id)) {
		snprintf(err, errlen, "invalid Message-ID");
		return false;
	}
	mail_put_date(out, (time_t)clock_now());
	sb_puts(out, "From: ");
	if (name[0]) {
		put_display_name(out, name);
		sb_printf(out, " <%s>\r\n", addr);
	} else {
		sb_printf(out, "%s\r\n", addr);
	}
	sb_printf(out, "To: %s\r\n", to);
	put_subject(out, subject);
	char id[33];
	if (thread && thread->message_id && *thread->message_id) {
		sb_printf(out, "Message-ID: <%s>\r\n", thread->message_id);
	} else {
		random_hex(id, 16);
		sb_printf(out, "Message-ID: <%s@jawnosc>\r\n", id);
	}
	if (thread)
		put_thread(out, thread);
	/* RFC 3834: keeps auto-responders from answering a machine. */
	sb_puts(out, "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n");
	if (!natt) {
		put_text_part(out, body);
		return true;
	}
	/* "=_" cannot occur in base64, so the boundary never meets the data. */
	char boundary[48];
	random_hex(id, 12);
	snprintf(boundary, sizeof boundary, "=_jawnosc_%s", id);
	sb_printf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", boundary);
	sb_printf(out, "This is a MIME message.\r\n--%s\r\n", boundary);
	put_text_part(out, body);
	for (size_t i = 0; i < natt; i++) {
		sb_printf(out, "--%s\r\n", boundary);
		put_attachment_headers(out, att[i].name, part_type(att[i].content_type));
		sb_puts(out, "Content-Transfer-Encoding: base64\r\n\r\n");
		mail_base64(out, att[i].data, att[i].len, B64_LINE);
	}
	sb_printf(out, "--%s--\r\n", boundary);
	return true;
}

long mail_backoff_seconds(int attempts, long base)
{
	if (base < 1)
		base = 1;
	long s = base < MAIL_BACKOFF_MAX ? base : MAIL_BACKOFF_MAX;
	for (int i = 1; i < attempts && s < MAIL_BACKOFF_MAX; i++)
		s *= 2;
	return s < MAIL_BACKOFF_MAX ? s : MAIL_BACKOFF_MAX;
}
