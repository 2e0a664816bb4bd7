/* SPDX-License-Identifier: EUPL-1.2 */
/* Outgoing mail as text (server/cases/mailmsg.c): RFC 2047 headers, MIME
 * bodies and attachments, header injection, address checks, the backoff.
 * The messages are read back with a small independent decoder below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <sodium.h>

#include "cases/mailmsg.h"
#include "core/strbuf.h"

static const char *const FROM = "Jawność <jawnosc@localhost>";
static const char *const POLISH =
    "Potwierdzenie wniosku COMON.1431.15.2026 — zażółć gęślą jaźń";

/* --- a decoder written from the RFCs, independent of the encoder ---------- */

static int b64_value(char c)
{
	const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c ? strchr(a, c) : NULL;
	return p ? (int)(p - a) : -1;
}

/* Decodes base64 (CR/LF ignored); fails the test on any other character. */
static char *b64_decode(const char *s, size_t n, size_t *outlen)
{
	char *out = malloc(n + 1);
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '=')
			continue;
		int v = b64_value(s[i]);
		assert_true(v >= 0);
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xFF);
		}
	}
	out[o] = '\0';
	if (outlen)
		*outlen = o;
	return out;
}

/* The header block: everything before the first empty line. */
static size_t header_len(const char *msg)
{
	const char *end = strstr(msg, "\r\n\r\n");
	assert_non_null(end);
	return (size_t)(end - msg) + 2;
}

/* The raw (folded) value of header `name` in the block starting at msg. */
static char *raw_header(const char *msg, const char *name)
{
	size_t hl = header_len(msg), nl = strlen(name);
	for (const char *line = msg; line < msg + hl;) {
		if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
			const char *v = line + nl + 1;
			while (*v == ' ')
				v++;
			const char *end = v;
			while (!(end[0] == '\r' && end[1] == '\n' && end[2] != ' ' && end[2] != '\t'))
				end++;
			return strndup(v, (size_t)(end - v));
		}
		line = strstr(line, "\r\n") + 2;
	}
	return NULL;
}

static bool utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t len = s[i] < 0x80 ? 1 : (s[i] & 0xE0) == 0xC0 ? 2 : (s[i] & 0xF0) == 0xE0 ? 3
		                                : (s[i] & 0xF8) == 0xF0 ? 4 : 0;
		if (!len || i + len > n)
			return false;
		for (size_t k = 1; k < len; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

/* Unfolds and decodes RFC 2047 encoded-words (UTF-8, B only, which is all
 * we write); whitespace between two encoded-words is dropped. Checks that
 * each word is at most 75 characters and holds whole UTF-8 characters. */
static char *decode_header(const char *raw)
{
	strbuf_t out;
	sb_init(&out, NULL);
	sb_puts(&out, "");
	bool prev_word = false;
	for (const char *p = raw; *p;) {
		if (strncmp(p, "=?UTF-8?B?", 10) == 0) {
			const char *end = strstr(p + 10, "?=");
			assert_non_null(end);
			assert_true(end + 2 - p <= 75);
			size_t n;
			char *dec = b64_decode(p + 10, (size_t)(end - p - 10), &n);
			assert_true(utf8_valid((unsigned char *)dec, n));
			sb_append(&out, dec, n);
			free(dec);
			p = end + 2;
			prev_word = true;
			continue;
		}
		size_t ws = strspn(p, " \t\r\n");
		if (ws && prev_word && strncmp(p + ws, "=?", 2) == 0) {
			p += ws;
			continue;
		}
		prev_word = false;
		if (*p == '\r' || *p == '\n') {
			p++;
			continue;
		}
		sb_putc(&out, *p++);
	}
	return out.data;
}

static char *header(const char *msg, const char *name)
{
	char *raw = raw_header(msg, name);
	assert_non_null(raw);
	char *dec = decode_header(raw);
	free(raw);
	return dec;
}

/* Body of a single-part message or part: base64 after the empty line. */
static char *part_body(const char *part, size_t len, size_t *outlen)
{
	const char *start = strstr(part, "\r\n\r\n");
	assert_non_null(start);
	start += 4;
	assert_true(start <= part + len);
	return b64_decode(start, len - (size_t)(start - part), outlen);
}

static void assert_lines_at_most(const char *s, size_t n, size_t max)
{
	for (const char *line = s; line < s + n;) {
		const char *end = strstr(line, "\r\n");
		if (!end)
			end = s + n;
		if ((size_t)(end - line) > max)
			fail_msg("line longer than %zu: %.*s", max, (int)(end - line), line);
		line = end + 2;
	}
}

static void assert_no_bare_lf_or_cr(const char *s)
{
	for (const char *p = s; *p; p++) {
		if (*p == '\n')
			assert_true(p > s && p[-1] == '\r');
		if (*p == '\r')
			assert_true(p[1] == '\n');
	}
}

static char *build(const char *to, const char *subject, const char *body)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[200];
	assert_true(mail_build(&sb, FROM, to, subject, body, NULL, NULL, 0, err, sizeof err));
	return sb.data;
}

/* --- headers ---------------------------------------------------------------- */

static void test_polish_subject_is_encoded_and_decodes_back(void **state)
{
	char *msg = build("jan@example.org", POLISH, "Treść");
	char *raw = raw_header(msg, "Subject");
	assert_non_null(strstr(raw, "=?UTF-8?B?"));
	/* Nothing but ASCII in the header block. */
	for (size_t i = 0; i < header_len(msg); i++)
		assert_true((unsigned char)msg[i] < 0x80);
	char *dec = decode_header(raw);
	assert_string_equal(dec, POLISH);
	assert_lines_at_most(msg, header_len(msg), 78);
	free(dec);
	free(raw);
	free(msg);
}

static void test_polish_subject_first_word_has_known_base64(void **state)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	mail_encode_header(&sb, "zażółć");
	/* base64("zażółć") computed by hand: 7a 61 c5 bc c3 b3 c5 82 c4 87 */
	assert_string_equal(sb.data, "=?UTF-8?B?emHFvMOzxYLEhw==?=");
	sb_free(&sb);
}

static void test_long_subject_splits_into_words_without_breaking_utf8(void **state)
{
	strbuf_t s;
	sb_init(&s, NULL);
	for (int i = 0; i < 40; i++)
		sb_puts(&s, "żółw ");
	sb_puts(&s, "😀 koniec"); /* a four-byte character too */
	strbuf_t enc;
	sb_init(&enc, NULL);
	mail_encode_header(&enc, s.data);
	/* Several words, each checked by decode_header for length and UTF-8. */
	int words = 0;
	for (const char *p = enc.data; (p = strstr(p, "=?UTF-8?B?")); p++)
		words++;
	assert_true(words > 3);
	char *dec = decode_header(enc.data);
	assert_string_equal(dec, s.data);
	assert_no_bare_lf_or_cr(enc.data);
	free(dec);
	sb_free(&enc);
	sb_free(&s);
}

static void test_plain_ascii_subject_is_left_alone(void **state)
{
	char *msg = build("jan@example.org", "Odpowiedz na wniosek 15/2026", "x");
	char *raw = raw_header(msg, "Subject");
	assert_string_equal(raw, "Odpowiedz na wniosek 15/2026");
	free(raw);
	free(msg);
}

static void test_ascii_that_looks_like_an_encoded_word_is_encoded(void **state)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	mail_encode_header(&sb, "=?UTF-8?B?YWJj?=");
	assert_string_not_equal(sb.data, "=?UTF-8?B?YWJj?=");
	char *dec = decode_header(sb.data);
	assert_string_equal(dec, "=?UTF-8?B?YWJj?=");
	free(dec);
	sb_free(&sb);
}

static void test_crlf_in_subject_cannot_add_a_header(void **state)
{
	const char *subjects[] = {"Hello\r\nBcc: victim@example.org", "Hello\nBcc: victim@example.org",
	                          "Hello\rBcc: victim@example.org",
	                          "Zażółć\r\nBcc: victim@example.org"};
	for (size_t i = 0; i < sizeof subjects / sizeof subjects[0]; i++) {
		char *msg = build("jan@example.org", subjects[i], "x");
		assert_null(raw_header(msg, "Bcc"));
		assert_null(strstr(msg, "\nBcc"));
		assert_no_bare_lf_or_cr(msg);
		char *subj = header(msg, "Subject");
		assert_null(strpbrk(subj, "\r\n"));
		assert_non_null(strstr(subj, " Bcc: victim@example.org"));
		free(subj);
		free(msg);
	}
}

static void test_control_characters_in_subject_become_spaces(void **state)
{
	char *msg = build("jan@example.org", "a\tb\x01" "c\x7f" "d", "x");
	char *subj = header(msg, "Subject");
	assert_string_equal(subj, "a b c d");
	free(subj);
	free(msg);
}

static void test_from_with_polish_display_name_is_encoded(void **state)
{
	char *msg = build("jan@example.org", "x", "x");
	char *raw = raw_header(msg, "From");
	assert_non_null(strstr(raw, "=?UTF-8?B?"));
	assert_non_null(strstr(raw, " <jawnosc@localhost>"));
	char *dec = decode_header(raw);
	assert_string_equal(dec, "Jawność <jawnosc@localhost>");
	free(dec);
	free(raw);
	free(msg);
}

static void test_ascii_display_name_is_quoted(void **state)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[100];
	assert_true(mail_build(&sb, "Urzad \"Gminy\", Sekretariat <bip@gmina.pl>", "jan@example.org",
	                       "x", "x", NULL, NULL, 0, err, sizeof err));
	char *raw = raw_header(sb.data, "From");
	assert_string_equal(raw, "\"Urzad \\\"Gminy\\\", Sekretariat\" <bip@gmina.pl>");
	free(raw);
	sb_free(&sb);
}

static void test_required_headers_are_present_and_ids_unique(void **state)
{
	char *a = build("jan@example.org", "x", "x");
	char *b = build("jan@example.org", "x", "x");
	const char *names[] = {"Date", "From", "To", "Subject", "Message-ID", "MIME-Version",
	                       "Content-Type", "Content-Transfer-Encoding"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char *v = raw_header(a, names[i]);
		assert_non_null(v);
		free(v);
	}
	char *to = raw_header(a, "To"), *mv = raw_header(a, "MIME-Version");
	char *ct = raw_header(a, "Content-Type"), *te = raw_header(a, "Content-Transfer-Encoding");
	char *ida = raw_header(a, "Message-ID"), *idb = raw_header(b, "Message-ID");
	char *date = raw_header(a, "Date");
	assert_string_equal(to, "jan@example.org");
	assert_string_equal(mv, "1.0");
	assert_string_equal(ct, "text/plain; charset=utf-8");
	assert_string_equal(te, "base64");
	assert_true(ida[0] == '<' && strstr(ida, "@jawnosc>"));
	assert_string_not_equal(ida, idb);
	/* "Thu, 26 Nov 2026 02:49:03 +0000" */
	assert_int_equal(strlen(date), 31);
	assert_int_equal(date[3], ',');
	assert_string_equal(date + 25, " +0000");
	assert_no_bare_lf_or_cr(a);
	free(to), free(mv), free(ct), free(te), free(ida), free(idb), free(date);
	free(a);
	free(b);
}

/* --- addresses -------------------------------------------------------------- */

static void test_recipient_with_crlf_is_rejected(void **state)
{
	const char *bad[] = {"jan@example.org\r\nBcc: victim@example.org", "jan@example.org\n",
	                     "jan@example.org\rX"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		strbuf_t sb;
		sb_init(&sb, NULL);
		char err[200] = "";
		assert_false(mail_build(&sb, FROM, bad[i], "x", "x", NULL, NULL, 0, err, sizeof err));
		assert_int_equal(sb.len, 0);
		assert_string_equal(err, "invalid recipient address: contains CR or LF");
		sb_free(&sb);
	}
}

static void test_recipient_that_is_not_an_address_is_rejected(void **state)
{
	const char *bad[] = {"",          "jan",          "jan@",         "@example.org",
	                     "a b@c.pl",  "<jan@c.pl>",   "jan@c.pl>",    "a@b@c.pl",
	                     "jan@c..pl", "jan@.c.pl",    "jan@c.pl.",    "jan@c.pl, x@y.pl",
	                     "jan\t@c.pl", "jan;x@c.pl",  "żółw@c.pl",    "\"a\"@c.pl"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char err[100] = "";
		if (mail_address_valid(bad[i], err, sizeof err))
			fail_msg("accepted '%s'", bad[i]);
		assert_string_equal(err, "is not an e-mail address");
	}
	const char *good[] = {"jan@example.org", "jan.kowalski+bip@urzad.gov.pl", "a@localhost",
	                      "o'brien@x.ie"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char err[100];
		if (!mail_address_valid(good[i], err, sizeof err))
			fail_msg("refused '%s': %s", good[i], err);
	}
}

static void test_sender_is_split_into_name_and_address(void **state)
{
	char name[64], addr[64];
	assert_true(mail_split_from("Jawność <jawnosc@localhost>", name, sizeof name, addr,
	                            sizeof addr));
	assert_string_equal(name, "Jawność");
	assert_string_equal(addr, "jawnosc@localhost");
	assert_true(mail_split_from("  bip@gmina.pl ", name, sizeof name, addr, sizeof addr));
	assert_string_equal(name, "");
	assert_string_equal(addr, "bip@gmina.pl");
	assert_true(mail_split_from("\"Gmina, \\\"X\\\"\" <bip@gmina.pl>", name, sizeof name, addr,
	                            sizeof addr));
	assert_string_equal(name, "Gmina, \"X\"");
	assert_false(mail_split_from("Gmina <bip@gmina.pl", name, sizeof name, addr, sizeof addr));
	assert_false(mail_split_from("Gmina bip@gmina.pl>", name, sizeof name, addr, sizeof addr));
	assert_false(mail_split_from("<bip@gmina.pl> trailing", name, sizeof name, addr, sizeof addr));

	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[100];
	assert_false(mail_build(&sb, "Nobody <nobody>", "jan@example.org", "x", "x", NULL, NULL, 0,
	                        err, sizeof err));
	assert_string_equal(err, "invalid sender address: is not an e-mail address");
	sb_free(&sb);
}

/* --- bodies ----------------------------------------------------------------- */

static void test_body_is_base64_in_short_lines_and_decodes_exactly(void **state)
{
	strbuf_t body;
	sb_init(&body, NULL);
	sb_puts(&body, "Szanowny Panie,\n\npotwierdzamy wpływ wniosku. Znak sprawy: "
	               "COMON.1431.15.2026.\r\n");
	for (int i = 0; i < 50; i++)
		sb_puts(&body, "Zażółć gęślą jaźń. ");
	sb_puts(&body, "\n-- \nUrząd\n");
	char *msg = build("jan@example.org", "x", body.data);
	size_t hl = header_len(msg);
	/* Only base64 and CRLF after the headers, in lines of at most 76. */
	const char *b = msg + hl + 2;
	assert_int_equal(strspn(b, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n"),
	                 strlen(b));
	assert_lines_at_most(b, strlen(b), 76);
	size_t n;
	char *dec = part_body(msg, strlen(msg), &n);
	assert_int_equal(n, body.len);
	assert_memory_equal(dec, body.data, n);
	free(dec);
	free(msg);
	sb_free(&body);
}

static void test_empty_body_is_a_valid_message(void **state)
{
	char *msg = build("jan@example.org", "x", "");
	size_t n = 1;
	char *dec = part_body(msg, strlen(msg), &n);
	assert_int_equal(n, 0);
	free(dec);
	free(msg);
}

/* Splits a multipart message into its parts (pointers into msg). */
static int mime_parts(const char *msg, const char **parts, size_t *lens, int max)
{
	char *ct = raw_header(msg, "Content-Type");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "multipart/mixed"));
	const char *bq = strstr(ct, "boundary=\"");
	assert_non_null(bq);
	char delim[128];
	snprintf(delim, sizeof delim, "\r\n--%.*s", (int)strcspn(bq + 10, "\""), bq + 10);
	free(ct);
	int n = 0;
	const char *p = strstr(msg, delim);
	while (p && n < max) {
		p += strlen(delim);
		if (strncmp(p, "--", 2) == 0)
			return n; /* the close delimiter */
		assert_true(strncmp(p, "\r\n", 2) == 0);
		p += 2;
		const char *next = strstr(p, delim);
		assert_non_null(next);
		parts[n] = p;
		lens[n++] = (size_t)(next - p);
		p = next;
	}
	fail_msg("no close delimiter");
	return -1;
}

static void test_attachment_makes_multipart_mixed_with_the_pdf(void **state)
{
	unsigned char pdf[3000];
	for (size_t i = 0; i < sizeof pdf; i++)
		pdf[i] = (unsigned char)(i * 7 + (i >> 8));
	memcpy(pdf, "%PDF-1.7\n", 9);
	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[100];
	const char *body = "W załączeniu odpowiedź.\n";
	assert_true(mail_build(&sb, FROM, "jan@example.org", POLISH, body,
	                       "Odpowiedź na wniosek COMON.1431.15.2026.pdf", pdf, sizeof pdf, err,
	                       sizeof err));
	assert_no_bare_lf_or_cr(sb.data);
	char *te = raw_header(sb.data, "Content-Transfer-Encoding");
	assert_null(te); /* only on the parts */
	const char *parts[4];
	size_t lens[4];
	assert_int_equal(mime_parts(sb.data, parts, lens, 4), 2);

	char *ct0 = raw_header(parts[0], "Content-Type");
	assert_string_equal(ct0, "text/plain; charset=utf-8");
	size_t n;
	char *text = part_body(parts[0], lens[0], &n);
	assert_string_equal(text, body);

	char *ct1 = raw_header(parts[1], "Content-Type");
	assert_non_null(strstr(ct1, "application/pdf"));
	char *cd = raw_header(parts[1], "Content-Disposition");
	assert_true(strncmp(cd, "attachment", 10) == 0);
	/* RFC 2231: the continuations, concatenated and unescaped, give the name. */
	strbuf_t fname;
	sb_init(&fname, NULL);
	sb_puts(&fname, "");
	for (int k = 0;; k++) {
		char key[32];
		snprintf(key, sizeof key, "filename*%d*=", k);
		const char *v = strstr(cd, key);
		if (!v)
			break;
		v += strlen(key);
		if (k == 0) {
			assert_true(strncmp(v, "UTF-8''", 7) == 0);
			v += 7;
		}
		for (; *v && *v != ';' && *v != '\r'; v++) {
			if (*v == '%') {
				char hex[3] = {v[1], v[2], 0};
				sb_putc(&fname, (char)strtol(hex, NULL, 16));
				v += 2;
			} else {
				sb_putc(&fname, *v);
			}
		}
	}
	assert_string_equal(fname.data, "Odpowiedź na wniosek COMON.1431.15.2026.pdf");
	char *name_param = decode_header(strstr(ct1, "name=\"") + 6);
	assert_non_null(strstr(name_param, "Odpowiedź na wniosek"));
	char *data = part_body(parts[1], lens[1], &n);
	assert_int_equal(n, sizeof pdf);
	assert_memory_equal(data, pdf, sizeof pdf);
	assert_lines_at_most(parts[1], lens[1], 78);

	free(name_param);
	free(data);
	sb_free(&fname);
	free(cd);
	free(ct1);
	free(text);
	free(ct0);
	sb_free(&sb);
}

static void test_ascii_attachment_name_is_a_quoted_string(void **state)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[100];
	const unsigned char pdf[] = "%PDF-1.4";
	assert_true(mail_build(&sb, FROM, "jan@example.org", "x", "x", "a \"b\"\r\n/c.pdf", pdf,
	                       sizeof pdf - 1, err, sizeof err));
	const char *parts[4];
	size_t lens[4];
	assert_int_equal(mime_parts(sb.data, parts, lens, 4), 2);
	char *cd = raw_header(parts[1], "Content-Disposition");
	assert_string_equal(cd, "attachment; filename=\"a \\\"b\\\"___c.pdf\"");
	free(cd);
	sb_free(&sb);
}

static void test_long_polish_attachment_name_folds_and_keeps_whole_characters(void **state)
{
	strbuf_t name;
	sb_init(&name, NULL);
	for (int i = 0; i < 200; i++)
		sb_puts(&name, "ż");
	strbuf_t sb;
	sb_init(&sb, NULL);
	char err[100];
	const unsigned char pdf[] = "%PDF-1.4";
	assert_true(mail_build(&sb, FROM, "jan@example.org", "x", "x", name.data, pdf,
	                       sizeof pdf - 1, err, sizeof err));
	const char *parts[4];
	size_t lens[4];
	assert_int_equal(mime_parts(sb.data, parts, lens, 4), 2);
	assert_lines_at_most(parts[1], lens[1], 78);
	char *cd = raw_header(parts[1], "Content-Disposition");
	/* 255 bytes at most: 127 whole "ż", no half character at the end. */
	int count = 0;
	for (const char *p = cd; (p = strstr(p, "%C5%BC")); p += 6)
		count++;
	assert_int_equal(count, 127);
	assert_null(strstr(cd, "%C5;"));
	free(cd);
	sb_free(&sb);
	sb_free(&name);
}

/* --- backoff ---------------------------------------------------------------- */

static void test_backoff_doubles_and_caps_at_an_hour(void **state)
{
	assert_int_equal(mail_backoff_seconds(1, 60), 60);
	assert_int_equal(mail_backoff_seconds(2, 60), 120);
	assert_int_equal(mail_backoff_seconds(3, 60), 240);
	assert_int_equal(mail_backoff_seconds(6, 60), 1920);
	assert_int_equal(mail_backoff_seconds(7, 60), 3600);
	assert_int_equal(mail_backoff_seconds(12, 60), 3600);
	assert_int_equal(mail_backoff_seconds(1, 1), 1);
	assert_int_equal(mail_backoff_seconds(4, 1), 8);
	assert_int_equal(mail_backoff_seconds(1000000, 1), 3600); /* no overflow */
	assert_int_equal(mail_backoff_seconds(1, 86400), 3600);
	assert_int_equal(mail_backoff_seconds(0, 60), 60);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_polish_subject_is_encoded_and_decodes_back),
	    cmocka_unit_test(test_polish_subject_first_word_has_known_base64),
	    cmocka_unit_test(test_long_subject_splits_into_words_without_breaking_utf8),
	    cmocka_unit_test(test_plain_ascii_subject_is_left_alone),
	    cmocka_unit_test(test_ascii_that_looks_like_an_encoded_word_is_encoded),
	    cmocka_unit_test(test_crlf_in_subject_cannot_add_a_header),
	    cmocka_unit_test(test_control_characters_in_subject_become_spaces),
	    cmocka_unit_test(test_from_with_polish_display_name_is_encoded),
	    cmocka_unit_test(test_ascii_display_name_is_quoted),
	    cmocka_unit_test(test_required_headers_are_present_and_ids_unique),
	    cmocka_unit_test(test_recipient_with_crlf_is_rejected),
	    cmocka_unit_test(test_recipient_that_is_not_an_address_is_rejected),
	    cmocka_unit_test(test_sender_is_split_into_name_and_address),
	    cmocka_unit_test(test_body_is_base64_in_short_lines_and_decodes_exactly),
	    cmocka_unit_test(test_empty_body_is_a_valid_message),
	    cmocka_unit_test(test_attachment_makes_multipart_mixed_with_the_pdf),
	    cmocka_unit_test(test_ascii_attachment_name_is_a_quoted_string),
	    cmocka_unit_test(test_long_polish_attachment_name_folds_and_keeps_whole_characters),
	    cmocka_unit_test(test_backoff_doubles_and_caps_at_an_hour),
	};
	return cmocka_run_group_tests_name("mailmsg", tests, NULL, NULL);
}
